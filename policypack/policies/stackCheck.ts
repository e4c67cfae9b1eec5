/**
 * What every stack policy of the pack does around its own check: read its config, find the AWS
 * providers, keep secrets out of every message, never let an error escape as a gRPC error, and
 * surface providers unknown during preview only after every known account was reported.
 */
import type { EnforcementLevel, PolicyComplianceFramework, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { CommonConfig, ConfigError, commonSchemaProperties, readCommonConfig } from "../config";
import { SharedSettingDisagreement, withSharedSettings } from "../sharedConfig";
import { DiscoveredProvider, InvalidProvider, ProviderRef, ReadyProvider, UnknownProvider, discoverAwsProviders } from "../discover/providers";
import { PostureSession, TargetAccount, sharedSession } from "../posture/session";
import { ExemptionStatus, exemptionFor, todayUtc } from "../verdict/exemptions";
import { deadlineMessage, describeExpiredExemption, describeProviders, invalidProviderMessage, unidentifiedMessage, unknownInUpdateMessage, untrustedEndpointMessage } from "../report/messages";
import { refusedOverride } from "../posture/trust";
import { Redactor, redactorFor } from "../report/redact";
import { AccountCheck, OutcomeAccount, currentRecorder } from "./outcomes";
import { isPreview } from "../runtime";

/** A policy's metadata as the pack keeps it beside the policy's logic. */
export interface PolicyMetadata {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    severity: "low" | "medium" | "high" | "critical";
    framework: PolicyComplianceFramework;
    remediationSteps: string;
    url: string;
}

/** The fields of a policy that come from its metadata, and the config schema every policy shares. */
export function policyFields(meta: PolicyMetadata): Omit<StackValidationPolicy, "validateStack"> {
    const { name, description, enforcementLevel, severity, framework, remediationSteps, url } = meta;
    return { name, description, enforcementLevel, severity, framework, remediationSteps, url, configSchema: { properties: commonSchemaProperties } };
}

/** What a reported message is about, as data: its account (if identified) and whether it is a violation or a failure to check. */
export interface ReportedOutcome {
    account?: OutcomeAccount;
    status: "violation" | "could-not-check";
    evidence?: string;
}

/**
 * Reports a message about these providers (attached to the first), with their secrets removed.
 * Without `outcome` the message says the providers could not be checked.
 */
export type Reporter = (message: string, about: readonly ProviderRef[], outcome?: ReportedOutcome) => void;

/** What a policy's own check gets. */
export interface StackCheckContext {
    /** The policy's name. */
    policy: string;
    config: CommonConfig;
    /** Providers whose inputs are usable and whose endpoints the pack may call. */
    ready: ReadyProvider[];
    invalid: InvalidProvider[];
    session: PostureSession;
    /** When the whole stack analysis must have finished (epoch ms); unfinished accounts fail closed. */
    deadline: number;
    /** Reports a violation about these providers (attached to the first), with their secrets removed. */
    report: Reporter;
    /** Settles one account: reports a violation or a failure to check it, records anything else. */
    settle(account: Pick<TargetAccount, "accountId" | "partition" | "providers">, check: AccountCheck): void;
}

/** Runs `check` as a policy's validateStack body. */
export async function runStackCheck(
    policyName: string,
    args: StackValidationArgs,
    reportViolation: ReportViolation,
    check: (ctx: StackCheckContext) => Promise<void>,
): Promise<void> {
    const discovered = discoverAwsProviders(args.resources);
    if (discovered.length === 0) {
        return;
    }
    const recorder = currentRecorder();
    const report = safeReporter(reportViolation, redactorFor(discovered), recorder && ((message, about, outcome) => recorder.outcome({ policy: policyName, providers: [...about], ...outcome, message })));
    const settle = (account: Pick<TargetAccount, "accountId" | "partition" | "providers">, check: AccountCheck) => {
        const where = { accountId: account.accountId, partition: account.partition };
        if (check.status === "violation" || check.status === "could-not-check") {
            report(check.message, account.providers, { account: where, status: check.status, ...(check.evidence ? { evidence: check.evidence } : {}) });
        } else {
            recorder?.outcome({ policy: policyName, account: where, providers: account.providers, status: check.status, ...(check.evidence ? { evidence: check.evidence } : {}) });
        }
    };
    const { raw, disagreements } = withSharedSettings(args.getConfig<Record<string, unknown>>());
    let config: CommonConfig;
    try {
        config = readCommonConfig(raw);
    } catch (e) {
        report(configErrorMessage(policyName, e), []);
        return;
    }
    for (const d of disagreements) {
        report(sharedSettingMessage(policyName, d), [], { status: "violation" });
    }
    const { ready: known, unknown } = knownProviders(discovered, report);
    const ready = reachable(known, config, report);
    const invalid = discovered.filter((p): p is InvalidProvider => p.status === "invalid");
    try {
        const session = sharedSession(config.posture, "stack");
        await check({ policy: policyName, config, ready, invalid, session, deadline: session.stackDeadline(), report, settle });
    } catch (e) {
        // A bug must not turn into a gRPC error (a stack trace, and in `up` after changes were made).
        report(unexpectedErrorMessage(policyName, ready.map((p) => p.provider), e), discovered.map((p) => p.provider));
    }
    if (unknown.length > 0) {
        throw unknownProvidersError(unknown);
    }
}

/**
 * The providers that can be checked now, and those to report as unknown at the end. In preview an
 * input that decides the account, unknown, makes the provider unknown (reported after every
 * other account, as "can't run during preview"), and other unknown inputs are ignored. Outside
 * preview every input is known by the time a provider is used: one that is not fails closed, at
 * the policy's level, now.
 */
export function knownProviders(discovered: readonly DiscoveredProvider[], report: Reporter): { ready: ReadyProvider[]; unknown: UnknownProvider[] } {
    // Asked only about a provider with an unknown input: a check outside Pulumi has none.
    let previewing: boolean | undefined;
    const preview = () => (previewing ??= isPreview());
    const ready: ReadyProvider[] = [];
    const unknown: UnknownProvider[] = [];
    for (const p of discovered) {
        if (p.status === "unknown") {
            if (preview()) {
                unknown.push(p);
            } else {
                report(unknownInUpdateMessage(p.provider, [p.input]), [p.provider]);
            }
        } else if (p.status === "ready") {
            if (p.settings.unknownInputs.length > 0 && !preview()) {
                report(unknownInUpdateMessage(p.provider, p.settings.unknownInputs), [p.provider]);
            } else {
                ready.push(p);
            }
        }
    }
    return { ready, unknown };
}

/**
 * The providers whose endpoint overrides the pack may follow. Each of the others is reported,
 * fails closed, and gets no request at all.
 */
export function reachable(ready: ReadyProvider[], config: CommonConfig, report: Reporter, env: NodeJS.ProcessEnv = process.env): ReadyProvider[] {
    return ready.filter((p) => {
        const refused = refusedOverride(p.settings.endpoints, env, config.posture.trust);
        if (refused) {
            report(untrustedEndpointMessage([p.provider], refused), [p.provider]);
        }
        return refused === undefined;
    });
}

/**
 * `work`'s result, or `{ late: true }` once `deadline` (epoch ms) has passed: the caller reports
 * what did not finish as failed closed.
 */
export function beforeDeadline<T>(work: Promise<T>, deadline: number): Promise<{ late: false; value: T } | { late: true }> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<{ late: true }>((resolve) => {
        timer = setTimeout(() => resolve({ late: true }), Math.max(0, deadline - Date.now()));
    });
    return Promise.race([work.then((value) => ({ late: false as const, value })), expired]).finally(() => clearTimeout(timer));
}

