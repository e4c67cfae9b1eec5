/**
 * The providers `aws-root-mfa check` checks, shaped as @pulumi/policy hands provider resources to
 * a stack policy (type `pulumi:providers:aws`, inputs as pulumi-aws sends them, complex inputs as
 * JSON text): one for the ambient credentials, one per `--profile`, one per `--role-arn`, or the
 * AWS providers recorded in a `pulumi stack export`.
 */
import type { PolicyResource } from "@pulumi/policy";
import { AWS_PROVIDER_TYPE, isAwsProviderType } from "../discover/providers";
import { noteSecret } from "../report/secrets";
import { CheckOptions, CliError } from "./args";
import { STACK_STATE_LIMIT, readInput } from "./input";

/** A provider whose inputs the check cannot read (encrypted secrets in a stack export). */
export interface UnreadableProvider {
    urn: string;
    name: string;
    type: string;
    /** The inputs that are encrypted. */
    inputs: string[];
}

/** What to check: provider resources, the secret values among their inputs, and those that cannot be read. */
export interface CheckTargets {
    resources: PolicyResource[];
    /** Plain values of secret inputs (from an export with --show-secrets), never to be printed. */
    secrets: Set<string>;
    unreadable: UnreadableProvider[];
}

// Where providers made from the command line live: a stack of their own.
const STACK = "check";
const PROJECT = "aws-root-mfa";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The session name of roles assumed for `--role-arn`, as CloudTrail shows it. */
export const ROLE_SESSION_NAME = "aws-root-mfa-check";

/** The providers the options name. */
export async function checkTargets(options: CheckOptions): Promise<CheckTargets> {
    if (options.stackState !== undefined) {
        const hint = "give the file `pulumi stack export --file FILE` wrote (or `-` with the export on standard input)";
        return fromStackState(options.stackState, await readInput(options.stackState, "--stack-state", STACK_STATE_LIMIT, hint), hint);
    }
    const resources: PolicyResource[] = [];
    for (const profile of options.profiles) {
        resources.push(providerResource(`profile:${profile}`, { profile }));
    }
    for (const roleArn of options.roleArns) {
        resources.push(providerResource(roleArn, { assumeRoles: JSON.stringify([{ roleArn, sessionName: ROLE_SESSION_NAME }]) }));
    }
    if (resources.length === 0) {
        resources.push(providerResource("environment", {}));
    }
    return { resources, secrets: new Set(), unreadable: [] };
}

/** A provider resource as @pulumi/policy builds one for a stack policy (the CLI's own stack when no URN is given). */
export function providerResource(name: string, props: Record<string, unknown>, urn = `urn:pulumi:${STACK}::${PROJECT}::${AWS_PROVIDER_TYPE}::${name}`, type = AWS_PROVIDER_TYPE): PolicyResource {
    return {
        type,
        name,
        urn,
        props,
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    };
}

/**
 * The AWS providers of a `pulumi stack export`: `{"version": 3, "deployment": {"manifest": …,
 * "resources": […]}}`. Anything else — another JSON file, an export of another version, a
 * deployment without a manifest — is refused, as is an export with no AWS provider: a check that
 * checked nothing must not pass.
 */
function fromStackState(file: string, text: string, hint: string): CheckTargets {
    const refuse = (why: string) => new CliError(`--stack-state ${file} ${why}; ${hint}`);
    let state: unknown;
    try {
        state = JSON.parse(text);
    } catch {
        throw refuse("is not JSON");
    }
    if (!isObject(state) || !("version" in state) || !("deployment" in state)) {
        throw refuse("is not a stack export: it has no \"version\" and \"deployment\"");
    }
    if (state.version !== 3) {
        throw refuse(`is a stack export of version ${JSON.stringify(state.version)}, and only version 3 (what \`pulumi stack export\` writes today) is read`);
    }
    const deployment = state.deployment;
    if (!isObject(deployment) || !isObject(deployment.manifest)) {
        throw refuse("is not a stack export: its deployment has no manifest");
    }
    const list = deployment.resources;
    if (list !== undefined && !Array.isArray(list)) {
        throw refuse("is not a stack export: its deployment's resources are not a list");
    }
    const targets: CheckTargets = { resources: [], secrets: new Set(), unreadable: [] };
    for (const r of (list ?? []) as unknown[]) {
        if (!isObject(r) || typeof r.type !== "string" || typeof r.urn !== "string" || !isAwsProviderType(r.type) || r.delete === true) {
            continue;
        }
        const name = r.urn.split("::").slice(3).join("::");
        const encrypted: string[] = [];
        const props = plainInputs(isObject(r.inputs) ? r.inputs : {}, "", encrypted, targets.secrets);
        if (encrypted.length > 0) {
            targets.unreadable.push({ urn: r.urn, name, type: r.type, inputs: encrypted });
        } else {
            targets.resources.push(providerResource(name, props as Record<string, unknown>, r.urn, r.type));
        }
    }
    if (targets.resources.length === 0 && targets.unreadable.length === 0) {
        throw refuse(`has no AWS provider (no pulumi:providers:aws or pulumi:providers:aws-native resource among its ${(list ?? []).length} resources), so nothing would be checked`);
    }
    return targets;
}

/**
 * Inputs as the engine would send them to a policy: internal `__` keys dropped, secrets from an
 * export with --show-secrets unwrapped (and noted), encrypted secrets listed in `encrypted`.
 */
function plainInputs(value: unknown, path: string, encrypted: string[], secrets: Set<string>): unknown {
    if (Array.isArray(value)) {
        return value.map((v, i) => plainInputs(v, `${path}[${i}]`, encrypted, secrets));
    }
    if (!isObject(value)) {
        return value;
    }
    if (value[SIG_KEY] === SECRET_SIG) {
        if (typeof value.plaintext !== "string") {
            encrypted.push(path);
            return undefined;
        }
        let plain: unknown;
        try {
            plain = JSON.parse(value.plaintext);
        } catch {
            plain = value.plaintext;
        }
        noteSecret(plain, secrets);
        return plainInputs(plain, path, encrypted, secrets);
    }
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
        if (!key.startsWith("__")) {
            out[key] = plainInputs(v, path === "" ? key : `${path}.${key}`, encrypted, secrets);
        }
    }
    return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}
