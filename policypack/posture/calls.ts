/**
 * The AWS calls that read an account with a target's resolved credentials: identify the account,
 * read its account summary. Each call is labelled with its step so a failure says where it happened.
 */
import { Target } from "../discover/target";
import { parsePrincipalArn } from "../discover/roleArn";
import { CheckFailure, MalformedAnswerError, Step, classifyFailure } from "./failure";
import { CallLimits, ClientPool, Credentials, iam, organizations, sts } from "./sdk";

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
    return {
        get sts() {
            return (stsClient ??= new (sts().STSClient)(pool.config("sts", limits, target.stsRegion, credentials, target.endpoints.sts, target.network)));
        },
        get iam() {
            return (iamClient ??= new (iam().IAMClient)(pool.config("iam", limits, target.region, credentials, target.endpoints.iam, target.network)));
        },
        get organizations() {
            return (orgClient ??= new (organizations().OrganizationsClient)(pool.config("organizations", limits, target.region, credentials, target.endpoints.organizations, target.network)));
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
