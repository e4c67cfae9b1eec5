/**
 * The policy pack config of `aws-root-mfa check --config FILE`: the same JSON as
 * `pulumi preview --policy-pack-config`, accepted and rejected as the Pulumi CLI accepts and
 * rejects it (pkg/resource/analyzer/config.go): each policy starts from its own enforcement level
 * and the defaults of its config schema, an "all" level applies to every policy, then each
 * policy's entry merges in, and the result must satisfy the policy's config schema (JSON Schema,
 * validated by jsonschema as the CLI validates it with gojsonschema). Properties the schema does not
 * declare pass, as there; values the schema allows but the pack cannot use fail closed in the run,
 * as there.
 */
import type { EnforcementLevel, Policy } from "@pulumi/policy";
import { CliError } from "./args";
import { CONFIG_LIMIT, readInput } from "./input";

/** One policy's resolved config. */
export interface ResolvedPolicyConfig {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

/** Reads and resolves `file` (or, without one, the defaults) for these policies; throws CliError naming every problem. */
export async function resolvePolicyConfig(policies: readonly Policy[], file: string | undefined): Promise<Map<string, ResolvedPolicyConfig>> {
    const given = file === undefined ? {} : parseConfigFile(file, await readInput(file, "--config", CONFIG_LIMIT, "give the JSON file `pulumi preview --policy-pack-config` takes"));
    const resolved = new Map<string, ResolvedPolicyConfig>();
    const all = given.all?.enforcementLevel;
    for (const policy of policies) {
        const defaults: Record<string, unknown> = {};
        for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (schema !== null && typeof schema === "object" && "default" in schema) {
                defaults[key] = structuredClone((schema as { default: unknown }).default);
            }
        }
        const own = given[policy.name];
        resolved.set(policy.name, {
            enforcementLevel: own?.enforcementLevel ?? all ?? policy.enforcementLevel ?? "advisory",
            properties: { ...defaults, ...own?.properties },
        });
    }
    const problems = validate(policies, resolved);
    if (problems.length > 0) {
        throw new CliError(`--config ${file ?? "(defaults)"} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    return resolved;
}

/** Parses a `--policy-pack-config` file: policy name → enforcement level (a string) or an object. */
function parseConfigFile(file: string, text: string): Record<string, { enforcementLevel?: EnforcementLevel; properties?: Record<string, unknown> }> {
    if (text.trim() === "") {
        return {};
    }
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (e) {
        throw new CliError(`--config ${file} is not valid JSON (${e instanceof Error ? e.message : "parse error"})`);
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        throw new CliError(`--config ${file} must be a JSON object: {"<policy name>": {"enforcementLevel": "mandatory", ...}}`);
    }
    const out: Record<string, { enforcementLevel?: EnforcementLevel; properties?: Record<string, unknown> }> = {};
    const problems: string[] = [];
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
        if (name === "environments") {
            problems.push(`"environments": ESC environments are opened by the Pulumi CLI; \`aws-root-mfa check\` cannot open them, so set their values in the file`);
        } else if (typeof value === "string") {
            if (LEVELS.includes(value)) {
                out[name] = { enforcementLevel: value as EnforcementLevel };
            } else {
                problems.push(`${name}: "${value}" is not an enforcement level (${LEVELS.join(", ")})`);
            }
        } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            if (enforcementLevel !== undefined && (typeof enforcementLevel !== "string" || !LEVELS.includes(enforcementLevel))) {
                problems.push(`${name}.enforcementLevel: ${JSON.stringify(enforcementLevel)} is not an enforcement level (${LEVELS.join(", ")})`);
            }
            out[name] = { enforcementLevel: enforcementLevel as EnforcementLevel | undefined, properties };
        } else {
            problems.push(`${name}: must be an enforcement level or an object`);
        }
    }
    if (problems.length > 0) {
        throw new CliError(`--config ${file} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    return out;
}

/** Every problem of every policy's resolved properties, as the Pulumi CLI words them: "<policy>: <property>: <problem>". */
function validate(policies: readonly Policy[], resolved: ReadonlyMap<string, ResolvedPolicyConfig>): string[] {
    // Loaded here only: `aws-root-mfa check --config` needs it, a Pulumi run never does.
    const { Validator } = require("jsonschema") as typeof import("jsonschema");
    const validator = new Validator();
    const problems: string[] = [];
    for (const policy of policies) {
        if (!policy.configSchema) {
            continue;
        }
        // The schema as the CLI builds it from the policy's: an object with its properties.
        const schema = { type: "object", properties: policy.configSchema.properties ?? {}, ...(policy.configSchema.required ? { required: policy.configSchema.required } : {}) };
        for (const e of validator.validate(resolved.get(policy.name)?.properties ?? {}, schema as import("jsonschema").Schema).errors) {
            const where = e.path.map(String).join(".");
            problems.push(`${policy.name}: ${where ? `${where}: ` : ""}${e.message}`);
        }
    }
    return problems;
}
