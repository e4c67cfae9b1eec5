/**
 * One run's view of the live accounts: which account each provider reaches and what each account
 * says, each asked once however many providers and policies need it.
 */
import { analyzerMessages } from "../analyzerMessages";
import type { ProviderRef, ReadyProvider } from "../discover/providers";
import { Target, targetOf, viaRole, withRootSession } from "../discover/target";
import { currentOrganization } from "./organizationScope";
import { EndpointTrust, accountKey, answerSource } from "./trust";
import { AccountClients, AccountSummary, Identity, Outcome, identify, makeClients, readAccountSummary } from "./calls";
import { resolveCredentials, sharedResolution } from "./credentials";
import { FeaturesAnswer, Membership, OrganizationFeatures, describeMembership, featuresOf, listOrganizationFeatures } from "./organization";
import { CheckFailure, DeadlineError, ROOT_SESSION_VIA, Step, classifyFailure, mayDependOnRoute } from "./failure";
import { VirtualMfaDevice, listAssignedVirtualMfaDevices } from "./mfaDevices";
import { Limiter, concurrencyLimit, withDeadline } from "./limits";
import { CallLimits, ClientPool, Credentials, DEFAULT_CALL_LIMITS } from "./sdk";

// Failures that belong to the reader's own credentials or permissions, not to the account: another
// provider's reader may still get the account's answer.
const READER_FAILURE_STEPS = new Set<Step["kind"]>(["credentials", "web-identity", "assume-role", "profile-role", "assume-root"]);

function isReaderFailure(failure: CheckFailure): boolean {
    return READER_FAILURE_STEPS.has(failure.step.kind) || failure.kind === "access-denied" || failure.kind === "invalid-credentials";
}

/** How the posture stage may use AWS. */
export interface PostureOptions {
    /**
     * Units of work at once: resolving one target's credentials (its AssumeRole), or reading one
     * account (its summary and organization together, in one slot).
     */
    concurrency: number;
    /**
     * Limit for each unit of work (resolving one target's credentials, identifying it, reading one
     * account), in seconds, counted from when the unit is asked for, so that waiting for a slot
     * counts too.
     */
    timeoutSeconds: number;
    limits: CallLimits;
    /** Where requests may go (policy config `trustedEndpoints`). */
    trust: EndpointTrust;
}

/** Defaults for the policy config's `concurrency` and `timeoutSeconds`. */
export const DEFAULT_POSTURE_OPTIONS: PostureOptions = { concurrency: 32, timeoutSeconds: 15, limits: DEFAULT_CALL_LIMITS, trust: new EndpointTrust([]) };

/** Providers that resolve credentials the same way, and so reach the same account. */
export interface TargetGroup {
    target: Target;
    providers: ProviderRef[];
}

/** An account the stack deploys into, with the providers that reach it. */
export interface TargetAccount {
    accountId: string;
    partition: string;
    /** Where its answers come from (trust.ts `answerSource`): genuine AWS, trusted overrides, or one reader's plain http. */
    source: string;
    providers: ProviderRef[];
    /** Targets that reach this account, in provider order; each may read it for the others. */
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
    /** Exempt accounts known from a role's ARN, with the providers left out for them (never assumed). */
    exempt: Array<{ accountId: string; partition: string; providers: ProviderRef[] }>;
}

/** Where one account stands in AWS Organizations, and what its organization has enabled. */
export interface OrganizationPosture {
    membership: Outcome<Membership>;
    /** Present for members and management accounts whose membership was read. */
    features?: OrganizationFeatures;
}

/**
 * What a run has asked AWS, shared by every policy of the pack within the run that trusts the
 * same endpoints (an answer read through an endpoint one policy trusts never serves another).
 */
export class RunCache {
    /** Set when the run's stack analysis starts: its policies share one deadline. */
    stackStartedAt: number | undefined;
    /** Aborted when the stack analysis's deadline passes: whatever is unfinished then ends. */
    stackAbort = new AbortController();
    /** When the run's abort timer fires, once one is armed. */
    stackAbortAt: number | undefined;
    stackTimer: NodeJS.Timeout | undefined;
    /** Never aborted: for work that is no stack analysis's (check --organization's listing spans its batches). */
    readonly unbounded = new AbortController();

