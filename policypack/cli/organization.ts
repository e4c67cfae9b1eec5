/**
 * `aws-root-mfa check --organization`: every account of an AWS Organization, listed once with the
 * ambient credentials (the management account or the IAM delegated administrator), each checked by
 * the pack's own stack policies — through an sts:AssumeRoot session scoped by the
 * IAMAuditRootUserCredentials task policy when the organization has centralized root access with
 * root sessions, else through the role `--member-role` names in each member.
 */
import type { PolicyResource } from "@pulumi/policy";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { readCommonConfig } from "../config";
import { PACK_NAME, packVersion } from "../pack";
import { discoverAwsProviders } from "../discover/providers";
import { type RootSessionSpec, type Target, targetOf } from "../discover/target";
import { type OrganizationHead, type OrganizationListing, type OrganizationMember, listOrganization, startListing } from "../posture/members";
import type { CheckFailure } from "../posture/failure";
import type { OrganizationFeature } from "../posture/organization";
import { withinOrganization } from "../posture/organizationScope";
import { DEFAULT_POSTURE_OPTIONS, type PostureSession, endRun, nextStackAnalysis, pinRun, sharedSession } from "../posture/session";
import { redactorFor } from "../report/redact";
import { explainFailure } from "../report/failures";
import { notePackConfig, withSharedSettings } from "../sharedConfig";
import { CliError } from "./args";
import { AccountResult, CheckProgress, CheckResult, OrganizationInfo, Problem, enabledPolicies, failsRun, runCheck, stackPolicies } from "./check";
import type { ResolvedPolicyConfig } from "./config";
import { providerResource } from "./targets";

/** The session name of member roles assumed for `--member-role`, as CloudTrail shows it. */
export const MEMBER_ROLE_SESSION_NAME = "aws-root-mfa-organization";

/** At most this many accounts are checked at once: each batch is a stack analysis with its own deadline, so that no account waits past its timeout for a slot. */
export const BATCH_ACCOUNTS = 500;


/** Units of work at once when the config leaves `concurrency` at its default: an organization is read by one identity, member by member. */
export const ORGANIZATION_CONCURRENCY = 64;

/** A batch starts once this many accounts are listed (or the listing ended): enough to keep 64 slots busy. */
const MIN_BATCH_ACCOUNTS = 128;

// The providers the check makes for members are named by how they read and which account.
const AMBIENT = "ambient";
const MEMBER_PROVIDER = /^(?:ambient|assume-root|member-role):(\d{12})$/;

