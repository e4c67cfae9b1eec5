/**
 * From a provider's settings to a target: the inputs that decide its credentials (resolved later,
 * the provider's way: discover/credentialChain.ts), the region, and — when a role is assumed — the
 * account and partition the last role names, known without any call.
 */
import { createHash, randomBytes } from "node:crypto";
import type { ProviderCredentialInputs } from "./credentialChain";
import { AssumeRoleSpec, InstanceMetadataInputs, NetworkInputs, ProviderSettings, ServiceEndpoints } from "./settings";
import { defaultRegionOf, parseRoleArn } from "./roleArn";

/** How to reach one account: everything the posture stage needs to make its calls. */
export interface Target {
    /** Equal for providers that resolve credentials the same way; secrets only enter it hashed. */
    key: string;
    /**
     * Equal for targets whose credentials are the same whatever their region: the same base
     * inputs, roles and STS endpoint override. Credentials are resolved once per this key.
     */
    credentialsKey: string;
    /** Equal for targets whose base credentials (before any of their assumeRoles) are the same: resolved once per run. */
    baseKey: string;
    /**
     * Equal for targets that reach STS the same way: the STS region and the network inputs
     * (proxies, FIPS, dual-stack). Credentials shared by targets of different routes are resolved
     * over the first asker's; a target whose route differs retries over its own when that failed.
     */
    routeKey: string;
    /** The provider's inputs that decide its base credentials (discover/credentialChain.ts decides how). */
    credentialInputs: ProviderCredentialInputs;
    /** The provider's instance metadata inputs. */
    instanceMetadata: InstanceMetadataInputs;
    assumeRoles: AssumeRoleSpec[];
    /** The provider's region, else AWS_REGION / AWS_DEFAULT_REGION; undefined lets the profile's apply. */
    region?: string;
    /** The region of the partition the last role names (us-east-1 when none). */
    defaultRegion: string;
    /** The provider's `stsRegion`, when set. */
    stsRegion?: string;
    endpoints: ServiceEndpoints;
    /** The provider's proxy, CA bundle, FIPS and dual-stack inputs. */
    network: NetworkInputs;
    /**
     * Named by the last assumed role's ARN (believed once a trusted STS issued that role's
     * credentials); otherwise found with sts:GetCallerIdentity.
     */
    knownAccount?: { accountId: string; partition: string; roleArn: string };
    /**
     * Set only by `aws-root-mfa check --organization` (never from a provider's inputs): after its
     * credentials (and roles), the target opens an sts:AssumeRoot session in this member account,
     * scoped by the root-task policy.
     */
    rootSession?: RootSessionSpec;
}

/** An sts:AssumeRoot session: the member account, and the root-task policy that scopes it. */
export interface RootSessionSpec {
    accountId: string;
    partition: string;
    /** e.g. `IAMAuditRootUserCredentials`. */
    task: RootTask;
    /** Tells sessions of the same task apart: a different label is a new AssumeRoot (fix reads an account again in a fresh session). */
    label?: string;
}

/** The AWS managed root-task policies the pack uses. */
export type RootTask = "IAMAuditRootUserCredentials" | "IAMDeleteRootUserCredentials";

/** The ARN of a root-task policy in a partition. */
export function rootTaskPolicyArn(task: RootTask, partition: string): string {
    return `arn:${partition}:iam::aws:policy/root-task/${task}`;
}

/** The environment the pack runs in, as far as targets depend on it. */
export interface TargetEnv {
    AWS_REGION?: string;
    AWS_DEFAULT_REGION?: string;
}

// Salted per process so even the hash of a secret means nothing outside this run.
const salt = randomBytes(16);