    /** Starts a new stack analysis in the same run (check --organization's next batch): a deadline of its own, the answers and connections kept. */
    restartStack(): void {
        clearTimeout(this.stackTimer);
        this.stackStartedAt = undefined;
        this.stackAbortAt = undefined;
        this.stackAbort = new AbortController();
    }
    /** The run's SDK request handlers and role-assuming STS clients. */
    readonly pool: ClientPool;
    /** Base credentials per source, before any role. */
    readonly bases = new Map<string, Promise<Outcome<Credentials>>>();
    readonly credentials = new Map<string, Promise<Outcome<Credentials>>>();
    /** The readers (target keys) already tried for each shared answer. */
    readonly tried = new Map<string, Set<string>>();
    /** Each reader's own failure for a shared answer, so each asker is told of its own. */
    readonly readerFailures = new Map<string, Outcome<unknown>>();
    /** One session per set of options, so every policy and resource check shares its bounds. */
    readonly sessions = new Map<string, PostureSession>();
    readonly identities = new Map<string, Promise<Outcome<Identity>>>();
    readonly summaries = new Map<string, Promise<Outcome<AccountSummary>>>();
    readonly memberships = new Map<string, Promise<Outcome<Membership>>>();
    readonly features = new Map<string, Promise<Outcome<FeaturesAnswer>>>();
    readonly virtualMfaDevices = new Map<string, Promise<Outcome<VirtualMfaDevice[]>>>();
    /** Every account located in the run (by partition and id), to find an organization's management account. */
    readonly accounts = new Map<string, TargetAccount>();

    constructor(trust: EndpointTrust) {
        this.pool = new ClientPool(trust);
    }
}

/** A source of iam:ListOrganizationsFeatures: an account of the stack, or a configured role. */
interface FeaturesSource {
    key: string;
    via: string;
    /** Made only when the answer is not already read (a role's readers cost a hash each). */
    readers: () => readonly Target[];
}

/** One policy's access to the live accounts: its own limits, the run's shared answers. */
export class PostureSession {
    private readonly run: Limiter;

    constructor(readonly options: PostureOptions, private readonly cache: RunCache = new RunCache(options.trust)) {
        this.run = concurrencyLimit(options.concurrency);
    }

    /**
     * When this run's stack analysis must have finished: 2 × timeoutSeconds + 1 s from the start of
     * its first policy (identifying, then reading, each take at most timeoutSeconds). At that
     * moment every unit of work still running is ended.
     */
    stackDeadline(): number {
        const started = (this.cache.stackStartedAt ??= Date.now());
        const at = started + (2 * this.options.timeoutSeconds + 1) * 1000;
        // One timer for the run: the earliest deadline ends its work, so a later one adds nothing.
        const abort = this.cache.stackAbort;
        if (!abort.signal.aborted && (this.cache.stackAbortAt === undefined || at < this.cache.stackAbortAt)) {
            this.cache.stackAbortAt = at;
            clearTimeout(this.cache.stackTimer);
            this.cache.stackTimer = setTimeout(() => abort.abort(new DeadlineError(this.options.timeoutSeconds)), Math.max(0, at - Date.now())).unref();
        }
        return at;
    }

    /**
     * Groups providers by target and finds the account of each group. Accounts are keyed by
     * partition and id; a provider joins an account only once its credentials proved it. A
     * provider whose last role lives in an exempt account is left out without any call.
     */
    async locate(providers: readonly ReadyProvider[], exempt: (accountId: string) => boolean = () => false): Promise<StackAccounts> {
        const groups = new Map<string, TargetGroup>();
        const skipped = new Map<string, StackAccounts["exempt"][number]>();
        for (const p of providers) {
            const root = currentOrganization()?.rootSessions.get(p.provider.urn);
            const target = root ? withRootSession(targetOf(p.settings), root) : targetOf(p.settings);
            if (target.knownAccount && exempt(target.knownAccount.accountId)) {
                // Its credentials are that role's, so it can deploy nowhere else: not even assumed.
                const { accountId, partition } = target.knownAccount;
                memo(skipped, `${partition}:${accountId}`, () => ({ accountId, partition, providers: [] })).providers.push(p.provider);
                continue;
            }
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
            const source = answerSource(group.target.endpoints, process.env, () => group.target.key);
            const key = accountKey({ accountId, partition, source });
            const account = accounts.get(key);
            if (account) {
                account.providers.push(...group.providers);
                account.targets.push(group.target);
            } else {
                accounts.set(key, { accountId, partition, source, providers: [...group.providers], targets: [group.target] });
            }
        }
        for (const [key, account] of accounts) {
            this.cache.accounts.set(key, account);
        }
        return { accounts: [...accounts.values()], unidentified, exempt: [...skipped.values()] };
    }

