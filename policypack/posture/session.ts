/**
 * One run's view of the live accounts: which account each provider reaches and what each account
 * says, each asked once however many providers and policies need it.
 */
import { analyzerMessages } from "../analyzerMessages";
import type { ProviderRef, ReadyProvider } from "../discover/providers";
import { Target, targetOf, viaRole } from "../discover/target";
import { AccountClients, AccountSummary, Identity, Outcome, identify, makeClients, readAccountSummary, resolveCredentials } from "./calls";
import type { Credentials } from "./sdk";
import { FeaturesAnswer, Membership, OrganizationFeatures, describeMembership, featuresOf, listOrganizationFeatures } from "./organization";
import { CheckFailure, Step, classifyFailure } from "./failure";
import { concurrencyLimit, withDeadline } from "./limits";
import { CallLimits, DEFAULT_CALL_LIMITS } from "./sdk";

// Steps that fail because of the reader's own credentials, not because of the account.
const REACH_STEPS = new Set<Step["kind"]>(["credentials", "web-identity", "assume-role"]);

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

/** Where one account stands in AWS Organizations, and what its organization has enabled. */
export interface OrganizationPosture {
    membership: Outcome<Membership>;
    /** Present for members and management accounts whose membership was read. */
    features?: OrganizationFeatures;
}

/** What a run has asked AWS, shared by every policy of the pack within the run. */
export class RunCache {
    readonly createdAt = Date.now();
    /** The stack analysis (by count) this cache served, once it has served one. */
    servedStack: number | undefined;
    readonly credentials = new Map<string, Promise<Outcome<Credentials>>>();
    /** Which reader's answer an account's cached summary or membership is. */
    readonly readers = new Map<string, string>();
    /** One session per set of options, so every policy and resource check shares its bounds. */
    readonly sessions = new Map<string, PostureSession>();
    readonly identities = new Map<string, Promise<Outcome<Identity>>>();
    readonly summaries = new Map<string, Promise<Outcome<AccountSummary>>>();
    readonly memberships = new Map<string, Promise<Outcome<Membership>>>();
    readonly features = new Map<string, Promise<Outcome<FeaturesAnswer>>>();
    /** Every account located in the run, to find an organization's management account among them. */
    readonly accounts = new Map<string, TargetAccount>();
}

/** One policy's access to the live accounts: its own limits, the run's shared answers. */
export class PostureSession {
    private readonly run: <T>(task: () => Promise<T>) => Promise<T>;

