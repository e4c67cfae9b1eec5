/**
 * The policy pack config of `aws-root-mfa check --config FILE`: the same JSON as
 * `pulumi preview --policy-pack-config`, resolved the way the Pulumi CLI resolves it
 * (pkg/resource/analyzer/config.go): each policy starts from its own enforcement level and the
 * defaults of its config schema, an "all" level applies to every policy, then each policy's entry
 * merges in, and the result must satisfy the policy's config schema.
 */
import { readFileSync } from "node:fs";
import type { EnforcementLevel, Policy } from "@pulumi/policy";
import { ConfigError, readCommonConfig } from "../config";
import { CliError } from "./args";

/** One policy's resolved config. */
export interface ResolvedPolicyConfig {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

/** Reads and resolves `file` (or, without one, the defaults) for these policies; throws CliError naming every problem. */
export function resolvePolicyConfig(policies: readonly Policy[], file: string | undefined): Map<string, ResolvedPolicyConfig> {
    const given = file === undefined ? {} : parseConfigFile(file);
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
function parseConfigFile(file: string): Record<string, { enforcementLevel?: EnforcementLevel; properties?: Record<string, unknown> }> {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (e) {
        throw new CliError(`--config ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
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

/**
 * Every problem of every policy's resolved properties: the pack's own config reader (the rules the
 * schema states, every bad property named) and properties the schema does not declare.
 */
function validate(policies: readonly Policy[], resolved: ReadonlyMap<string, ResolvedPolicyConfig>): string[] {
    const problems: string[] = [];
    for (const policy of policies) {
        const properties = resolved.get(policy.name)?.properties ?? {};
        const declared = Object.keys(policy.configSchema?.properties ?? {});
        for (const key of Object.keys(properties)) {
            if (!declared.includes(key)) {
                problems.push(`${policy.name}.${key}: is not a property of this policy`);
            }
        }
        try {
            readCommonConfig(properties);
        } catch (e) {
            if (!(e instanceof ConfigError)) {
                throw e;
            }
            problems.push(...e.message.split("; ").map((m) => `${policy.name}: ${m}`));
        }
    }
    return problems;
}