/**
 * Reports violations with the secrets of the providers they are about removed. Should removing
 * them ever fail, a message that quotes nothing is reported instead: the violation is not lost.
 */
export function safeReporter(reportViolation: ReportViolation, redact: Redactor, reported?: (safe: string, about: readonly ProviderRef[], outcome: ReportedOutcome) => void): Reporter {
    return (message, about, outcome = { status: "could-not-check" }) => {
        let safe: string;
        try {
            safe = redact(message, about);
        } catch {
            safe = `A violation about ${describeProviders(about)} could not be made safe to print, so its details are withheld; the policy fails closed. Run again; if it persists, report this message to the policy pack's maintainers.`;
        }
        reportViolation(safe, about[0]?.urn);
        reported?.(safe, about, outcome);
    };
}

/**
 * The first steps every stack policy takes: report providers that cannot be used (malformed
 * inputs, accounts that could not be identified), locate the accounts of the rest and start
 * reading them all at once. Returns the located accounts.
 */
export async function locateAccounts(ctx: StackCheckContext): Promise<TargetAccount[]> {
    for (const p of ctx.invalid) {
        ctx.report(invalidProviderMessage(p), [p.provider]);
    }
    const today = todayUtc();
    ctx.session.prefetchOrganizationRole(ctx.ready, ctx.config.singleOrganizationRole);
    const { accounts, unidentified, exempt } = await ctx.session.locate(ctx.ready, (id) => exemptionFor(id, ctx.config.exemptions, today).status === "active");
    currentRecorder()?.located?.(ctx.policy, accounts.length + exempt.length);
    for (const account of exempt) {
        ctx.settle(account, { status: "exempt", evidence: exemptionEvidence(exemptionFor(account.accountId, ctx.config.exemptions, today)) });
    }
    startReading(ctx.session, ctx.config, accounts);
    for (const u of unidentified) {
        ctx.report(unidentifiedMessage(u.providers, u.failure), u.providers);
    }
    return accounts;
}

