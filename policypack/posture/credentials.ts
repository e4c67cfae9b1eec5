/**
 * Resolving a target's credentials the way the AWS provider does: its base source first, chosen
 * in the order pulumi-aws (terraform-provider-aws → aws-sdk-go-base v2 → AWS SDK for Go v2) uses,
 * then each role in order. The SDK's own credential providers do the work; this module decides
 * which one applies, checks every file before the SDK reads it, and never lets a credential
 * helper's command line or output into a message.
 */
import { stat, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { ProfileFiles, Target } from "../discover/target";
import { step, type Outcome } from "./calls";
import { DeadlineError, MalformedAnswerError, NoCredentialsError, UnusableFileError, classifyFailure, mayDependOnRoute, type Step } from "./failure";
import { lastHelperFailure, withHelperScope } from "./helpers";
import { CallLimits, ClientPool, Credentials, GuardedRequestHandler, credentialProviders, smithyConfig, sts } from "./sdk";
import { CREDENTIAL_SERVICES } from "./trust";

// A profile file is a few kilobytes; a web identity token a few kilobytes more.
const MAX_PROFILE_FILE_BYTES = 1024 * 1024;
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/** Profiles of the shared files, by name, as the SDK parses them. */
type Profiles = Record<string, Record<string, string | undefined>>;

/** Profile keys that give a profile credentials of its own (SDK for Go v2 `resolveCredsFromProfile`). */
const CREDENTIAL_KEYS = ["aws_access_key_id", "role_arn", "credential_source", "web_identity_token_file", "sso_session", "sso_start_url", "credential_process"];

/** The shared config and credentials files a source reads, as absolute paths, and what named them. */
interface CheckedFiles {
    config: { path: string; from: string };
    credentials: { path: string; from: string };
}

/** What resolving credentials shares within a run. */
export interface CredentialsRun {
    pool: ClientPool;
    /** Base credentials by {@link Target.baseKey}: every role chain from one source starts from one resolution. */
    bases: Map<string, Promise<Outcome<Credentials>>>;
}

/**
 * One resolution per key, whichever target asks, made over the first asker's route (its STS
 * region, proxies, FIPS and dual-stack settings): a later asker takes the result unless `failed`
 * says it failed, and then resolves again over its own route, so a provider with a broken route
 * spoils only itself. Askers of one route share one resolution.
 */
export function sharedResolution<T>(cache: Map<string, Promise<T>>, key: string, route: string, failed: (result: T) => boolean, resolve: () => Promise<T>): Promise<T> {
    const own = `${key} ${route}`;
    const existing = cache.get(own);
    if (existing) {
        return existing;
    }
    const first = cache.get(key);
    const result = first ? first.then((r) => (failed(r) ? resolve() : r), () => resolve()) : resolve();
    if (!first) {
        cache.set(key, result);
    }
    cache.set(own, result);
    return result;
}

/**
 * Resolves the base credentials (once per run and source), then assumes each role in order, each
 * with its own STS client (the SDK's retry budget is per client: one AssumeRole throttled many
 * times must not use up another's); the last credentials win.
 */
export async function resolveCredentials(target: Target, limits: CallLimits, run: CredentialsRun, signal: AbortSignal): Promise<Outcome<Credentials>> {
    const stsConfig = (credentials?: Credentials) => run.pool.config("sts", limits, target.stsRegion, credentials, target.endpoints.sts, target.network);
    // Profiles and the environment's chain make their own clients (SSO portal, STS for role_arn
    // chains) with the profile's region and sso_region: only retries and the guarded handler pass.
    const chainConfig = () => ({ maxAttempts: limits.maxAttempts, requestHandler: run.pool.requestHandler(limits, CREDENTIAL_SERVICES, target.network) });
    const baseStep: Step = target.base.source === "web-identity" ? { kind: "web-identity", roleArn: target.base.webIdentity.roleArn } : { kind: "credentials" };
    const inTime = (e: unknown) => e instanceof DeadlineError ? new DeadlineError(e.seconds, `the credential source of ${describeSource(target)} did not finish in time (${e.seconds} s, timeoutSeconds)`) : e;
    const resolved = sharedResolution(run.bases, target.baseKey, target.routeKey, (o) => !o.ok && mayDependOnRoute(o.failure),
        () => step(baseStep, () => abortable(signal, () => baseCredentials(target, stsConfig, chainConfig, signal)).catch((e) => {
            throw inTime(e);
        })));
    // A resolution ended by its asker's deadline is not kept: the next asker starts afresh.
    void resolved.then((o) => !o.ok && signal.aborted && forget(run.bases, resolved));
    // This asker may run out of time while it waits for a resolution another one started.
    let current = await abortable(signal, () => resolved).catch((e): Outcome<Credentials> => ({ ok: false, failure: classifyFailure(baseStep, inTime(e)) }));
    for (const [i, role] of target.assumeRoles.entries()) {
        if (!current.ok) {
            break;
        }
        const masterCredentials = current.value;
        current = await step({ kind: "assume-role", roleArn: role.roleArn, position: i }, async () => {
            const out = await new (sts().STSClient)(stsConfig(masterCredentials)).send(new (sts().AssumeRoleCommand)({
                RoleArn: role.roleArn,
                RoleSessionName: role.sessionName ?? "aws-root-mfa-policy",
                ExternalId: role.externalId,
                DurationSeconds: role.durationSeconds,
                Policy: role.policy,
                PolicyArns: role.policyArns?.map((arn) => ({ arn })),
                Tags: role.tags ? Object.entries(role.tags).map(([Key, Value]) => ({ Key, Value })) : undefined,
                TransitiveTagKeys: role.transitiveTagKeys,
                SourceIdentity: role.sourceIdentity,
            }), { abortSignal: signal });
            const issued = out.Credentials;
            if (!issued?.AccessKeyId || !issued.SecretAccessKey) {
                throw new MalformedAnswerError(`sts:AssumeRole returned no credentials for role ${role.roleArn}`);
            }
            return { accessKeyId: issued.AccessKeyId, secretAccessKey: issued.SecretAccessKey, sessionToken: issued.SessionToken, expiration: issued.Expiration };
        });
    }
    return current;
}

/** Drops every entry of `cache` that holds `value`. */
function forget<K, V>(cache: Map<K, V>, value: V): void {
    for (const [k, v] of cache) {
        if (v === value) {
            cache.delete(k);
        }
    }
}

/** The base credential source, as the user knows it. */
function describeSource(target: Target): string {
    const env = process.env;
    switch (target.base.source) {
        case "static":
            return "the provider's static keys";
        case "web-identity":
            return "the provider's assumeRoleWithWebIdentity";
        case "profile":
            return `profile "${target.base.profile}"`;
        case "default-chain":
            return env.AWS_PROFILE ? `profile "${env.AWS_PROFILE}" (from AWS_PROFILE)` : env.AWS_DEFAULT_PROFILE ? `profile "${env.AWS_DEFAULT_PROFILE}" (from AWS_DEFAULT_PROFILE)` : "the environment";
    }
}

type StsConfig = (credentials?: Credentials) => ReturnType<ClientPool["config"]>;
type ChainConfig = () => { maxAttempts: number; requestHandler: GuardedRequestHandler };

/**
 * The base credentials, in pulumi-aws's order: the provider's static keys, its web identity, its
 * profile; else the environment as the SDK for Go v2 ranks it (`resolveCredentialChain`):
 * environment keys, then environment web identity, then the AWS_PROFILE / AWS_DEFAULT_PROFILE /
 * default profile, then container credentials, then instance metadata. As in Go, an AWS_PROFILE
 * naming a profile that does not exist is an error unless the provider names its own profile.
 */
async function baseCredentials(target: Target, stsConfig: StsConfig, chainConfig: ChainConfig, signal: AbortSignal): Promise<Credentials> {
    const base = target.base;
    const env = process.env;
    const files = await checkedProfileFiles(target.files);
    if (base.source !== "profile" && env.AWS_PROFILE && !hasProfile(await parseProfiles(files), env.AWS_PROFILE)) {
        throw new NoCredentialsError(`AWS_PROFILE names profile "${env.AWS_PROFILE}", which is not in ${files.config.path} or ${files.credentials.path}; the AWS provider stops there too`);
    }
    switch (base.source) {
        case "static":
            return { ...base.keys };
        case "web-identity": {
            const w = base.webIdentity;
            const tokenFile = w.webIdentityTokenFile
                ? { path: w.webIdentityTokenFile, from: "assumeRoleWithWebIdentity.webIdentityTokenFile" }
                : env.AWS_WEB_IDENTITY_TOKEN_FILE ? { path: env.AWS_WEB_IDENTITY_TOKEN_FILE, from: "AWS_WEB_IDENTITY_TOKEN_FILE" } : undefined;
            const token = w.webIdentityToken ?? (tokenFile ? await readTokenFile(tokenFile.path, tokenFile.from) : undefined);
            if (!token) {
                throw new NoCredentialsError("assumeRoleWithWebIdentity has neither webIdentityToken nor webIdentityTokenFile, and AWS_WEB_IDENTITY_TOKEN_FILE is not set");
            }
            return credentialProviders().fromWebToken({
                roleArn: w.roleArn,
                roleSessionName: w.sessionName ?? "aws-root-mfa-policy",
                webIdentityToken: token,
                durationSeconds: w.durationSeconds,
                policy: w.policy,
                policyArns: w.policyArns?.map((arn) => ({ arn })),
                clientConfig: stsConfig(),
            })();
        }
        case "profile":
            return profileOrMachine(base.profile, `profile "${base.profile}"`, true, files, chainConfig, signal);
        case "default-chain":
            return environmentCredentials(files, stsConfig, chainConfig, signal);
    }
}

async function environmentCredentials(files: CheckedFiles, stsConfig: StsConfig, chainConfig: ChainConfig, signal: AbortSignal): Promise<Credentials> {
    const env = process.env;
    const accessKeyId = env.AWS_ACCESS_KEY_ID || env.AWS_ACCESS_KEY;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY || env.AWS_SECRET_KEY;
    if (accessKeyId && secretAccessKey) {
        return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
    }
    if (env.AWS_WEB_IDENTITY_TOKEN_FILE) {
        if (!env.AWS_ROLE_ARN) {
            throw new NoCredentialsError("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
        }
        const token = await readTokenFile(env.AWS_WEB_IDENTITY_TOKEN_FILE, "AWS_WEB_IDENTITY_TOKEN_FILE");
        return credentialProviders().fromWebToken({
            roleArn: env.AWS_ROLE_ARN,
            roleSessionName: env.AWS_ROLE_SESSION_NAME || "aws-root-mfa-policy",
            webIdentityToken: token,
            clientConfig: stsConfig(),
        })();
    }
    const named = env.AWS_PROFILE ? "AWS_PROFILE" : env.AWS_DEFAULT_PROFILE ? "AWS_DEFAULT_PROFILE" : undefined;
    const profile = named ? (env[named] as string) : "default";
    return profileOrMachine(profile, named ? `profile "${profile}" (from ${named})` : `profile "default"`, named === "AWS_PROFILE", files, chainConfig, signal);
}

/**
 * A profile's credentials through the SDK's `fromIni` (static keys, role chains, SSO,
 * credential_process); a profile that holds none, or does not exist where that is allowed,
 * falls to the machine's: container credentials, then instance metadata.
 */
async function profileOrMachine(profile: string, described: string, mustExist: boolean, files: CheckedFiles, chainConfig: ChainConfig, signal: AbortSignal): Promise<Credentials> {
    const profiles = await parseProfiles(files);
    if (!hasProfile(profiles, profile)) {
        if (mustExist) {
            throw new NoCredentialsError(`${described} is not in ${files.config.path} or ${files.credentials.path}`);
        }
        return machineCredentials(described);
    }
    const data = profiles[profile];
    if (!CREDENTIAL_KEYS.some((k) => data[k] !== undefined)) {
        return machineCredentials(described);
    }
    // Only a profile makes the SDK run credential helpers: those run scoped to the unit of work
    // that resolves this source (the first to ask for it).
    return withHelperScope(signal, async () => {
        try {
            return await credentialProviders().fromIni({
                profile,
                filepath: files.credentials.path,
                configFilepath: files.config.path,
                clientConfig: chainConfig(),
            })();
        } catch (e) {
            throw safeCredentialError(e, described, data);
        }
    });
}

/** Container credentials, else instance metadata (unless disabled). */
async function machineCredentials(profileDescribed: string): Promise<Credentials> {
    const env = process.env;
    if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
        await checkFile(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", MAX_TOKEN_FILE_BYTES);
        return credentialProviders().fromContainerMetadata({ maxRetries: 1 })();
    }
    if ((env.AWS_EC2_METADATA_DISABLED ?? "").toLowerCase() === "true") {
        throw new NoCredentialsError(`no credentials in the environment (AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE), none in ${profileDescribed}, no container credentials, and instance metadata is disabled (AWS_EC2_METADATA_DISABLED)`);
    }
    return credentialProviders().fromInstanceMetadata({ maxRetries: 1 })();
}

function hasProfile(profiles: Profiles, name: string): boolean {
    return Object.prototype.hasOwnProperty.call(profiles, name);
}

/**
 * An error from a profile's credential source, in words that quote nothing the source printed or
 * was run with: a credential helper's command line and output can hold secrets. AWS's own
 * answers (they carry `$metadata`) pass through unchanged.
 */
function safeCredentialError(e: unknown, described: string, profile: Record<string, string | undefined>): unknown {
    if (typeof e === "object" && e !== null && "$metadata" in e) {
        return e;
    }
    if (profile.credential_process !== undefined) {
        const why = lastHelperFailure() ?? "it returned no usable credentials";
        return new NoCredentialsError(`the credential_process of ${described} failed: ${why} (its command line and output are not shown; run it yourself to see why)`);
    }
    if (profile.sso_session !== undefined || profile.sso_start_url !== undefined) {
        return new NoCredentialsError(`the IAM Identity Center (SSO) session of ${described} could not provide credentials: it has expired or was never started (run \`aws sso login\` for that profile)`);
    }
    if (profile.web_identity_token_file !== undefined) {
        return new NoCredentialsError(`the web identity token file of ${described} could not be used`);
    }
    return new NoCredentialsError(`${described} holds no credentials the AWS SDK could use`);
}

/** The profiles of both files, merged as the SDK merges them. */
function parseProfiles(files: CheckedFiles): Promise<Profiles> {
    return smithyConfig().parseKnownFiles({ filepath: files.credentials.path, configFilepath: files.config.path });
}

/** The profile files a source reads, checked, as absolute paths (the SDK caches by path). */
async function checkedProfileFiles(base: ProfileFiles): Promise<CheckedFiles> {
    const env = process.env;
    const files: CheckedFiles = {
        config: base.configFile
            ? { path: absolute(base.configFile), from: "sharedConfigFiles" }
            : { path: absolute(env.AWS_CONFIG_FILE || join(homedir(), ".aws", "config")), from: env.AWS_CONFIG_FILE ? "AWS_CONFIG_FILE" : "the default config file" },
        credentials: base.credentialsFile
            ? { path: absolute(base.credentialsFile), from: "sharedCredentialsFiles" }
            : { path: absolute(env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), ".aws", "credentials")), from: env.AWS_SHARED_CREDENTIALS_FILE ? "AWS_SHARED_CREDENTIALS_FILE" : "the default credentials file" },
    };
    await checkFile(files.config.path, files.config.from, MAX_PROFILE_FILE_BYTES);
    await checkFile(files.credentials.path, files.credentials.from, MAX_PROFILE_FILE_BYTES);
    return files;
}