/** Checks every account of the organization the ambient credentials manage. */
export async function runOrganizationCheck(
    config: ReadonlyMap<string, ResolvedPolicyConfig>,
    opts: { memberRole?: string; strict?: boolean; progress?: (p: CheckProgress) => void },
): Promise<CheckResult> {
    const tuned = withOrganizationConcurrency(config);
    const { session, ambient, redact } = ambientSession(tuned);
    // Members are read while later pages are listed: a page needs the last one's token, so the
    // listing of a large organization takes as long as its pages, one after the other.
    const queue: OrganizationMember[] = [];
    let wake: (() => void) | undefined;
    const listing = startListing(session, ambient, (page) => {
        queue.push(...page);
        wake?.();
    });
    let listed = false;
    const members = listing.members.finally(() => {
        listed = true;
        wake?.();
    });
    const head = await listing.head;
    if (!head.ok) {
        listing.stop();
        throw listingError(head.failure, redact);
    }
    const org = head.value;
    const features = knownFeatures(org.features);
    if (!opts.memberRole && !(features.includes("RootCredentialsManagement") && features.includes("RootSessions"))) {
        listing.stop();
        throw new CliError(redact(`organization ${org.organizationId} cannot be read through sts:AssumeRoot: ${whyNoRootSessions(org)}. Enable centralized root access with root sessions (\`aws-root-mfa fix --enable-central-root\` shows how), or read each member through a role it has: --member-role OrganizationAccountAccessRole`));
    }
    const partition = org.caller.partition;
    const scope = {
        organizationId: org.organizationId,
        managementAccountId: org.managementAccountId,
        // Grows as pages come: a batch reads only members already listed.
        members: new Set<string>(),
        listedBy: `${org.caller.accountId === org.managementAccountId ? "management account" : "delegated administrator"} ${org.caller.accountId}`,
        features: org.features,
        rootSessions: new Map<string, RootSessionSpec>(),
    };
    const results: CheckResult[] = [];
    let taken = 0;
    let done = 0;
    let collectedAt = 0;
    for (;;) {
        while (!listed && queue.length < MIN_BATCH_ACCOUNTS) {
            await new Promise<void>((resolve) => (wake = resolve));
        }
        if (queue.length === 0) {
            break;
        }
        const batch = queue.splice(0, BATCH_ACCOUNTS);
        taken += batch.length;
        batch.forEach((m) => scope.members.add(m.accountId));
        const resources: PolicyResource[] = [];
        for (const member of batch.filter((m) => m.status === "ACTIVE")) {
            if (member.accountId === org.caller.accountId) {
                // The listing account itself: read with the credentials that listed it.
                resources.push(providerResource(`${AMBIENT}:${member.accountId}`, {}));
            } else if (opts.memberRole) {
                const roleArn = `arn:${partition}:iam::${member.accountId}:role/${opts.memberRole}`;
                resources.push(providerResource(`member-role:${member.accountId}`, { assumeRoles: JSON.stringify([{ roleArn, sessionName: MEMBER_ROLE_SESSION_NAME }]) }));
            } else {
                const resource = providerResource(`assume-root:${member.accountId}`, {});
                scope.rootSessions.set(resource.urn, { accountId: member.accountId, partition, task: "IAMAuditRootUserCredentials" });
                resources.push(resource);
            }
        }
        if (resources.length === 0) {
            continue;
        }
        const offset = done;
        // Each batch is a stack analysis of its own (its own deadline), sharing the run's answers and connections.
        nextStackAnalysis();
        results.push(await withinOrganization(scope, () => runCheck({ resources, secrets: new Set(), unreadable: [] }, tuned, {
            strict: opts.strict,
            progress: opts.progress && ((p) => opts.progress?.({ ...p, accountsDone: offset + p.accountsDone, accountsTotal: p.accountsTotal === undefined ? undefined : taken + queue.length })),
        })));
        done += resources.length;
        if (done - collectedAt >= COLLECT_EVERY_ACCOUNTS) {
            collect();
            collectedAt = done;
        }
    }
    const all = await members;
    endRun();
    if (!all.ok) {
        // Some members were never listed: a result without them would pass an organization it has not seen.
        throw listingError(all.failure, redact);
    }
    const info: OrganizationInfo = {
        id: org.organizationId,
        managementAccountId: org.managementAccountId,
        listedBy: org.caller.accountId,
        readPath: opts.memberRole ? "member-role" : "assume-root",
        ...(opts.memberRole ? { memberRole: opts.memberRole } : {}),
        features,
        listedAt: new Date().toISOString(),
    };
    return merged(results, { ...org, members: all.value, listedAt: info.listedAt }, partition, info, tuned, opts.strict === true);
}

// Reading accounts leaves SDK clients, requests and answers behind as garbage, and V8 lets the heap
// grow far past what is live (5,000 accounts: 300 MB of heap, 80 MB live) before collecting it.
// Collecting every COLLECT_EVERY_ACCOUNTS accounts keeps a large organization's memory near that. V8
// offers no collector at run time without --expose-gc, which a CLI started by npx cannot pass itself.
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;
const COLLECT_EVERY_ACCOUNTS = BATCH_ACCOUNTS;

/** The centralized root access features the listing read, none when they could not be read. */
export function knownFeatures(answer: OrganizationHead["features"]): OrganizationFeature[] {
    return answer.ok && answer.value.kind === "known" ? answer.value.features : [];
}

