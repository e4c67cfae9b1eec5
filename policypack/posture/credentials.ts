/**
 * Resolving a target's credentials the way the AWS provider does. discover/credentialChain.ts
 * decides, as pulumi-aws (terraform-provider-aws → aws-sdk-go-base v2 → AWS SDK for Go v2) would,
 * which source applies and which profile roles follow; this module reads the files that decision
 * needs (checked: posture/files.ts), carries out each step — static keys, a web identity token,
 * an IAM Identity Center session, a credential_process, container or instance credentials, each
 * role in order — and never lets a credential helper's command line or output into a message.
 * Every request, the container and instance metadata endpoints' included, passes the trust
 * boundary's request guard.
 */
import { type ProviderCredentialInputs, type BaseStep, type CredentialPlan, type FileRef, decideCredentials, sharedFilePaths } from "../discover/credentialChain";
import { type SharedFile, type SharedProfile, loadSharedSections } from "../discover/profiles";
import { type RootSessionSpec, type Target, rootTaskPolicyArn } from "../discover/target";
import { step, type Outcome } from "./calls";
import { clientRoute, regionOf } from "./calls";
import { ClassifiedError, DeadlineError, MalformedAnswerError, NoCredentialsError, ProfileError, classifyFailure, mayDependOnRoute, type Step } from "./failure";
import { FILE_LIMITS, readNamedFile } from "./files";
import { parseProcessCredentials, runCredentialProcess } from "./helpers";
import { containerCredentials, instanceCredentials } from "./machine";
import { CallLimits, ClientPool, Credentials, ProfileClientSettings, sts } from "./sdk";
import { ssoCredentials } from "./sso";

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

/** Where a step's requests go: the target's STS route, with the profile's settings once known. */
interface StsAccess {
    target: Target;
    limits: CallLimits;
    pool: ClientPool;
    signal: AbortSignal;
}

/**
 * Resolves the base credentials (once per run and source, profile roles included), then assumes
 * each of the provider's roles in order, each with its own STS client (the SDK's retry budget is
 * per client: one AssumeRole throttled many times must not use up another's); the last
 * credentials win.
 */