    /**
     * The account a target reaches. Its credentials are resolved first: a role's ARN names the
     * account only once a trusted STS has issued that role's credentials (a decoy naming a role it
     * cannot assume names nothing); otherwise sts:GetCallerIdentity says. Targets that share
     * credentials wait for one resolution without holding a slot each.
     */
    identityOf(target: Target): Promise<Outcome<Identity>> {
        return memo(this.cache.identities, target.key, async (): Promise<Outcome<Identity>> => {
            const deadlineAt = this.deadlineFromNow();
            const creds = await this.credentialsOf(target);
            if (!creds.ok) {
                return creds;
            }
            if (target.knownAccount) {
                const { accountId, partition, roleArn } = target.knownAccount;
                return { ok: true, value: { accountId, partition, arn: roleArn } };
            }
            return this.bounded({ kind: "identify" }, deadlineAt, (signal) => identify(this.clients(target, creds.value), signal));
        });
    }

    /**
     * iam:GetAccountSummary of an account, read once: through the audit role when one is given,
     * else with the credentials of one of the account's targets.
     */
    accountSummary(account: TargetAccount, auditRoleArn?: string): Promise<Outcome<AccountSummary>> {
        return this.readOnce(this.cache.summaries, account, auditRoleArn, { kind: "account-summary", via: auditRoleArn },
            (clients, signal) => readAccountSummary(clients, signal, auditRoleArn));
    }

    /** The account's organization (read like its summary) and that organization's centralized root access features. */
    async organization(account: TargetAccount, roleFor: (organizationId: string) => string | undefined, auditRoleArn?: string): Promise<OrganizationPosture> {
        const listed = currentOrganization();
        if (listed?.members.has(account.accountId)) {
            // check --organization listed it: the membership and features are known, read once.
            const { organizationId, managementAccountId, listedBy } = listed;
            const kind = account.accountId === managementAccountId ? "management" : "member";
            return {
                membership: { ok: true, value: { kind, organizationId, managementAccountId, listedBy } },
                features: featuresOf(organizationId, listed.features, listedBy, false),
            };
        }
        const membership = await this.readOnce(this.cache.memberships, account, auditRoleArn, { kind: "describe-organization", via: auditRoleArn },
            (clients, signal) => describeMembership(clients, account.accountId, signal, auditRoleArn));
        if (!membership.ok || membership.value.kind === "standalone") {
            return { membership };
        }
        return { membership, features: await this.organizationFeatures(account, membership.value, roleFor(membership.value.organizationId)) };
    }

    /**
     * The account's assigned virtual MFA devices (iam:ListVirtualMFADevices, every page), read
     * like its summary, once per run. Only the hardware-MFA policy asks, and nothing prefetches
     * it: the call is made only when that policy runs.
     */
    virtualMfaDevices(account: TargetAccount, auditRoleArn?: string): Promise<Outcome<VirtualMfaDevice[]>> {
        const via = auditRoleArn ?? (account.targets.every((t) => t.rootSession) ? ROOT_SESSION_VIA : undefined);
        return this.readOnce(this.cache.virtualMfaDevices, account, auditRoleArn, { kind: "virtual-mfa-devices", via },
            (clients, signal) => listAssignedVirtualMfaDevices(clients, signal, via));
    }

    /**
     * One read of an account per run, whichever provider asks (see {@link readShared}). The reads
     * of one account asked together (its summary and its organization) share one slot.
     */
    private readOnce<T>(cache: Map<string, Promise<Outcome<T>>>, account: TargetAccount, auditRoleArn: string | undefined, s: Step,
        call: (clients: AccountClients, signal: AbortSignal) => Promise<Outcome<T>>): Promise<Outcome<T>> {
        const readers = auditRoleArn ? once(() => account.targets.map((t) => viaRole(t, auditRoleArn, "aws-root-mfa-audit"))) : () => account.targets;
        const key = accountKey(account);
        return this.readShared(cache, `${s.kind}|${key}|${auditRoleArn ?? ""}`, readers, s, call, key);
    }