    constructor(readonly options: PostureOptions, private readonly cache: RunCache = new RunCache()) {
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
                });
            }
        }
        for (const account of accounts.values()) {
            this.cache.accounts.set(account.accountId, account);
        }
        return { accounts: [...accounts.values()], unidentified };
    }

    /** The account a target reaches: named by its last role's ARN, or asked of sts:GetCallerIdentity. */
    identityOf(target: Target): Promise<Outcome<Identity>> {
        if (target.knownAccount) {
            const { accountId, partition, roleArn } = target.knownAccount;
            return Promise.resolve({ ok: true, value: { accountId, partition, arn: roleArn } });
        }
        return memo(this.cache.identities, target.key, () => this.bounded({ kind: "identify" }, async (signal) => {
            return this.withClients(target, signal, (clients) => identify(clients, signal));
        }));
    }

    /**
     * iam:GetAccountSummary of an account, read once: through the audit role when one is given,
     * else with the credentials of the account's first target.
     */
    accountSummary(account: TargetAccount, auditRoleArn?: string): Promise<Outcome<AccountSummary>> {
        return this.readOnce(this.cache.summaries, account, auditRoleArn, { kind: "account-summary", via: auditRoleArn },
            (clients, signal) => readAccountSummary(clients, signal, auditRoleArn));
    }

    /** The account's organization (read like its summary) and that organization's centralized root access features. */
    async organization(account: TargetAccount, roleFor: (organizationId: string) => string | undefined, auditRoleArn?: string): Promise<OrganizationPosture> {
        const membership = await this.readOnce(this.cache.memberships, account, auditRoleArn, { kind: "describe-organization", via: auditRoleArn },
            (clients, signal) => describeMembership(clients, account.accountId, signal, auditRoleArn));
        if (!membership.ok || membership.value.kind === "standalone") {
            return { membership };
        }
        return { membership, features: await this.organizationFeatures(account, membership.value, roleFor(membership.value.organizationId)) };
    }

    /**
     * One read of an account per run, whichever provider asks: with the first asker's credentials
     * (or the audit role). Only when those credentials themselves failed does another provider's
     * reader try again, so one provider's broken credentials are never reported for another's.
     */
    private readOnce<T>(cache: Map<string, Promise<Outcome<T>>>, account: TargetAccount, auditRoleArn: string | undefined, s: Step,
        call: (clients: AccountClients, signal: AbortSignal) => Promise<Outcome<T>>): Promise<Outcome<T>> {
        const reader = this.readerOf(account, auditRoleArn);
        const accountKey = `${s.kind}|${account.accountId}|${auditRoleArn ?? ""}`;
        const first = memo(cache, accountKey, () => {
            this.cache.readers.set(accountKey, reader.key);
            return this.onTarget(reader, s, call);
        });
        return first.then((outcome) => outcome.ok || !REACH_STEPS.has(outcome.failure.step.kind) || this.cache.readers.get(accountKey) === reader.key
            ? outcome
            : memo(cache, `${accountKey}|${reader.key}`, () => this.onTarget(reader, s, call)));
    }

    /**
     * iam:ListOrganizationsFeatures for the account's organization, asked once per organization:
     * from the management account when the stack deploys into it, else through the configured
     * role, else from the account itself (it may be the IAM delegated administrator).
     */
    private async organizationFeatures(account: TargetAccount, membership: Exclude<Membership, { kind: "standalone" }>, roleArn: string | undefined): Promise<OrganizationFeatures> {
        const orgId = membership.organizationId;
        const management = this.cache.accounts.get(membership.managementAccountId);
        const source = management
            ? { key: `account:${management.accountId}`, via: `management account ${management.accountId}`, target: management.targets[0] }
            : roleArn
                ? this.roleSource(account, roleArn)
                : { key: `member:${orgId}`, via: `account ${account.accountId}`, target: account.targets[0] };
        return featuresOf(orgId, await this.featuresFrom(source), source.via, roleArn !== undefined);
    }

    /**
     * Starts reading, without waiting, everything the pack's policies may ask of these accounts:
     * summaries, organizations, and — when one role serves every organization — the features
     * through that role, in parallel with the rest rather than after DescribeOrganization.
     */
    prefetch(accounts: readonly TargetAccount[], config: { organizationRoleFor(organizationId: string): string | undefined; auditRoleFor(account: TargetAccount): string | undefined; singleOrganizationRole?: string }): void {
        for (const account of accounts) {
            const audit = config.auditRoleFor(account);
            void this.accountSummary(account, audit);
            void this.organization(account, (id) => config.organizationRoleFor(id), audit);
        }
        if (config.singleOrganizationRole && accounts.length > 0) {
            void this.featuresFrom(this.roleSource(accounts[0], config.singleOrganizationRole));
        }
    }

    private roleSource(account: TargetAccount, roleArn: string): { key: string; via: string; target: Target } {
        return { key: `role:${roleArn}`, via: `role ${roleArn}`, target: viaRole(account.targets[0], roleArn, "aws-root-mfa-organization") };
    }

    /** One iam:ListOrganizationsFeatures answer per source (an account, or a role), per run. */
    private featuresFrom(source: { key: string; via: string; target: Target }): Promise<Outcome<FeaturesAnswer>> {
        return memo(this.cache.features, source.key, () => this.onTarget(source.target, { kind: "organization-features", via: source.via },
            (clients, signal) => listOrganizationFeatures(clients, source.via, signal)));
    }

    /**
     * Whose credentials read an account: the audit role's, else its first target's. Answers are
     * cached per account and reader, so a failure of one provider's credentials is never
     * reported for another provider's.
     */
    private readerOf(account: TargetAccount, auditRoleArn: string | undefined): Target {
        return auditRoleArn ? viaRole(account.targets[0], auditRoleArn, "aws-root-mfa-audit") : account.targets[0];
    }

    /** One call with a target's credentials, bounded. */
    private onTarget<T>(target: Target, s: Step, call: (clients: AccountClients, signal: AbortSignal) => Promise<Outcome<T>>): Promise<Outcome<T>> {
        return this.bounded(s, (signal) => this.withClients(target, signal, (clients) => call(clients, signal)));
    }

    /**
     * Clients with the target's credentials (resolved once per target and run) for one unit of
     * work, released after it: holding SDK clients for hundreds of accounts costs more memory than
     * making them again.
     */
    private async withClients<T>(target: Target, signal: AbortSignal, use: (clients: AccountClients) => Promise<Outcome<T>>): Promise<Outcome<T>> {
        const creds = await memo(this.cache.credentials, target.key, () => resolveCredentials(target, this.options.limits, signal));
        if (!creds.ok) {
            return creds;
        }
        const clients = makeClients(target, creds.value, this.options.limits);
        try {
            return await use(clients);
        } finally {
            clients.destroy();
        }
    }

    /** One unit of work: waits for a concurrency slot, then runs under the per-unit deadline. */
    private bounded<T>(s: Step, work: (signal: AbortSignal) => Promise<Outcome<T>>): Promise<Outcome<T>> {
        return this.run(() => withDeadline(this.options.timeoutSeconds, work)
            .catch((e): Outcome<T> => ({ ok: false, failure: classifyFailure(s, e) })));
    }
}

