/**
 * From a provider's settings to a target: the credentials to use (as plain data, resolved later by
 * the AWS SDK's own providers), the region, and — when a role is assumed — the account and
 * partition the last role names, known without any call.
 */
import { createHash, randomBytes } from "node:crypto";
import { AssumeRoleSpec, NetworkInputs, ProviderSettings, ServiceEndpoints, StaticKeys, WebIdentitySpec } from "./settings";
import { defaultRegionOf, parseRoleArn } from "./roleArn";

/** Where the base credentials come from, before any role is assumed. */
export type BaseCredentials =
    | { source: "web-identity"; webIdentity: WebIdentitySpec }
    | { source: "static"; keys: StaticKeys }
    | { source: "profile"; profile: string }
    | { source: "default-chain" };

/** The shared config and credentials files the provider names (only the first of each reaches the SDK). */
export interface ProfileFiles {
    configFile?: string;
    credentialsFile?: string;
}

/** How to reach one account: everything the posture stage needs to make its calls. */
export interface Target {
    /** Equal for providers that resolve credentials the same way; secrets only enter it hashed. */
    key: string;
    /**
     * Equal for targets whose credentials are the same whatever their region: the same base
     * source, files, roles and STS endpoint override. Credentials are resolved once per this key.
     */
    credentialsKey: string;
    /** Equal for targets whose base credentials (before any role) are the same: resolved once per run. */
    baseKey: string;
    /**
     * Equal for targets that reach STS the same way: the STS region and the network inputs
     * (proxies, FIPS, dual-stack). Credentials shared by targets of different routes are resolved
     * over the first asker's; a target whose route differs retries over its own when that failed.
     */
    routeKey: string;
    base: BaseCredentials;
    files: ProfileFiles;
    assumeRoles: AssumeRoleSpec[];
    region: string;
    stsRegion: string;
    endpoints: ServiceEndpoints;
    /** The provider's proxy, CA bundle, FIPS and dual-stack inputs. */
    network: NetworkInputs;
    /**
     * Named by the last assumed role's ARN (believed once a trusted STS issued that role's
     * credentials); otherwise found with sts:GetCallerIdentity.
     */
    knownAccount?: { accountId: string; partition: string; roleArn: string };
}

/** The environment the pack runs in, as far as targets depend on it. */
export interface TargetEnv {
    AWS_REGION?: string;
    AWS_DEFAULT_REGION?: string;
}

// Salted per process so even the hash of a secret means nothing outside this run.
const salt = randomBytes(16);

/**
 * Builds the target of a provider, mirroring the provider's own precedence of credential sources
 * (aws-sdk-go-base v2): its static keys win, and then its web identity (which is ignored when
 * static keys are set), then its profile, then the environment (posture/credentials.ts ranks it).
 */
export function targetOf(settings: ProviderSettings, env: TargetEnv = process.env): Target {
    const files: ProfileFiles = { configFile: settings.sharedConfigFiles?.[0], credentialsFile: settings.sharedCredentialsFiles?.[0] };
    const base: BaseCredentials = settings.staticKeys
        ? { source: "static", keys: settings.staticKeys }
        : settings.webIdentity
            ? { source: "web-identity", webIdentity: settings.webIdentity }
            : settings.profile
                ? { source: "profile", profile: settings.profile }
                : { source: "default-chain" };
    // The last role assumed names the account: the last of assumeRoles, else the web identity role.
    const webIdentityRole = base.source === "web-identity" ? base.webIdentity.roleArn : undefined;
    const lastRoleArn = settings.assumeRoles[settings.assumeRoles.length - 1]?.roleArn ?? webIdentityRole;
    const roleLocation = lastRoleArn ? parseRoleArn(lastRoleArn) : undefined;
    const region = settings.region || env.AWS_REGION || env.AWS_DEFAULT_REGION
        || defaultRegionOf(roleLocation?.partition ?? "aws");
    const target: Omit<Target, Keys> = {
        base,
        files,
        assumeRoles: settings.assumeRoles,
        region,
        stsRegion: settings.stsRegion || region,
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
        base: target.base,
        files: target.files,
        assumeRoles: [{ roleArn, sessionName }],
        region: target.region,
        stsRegion: target.stsRegion,
        endpoints: target.endpoints,
        network: target.network,
        knownAccount: location ? { accountId: location.accountId, partition: location.partition, roleArn } : undefined,
    };
    return { ...keysOf(next), ...next };
}

type Keys = "key" | "credentialsKey" | "baseKey" | "routeKey";

/** The target's keys: each field is serialized once and the keys hash what they depend on. */
function keysOf(target: Omit<Target, Keys>): Pick<Target, Keys> {
    const base = serialized([target.base, target.files, target.endpoints.sts ?? null]);
    const roles = serialized(target.assumeRoles);
    const route = serialized([target.stsRegion, target.network]);
    const rest = serialized([target.region, target.endpoints, target.knownAccount ?? null]);
    return { key: digest(base, roles, route, rest), credentialsKey: digest(base, roles), baseKey: digest(base), routeKey: digest(route) };
}

function serialized(value: unknown): string {
    return JSON.stringify(value, (k, v) =>
        (k === "keys" || k === "externalId" || k === "webIdentityToken" || k === "httpProxy" || k === "httpsProxy") && v !== undefined
            ? createHash("sha256").update(salt).update(JSON.stringify(v)).digest("hex")
            : v);
}

function digest(...parts: string[]): string {
    const hash = createHash("sha256");
    // Lengths first, so that no two different lists of parts hash alike.
    parts.forEach((p) => hash.update(`${p.length}:`).update(p));
    return hash.digest("hex");
}
