/**
 * The AWS calls that read an account: resolve a target's credentials (base source, then each role
 * in order), identify the account, read its account summary. Each call is labelled with its step
 * so a failure says where it happened.
 */
import { readFile, stat } from "node:fs/promises";
import { Target } from "../discover/target";
import { parsePrincipalArn } from "../discover/roleArn";
import { CheckFailure, MalformedAnswerError, NoCredentialsError, Step, classifyFailure } from "./failure";
import { CallLimits, Credentials, clientConfig, credentialProviders, iam, organizations, sts } from "./sdk";

/** A step's result: its value, or why it failed. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: CheckFailure };

/** Runs one step, turning any error into a classified failure. */
export async function step<T>(s: Step, run: () => Promise<T>): Promise<Outcome<T>> {
    try {
        return { ok: true, value: await run() };
    } catch (e) {
        return { ok: false, failure: classifyFailure(s, e) };
    }
}

/** The principal behind a target's credentials. */
export interface Identity {
    accountId: string;
    partition: string;
    arn: string;
}

/** The root-relevant entries of iam:GetAccountSummary's SummaryMap, as AWS returned them. */
export interface AccountSummary {
    /** Each entry as read; an entry AWS left out is absent. */
    entries: Partial<Record<SummaryEntry, number>>;
    /** When the summary was read (ISO 8601, UTC). */
    readAt: string;
}

/** SummaryMap entries the pack's policies read. */
export const SUMMARY_ENTRIES = [
    "AccountMFAEnabled",
    "AccountPasswordPresent",
    "AccountAccessKeysPresent",
    "AccountSigningCertificatesPresent",
] as const;

/** One SummaryMap entry name. */
export type SummaryEntry = (typeof SUMMARY_ENTRIES)[number];

/** Resolves the base credentials, then assumes each role in order; the last credentials win. */
export async function resolveCredentials(target: Target, limits: CallLimits, signal: AbortSignal): Promise<Outcome<Credentials>> {
    const providers = credentialProviders();
    const base = target.base;
    const stsConfig = clientConfig(limits, target.stsRegion, undefined, target.endpoints.sts);
    // Profiles and the default chain make their own clients (SSO portal, STS for role_arn chains):
    // they take the profile's region and sso_region, so only timeouts and retries are passed on.
    const { maxAttempts, requestHandler } = stsConfig;
    const chainConfig = { maxAttempts, requestHandler };
    const baseStep: Step = base.source === "web-identity" ? { kind: "web-identity", roleArn: base.webIdentity.roleArn } : { kind: "credentials" };
    const first = await step(baseStep, () => abortable(signal, async (): Promise<Credentials> => {
        switch (base.source) {
            case "web-identity": {
                const w = base.webIdentity;
                const tokenFile = w.webIdentityTokenFile ?? process.env.AWS_WEB_IDENTITY_TOKEN_FILE;
                const token = w.webIdentityToken ?? (tokenFile ? await readTokenFile(tokenFile) : undefined);
                if (!token) {
                    throw new NoCredentialsError("assumeRoleWithWebIdentity has neither webIdentityToken nor webIdentityTokenFile, and AWS_WEB_IDENTITY_TOKEN_FILE is not set");
                }
                return providers.fromWebToken({
                    roleArn: w.roleArn,
                    roleSessionName: w.sessionName ?? "aws-root-mfa-policy",
                    webIdentityToken: token,
                    durationSeconds: w.durationSeconds,
                    policy: w.policy,
                    policyArns: w.policyArns?.map((arn) => ({ arn })),
                    clientConfig: stsConfig,
                })();
            }
            case "static":
                return { ...base.keys };
            case "profile":
                return providers.fromIni({
                    profile: base.profile,
                    filepath: base.credentialsFile,
                    configFilepath: base.configFile,
                    clientConfig: chainConfig,
                })();
            case "default-chain":
                return providers.fromNodeProviderChain({
                    filepath: base.credentialsFile,
                    configFilepath: base.configFile,
                    clientConfig: chainConfig,
                })();
        }
    }));
    let current = first;
    for (const [i, role] of target.assumeRoles.entries()) {
        if (!current.ok) {
            break;
        }
        const masterCredentials = current.value;
        current = await step({ kind: "assume-role", roleArn: role.roleArn, position: i }, () => abortable(signal, () =>
            providers.fromTemporaryCredentials({
                masterCredentials,
                clientConfig: stsConfig,
                params: {
                    RoleArn: role.roleArn,
                    RoleSessionName: role.sessionName ?? "aws-root-mfa-policy",
                    ExternalId: role.externalId,
                    DurationSeconds: role.durationSeconds,
                    Policy: role.policy,
                    PolicyArns: role.policyArns?.map((arn) => ({ arn })),
                    Tags: role.tags ? Object.entries(role.tags).map(([Key, Value]) => ({ Key, Value })) : undefined,
                    TransitiveTagKeys: role.transitiveTagKeys,
                    SourceIdentity: role.sourceIdentity,
                },
            })()));
    }
    return current;
}