/** The config with `concurrency` raised for an organization, unless a policy sets it. */
export function withOrganizationConcurrency(config: ReadonlyMap<string, ResolvedPolicyConfig>): Map<string, ResolvedPolicyConfig> {
    const tuned = new Map([...config.entries()].map(([name, c]) => [name, { ...c, properties: { ...c.properties } }]));
    const first = [...tuned.values()].find((c) => c.enforcementLevel !== "disabled");
    // The shared setting counts as set when any policy gives a value other than the default (sharedConfig.ts).
    if (first && [...tuned.values()].every((c) => c.properties.concurrency === undefined || c.properties.concurrency === DEFAULT_POSTURE_OPTIONS.concurrency)) {
        first.properties.concurrency = ORGANIZATION_CONCURRENCY;
    }
    return tuned;
}

/** What listing the organization left: the listing, and the session and target that read it (for `fix` to go on with). */
export interface AmbientOrganization {
    listing: OrganizationListing;
    session: PostureSession;
    ambient: Target;
    /** Removes the ambient credentials' secrets and any key shapes from a text. */
    redact: (text: string) => string;
}

/** Lists the organization with the ambient credentials, every page, through the same trusted endpoints, limits and timeouts the policies use. */
export async function listWithAmbientCredentials(config: ReadonlyMap<string, ResolvedPolicyConfig>): Promise<AmbientOrganization> {
    const { session, ambient, redact } = ambientSession(config);
    const listed = await listOrganization(session, ambient);
    if (!listed.ok) {
        throw listingError(listed.failure, redact);
    }
    return { listing: listed.value, session, ambient, redact };
}

/** A session of a fresh run, with the ambient credentials' target, for listing the organization. */
function ambientSession(config: ReadonlyMap<string, ResolvedPolicyConfig>): Omit<AmbientOrganization, "listing"> {
    const policy = stackPolicies().find((p) => (config.get(p.name)?.enforcementLevel ?? "disabled") !== "disabled");
    if (!policy) {
        throw new CliError("every policy is disabled in the config, so there is nothing to check");
    }
    notePackConfig(new Map([...config.entries()].map(([name, c]) => [name, c.properties])));
    let common;
    try {
        common = readCommonConfig(withSharedSettings(config.get(policy.name)?.properties ?? {}).raw);
    } catch (e) {
        throw new CliError(`the policy config cannot be used: ${e instanceof Error ? e.message : "it could not be read"}`);
    }
    const discovered = discoverAwsProviders([providerResource("organization", {})]);
    const [provider] = discovered;
    if (provider.status !== "ready") {
        throw new CliError("the ambient AWS settings (AWS_REGION, AWS_PROFILE, ...) cannot be used to list the organization");
    }
    endRun();
    const redactor = redactorFor(discovered);
    const session = sharedSession(common.posture, "stack");
    // One run for the listing and every batch, however long a large organization takes.
    pinRun();
    return { session, ambient: targetOf(provider.settings), redact: (text: string) => redactor(text, [provider.provider]) };
}

function listingError(failure: CheckFailure, redact: (text: string) => string): CliError {
    const { happened, todo } = explainFailure(failure);
    return new CliError(redact(`the organization could not be listed with the ambient credentials (they must be the management account's or the IAM delegated administrator's, allowed organizations:ListAccounts, organizations:DescribeOrganization and iam:ListOrganizationsFeatures): ${happened}. What to do: ${todo}`));
}

/** Why the organization's members cannot be read through sts:AssumeRoot. */
export function whyNoRootSessions(listing: OrganizationHead): string {
    const f = listing.features;
    if (!f.ok) {
        return `its centralized root access features could not be read (${explainFailure(f.failure).happened})`;
    }
    switch (f.value.kind) {
        case "known":
            return `its enabled centralized root access features are [${f.value.features.join(", ")}], and sts:AssumeRoot needs both RootCredentialsManagement and RootSessions`;
        case "off":
            return f.value.why;
        case "not-permitted":
            return `account ${listing.caller.accountId} is neither the management account nor the IAM delegated administrator, so it cannot read the features or open root sessions`;
    }
}

