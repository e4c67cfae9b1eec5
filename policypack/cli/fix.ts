/**
 * `aws-root-mfa fix`: for members of an organization with centralized root access, a plan of the
 * root credentials each still has (read through sts:AssumeRoot with IAMAuditRootUserCredentials),
 * then with --apply their removal (IAMDeleteRootUserCredentials) and the account read again and
 * judged by the pack's own verdict (aws-root-credentials-removed). `--enable-central-root` plans or
 * turns on RootCredentialsManagement and RootSessions. Every account is worked on by itself: one
 * failure never stops the others. Every action can be logged as a JSON line, never with a secret.
 */
import { closeSync, constants, fchmodSync, fstatSync, openSync, writeSync } from "node:fs";
import { withRootSession, type RootTask, type Target } from "../discover/target";
import { readAccountSummary, step } from "../posture/calls";
import type { CheckFailure, Step } from "../posture/failure";
import { type OrganizationFeature, featuresOf } from "../posture/organization";
import { REMOVAL, type RootCredentialItem, describeRootCredential, listRootCredentials, removeRootCredential } from "../posture/rootCredentials";
import { iam } from "../posture/sdk";
import { endRun } from "../posture/session";
import { explainFailure } from "../report/failures";
import { describeEvidence } from "../report/messages";
import { rootCredentialsRemovedVerdict } from "../verdict/rootCredentialsRemoved";
import { PACK_NAME, packVersion } from "../pack";
import { CliError, type FixOptions } from "./args";
import { stackPolicies } from "./check";
import { resolvePolicyConfig } from "./config";
import { fileErrorCode } from "./input";
import { type AmbientOrganization, knownFeatures, listWithAmbientCredentials, whyNoRootSessions, withOrganizationConcurrency } from "./organization";

/** One action of a fix, as logged and reported. */
export interface FixAction {
    time: string;
    account?: string;
    action: string;
    /** What it acted on: "root access key ending in ABCD", "RootSessions". */
    subject?: string;
    result: "planned" | "done" | "already-done" | "failed";
    error?: string;
}

/** What `fix` found and did in one member account. */
export interface FixAccount {
    accountId: string;
    name: string;
    /** The root credentials found (before any change). */
    found: string[];
    actions: FixAction[];
    /** After --apply: aws-root-credentials-removed's verdict on the account read again. */
    verdict?: { status: string; evidence: string };
    /** Why the account could not be read or fixed (what happened; what to do). */
    error?: string;
}

/** The outcome of `fix`. */
export interface FixResult {
    stdout: string;
    exitCode: 0 | 1;
}

/** Asks the person at the terminal; resolves true to go on. */
export type Confirm = (question: string) => Promise<boolean>;

/** Runs `fix` as the options ask. */
export async function runFix(options: FixOptions, io: { confirm?: Confirm } = {}): Promise<FixResult> {
    const config = withOrganizationConcurrency(await resolvePolicyConfig(stackPolicies(), options.config));
    const log = options.log === undefined ? undefined : openLog(options.log);
    const org = await listWithAmbientCredentials(config);
    try {
        return options.enableCentralRoot ? await enableCentralRoot(org, options, io, log) : await removeRootCredentials(org, options, io, log);
    } finally {
        endRun();
    }
}

/** Appends JSON lines to the file: opened once, never through a symbolic link, a regular file kept private to its owner. */
function openLog(file: string): ActionLog {
    let fd: number;
    try {
        fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    } catch (e) {
        throw new CliError(`--log ${file} cannot be opened (${fileErrorCode(e)}): give a regular file (not a symbolic link) in a directory you can write to`);
    }
    if (!fstatSync(fd).isFile()) {
        closeSync(fd);
        throw new CliError(`--log ${file} is not a regular file: give a file name for the JSON lines`);
    }
    fchmodSync(fd, 0o600);
    const log: ActionLog = (action) => {
        if (log.failed === undefined) {
            try {
                writeSync(fd, `${JSON.stringify(action)}\n`);
            } catch (e) {
                // A full disk must not stop a deletion half-way: the run goes on and says the log is incomplete.
                log.failed = `--log ${file} could not be written from ${action.time} on (${fileErrorCode(e)}), so it is incomplete; what was done is in this output`;
            }
        }
    };
    return log;
}