    /**
     * One answer per key and run, read through trusted endpoints only (the request guard sees to
     * that), so it may serve every provider. The readers are tried in order; the next is tried
     * only when the previous one's own credentials or permissions failed, so a provider with
     * broken credentials, however it is named or ordered, neither clears nor spoils the account
     * for the others. When all fail, the first failure stands.
     */
    private readShared<T>(cache: Map<string, Promise<Outcome<T>>>, key: string, readers: () => readonly Target[], s: Step,
        call: (clients: AccountClients, signal: AbortSignal) => Promise<Outcome<T>>, slot?: string): Promise<Outcome<T>> {
        const tried = memo(this.cache.tried, key, () => new Set<string>());
        const attempt = async (prior?: Outcome<T>): Promise<Outcome<T>> => {
            let first = prior;
            for (const reader of readers()) {
                if (tried.has(reader.key)) {
                    continue;
                }
                tried.add(reader.key);
                const outcome = await this.onTarget(reader, s, call, slot);
                if (outcome.ok || !isReaderFailure(outcome.failure)) {
                    return outcome;
                }
                this.cache.readerFailures.set(`${key}|${reader.key}`, outcome);
                first ??= outcome;
            }
            return first ?? { ok: false, failure: { kind: "unexpected", step: s, code: "NoReader", detail: "no credentials to read with" } };
        };
        // When every reader failed on its own credentials, each asker is told of its own failure.
        const own = (outcome: Outcome<T>): Outcome<T> => outcome.ok || !isReaderFailure(outcome.failure)
            ? outcome
            : (readers().map((r) => this.cache.readerFailures.get(`${key}|${r.key}`)).find((o) => o !== undefined) as Outcome<T> | undefined) ?? outcome;
        const cached = cache.get(key);
        if (!cached) {
            const first = attempt();
            cache.set(key, first);
            return first.then(own);
        }
        return cached.then((outcome) => {
            if (outcome.ok || !isReaderFailure(outcome.failure) || readers().every((r) => tried.has(r.key))) {
                return own(outcome);
            }
            const again = attempt(outcome);
            cache.set(key, again);
            return again.then(own);
        });
    }

    /**
     * iam:ListOrganizationsFeatures for the account's organization, asked once per organization:
     * from the management account when the stack deploys into it, else through the configured
     * role, else from the account itself (it may be the IAM delegated administrator).
     */
    private async organizationFeatures(account: TargetAccount, membership: Exclude<Membership, { kind: "standalone" }>, roleArn: string | undefined): Promise<OrganizationFeatures> {
        const orgId = membership.organizationId;
        const management = this.cache.accounts.get(accountKey({ partition: account.partition, accountId: membership.managementAccountId, source: account.source }));
        const source: FeaturesSource = management
            ? { key: `account:${accountKey(management)}`, via: `management account ${management.accountId}`, readers: () => management.targets }
            : roleArn
                ? this.roleSource(account.targets, roleArn, account.source)
                : { key: `member:${account.partition}:${orgId} ${account.source}`, via: `account ${account.accountId}`, readers: () => account.targets };
        return featuresOf(orgId, await this.featuresFrom(source), source.via, roleArn !== undefined);
    }

    /**
     * Starts reading, without waiting, what the pack's default policies ask of these accounts:
     * summaries, organizations, and — when one role serves every organization — the features
     * through that role, in parallel with the rest rather than after DescribeOrganization. Never
     * the virtual MFA devices: only the hardware-MFA policy, when enabled, reads those.
     */
    prefetch(accounts: readonly TargetAccount[], config: { organizationRoleFor(organizationId: string): string | undefined; auditRoleFor(account: TargetAccount): string | undefined; singleOrganizationRole?: string }): void {
        for (const account of accounts) {
            const audit = config.auditRoleFor(account);
            void this.accountSummary(account, audit);
            void this.organization(account, (id) => config.organizationRoleFor(id), audit);
        }
        if (config.singleOrganizationRole) {
            for (const [source, targets] of bySource(accounts.flatMap((a) => a.targets))) {
                this.startFeaturesThroughRole(config.singleOrganizationRole, source, () => targets);
            }
        }
    }