/** One result from the batches, with every listed account: those not ACTIVE are not applicable. */
function merged(results: CheckResult[], listing: OrganizationListing, partition: string, organization: OrganizationInfo, config: ReadonlyMap<string, ResolvedPolicyConfig>, strict: boolean): CheckResult {
    const members = new Map(listing.members.map((m) => [m.accountId, m]));
    const policies = enabledPolicies(config);
    const order = new Map(policies.map(({ policy }, i) => [policy.name, i]));
    const byId = new Map<string, AccountResult>();
    // An account's row, named as the organization lists it.
    const rowFor = (id: string, providers: AccountResult["providers"] = []): AccountResult => {
        let row = byId.get(id);
        if (!row) {
            const m = members.get(id);
            row = { accountId: id, partition, providers, results: [], ...(m ? { name: m.name, organizationStatus: m.status } : {}) };
            byId.set(id, row);
        }
        return row;
    };
    for (const a of results.flatMap((r) => r.accounts)) {
        const m = members.get(a.accountId);
        byId.set(a.accountId, m ? { ...a, name: m.name, organizationStatus: m.status } : a);
    }
    for (const m of listing.members.filter((x) => x.status !== "ACTIVE")) {
        rowFor(m.accountId).results = policies.map(({ policy, enforcementLevel }) => ({
            policy: policy.name,
            enforcementLevel,
            ...(policy.severity ? { severity: policy.severity } : {}),
            status: "not-applicable" as const,
            evidence: `organizations:ListAccounts at ${listing.listedAt} returned State=${m.status}: only an ACTIVE account can be deployed into, so it is not checked`,
        }));
    }
    // A member whose read failed before its account was proven (its AssumeRoot or role denied) is
    // still that member: its row says could not check, with the reason.
    const problems: Problem[] = [];
    for (const problem of results.flatMap((r) => r.problems)) {
        const ids = new Set(problem.providers.map((p) => MEMBER_PROVIDER.exec(p.name)?.[1]));
        const [id] = ids;
        if (ids.size !== 1 || id === undefined) {
            problems.push(problem);
            continue;
        }
        const row = rowFor(id, problem.providers);
        // The account is known from the listing; only reading it failed.
        const message = problem.message.replace(/^The AWS account of provider "[^"\n]*" could not be determined, so its root user could not be checked;/,
            `Account ${id} of organization ${listing.organizationId} could not be read, so its root user could not be checked;`);
        for (const r of problem.policies) {
            if (!row.results.some((x) => x.policy === r.policy)) {
                row.results.push({ ...r, message });
            }
        }
    }
    // Every ACTIVE member has a result from every policy that ran; one that has none fails closed.
    let missing = false;
    for (const m of listing.members.filter((x) => x.status === "ACTIVE")) {
        const row = rowFor(m.accountId);
        for (const { policy, enforcementLevel } of policies) {
            if (!row.results.some((r) => r.policy === policy.name)) {
                missing ||= failsRun("could-not-check", enforcementLevel, strict);
                row.results.push({
                    policy: policy.name,
                    enforcementLevel,
                    ...(policy.severity ? { severity: policy.severity } : {}),
                    status: "could-not-check",
                    message: `Account ${m.accountId} of organization ${listing.organizationId} got no result from the ${policy.name} policy, so it was not checked; the policy fails closed.\nWhat to do: run again; if it persists, report this message to the policy pack's maintainers.`,
                });
            }
        }
    }
    const accounts = [...byId.values()];
    for (const a of accounts) {
        a.results.sort((x, y) => (order.get(x.policy) ?? 0) - (order.get(y.policy) ?? 0));
    }
    accounts.sort((a, b) => a.accountId.localeCompare(b.accountId));
    return {
        pack: { name: PACK_NAME, version: packVersion() },
        policies,
        providers: results.flatMap((r) => r.providers),
        accounts,
        problems,
        unreadable: [],
        strict,
        exitCode: missing || results.some((r) => r.exitCode === 1) ? 1 : 0,
        organization,
    };
}
