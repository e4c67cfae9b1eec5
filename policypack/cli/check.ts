/**
 * `aws-root-mfa check`'s run: the pack's stack policies, called as @pulumi/policy calls them
 * (`validateStack(args, reportViolation)`), over the providers the command line names. Every rule
 * and message is the pack's own; this module collects what each policy found in each account
 * (compliant accounts too) and decides the exit code from the policies' enforcement levels.
 */
import { notePackConfig } from "../sharedConfig";
import type { StackValidationPolicy } from "@pulumi/policy";
import { removeSecrets } from "../report/secrets";
import { PACK_NAME, packVersion, policies } from "../pack";
import { AccountStatus, PolicyOutcome, recordingOutcomes } from "../policies/outcomes";
import type { ResolvedPolicyConfig } from "./config";
import type { CheckTargets, UnreadableProvider } from "./targets";

/** A provider, as the results name it. */
export interface ProviderInfo {
    urn: string;
    name: string;
    type: string;
}

/** What one policy found in one account. */
export interface PolicyResult {
    policy: string;
    enforcementLevel: string;
    severity?: string;
    status: AccountStatus;
    /** What was read, e.g. "iam:GetAccountSummary at … returned AccountMFAEnabled=1, …". */
    evidence?: string;
    /** For a violation or an account that could not be checked: the policy's message. */
    message?: string;
}

/** One AWS account, with every policy's result and the providers that reach it. */
export interface AccountResult {
    accountId: string;
    partition: string;
    providers: ProviderInfo[];
    results: PolicyResult[];
    /** With --organization: the account's name in AWS Organizations. */
    name?: string;
    /** With --organization: ACTIVE, SUSPENDED or PENDING_CLOSURE. */
    organizationStatus?: string;
}

/** With --organization: the organization listed, and how its members were read. */
export interface OrganizationInfo {
    id: string;
    managementAccountId: string;
    /** The account whose credentials listed the members. */
    listedBy: string;
    readPath: "assume-root" | "member-role";
    memberRole?: string;
    features: string[];
    listedAt: string;
}

/**
 * A failure that is about no identified account (a provider whose account could not be found, a
 * malformed input, an unusable config), reported once with every policy it stopped.
 */
export interface Problem {
    providers: ProviderInfo[];
    message: string;
    policies: Array<{ policy: string; enforcementLevel: string; severity?: string; status: AccountStatus }>;
}

/** The outcome of a check. */
export interface CheckResult {
    pack: { name: string; version: string };
    /** The policies that ran (enabled stack policies), with the level they ran at. */
    policies: Array<{ policy: StackValidationPolicy; enforcementLevel: string }>;
    providers: ProviderInfo[];
    accounts: AccountResult[];
    problems: Problem[];
    unreadable: UnreadableProvider[];
    /** With --strict, advisory policies fail the run too. */
    strict: boolean;
    /** 0: nothing failing at a level that fails the run; 1: a violation or a check that could not run, at such a level. */
    exitCode: 0 | 1;
    organization?: OrganizationInfo;
}

/** Progress of a run, for a progress line. */
export interface CheckProgress {
    policy: string;
    policyIndex: number;
    policyCount: number;
    accountsDone: number;
    accountsTotal?: number;
}

/** The pack's stack policies (the resource-level gate checks the same rule per provider, in updates only). */
export function stackPolicies(): StackValidationPolicy[] {
    return policies.filter((p): p is StackValidationPolicy => "validateStack" in p);
}

const REDACTED = "[redacted]";
const FAILING: ReadonlySet<AccountStatus> = new Set(["violation", "could-not-check"]);

/** True when a result of this status at this level fails the run. */
export function failsRun(status: AccountStatus, enforcementLevel: string, strict: boolean): boolean {
    return FAILING.has(status) && (enforcementLevel === "mandatory" || (strict && enforcementLevel === "advisory"));
}

const SEVERITY_OF_STATUS: Record<AccountStatus, number> = { violation: 4, "could-not-check": 3, compliant: 2, "not-applicable": 1, exempt: 0 };

/** Of two results of one policy about one account, the one that matters more; two messages of the same weight are both kept. */
function worse(a: PolicyResult, b: PolicyResult): PolicyResult {
    const [first, second] = SEVERITY_OF_STATUS[b.status] > SEVERITY_OF_STATUS[a.status] ? [b, a] : [a, b];
    if (first.status === second.status && first.message && second.message && first.message !== second.message) {
        return { ...first, message: `${first.message}\n${second.message}` };
    }
    return first;
}

/** The stack policies the config enables, each with the level it runs at. */
export function enabledPolicies(config: ReadonlyMap<string, ResolvedPolicyConfig>): CheckResult["policies"] {
    const ran: CheckResult["policies"] = [];
    for (const policy of stackPolicies()) {
        const resolved = config.get(policy.name) ?? { enforcementLevel: policy.enforcementLevel ?? "advisory", properties: {} };
        if (resolved.enforcementLevel !== "disabled") {
            // Stack policies cannot be remediated: the engine treats that level as mandatory.
            ran.push({ policy, enforcementLevel: resolved.enforcementLevel === "remediate" ? "mandatory" : resolved.enforcementLevel });
        }
    }
    return ran;
}

