/**
 * IAM Identity Center (SSO): the portal's GetRoleCredentials, and {@link ssoProfileFiles}, which
 * writes what `aws configure sso` + `aws sso login` leave on disk so the SDK's `fromSSO`/`fromIni`
 * (and the default chain with `AWS_PROFILE`) resolve credentials through this fake.
 */
import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AwsError } from "./errors";
import type { Params } from "./operation";
import type { FakeAws } from "./server";
import type { FakeAwsState } from "./state";

/** Path of `GetRoleCredentials` (REST-JSON, `GET /federation/credentials?account_id=…&role_name=…`). */
export const SSO_CREDENTIALS_PATH = "/federation/credentials";
/** Header carrying the SSO access token. */
export const SSO_TOKEN_HEADER = "x-amz-sso_bearer_token";
/** Lifetime of the role credentials the portal hands out (a permission set's default session duration). */
const SSO_SESSION_SECONDS = 3600;

/**
 * Runs GetRoleCredentials: unknown token → 401 UnauthorizedException, account/permission set
 * not granted to it → 403 ForbiddenException, else fresh role-session credentials of
 * `assumed-role/AWSReservedSSO_<roleName>_<hex>/<user>` with `expiration` in epoch ms.
 */
export function getRoleCredentials(state: FakeAwsState, params: Params, token: string | undefined): object {
    const accountId = params.account_id;
    const roleName = params.role_name;
    if (!accountId || !roleName) throw new AwsError("InvalidRequestException", "account_id and role_name are required", 400);
    const record = token === undefined || token === "" ? undefined : state.ssoAccessToken(token);
    if (!record) throw new AwsError("UnauthorizedException", "Session token not found or invalid", 401);
    if (!state.ssoGranted(record, accountId, roleName)) throw new AwsError("ForbiddenException", "No access", 403);
    const session = state.issueRoleSession(state.ssoRole(accountId, roleName), record.userName, SSO_SESSION_SECONDS);
    return {
        roleCredentials: {
            accessKeyId: session.accessKeyId,
            secretAccessKey: session.secretAccessKey,
            sessionToken: session.sessionToken,
            expiration: session.expiration?.getTime(),
        },
    };
}

/** Options of {@link ssoProfileFiles}. */
export interface SsoProfileOptions {
    fake: FakeAws;
    /** Profile name: `[profile <profile>]`. */
    profile: string;
    /** `sso_account_id`. */
    accountId: string;
    /** `sso_role_name`: the permission set. */
    roleName: string;
    /** The cached access token (`accessToken` of the cache file). */
    token: string;
    /** `sso_region` of the session and `region` of the profile; default `us-east-1`. */
    region?: string;
    /** Name of the `[sso-session <name>]`; default `fake-aws-<profile>`. The cache file is named after it. */
    sessionName?: string;
    /**
     * Seconds until the cached token expires; default 3600. At or below 300 the SDK wants to
     * refresh it through SSO OIDC, which it can't (no clientId/refreshToken in the cache), so it
     * fails without any network call: use a small value only to test that failure.
     */
    expiresInSeconds?: number;
    /** Also call `fake.addSsoAccessToken(token, [{accountId, roleName}])`; default true. */
    register?: boolean;
}

/** What {@link ssoProfileFiles} wrote. */
export interface SsoProfileFiles {
    /** `<dir>/.aws/config`: the SDK's default config file when `HOME=<dir>`. */
    configFile: string;
    /** `<dir>/.aws/sso/cache/<sha1(sessionName)>.json`. */
    tokenFile: string;
    sessionName: string;
    /** `sso_start_url` (never contacted by GetRoleCredentials). */
    startUrl: string;
}

/**
 * Writes an SSO profile the way `aws configure sso` and `aws sso login` would, under `dir` as
 * the home directory: `<dir>/.aws/config` gets (appended, so several profiles can share a dir)
 *
 *     [sso-session <sessionName>]
 *     sso_start_url = <fake.url>/start
 *     sso_region = <region>
 *     [profile <profile>]
 *     sso_session = <sessionName>
 *     sso_account_id = <accountId>
 *     sso_role_name = <roleName>
 *     region = <region>
 *
 * and `<dir>/.aws/sso/cache/<sha1 hex of sessionName>.json` gets `{accessToken, expiresAt,
 * region, startUrl}`. Registers the token with the fake unless `register: false`.
 *
 * The SDK finds these files only if the process resolving credentials has, in its environment:
 * - `HOME=<dir>`: the token cache is always `$HOME/.aws/sso/cache/…` (HOME first, then
 *   USERPROFILE/HOMEPATH, then os.homedir()); there is no variable or option to move it;
 * - `AWS_CONFIG_FILE` unset or `=configFile`: `fromIni({profile, configFilepath})` does NOT pass
 *   `configFilepath` on to the SSO provider, which re-reads the profile and the `sso-session`
 *   from the default config file;
 * - `AWS_ENDPOINT_URL` or `AWS_ENDPOINT_URL_SSO` `=fake.url` (the SSO client is created inside
 *   the credential provider and sees no `endpoint` unless the caller's `clientConfig` has one);
 * - for the default chain (no explicit profile): `AWS_PROFILE=<profile>`.
 *
 * The SDK caches config file contents per path for the life of the process: a profile appended
 * after that process read the file is not seen by it (use a fresh dir per test in-process).
 */
export function ssoProfileFiles(dir: string, opts: SsoProfileOptions): SsoProfileFiles {
    const region = opts.region ?? "us-east-1";
    const sessionName = opts.sessionName ?? `fake-aws-${opts.profile}`;
    const startUrl = `${opts.fake.url}/start`;
    if (opts.register ?? true) opts.fake.addSsoAccessToken(opts.token, [{ accountId: opts.accountId, roleName: opts.roleName }]);

    const awsDir = join(dir, ".aws");
    const cacheDir = join(awsDir, "sso", "cache");
    mkdirSync(cacheDir, { recursive: true });
    const configFile = join(awsDir, "config");
    appendFileSync(
        configFile,
        [
            `[sso-session ${sessionName}]`,
            `sso_start_url = ${startUrl}`,
            `sso_region = ${region}`,
            "",
            `[profile ${opts.profile}]`,
            `sso_session = ${sessionName}`,
            `sso_account_id = ${opts.accountId}`,
            `sso_role_name = ${opts.roleName}`,
            `region = ${region}`,
            "",
            "",
        ].join("\n"),
    );

    const tokenFile = join(cacheDir, `${createHash("sha1").update(sessionName).digest("hex")}.json`);
    const expiresAt = new Date(Date.now() + (opts.expiresInSeconds ?? 3600) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    writeFileSync(tokenFile, JSON.stringify({ accessToken: opts.token, expiresAt, region, startUrl }, null, 2));
    return { configFile, tokenFile, sessionName, startUrl };
}