/**
 * A per-account policy's body: locates the accounts, settles exempt ones (never queried) and those
 * `applies` rejects, and settles each with what `checkAccount` finds — or, for an account that did
 * not finish before the run's deadline, as failed closed. An expired exemption is named.
 */
export async function checkEachAccount(
    ctx: StackCheckContext,
    subject: string,
    applies: (account: TargetAccount) => boolean,
    checkAccount: (account: TargetAccount) => Promise<AccountCheck>,
): Promise<void> {
    const accounts = await locateAccounts(ctx);
    const today = todayUtc();
    await Promise.all(accounts.map(async (account) => {
        const exemption = exemptionFor(account.accountId, ctx.config.exemptions, today);
        if (exemption.status === "active") {
            ctx.settle(account, { status: "exempt", evidence: exemptionEvidence(exemption) });
            return;
        }
        if (!applies(account)) {
            ctx.settle(account, { status: "not-applicable", evidence: `partition ${account.partition}` });
            return;
        }
        const result = await beforeDeadline(checkAccount(account), ctx.deadline);
        const check: AccountCheck = result.late
            ? { status: "could-not-check", message: deadlineMessage(account.accountId, account.providers, subject, ctx.config.posture.timeoutSeconds) }
            : result.value;
        ctx.settle(account, "message" in check ? { ...check, message: check.message + describeExpiredExemption(exemption) } : check);
    }));
}

/** The evidence of an active exemption: its reason, and until when. */
export function exemptionEvidence(exemption: ExemptionStatus): string {
    return exemption.status === "active" ? `exempt in the policy config: ${exemption.exemption.reason}${exemption.exemption.expires ? ` (until ${exemption.exemption.expires})` : ""}` : "";
}

/**
 * Starts reading every account the policies may need, at once, so their AWS round trips overlap:
 * all but exempt accounts (never queried) and GovCloud ones (not applicable).
 */
export function startReading(session: PostureSession, config: CommonConfig, accounts: readonly TargetAccount[]): void {
    const today = todayUtc();
    session.prefetch(
        accounts.filter((a) => a.partition !== "aws-us-gov" && exemptionFor(a.accountId, config.exemptions, today).status !== "active"),
        config,
    );
}

/** The message for a policy config the pack cannot use. */
export function configErrorMessage(policyName: string, e: unknown): string {
    const problem = e instanceof ConfigError ? e.message : "policy config could not be read";
    return `The ${policyName} policy config is invalid, so no account was checked; the policy fails closed.\nWhat happened: ${problem}.\nWhat to do: correct the policy pack config (see the README's configuration reference).`;
}

/** A shared setting that policies of the pack set differently. */
export function sharedSettingMessage(policyName: string, d: SharedSettingDisagreement): string {
    return `The ${policyName} policy config sets ${d.setting} differently from other policies of the pack (${d.policies.join(", ")} each set their own), so they check accounts with different settings and may disagree about one.\nWhat to do: set ${d.setting} in one policy only (the others take it from there) or to the same value in every policy of the pack (README: Configuration).`;
}

/** The message for an error the policy did not expect: it fails closed instead of crashing the run. */
export function unexpectedErrorMessage(policyName: string, providers: readonly ProviderRef[], e: unknown): string {
    return `The ${policyName} policy failed unexpectedly, so the accounts of ${describeProviders(providers)} were not all checked; the policy fails closed.\nWhat happened: ${e instanceof Error ? `${e.name}: ${e.message}` : "an unknown error"}.\nWhat to do: run again; if it persists, report this message to the policy pack's maintainers.`;
}

/** One @pulumi/policy UnknownValueError naming every provider and input that is unknown. */
function unknownProvidersError(unknown: UnknownProvider[]): Error {
    const which = unknown.map((u) => `${describeProviders([u.provider])} (input "${u.input}")`).join(", ");
    const error = unknown[0].error;
    error.message = `the AWS account of ${which} cannot be known until the deployment computes ${unknown.length === 1 ? "that input" : "those inputs"}; every other account was checked, and ${unknown.length === 1 ? "this one is" : "these are"} checked when the value is known`;
    return error;
}
