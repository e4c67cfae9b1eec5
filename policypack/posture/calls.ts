/**
 * The AWS calls that read an account with a target's resolved credentials: identify the account,
 * read its account summary. Each call is labelled with its step so a failure says where it happened.
 */
import { Target } from "../discover/target";
import { parsePrincipalArn } from "../discover/roleArn";
import { CheckFailure, MalformedAnswerError, Step, classifyFailure } from "./failure";
import { CallLimits, ClientPool, ClientRoute, Credentials, ProfileClientSettings, iam, organizations, sts } from "./sdk";
import { AwsService, effectiveOverride } from "./trust";

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

/** The SDK clients of one target with its resolved credentials, each made on first use. */
export interface AccountClients {
    sts: InstanceType<ReturnType<typeof sts>["STSClient"]>;
    iam: InstanceType<ReturnType<typeof iam>["IAMClient"]>;
    organizations: InstanceType<ReturnType<typeof organizations>["OrganizationsClient"]>;
}

/**
 * Makes the clients of a target, each on first use (and its SDK module with it). They send
 * through the run's shared request handlers, so dropping them leaves nothing open.
 */
export function makeClients(target: Target, credentials: Credentials, limits: CallLimits, pool: ClientPool): AccountClients {
    let stsClient: AccountClients["sts"] | undefined;
    let iamClient: AccountClients["iam"] | undefined;
    let orgClient: AccountClients["organizations"] | undefined;
    const config = (service: "sts" | "iam" | "organizations") =>
        pool.config(service, limits, regionOf(target, service, credentials.profile), credentials, clientRoute(target, service, credentials.profile), target.network);
    return {
        get sts() {
            return (stsClient ??= new (sts().STSClient)(config("sts")));
        },
        get iam() {
            return (iamClient ??= new (iam().IAMClient)(config("iam")));
        },
        get organizations() {
            return (orgClient ??= new (organizations().OrganizationsClient)(config("organizations")));
        },
    };
}

/**
 * The region a client of the target uses: the provider's (or the environment's), else the
 * profile's, else the partition's default; STS uses `stsRegion` when the provider sets it.
 */
export function regionOf(target: Target, service: AwsService, profile: ProfileClientSettings | undefined): string {
    if (service === "sts" && target.stsRegion) {
        return target.stsRegion;
    }
    return target.region ?? profile?.region ?? target.defaultRegion;
}

/**
 * How a client of the target reaches `service`, as the provider decides it: FIPS and dual-stack
 * from its inputs (only `true` counts there), else AWS_USE_FIPS_ENDPOINT /
 * AWS_USE_DUALSTACK_ENDPOINT, else its profile; the endpoint override of its inputs or the
 * environment (the trust boundary refused the provider before any call if it is untrusted).
 */
export function clientRoute(target: Target, service: AwsService, profile: ProfileClientSettings | undefined, env: NodeJS.ProcessEnv = process.env): ClientRoute {
    const variant = (input: boolean | undefined, variable: string, fromProfile: boolean | undefined) => {
        const set = env[variable];
        return input === true || (set ? set.toLowerCase() === "true" : fromProfile === true);
    };
    return {
        useFipsEndpoint: variant(target.network.useFipsEndpoint, "AWS_USE_FIPS_ENDPOINT", profile?.useFipsEndpoint),
        useDualstackEndpoint: variant(target.network.useDualstackEndpoint, "AWS_USE_DUALSTACK_ENDPOINT", profile?.useDualstackEndpoint),
        endpoint: effectiveOverride(service, target.endpoints, env)?.url,
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