export async function resolveCredentials(target: Target, limits: CallLimits, run: CredentialsRun, signal: AbortSignal): Promise<Outcome<Credentials>> {
    const access: StsAccess = { target, limits, pool: run.pool, signal };
    const web = target.credentialInputs.staticKeys ? undefined : target.credentialInputs.webIdentity;
    const baseStep: Step = web ? { kind: "web-identity", roleArn: web.roleArn } : { kind: "credentials" };
    const inTime = (e: unknown) => e instanceof DeadlineError ? new DeadlineError(e.seconds, `the credential source of ${describeSource(target.credentialInputs)} did not finish in time (${e.seconds} s, timeoutSeconds)`) : e;
    const resolved = sharedResolution(run.bases, target.baseKey, target.routeKey, (o) => !o.ok && mayDependOnRoute(o.failure),
        () => step(baseStep, () => abortable(signal, () => baseCredentials(access)).catch((e) => {
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
        const master = current.value;
        current = await step({ kind: "assume-role", roleArn: role.roleArn, position: i }, async () => ({
            ...await assumeRole(access, master, {
                RoleArn: role.roleArn,
                RoleSessionName: role.sessionName ?? "aws-root-mfa-policy",
                ExternalId: role.externalId,
                DurationSeconds: role.durationSeconds,
                Policy: role.policy,
                PolicyArns: role.policyArns?.map((arn) => ({ arn })),
                Tags: role.tags ? Object.entries(role.tags).map(([Key, Value]) => ({ Key, Value })) : undefined,
                TransitiveTagKeys: role.transitiveTagKeys,
                SourceIdentity: role.sourceIdentity,
            }),
            profile: master.profile,
        }));
    }
    const root = target.rootSession;
    if (root && current.ok) {
        const caller = current.value;
        current = await step({ kind: "assume-root", accountId: root.accountId, task: root.task }, async () => ({
            ...await assumeRoot(access, caller, root),
            profile: caller.profile,
        }));
    }
    return current;
}

/** sts:AssumeRoot into a member account with `caller`'s credentials (management or IAM delegated administrator). */
async function assumeRoot(access: StsAccess, caller: Credentials, root: RootSessionSpec): Promise<Credentials> {
    const out = await new (sts().STSClient)(stsConfig(access, caller)).send(new (sts().AssumeRootCommand)({
        TargetPrincipal: root.accountId,
        TaskPolicyArn: { arn: rootTaskPolicyArn(root.task, root.partition) },
    }), { abortSignal: access.signal });
    const issued = out.Credentials;
    if (!issued?.AccessKeyId || !issued.SecretAccessKey) {
        throw new MalformedAnswerError(`sts:AssumeRoot returned no credentials for account ${root.accountId}`);
    }
    return { accessKeyId: issued.AccessKeyId, secretAccessKey: issued.SecretAccessKey, sessionToken: issued.SessionToken, expiration: issued.Expiration };
}

type AssumeRoleInput = ConstructorParameters<ReturnType<typeof sts>["AssumeRoleCommand"]>[0];

/** sts:AssumeRole with `master`'s credentials, through the target's STS route. */
async function assumeRole(access: StsAccess, master: Credentials, input: AssumeRoleInput): Promise<Credentials> {
    const out = await new (sts().STSClient)(stsConfig(access, master)).send(new (sts().AssumeRoleCommand)(input), { abortSignal: access.signal });
    const issued = out.Credentials;
    if (!issued?.AccessKeyId || !issued.SecretAccessKey) {
        throw new MalformedAnswerError(`sts:AssumeRole returned no credentials for role ${input.RoleArn}`);
    }
    return { accessKeyId: issued.AccessKeyId, secretAccessKey: issued.SecretAccessKey, sessionToken: issued.SessionToken, expiration: issued.Expiration };
}

/** The STS client configuration of a step: the target's route, the profile's region and variants when the credentials carry them. */
function stsConfig(access: StsAccess, credentials: Credentials | undefined, profile?: ProfileClientSettings) {
    const settings = profile ?? credentials?.profile;
    return access.pool.config("sts", access.limits, regionOf(access.target, "sts", settings), credentials, clientRoute(access.target, "sts", settings), access.target.network);
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
function describeSource(inputs: ProviderCredentialInputs): string {
    const env = process.env;
    if (inputs.staticKeys) {
        return "the provider's static keys";
    }
    if (inputs.webIdentity) {
        return "the provider's assumeRoleWithWebIdentity";
    }
    if (inputs.profile) {
        return `profile "${inputs.profile}"`;
    }
    return env.AWS_PROFILE ? `profile "${env.AWS_PROFILE}" (from AWS_PROFILE)` : env.AWS_DEFAULT_PROFILE ? `profile "${env.AWS_DEFAULT_PROFILE}" (from AWS_DEFAULT_PROFILE)` : "the environment";
}

/**
 * The base credentials: the shared files read (checked), the provider's decision made as
 * pulumi-aws makes it, its base step carried out, then the profile's roles assumed in order.
 */
async function baseCredentials(access: StsAccess): Promise<Credentials> {
    const env = process.env;
    const inputs = access.target.credentialInputs;
    const paths = sharedFilePaths(inputs, env);
    const [configFiles, credentialsFiles] = await Promise.all([readSharedFiles(paths.config), readSharedFiles(paths.credentials)]);
    const plan = decideCredentials(inputs, env, loadSharedSections(configFiles, credentialsFiles));
    if (!plan.ok) {
        throw new ProfileError(plan.reason, plan.unsupported === true);
    }
    const profile = profileSettings(plan);
    let credentials = await baseStepCredentials(plan.base, access, profile);
    for (const role of plan.roles) {
        const master = credentials;
        const roleStep: Step = { kind: "profile-role", roleArn: role.roleArn, profile: role.profile, file: role.file };
        const outcome = await step(roleStep, () => assumeRole(access, { ...master, profile }, {
            RoleArn: role.roleArn,
            RoleSessionName: role.sessionName || "aws-root-mfa-policy",
            ExternalId: role.externalId,
            DurationSeconds: role.durationSeconds,
        }));
        if (!outcome.ok) {
            throw new ClassifiedError(outcome.failure);
        }
        credentials = outcome.value;
    }
    return { ...credentials, profile };
}

/** The profile settings that decide how clients reach AWS, when a profile is in use. */
function profileSettings(plan: CredentialPlan): ProfileClientSettings | undefined {
    const p: SharedProfile | undefined = plan.profile;
    return p ? { region: p.region || undefined, useFipsEndpoint: p.useFipsEndpoint, useDualstackEndpoint: p.useDualstackEndpoint } : undefined;
}

/** Reads shared files as Go does: a missing file is skipped, an unusable one fails the source. */
function readSharedFiles(files: readonly FileRef[]): Promise<SharedFile[]> {
    return Promise.all(files.map(async (f) => ({ path: f.path, text: await readNamedFile(f.path, f.from, FILE_LIMITS.profile) })));
}

/** Carries out a plan's base step. */
async function baseStepCredentials(base: BaseStep, access: StsAccess, profile: ProfileClientSettings | undefined): Promise<Credentials> {
    const { target, limits, pool, signal } = access;
    switch (base.kind) {
        case "static":
            return { ...base.keys };
        case "web-identity": {
            const token = "value" in base.token ? base.token.value : await readToken(base.token.file, base.token.from, "web identity token");
            const out = await new (sts().STSClient)(stsConfig(access, undefined, profile)).send(new (sts().AssumeRoleWithWebIdentityCommand)({
                RoleArn: base.roleArn,
                RoleSessionName: base.sessionName || "aws-root-mfa-policy",
                WebIdentityToken: token,
                DurationSeconds: base.durationSeconds,
                Policy: base.policy,
                PolicyArns: base.policyArns?.map((arn) => ({ arn })),
            }), { abortSignal: signal });
            const issued = out.Credentials;
            if (!issued?.AccessKeyId || !issued.SecretAccessKey) {
                throw new MalformedAnswerError(`sts:AssumeRoleWithWebIdentity returned no credentials for role ${base.roleArn}`);
            }
            return { accessKeyId: issued.AccessKeyId, secretAccessKey: issued.SecretAccessKey, sessionToken: issued.SessionToken, expiration: issued.Expiration };
        }
        case "sso":
            return ssoCredentials(base, { limits, pool, network: target.network, signal });
        case "process": {
            const described = `the credential_process of profile "${base.profile}" (${base.file})`;
            try {
                return parseProcessCredentials(await runCredentialProcess(base.command, signal));
            } catch (e) {
                if (signal.aborted) {
                    throw signal.reason;
                }
                throw new NoCredentialsError(`${described} failed: ${e instanceof Error ? e.message : "it returned no usable credentials"} (its command line and output are not shown; run it yourself to see why)`);
            }
        }
        case "container": {
            const authorization = base.authorization === undefined ? undefined
                : "value" in base.authorization ? base.authorization.value
                    : await readToken(base.authorization.file, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "container authorization token");
            return containerCredentials({ url: base.url, from: base.from, authorization }, { limits, pool, signal });
        }
        case "imds": {
            if (target.instanceMetadata.disabled) {
                throw new NoCredentialsError("no credentials were found before instance metadata, and the provider's skipMetadataApiCheck turns instance metadata off");
            }
            if (base.disabledBy) {
                throw new NoCredentialsError(`no credentials were found before instance metadata, and ${base.disabledBy} turns instance metadata off`);
            }
            const endpoint = target.instanceMetadata.endpoint
                ? { url: target.instanceMetadata.endpoint, from: "the provider's ec2MetadataServiceEndpoint" }
                : base.endpoint;
            const mode = target.instanceMetadata.endpointMode ?? base.mode;
            return instanceCredentials({ endpoint, ipv6: mode?.toLowerCase() === "ipv6", v1Disabled: base.v1Disabled }, { limits, pool, signal });
        }
    }
}

/** A token file's contents, checked before it is read; a missing or empty file is no credentials. */
async function readToken(path: string, from: string, what: string): Promise<string> {
    const text = await readNamedFile(path, from, FILE_LIMITS.token);
    if (text === undefined || text.trim() === "") {
        throw new NoCredentialsError(`the ${what} file ${path} (${from}) ${text === undefined ? "does not exist" : "is empty"}`);
    }
    return text.trim();
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