/** Runs every enabled stack policy over the targets, one after the other, sharing one read of each account. */
export async function runCheck(
    targets: CheckTargets,
    config: ReadonlyMap<string, ResolvedPolicyConfig>,
    opts: { strict?: boolean; progress?: (p: CheckProgress) => void } = {},
): Promise<CheckResult> {
    const strict = opts.strict === true;
    // Shared settings are set once, as in a Pulumi run.
    notePackConfig(new Map([...config.entries()].map(([name, c]) => [name, c.properties ?? {}])));
    const ran = enabledPolicies(config);
    const outcomes: Array<PolicyOutcome & { enforcementLevel: string; severity?: string }> = [];
    if (targets.resources.length > 0) {
        for (const [index, { policy, enforcementLevel }] of ran.entries()) {
            const properties = config.get(policy.name)?.properties ?? {};
            let total: number | undefined;
            let done = 0;
            const tell = () => opts.progress?.({ policy: policy.name, policyIndex: index, policyCount: ran.length, accountsDone: done, accountsTotal: total });
            tell();
            const clean = (text: string | undefined) => (text === undefined ? undefined : removeSecrets(text, targets.secrets, REDACTED));
            const recorder = {
                outcome: (o: PolicyOutcome) => {
                    outcomes.push({ ...o, message: clean(o.message), evidence: clean(o.evidence), enforcementLevel, severity: policy.severity });
                    if (o.account) {
                        done += 1;
                        tell();
                    }
                },
                located: (_: string, count: number) => {
                    total = count;
                    tell();
                },
            };
            const violations: Array<{ message: string; urn?: string }> = [];
            try {
                await recordingOutcomes(recorder, () => policy.validateStack({
                    resources: targets.resources,
                    stackTags: new Map(),
                    getConfig: <T extends object>() => structuredClone(properties) as T,
                    notApplicable: (reason?: string): never => {
                        throw new Error(`not applicable${reason ? `: ${reason}` : ""}`);
                    },
                }, (message, urn) => violations.push({ message, urn })));
            } catch (e) {
                recorder.outcome({
                    policy: policy.name,
                    providers: [],
                    status: "could-not-check",
                    message: `The ${policy.name} policy failed unexpectedly, so the accounts were not all checked; the policy fails closed.\nWhat happened: ${e instanceof Error ? e.message : "an unknown error"}.\nWhat to do: run again; if it persists, report this message to the policy pack's maintainers.`,
                });
            }
            // Every violation a policy reports is also an outcome: nothing it reports can go missing.
            if (violations.length > outcomes.filter((o) => o.policy === policy.name && o.message !== undefined).length) {
                throw new Error(`the ${policy.name} policy reported a violation without its outcome`);
            }
        }
    }
    const providers = targets.resources.map(({ urn, name, type }) => ({ urn, name, type }));
    const byUrn = new Map(providers.map((p) => [p.urn, p]));
    const info = (urn: string, name: string): ProviderInfo => byUrn.get(urn) ?? { urn, name, type: "" };
    const accounts = new Map<string, AccountResult>();
    const problems = new Map<string, Problem>();
    for (const o of outcomes) {
        const result: PolicyResult = { policy: o.policy, enforcementLevel: o.enforcementLevel, ...(o.severity ? { severity: o.severity } : {}), status: o.status, ...(o.evidence ? { evidence: o.evidence } : {}), ...(o.message ? { message: o.message } : {}) };
        if (o.account) {
            const key = `${o.account.partition}:${o.account.accountId}`;
            let account = accounts.get(key);
            if (!account) {
                account = { accountId: o.account.accountId, partition: o.account.partition, providers: [], results: [] };
                accounts.set(key, account);
            }
            for (const p of o.providers) {
                if (!account.providers.some((q) => q.urn === p.urn)) {
                    account.providers.push(info(p.urn, p.name));
                }
            }
            // Read over plain http, one account can be read once per provider (trust.ts answerSource):
            // one result per policy still, the worst of them.
            const same = account.results.findIndex((r) => r.policy === result.policy);
            if (same < 0) {
                account.results.push(result);
            } else {
                account.results[same] = worse(account.results[same], result);
            }
        } else {
            // The same failure, as every policy reports it about the same providers, is one problem.
            const key = `${o.providers.map((p) => p.urn).join(" ")}\n${o.message ?? ""}`;
            let problem = problems.get(key);
            if (!problem) {
                problem = { providers: o.providers.map((p) => info(p.urn, p.name)), message: o.message ?? "", policies: [] };
                problems.set(key, problem);
            }
            problem.policies.push({ policy: o.policy, enforcementLevel: o.enforcementLevel, ...(o.severity ? { severity: o.severity } : {}), status: o.status });
        }
    }
    const order = new Map(ran.map(({ policy }, i) => [policy.name, i]));
    const sortedAccounts = [...accounts.values()].sort((a, b) => a.partition.localeCompare(b.partition) || a.accountId.localeCompare(b.accountId));
    for (const a of sortedAccounts) {
        a.results.sort((x, y) => (order.get(x.policy) ?? 0) - (order.get(y.policy) ?? 0));
    }
    const failing = outcomes.some((o) => failsRun(o.status, o.enforcementLevel, strict))
        || (targets.unreadable.length > 0 && ran.some((r) => failsRun("could-not-check", r.enforcementLevel, strict)));
    return {
        pack: { name: PACK_NAME, version: packVersion() },
        policies: ran,
        providers,
        accounts: sortedAccounts,
        problems: [...problems.values()],
        unreadable: targets.unreadable,
        strict,
        exitCode: failing ? 1 : 0,
    };
}