/** Writes one action; `failed` says why the log stopped, once it has. */
type ActionLog = ((action: FixAction) => void) & { failed?: string };

type Log = ActionLog | undefined;

async function removeRootCredentials(org: AmbientOrganization, options: FixOptions, io: { confirm?: Confirm }, log: Log): Promise<FixResult> {
    const { listing, session, ambient, redact } = org;
    const features = knownFeatures(listing.features);
    if (!features.includes("RootCredentialsManagement") || !features.includes("RootSessions")) {
        throw new CliError(redact(`root credentials of organization ${listing.organizationId} cannot be deleted centrally: ${whyNoRootSessions(listing)}. Run \`aws-root-mfa fix --enable-central-root\` to see what to enable`));
    }
    const byId = new Map(listing.members.map((m) => [m.accountId, m]));
    for (const id of options.accounts) {
        const m = byId.get(id);
        if (!m) {
            throw new CliError(`--account ${id} is not an account of organization ${listing.organizationId}`);
        }
        if (m.status !== "ACTIVE") {
            throw new CliError(`--account ${id} is ${m.status} in organization ${listing.organizationId}: only an ACTIVE account can be signed in to, so there is nothing to delete`);
        }
        if (id === listing.managementAccountId) {
            throw new CliError(`--account ${id} is the management account of ${listing.organizationId}: centralized root access never covers it; protect its root user with MFA (sign in as root, IAM → Security credentials → Assign MFA)`);
        }
    }
    const chosen = listing.members.filter((m) => m.accountId !== listing.managementAccountId && m.status === "ACTIVE" && (options.accounts.length === 0 || options.accounts.includes(m.accountId)));
    const partition = listing.caller.partition;
    const sessionOf = (accountId: string, task: RootTask, label?: string): Target => withRootSession(ambient, { accountId, partition, task, ...(label ? { label } : {}) });
    const failureText = (f: CheckFailure) => {
        const { happened, todo } = explainFailure(f);
        return redact(`${happened}. What to do: ${todo}`);
    };
    const record = (a: FixAction) => {
        const safe = a.error ? { ...a, error: redact(a.error) } : a;
        log?.(safe);
        return safe;
    };
    const call = <T>(accountId: string, task: RootTask, action: string, work: Parameters<typeof session.callWith<T>>[2], label?: string) =>
        session.callWith<T>(sessionOf(accountId, task, label), { kind: "root-credentials", accountId, action }, work);

    // The plan: what each member has, read with the audit task only.
    const plans = await inChunks(chosen, async (m): Promise<FixAccount & { items: RootCredentialItem[] }> => {
        const found = await call(m.accountId, "IAMAuditRootUserCredentials", "iam:ListAccessKeys, iam:ListSigningCertificates, iam:GetLoginProfile, iam:ListMFADevices",
            (clients, signal) => step(auditStep(m.accountId), () => listRootCredentials(clients, signal)));
        if (!found.ok) {
            const error = failureText(found.failure);
            record({ time: now(), account: m.accountId, action: "read-root-credentials", result: "failed", error });
            return { accountId: m.accountId, name: m.name, found: [], items: [], actions: [], error };
        }
        const actions = found.value.map((item) => record({ time: now(), account: m.accountId, action: actionOf(item), subject: describeRootCredential(item), result: "planned" }));
        return { accountId: m.accountId, name: m.name, found: found.value.map(describeRootCredential), items: found.value, actions };
    });
    const toFix = plans.filter((p) => p.items.length > 0);
    if (!options.apply || toFix.length === 0) {
        return report("plan", org, plans, options, log?.failed);
    }
    if (!options.yes) {
        if (!io.confirm) {
            throw new CliError("--apply deletes root credentials: confirm with --yes when standard input is not a terminal");
        }
        const question = `${planText(org, plans)}\nDelete the root credentials listed above in ${toFix.length} account${toFix.length === 1 ? "" : "s"}? Type "yes" to go on: `;
        if (!(await io.confirm(question))) {
            return { stdout: "Nothing was changed: the deletion was not confirmed.\n", exitCode: 0 };
        }
    }
    // Apply: each account with its own delete session; every credential found at apply time is removed.
    const applied = await inChunks(plans, async (p): Promise<FixAccount> => {
        if (p.error || p.items.length === 0) {
            return p;
        }
        const actions: FixAction[] = [];
        const current = await call(p.accountId, "IAMDeleteRootUserCredentials", "iam:ListAccessKeys, iam:ListSigningCertificates, iam:GetLoginProfile, iam:ListMFADevices",
            (clients, signal) => step(auditStep(p.accountId), () => listRootCredentials(clients, signal)));
        if (!current.ok) {
            const error = failureText(current.failure);
            actions.push(record({ time: now(), account: p.accountId, action: "assume-root IAMDeleteRootUserCredentials", result: "failed", error }));
            return { ...p, actions, error };
        }
        for (const [kind] of REMOVAL) {
            if (kind === "mfa-device" && actions.some((a) => a.result === "failed")) {
                // MFA stays while anything else remains: it still guards what could not be deleted.
                break;
            }
            for (const item of current.value.filter((i) => i.kind === kind)) {
                const action = actionOf(item);
                const done = await call(p.accountId, "IAMDeleteRootUserCredentials", action, (clients, signal) =>
                    step({ kind: "root-credentials", accountId: p.accountId, action }, () => removeRootCredential(clients, item, signal)));
                actions.push(record({
                    time: now(),
                    account: p.accountId,
                    action,
                    subject: describeRootCredential(item),
                    ...(done.ok ? { result: done.value ? "done" : "already-done" } : { result: "failed", error: failureText(done.failure) }),
                }));
            }
        }
        // Read the account again, as the pack reads it, and judge it with the pack's own verdict.
        // A fresh audit session: the plan's may have expired (900 s at most) while the prompt waited.
        const summary = await call(p.accountId, "IAMAuditRootUserCredentials", "iam:GetAccountSummary", (clients, signal) => readAccountSummary(clients, signal, `a root session (IAMAuditRootUserCredentials) in ${p.accountId}`), "after-apply");
        const verdict = rootCredentialsRemovedVerdict({
            partition,
            summary,
            membership: { ok: true, value: { kind: "member", organizationId: listing.organizationId, managementAccountId: listing.managementAccountId, listedBy: `account ${listing.caller.accountId}` } },
            features: featuresOf(listing.organizationId, listing.features, `account ${listing.caller.accountId}`, false),
        });
        const evidence = summary.ok ? describeEvidence(summary.value, ["AccountPasswordPresent", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent", "AccountMFAEnabled"]) : failureText(summary.failure);
        const failed = actions.find((a) => a.result === "failed");
        return { ...p, actions, verdict: { status: verdict.status, evidence }, ...(failed ? { error: failed.error } : {}) };
    });
    return report("apply", org, applied, options, log?.failed);
}

/** An account as reported: what FixAccount declares, nothing more. */
function publicAccount(a: FixAccount): FixAccount {
    return { accountId: a.accountId, name: a.name, found: a.found, actions: a.actions, ...(a.verdict ? { verdict: a.verdict } : {}), ...(a.error !== undefined ? { error: a.error } : {}) };
}

// Accounts worked on at once: each unit's time counts from when it is asked for, so asking for
// thousands at once would let the last ones time out waiting for a slot (fix ORGANIZATION_CONCURRENCY × 2).
const CHUNK_ACCOUNTS = 128;

/** `work` for every item, CHUNK_ACCOUNTS at a time; one item's failure is its own result. */
async function inChunks<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = [];
    for (let i = 0; i < items.length; i += CHUNK_ACCOUNTS) {
        results.push(...await Promise.all(items.slice(i, i + CHUNK_ACCOUNTS).map(work)));
    }
    return results;
}

function auditStep(accountId: string): Step {
    return { kind: "root-credentials", accountId, action: "iam:ListAccessKeys, iam:ListSigningCertificates, iam:GetLoginProfile, iam:ListMFADevices" };
}

function actionOf(item: RootCredentialItem): string {
    return REMOVAL.find(([kind]) => kind === item.kind)?.[1] ?? "";
}

function now(): string {
    return new Date().toISOString();
}

/** The plan as text: per account, what it has and what would be deleted. */
function planText(org: AmbientOrganization, plans: readonly FixAccount[]): string {
    const lines = [`Root credentials in the members of organization ${org.listing.organizationId} (read through sts:AssumeRoot, IAMAuditRootUserCredentials):`];
    for (const p of plans) {
        const who = `  ${p.accountId}${p.name ? ` (${p.name})` : ""}`;
        lines.push(p.error ? `${who}: could not be read: ${p.error}` : p.found.length === 0 ? `${who}: none, nothing to delete` : `${who}: would delete ${p.found.join(", ")}`);
    }
    return lines.join("\n");
}

/** The run's report, as text or JSON, and its exit code: 1 when an account could not be read, a removal failed, or an account still has root credentials. */
function report(mode: "plan" | "apply", org: AmbientOrganization, accounts: readonly FixAccount[], options: FixOptions, logFailure: string | undefined): FixResult {
    const failed = accounts.filter((a) => a.error !== undefined || (a.verdict !== undefined && a.verdict.status !== "compliant"));
    const withCredentials = accounts.filter((a) => a.found.length > 0);
    const exitCode = failed.length > 0 || logFailure !== undefined ? 1 : 0;
    const summary = { accounts: accounts.length, withRootCredentials: withCredentials.length, failed: failed.length };
    if (options.format === "json") {
        return {
            // Only what FixAccount declares: the items read carry full access key ids.
            stdout: JSON.stringify({ schemaVersion: 1, tool: { name: PACK_NAME, version: packVersion() }, mode, organization: { id: org.listing.organizationId, managementAccountId: org.listing.managementAccountId, listedBy: org.listing.caller.accountId }, exitCode, summary, accounts: accounts.map(publicAccount), ...(logFailure ? { logError: logFailure } : {}) }, null, 2) + "\n",
            exitCode,
        };
    }
    const lines: string[] = [];
    if (mode === "plan") {
        lines.push(planText(org, accounts), "");
        lines.push(withCredentials.length === 0
            ? "Nothing to delete."
            : `Plan: delete root credentials in ${withCredentials.length} account${withCredentials.length === 1 ? "" : "s"}. Nothing was changed; run again with --apply to delete them (--account ID to choose accounts).`);
    } else {
        lines.push(`Root credentials deleted in the members of organization ${org.listing.organizationId}:`);
        for (const a of accounts) {
            const who = `  ${a.accountId}${a.name ? ` (${a.name})` : ""}`;
            const done = a.actions.filter((x) => x.result === "done").map((x) => x.subject);
            const after = a.verdict ? ` → aws-root-credentials-removed: ${a.verdict.status} (${a.verdict.evidence})` : "";
            lines.push(a.error ? `${who}: ${done.length > 0 ? `deleted ${done.join(", ")}; ` : ""}failed: ${a.error}${after}` : a.found.length === 0 ? `${who}: none, nothing to delete` : `${who}: deleted ${done.length > 0 ? done.join(", ") : "nothing (already gone)"}${after}`);
        }
    }
    if (logFailure) {
        lines.push(`The log is incomplete: ${logFailure}.`);
    }
    lines.push(`Result: ${summary.accounts} account${summary.accounts === 1 ? "" : "s"}, ${summary.withRootCredentials} with root credentials, ${summary.failed} failed (exit ${exitCode}).`);
    return { stdout: `${lines.join("\n")}\n`, exitCode };
}

/** `fix --enable-central-root`: what is missing of RootCredentialsManagement and RootSessions, enabled with --apply. */
async function enableCentralRoot(org: AmbientOrganization, options: FixOptions, io: { confirm?: Confirm }, log: Log): Promise<FixResult> {
    const { listing, session, ambient, redact } = org;
    const answer = listing.features;
    if (!answer.ok || answer.value.kind !== "known") {
        const why = whyNoRootSessions(listing);
        const first = !answer.ok ? "" : answer.value.kind === "off"
            ? " First, from the management account: `aws organizations enable-aws-service-access --service-principal iam.amazonaws.com` (the organization must have all features enabled)."
            : " Run this with the management account's credentials.";
        throw new CliError(redact(`centralized root access cannot be enabled from here: ${why}.${first}`));
    }
    const missing = (["RootCredentialsManagement", "RootSessions"] as const).filter((f) => !knownFeatures(answer).includes(f));
    const actions: FixAction[] = [];
    const text: string[] = [`Organization ${listing.organizationId}: centralized root access features enabled: [${knownFeatures(answer).join(", ")}].`];
    if (missing.length === 0) {
        text.push("Nothing to enable.");
    } else if (!options.apply) {
        for (const f of missing) {
            const a = { time: now(), action: enableAction(f), subject: f, result: "planned" as const };
            log?.(a);
            actions.push(a);
        }
        text.push(`Plan: ${missing.map((f) => `${enableAction(f)} (${f})`).join(", ")}. Nothing was changed; run again with --apply to enable ${missing.length === 1 ? "it" : "them"}. RootCredentialsManagement blocks root password recovery in member accounts.`);
    } else {
        if (!options.yes) {
            if (!io.confirm) {
                throw new CliError("--apply changes the organization: confirm with --yes when standard input is not a terminal");
            }
            if (!(await io.confirm(`Enable ${missing.join(" and ")} in organization ${listing.organizationId}? Type "yes" to go on: `))) {
                return { stdout: "Nothing was changed: it was not confirmed.\n", exitCode: 0 };
            }
        }
        for (const f of missing) {
            const action = enableAction(f);
            const s: Step = { kind: "enable-feature", action };
            const done = await session.callWith(ambient, s, (clients, signal) => step(s, async () => {
                const m = iam();
                await clients.iam.send(f === "RootSessions" ? new m.EnableOrganizationsRootSessionsCommand({}) : new m.EnableOrganizationsRootCredentialsManagementCommand({}), { abortSignal: signal });
            }));
            const a: FixAction = { time: now(), action, subject: f, ...(done.ok ? { result: "done" as const } : { result: "failed" as const, error: redact(`${explainFailure(done.failure).happened}. What to do: ${explainFailure(done.failure).todo}`) }) };
            log?.(a);
            actions.push(a);
            text.push(done.ok ? `Enabled ${f} (${action}).` : `Could not enable ${f}: ${a.error}`);
        }
    }
    if (log?.failed) {
        text.push(`The log is incomplete: ${log.failed}.`);
    }
    const exitCode = actions.some((a) => a.result === "failed") || log?.failed !== undefined ? 1 : 0;
    if (options.format === "json") {
        return { stdout: JSON.stringify({ schemaVersion: 1, tool: { name: PACK_NAME, version: packVersion() }, mode: options.apply ? "apply" : "plan", organization: { id: listing.organizationId, managementAccountId: listing.managementAccountId, listedBy: listing.caller.accountId, features: knownFeatures(answer) }, exitCode, actions }, null, 2) + "\n", exitCode };
    }
    return { stdout: `${text.join("\n")}\n`, exitCode };
}

function enableAction(f: OrganizationFeature): string {
    return f === "RootSessions" ? "iam:EnableOrganizationsRootSessions" : "iam:EnableOrganizationsRootCredentialsManagement";
}