function memo<T>(cache: Map<string, T>, key: string, make: () => T): T {
    if (!cache.has(key)) {
        cache.set(key, make());
    }
    return cache.get(key) as T;
}

// A run of the pack (one preview or update) lasts well under this; a later run reads afresh.
const RUN_CACHE_TTL_MS = 5 * 60_000;
let runCache: RunCache | undefined;
let stackAnalyses = 0;

/**
 * Marks the start of an AnalyzeStack call. The stack analysis is the end of a run: answers read
 * during the run's Analyze calls serve it, and whatever comes after it — another AnalyzeStack, or
 * the Analyze calls of the update that follows a preview — reads the accounts afresh.
 */
function beginStackAnalysis(): void {
    stackAnalyses += 1;
}

/** Wraps the engine's AnalyzeStack request so each call marks a run's end. Idempotent. */
export function installRunBoundaries(): void {
    const request = analyzerMessages()?.AnalyzeStackRequest?.prototype;
    const original = request?.getResourcesList;
    if (!request || typeof original !== "function" || (original as { boundary?: boolean }).boundary) {
        return;
    }
    const wrapped = function (this: unknown) {
        beginStackAnalysis();
        return original.call(this);
    };
    request.getResourcesList = Object.assign(wrapped, { boundary: true });
}

/**
 * A session over the run's shared cache, so each account is asked once per run whichever policies
 * and resource checks need it. `during` says who asks: a stack policy (within an AnalyzeStack) or
 * a resource check (an Analyze call). A cache that served an earlier stack analysis, or that is
 * older than five minutes, is replaced.
 */
export function sharedSession(options: PostureOptions, during: "stack" | "resource", now: number = Date.now()): PostureSession {
    const served = runCache?.servedStack;
    if (!runCache || now - runCache.createdAt > RUN_CACHE_TTL_MS
        || (served !== undefined && (during === "resource" || served !== stackAnalyses))) {
        runCache = new RunCache();
    }
    if (during === "stack") {
        runCache.servedStack = stackAnalyses;
    }
    const cache = runCache;
    return memo(cache.sessions, JSON.stringify(options), () => new PostureSession(options, cache));
}