/** The SDK clients of one target with its resolved credentials, each made on first use. */
export interface AccountClients {
    sts: InstanceType<ReturnType<typeof sts>["STSClient"]>;
    iam: InstanceType<ReturnType<typeof iam>["IAMClient"]>;
    organizations: InstanceType<ReturnType<typeof organizations>["OrganizationsClient"]>;
    /** Releases the clients made so far (their sockets and handlers). */
    destroy(): void;
}

/** Makes the clients of a target; each SDK module loads on first use. */
export function makeClients(target: Target, credentials: Credentials, limits: CallLimits): AccountClients {
    let stsClient: AccountClients["sts"] | undefined;
    let iamClient: AccountClients["iam"] | undefined;
    let orgClient: AccountClients["organizations"] | undefined;
    return {
        get sts() {
            return (stsClient ??= new (sts().STSClient)(clientConfig(limits, target.stsRegion, credentials, target.endpoints.sts)));
        },
        get iam() {
            return (iamClient ??= new (iam().IAMClient)(clientConfig(limits, target.region, credentials, target.endpoints.iam)));
        },
        get organizations() {
            return (orgClient ??= new (organizations().OrganizationsClient)(clientConfig(limits, target.region, credentials, target.endpoints.organizations)));
        },
        destroy() {
            stsClient?.destroy();
            iamClient?.destroy();
            orgClient?.destroy();
        },
    };
}

/** sts:GetCallerIdentity: the account and partition the credentials belong to. */
export async function identify(clients: AccountClients, signal: AbortSignal): Promise<Outcome<Identity>> {
    return step({ kind: "identify" }, async () => {
        const out = await clients.sts.send(new (sts().GetCallerIdentityCommand)({}), { abortSignal: signal });
        const parsed = out.Arn ? parsePrincipalArn(out.Arn) : undefined;
        const accountId = out.Account ?? parsed?.accountId;
        if (!accountId || !/^\d{12}$/.test(accountId) || !out.Arn) {
            throw new MalformedAnswerError("sts:GetCallerIdentity returned no account id");
        }
        return { accountId, partition: parsed?.partition ?? "aws", arn: out.Arn };
    });
}

/** iam:GetAccountSummary, keeping the entries that describe the root user. */
export async function readAccountSummary(clients: AccountClients, signal: AbortSignal, via?: string): Promise<Outcome<AccountSummary>> {
    return step({ kind: "account-summary", via }, async () => {
        const out = await clients.iam.send(new (iam().GetAccountSummaryCommand)({}), { abortSignal: signal });
        const map = out.SummaryMap ?? {};
        const entries: AccountSummary["entries"] = {};
        for (const key of SUMMARY_ENTRIES) {
            const value = map[key];
            if (typeof value === "number") {
                entries[key] = value;
            }
        }
        return { entries, readAt: new Date().toISOString() };
    });
}

// A web identity token is a JWT of a few kilobytes.
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/** Reads a web identity token file: a regular file (a FIFO would hold a thread forever), small. */
async function readTokenFile(path: string): Promise<string> {
    let info;
    try {
        info = await stat(path);
    } catch (e) {
        throw new NoCredentialsError(`the web identity token file ${path} could not be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
    if (!info.isFile() || info.size > MAX_TOKEN_FILE_BYTES) {
        throw new NoCredentialsError(`the web identity token file ${path} is not a regular file of at most ${MAX_TOKEN_FILE_BYTES} bytes`);
    }
    try {
        return (await readFile(path, "utf8")).trim();
    } catch (e) {
        throw new NoCredentialsError(`the web identity token file ${path} could not be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
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