    /**
     * Starts reading, through the single organization role, the organization's features as soon
     * as any provider's base credentials are known: the role is assumed with those credentials, so
     * this need not wait for any account to be located.
     */
    prefetchOrganizationRole(providers: readonly ReadyProvider[], roleArn: string | undefined): void {
        if (roleArn) {
            // Targets are made only for a read not yet under way (each costs hashes).
            const groups = new Map<string, ReadyProvider[]>();
            for (const p of providers) {
                memo(groups, answerSource(p.settings.endpoints, process.env, () => targetOf(p.settings).key), () => []).push(p);
            }
            for (const [source, group] of groups) {
                this.startFeaturesThroughRole(roleArn, source, () => group.map((p) => targetOf(p.settings)));
            }
        }
    }

    /**
     * Starts the read through the role unless it has started: every policy and provider asks, and
     * building a reader per target (hashing each) is work a read already under way does not need.
     * An account's own read still retries with its own readers if this one's credentials failed.
     */
    private startFeaturesThroughRole(roleArn: string, source: string, targets: () => Target[]): void {
        if (!this.cache.features.has(roleSourceKey(roleArn, source))) {
            void this.featuresFrom(this.roleSource(targets(), roleArn, source));
        }
    }

    private roleSource(targets: readonly Target[], roleArn: string, source: string): FeaturesSource {
        return { key: roleSourceKey(roleArn, source), via: `role ${roleArn}`, readers: once(() => targets.map((t) => viaRole(t, roleArn, "aws-root-mfa-organization"))) };
    }

    /** One iam:ListOrganizationsFeatures answer per source (an account, or a role), per run. */
    private featuresFrom(source: FeaturesSource): Promise<Outcome<FeaturesAnswer>> {
        return this.readShared(this.cache.features, source.key, source.readers, { kind: "organization-features", via: source.via },
            (clients, signal) => listOrganizationFeatures(clients, source.via, signal));
    }

    /**
     * One call with a target's credentials, bounded like every unit of work of the session (the
     * run's trusted endpoints, timeouts and concurrency): how `check --organization` lists the
     * organization with the ambient credentials.
     */
    callWith<T>(target: Target, s: Step, call: (clients: AccountClients, signal: AbortSignal) => Promise<Outcome<T>>): Promise<Outcome<T>> {
        return this.onTarget(target, s, call);
    }

    /**
     * Like {@link callWith}, but outside any stack analysis: bounded by timeoutSeconds only, never
     * by a batch's deadline, and without a concurrency slot (its caller makes one call at a time).
     */
    callOutsideStack<T>(target: Target, s: Step, call: (clients: AccountClients, signal: AbortSignal) => Promise<Outcome<T>>): Promise<Outcome<T>> {
        return this.onTarget(target, s, call, undefined, this.cache.unbounded.signal);
    }

    /**
     * One call with a target's credentials, bounded: within timeoutSeconds of being asked, the
     * credentials included. Calls with the same `slot` key share a concurrency slot.
     */
    private async onTarget<T>(target: Target, s: Step, call: (clients: AccountClients, signal: AbortSignal) => Promise<Outcome<T>>, slot?: string, stop?: AbortSignal): Promise<Outcome<T>> {
        const deadlineAt = this.deadlineFromNow();
        const creds = await this.credentialsOf(target);
        if (!creds.ok) {
            return creds;
        }
        return this.bounded(s, deadlineAt, (signal) => call(this.clients(target, creds.value), signal), slot, stop);
    }

    /**
     * The target's credentials, resolved once per run for every target with the same source and
     * roles (again over a target's own route if the shared one failed in a way a route can cause),
     * as one unit of work of their own.
     */
    private credentialsOf(target: Target): Promise<Outcome<Credentials>> {
        return sharedResolution(this.cache.credentials, target.credentialsKey, target.routeKey, (o) => !o.ok && mayDependOnRoute(o.failure),
            () => this.bounded({ kind: "credentials" }, this.deadlineFromNow(), (signal) => resolveCredentials(target, this.options.limits, this.cache, signal)));
    }

    /** Clients with the target's credentials, sending through the run's shared request handlers. */
    private clients(target: Target, credentials: Credentials): AccountClients {
        return makeClients(target, credentials, this.options.limits, this.cache.pool);
    }

    /** When a unit asked for now must have finished (epoch ms). */
    private deadlineFromNow(): number {
        return Date.now() + this.options.timeoutSeconds * 1000;
    }

