/**
 * One run's view of the live accounts: which account each provider reaches and what each account
 * says, each asked once however many providers and policies need it.
 */
import type { ProviderRef, ReadyProvider } from "../discover/providers";
import { Target, targetOf } from "../discover/target";
import { AccountSummary, Identity, Outcome, identify, readAccountSummary, resolveCredentials } from "./calls";
import { CheckFailure, Step, classifyFailure } from "./failure";
import { concurrencyLimit, withDeadline } from "./limits";
import { CallLimits, Credentials, DEFAULT_CALL_LIMITS } from "./sdk";

/** How the posture stage may use AWS. */
export interface PostureOptions {
    /** Accounts (and targets) worked on at once. */
    concurrency: number;
    /** Limit for each unit of work (identifying one target, reading one account), in seconds. */
    timeoutSeconds: number;
    limits: CallLimits;
}

/** Defaults for the policy config's `concurrency` and `timeoutSeconds`. */
export const DEFAULT_POSTURE_OPTIONS: PostureOptions = { concurrency: 32, timeoutSeconds: 15, limits: DEFAULT_CALL_LIMITS };

/** Providers that resolve credentials the same way, and so reach the same account. */
export interface TargetGroup {
    target: Target;
    providers: ProviderRef[];
}

/** An account the stack deploys into, with the providers that reach it. */
export interface TargetAccount {
    accountId: string;
    partition: string;
    providers: ProviderRef[];
    /** Targets that reach this account, in provider order; the first is used to read it. */
    targets: Target[];
    /** How the account was identified: the caller ARN, or "role ARN" when a role names it. */
    identifiedBy: string;
}

/** Providers whose account could not be identified. */
export interface UnidentifiedTarget {
    providers: ProviderRef[];
    failure: CheckFailure;
}

/** Where a stack's ready providers deploy. */
export interface StackAccounts {
    accounts: TargetAccount[];
    unidentified: UnidentifiedTarget[];
}

/** Caches of one run: shared by every policy of the pack within it. */
export class PostureSession {
    private readonly run: <T>(task: () => Promise<T>) => Promise<T>;
    private readonly credentials = new Map<string, Promise<Outcome<Credentials>>>();
    private readonly identities = new Map<string, Promise<Outcome<Identity>>>();
    private readonly summaries = new Map<string, Promise<Outcome<AccountSummary>>>();

    constructor(readonly options: PostureOptions) {
        this.run = concurrencyLimit(options.concurrency);
    }

    /** Groups providers by target and finds the account of each group. */
    async locate(providers: readonly ReadyProvider[]): Promise<StackAccounts> {
        const groups = new Map<string, TargetGroup>();
        for (const p of providers) {
            const target = targetOf(p.settings);
            const group = groups.get(target.key);
            if (group) {
                group.providers.push(p.provider);
            } else {
                groups.set(target.key, { target, providers: [p.provider] });
            }
        }
        const located = await Promise.all([...groups.values()].map(async (group) => ({ group, identity: await this.identityOf(group.target) })));
        const accounts = new Map<string, TargetAccount>();
        const unidentified: UnidentifiedTarget[] = [];
        for (const { group, identity } of located) {
            if (!identity.ok) {
                unidentified.push({ providers: group.providers, failure: identity.failure });
                continue;
            }
            const { accountId, partition } = identity.value;
            const account = accounts.get(accountId);
            if (account) {
                account.providers.push(...group.providers);
                account.targets.push(group.target);
            } else {
                accounts.set(accountId, {
                    accountId,
                    partition,
                    providers: [...group.providers],
                    targets: [group.target],
                    identifiedBy: identity.value.arn,
                });
            }
        }
        return { accounts: [...accounts.values()], unidentified };
    }

    /** The account a target reaches: named by its last role's ARN, or asked of sts:GetCallerIdentity. */
    identityOf(target: Target): Promise<Outcome<Identity>> {
        if (target.knownAccount) {
            const { accountId, partition } = target.knownAccount;
            const roleArn = target.assumeRoles[target.assumeRoles.length - 1].roleArn;
            return Promise.resolve({ ok: true, value: { accountId, partition, arn: roleArn } });
        }
        return memo(this.identities, target.key, () => this.bounded({ kind: "identify" }, async (signal) => {
            const creds = await this.credentialsOf(target, signal);
            return creds.ok ? identify(target, creds.value, this.options.limits, signal) : creds;
        }));
    }

    /** iam:GetAccountSummary of an account, read once with the credentials of its first target. */
    accountSummary(account: TargetAccount): Promise<Outcome<AccountSummary>> {
        const target = account.targets[0];
        return memo(this.summaries, account.accountId, () => this.bounded({ kind: "account-summary" }, async (signal) => {
            const creds = await this.credentialsOf(target, signal);
            return creds.ok ? readAccountSummary(target, creds.value, this.options.limits, signal) : creds;
        }));
    }

    private credentialsOf(target: Target, signal: AbortSignal): Promise<Outcome<Credentials>> {
        return memo(this.credentials, target.key, () => resolveCredentials(target, this.options.limits, signal));
    }

    /** One unit of work: waits for a concurrency slot, then runs under the per-unit deadline. */
    private bounded<T>(s: Step, work: (signal: AbortSignal) => Promise<Outcome<T>>): Promise<Outcome<T>> {
        return this.run(() => withDeadline(this.options.timeoutSeconds, work)
            .catch((e): Outcome<T> => ({ ok: false, failure: classifyFailure(s, e) })));
    }
}

function memo<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
    let value = cache.get(key);
    if (!value) {
        value = make();
        cache.set(key, value);
    }
    return value;
}

// A run of the pack (one preview or update) lasts well under this; a later run reads afresh.
const SESSION_TTL_MS = 120_000;
let shared: { key: string; createdAt: number; session: PostureSession } | undefined;

/**
 * The session every policy of the pack shares within a run, so each account is asked once per run.
 * A session older than two minutes, or with other options, is replaced.
 */
export function sharedSession(options: PostureOptions, now: number = Date.now()): PostureSession {
    const key = JSON.stringify(options);
    if (!shared || shared.key !== key || now - shared.createdAt > SESSION_TTL_MS) {
        shared = { key, createdAt: now, session: new PostureSession(options) };
    }
    return shared.session;
}
