/**
 * IAM Identity Center (SSO) credentials, as the AWS SDK for Go gets them for a profile: the access
 * token `aws sso login` cached under ~/.aws/sso/cache (the file named by the SHA-1 of the
 * sso-session name, or of the start URL for a legacy profile), then sso:GetRoleCredentials for the
 * profile's account and role. The cache file is checked and read like every file the stack names.
 * The pack never refreshes a token and never writes the cache: an expired token fails closed
 * (the provider, which may refresh it, then refreshes it for the next run).
 */
import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { NetworkInputs } from "../discover/settings";
import { MalformedAnswerError, NoCredentialsError } from "./failure";
import { FILE_LIMITS, readNamedFile } from "./files";
import { CallLimits, ClientPool, Credentials, sso } from "./sdk";
import { effectiveOverride } from "./trust";

/** The SSO side of a profile, as discover/credentialChain.ts plans it. */
export interface SsoSource {
    profile: string;
    file: string;
    accountId: string;
    roleName: string;
    startUrl: string;
    region: string;
    session?: { name: string; region: string; startUrl: string };
}

/** What the SSO step needs from the run. */
export interface SsoAccess {
    limits: CallLimits;
    pool: ClientPool;
    network: NetworkInputs;
    signal: AbortSignal;
}

/** The cache file of an sso-session name or a legacy start URL (Go's `StandardCachedTokenFilepath`). */
export function ssoCacheFile(key: string, env: NodeJS.ProcessEnv = process.env): string {
    return join(env.HOME || homedir(), ".aws", "sso", "cache", `${createHash("sha1").update(key).digest("hex")}.json`);
}

/** Role credentials of the profile's account and role, with the cached access token. */
export async function ssoCredentials(source: SsoSource, access: SsoAccess, now: Date = new Date()): Promise<Credentials> {
    const key = source.session?.name ?? source.startUrl;
    const login = source.session ? `aws sso login --sso-session ${source.session.name}` : `aws sso login --profile ${source.profile}`;
    const path = ssoCacheFile(key);
    // Not the file's own name: 40 hex digits read as a token to the redactor, which would mask the path.
    const cache = `in ${dirname(path)} (the file for ${source.session ? `sso-session "${key}"` : `start URL ${key}`})`;
    const from = `the IAM Identity Center token cache of profile "${source.profile}"`;
    const text = await readNamedFile(path, from, FILE_LIMITS.token);
    if (text === undefined) {
        throw new NoCredentialsError(`profile "${source.profile}" (${source.file}) uses IAM Identity Center, but no access token is cached for it ${cache}: the session was never started on this machine (run \`${login}\`)`);
    }
    let token: { accessToken?: unknown; expiresAt?: unknown };
    try {
        token = JSON.parse(text) as typeof token;
    } catch {
        throw new NoCredentialsError(`the IAM Identity Center token cache of profile "${source.profile}" ${cache} is not JSON (run \`${login}\` again)`);
    }
    const expiresAt = typeof token.expiresAt === "string" ? new Date(token.expiresAt) : undefined;
    if (typeof token.accessToken !== "string" || token.accessToken === "" || !expiresAt || Number.isNaN(expiresAt.getTime())) {
        throw new NoCredentialsError(`the IAM Identity Center token cache of profile "${source.profile}" ${cache} holds no access token and expiry (run \`${login}\` again)`);
    }
    if (now.getTime() > expiresAt.getTime()) {
        throw new NoCredentialsError(`the IAM Identity Center access token of profile "${source.profile}" expired at ${expiresAt.toISOString()} (its cache is ${cache}); the pack does not refresh tokens or write the cache: run \`${login}\` (or let a run of the provider refresh it) and run again`);
    }
    const region = source.session?.region ?? source.region;
    const config = access.pool.config("sso", access.limits, region, undefined, {
        useFipsEndpoint: false,
        useDualstackEndpoint: false,
        endpoint: effectiveOverride("sso", {}, process.env)?.url,
    }, access.network);
    const out = await new (sso().SSOClient)(config).send(new (sso().GetRoleCredentialsCommand)({
        accessToken: token.accessToken,
        accountId: source.accountId,
        roleName: source.roleName,
    }), { abortSignal: access.signal });
    const c = out.roleCredentials;
    if (!c?.accessKeyId || !c.secretAccessKey) {
        throw new MalformedAnswerError(`sso:GetRoleCredentials returned no credentials for account ${source.accountId} and role ${source.roleName}`);
    }
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: c.expiration ? new Date(c.expiration) : undefined };
}