    /**
     * One unit of work: waits for a concurrency slot (shared with the units of the same `slot`
     * key), then runs until `deadlineAt`, counted from when it was asked for. However many units
     * hang, each ends by then, and a unit whose time ran out while it waited sends nothing.
     */
    private bounded<T>(s: Step, deadlineAt: number, work: (signal: AbortSignal) => Promise<Outcome<T>>, slot?: string, stop?: AbortSignal): Promise<Outcome<T>> {
        const unit = () => withDeadline(this.options.timeoutSeconds, deadlineAt - Date.now(), work, stop ?? this.cache.stackAbort.signal);
        // Work outside the stack analyses (one call at a time: the organization's listing) takes no slot, so reads never hold it up.
        return (stop ? unit() : this.run(unit, slot))
            .catch((e): Outcome<T> => ({ ok: false, failure: classifyFailure(s, e) }));
    }
}

/** The key of the features read through a configured organization role, from one answer source. */
function roleSourceKey(roleArn: string, source: string): string {
    return `role:${roleArn} ${source}`;
}

/** Targets grouped by the source of their answers (trust.ts `answerSource`). */
function bySource(targets: readonly Target[]): Map<string, Target[]> {
    const groups = new Map<string, Target[]>();
    for (const t of targets) {
        memo(groups, answerSource(t.endpoints, process.env, () => t.key), () => []).push(t);
    }
    return groups;
}

/** `make`, called at most once. */
function once<T>(make: () => T): () => T {
    let made: { value: T } | undefined;
    return () => (made ??= { value: make() }).value;
}

function memo<T>(cache: Map<string, T>, key: string, make: () => T): T {
    if (!cache.has(key)) {
        cache.set(key, make());
    }
    return cache.get(key) as T;
}

// A run of the pack (one preview or update) lasts well under this; a later run reads afresh.
const RUN_CACHE_TTL_MS = 5 * 60_000;

/** One run: its answers, one cache per set of trusted endpoints. */
interface Run {
    createdAt: number;
    /** The stack analysis (by count) this run served, once it has served one. */
    servedStack: number | undefined;
    caches: Map<string, RunCache>;
    /** Kept however long it lasts, until endRun (check --organization: one run for every batch). */
    pinned?: boolean;
}

let currentRun: Run | undefined;
let stackAnalyses = 0;

/** Ends the current run: its connections close and the next session reads afresh. */
export function endRun(): void {
    currentRun?.caches.forEach((c) => c.pool.close());
    currentRun = undefined;
}

/** Keeps the current run past the five minutes a Pulumi run's cache lasts, until {@link endRun}. */
export function pinRun(): void {
    if (currentRun) {
        currentRun.pinned = true;
    }
}

/**
 * Starts the next stack analysis of the current run, with a deadline of its own, keeping its
 * answers and connections: `check --organization` checks a large organization batch by batch.
 */
export function nextStackAnalysis(): void {
    currentRun?.caches.forEach((c) => c.restartStack());
}

/**
 * Marks the start of an AnalyzeStack call. The stack analysis is the end of a run: answers read
 * during the run's Analyze calls serve it, and whatever comes after it — another AnalyzeStack, or
 * the Analyze calls of the update that follows a preview — reads the accounts afresh.
 */
function beginStackAnalysis(): void {
    stackAnalyses += 1;
}

/**
 * Wraps the engine's AnalyzeStack request so each call marks a run's end, and calls `onStackAnalysis`
 * then, before the request's resources are read. Idempotent.
 */
export function installRunBoundaries(onStackAnalysis: () => void = () => undefined): void {
    const request = analyzerMessages()?.AnalyzeStackRequest?.prototype;
    const original = request?.getResourcesList;
    if (!request || typeof original !== "function" || (original as { boundary?: boolean }).boundary) {
        return;
    }
    const wrapped = function (this: unknown) {
        beginStackAnalysis();
        onStackAnalysis();
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
    const served = currentRun?.servedStack;
    if (!currentRun || (!currentRun.pinned && now - currentRun.createdAt > RUN_CACHE_TTL_MS)
        || (served !== undefined && (during === "resource" || served !== stackAnalyses))) {
        // The run that ends closes its connections; its answers are not asked for again.
        currentRun?.caches.forEach((c) => c.pool.close());
        currentRun = { createdAt: now, servedStack: undefined, caches: new Map() };
    }
    if (during === "stack") {
        currentRun.servedStack = stackAnalyses;
    }
    const cache = memo(currentRun.caches, options.trust.key, () => new RunCache(options.trust));
    return memo(cache.sessions, JSON.stringify(options), () => new PostureSession(options, cache));
}