/** Builds the target of a provider. */
export function targetOf(settings: ProviderSettings, env: TargetEnv = process.env): Target {
    const credentialInputs: ProviderCredentialInputs = {
        staticKeys: settings.staticKeys,
        webIdentity: settings.webIdentity,
        profile: settings.profile,
        sharedConfigFiles: settings.sharedConfigFiles,
        sharedCredentialsFiles: settings.sharedCredentialsFiles,
    };
    // The last role assumed names the account: the last of assumeRoles, else the web identity role
    // (unless static keys win over it, as in the provider).
    const webIdentityRole = settings.staticKeys ? undefined : settings.webIdentity?.roleArn;
    const lastRoleArn = settings.assumeRoles[settings.assumeRoles.length - 1]?.roleArn ?? webIdentityRole;
    const roleLocation = lastRoleArn ? parseRoleArn(lastRoleArn) : undefined;
    const target: Omit<Target, Keys> = {
        credentialInputs,
        instanceMetadata: settings.instanceMetadata,
        assumeRoles: settings.assumeRoles,
        region: settings.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
        defaultRegion: defaultRegionOf(roleLocation?.partition ?? "aws"),
        stsRegion: settings.stsRegion,
        endpoints: settings.endpoints,
        network: settings.network,
        knownAccount: roleLocation && lastRoleArn ? { accountId: roleLocation.accountId, partition: roleLocation.partition, roleArn: lastRoleArn } : undefined,
    };
    return { ...keysOf(target), ...target };
}

/**
 * A target that starts from the same base credentials as `target` but assumes only `roleArn`:
 * how the pack reaches a configured role (organization or audit role) as the deployer.
 */
export function viaRole(target: Target, roleArn: string, sessionName: string): Target {
    const location = parseRoleArn(roleArn);
    const next: Omit<Target, Keys> = {
        credentialInputs: target.credentialInputs,
        instanceMetadata: target.instanceMetadata,
        assumeRoles: [{ roleArn, sessionName }],
        region: target.region,
        defaultRegion: location ? defaultRegionOf(location.partition) : target.defaultRegion,
        stsRegion: target.stsRegion,
        endpoints: target.endpoints,
        network: target.network,
        knownAccount: location ? { accountId: location.accountId, partition: location.partition, roleArn } : undefined,
    };
    return { ...keysOf(next), ...next };
}

/**
 * A target with the same credentials as `target` that then opens a root session in a member
 * account: the account is known (its root user's ARN names it) once STS has issued the session.
 */
export function withRootSession(target: Target, session: RootSessionSpec): Target {
    const { key: _key, credentialsKey: _credentialsKey, baseKey: _baseKey, routeKey: _routeKey, ...rest } = target;
    const next: Omit<Target, Keys> = {
        ...rest,
        defaultRegion: defaultRegionOf(session.partition),
        knownAccount: { accountId: session.accountId, partition: session.partition, roleArn: `arn:${session.partition}:iam::${session.accountId}:root` },
        rootSession: session,
    };
    return { ...keysOf(next), ...next };
}

type Keys = "key" | "credentialsKey" | "baseKey" | "routeKey";

/** The target's keys: each field is serialized once and the keys hash what they depend on. */
function keysOf(target: Omit<Target, Keys>): Pick<Target, Keys> {
    const base = serialized([target.credentialInputs, target.instanceMetadata, target.endpoints.sts ?? null]);
    const roles = serialized([target.assumeRoles, target.rootSession ?? null]);
    const route = serialized([target.stsRegion ?? null, target.region ?? null, target.defaultRegion, target.network]);
    const rest = serialized([target.endpoints, target.knownAccount ?? null]);
    return { key: digest(base, roles, route, rest), credentialsKey: digest(base, roles), baseKey: digest(base), routeKey: digest(route) };
}

function serialized(value: unknown): string {
    return JSON.stringify(value, (k, v) =>
        (k === "staticKeys" || k === "externalId" || k === "webIdentityToken" || k === "httpProxy" || k === "httpsProxy") && v !== undefined
            ? createHash("sha256").update(salt).update(JSON.stringify(v)).digest("hex")
            : v);
}

function digest(...parts: string[]): string {
    const hash = createHash("sha256");
    // Lengths first, so that no two different lists of parts hash alike.
    parts.forEach((p) => hash.update(`${p.length}:`).update(p));
    return hash.digest("hex");
}