function absolute(path: string): string {
    const expanded = path.startsWith("~/") ? join(homedir(), path.slice(2)) : path;
    return isAbsolute(expanded) ? expanded : resolve(expanded);
}

/**
 * A file the SDK is about to read must be a regular file of sane size: a FIFO or device would
 * hold one of Node's few file threads for good, and with it every other provider's check.
 * A missing file is the SDK's to report.
 */
async function checkFile(path: string | undefined, from: string, maxBytes: number): Promise<void> {
    if (!path) {
        return;
    }
    let info;
    try {
        info = await stat(absolute(path));
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") {
            return;
        }
        throw new UnusableFileError(path, from, `could not be examined (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
    if (!info.isFile()) {
        throw new UnusableFileError(path, from, "is not a regular file");
    }
    if (info.size > maxBytes) {
        throw new UnusableFileError(path, from, `is larger than ${maxBytes} bytes`);
    }
}

/** Reads a web identity token file after checking it. */
async function readTokenFile(path: string, from: string): Promise<string> {
    await checkFile(path, from, MAX_TOKEN_FILE_BYTES);
    try {
        return (await readFile(absolute(path), "utf8")).trim();
    } catch (e) {
        throw new NoCredentialsError(`the web identity token file ${path} (${from}) could not be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
}

/** Runs work that takes no abort signal of its own, giving up when the signal fires. */
function abortable<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    if (signal.aborted) {
        return Promise.reject(signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
        work().then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
}
