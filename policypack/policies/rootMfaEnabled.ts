/**
 * Policy `aws-root-mfa-enabled`: CIS AWS Foundations Benchmark v5.0.0, 1.4 "Ensure MFA is enabled
 * for the 'root' user account", checked live in every AWS account the stack deploys into.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import type { CommonConfig } from "../config";
import type { ProviderSettings } from "../discover/settings";
import type { PostureSession, TargetAccount } from "../posture/session";
import { deadlineMessage, describeEvidence, describeExpiredExemption, describeProviders, lines, undeterminedMessage } from "../report/messages";
import { centralizedRootAccessSteps } from "../report/organization";
import { accountRuleBreaches } from "../verdict/accountRules";
import { rootCredentialsManagementOn } from "../verdict/centralizedRoot";
import { exemptionFor, todayUtc } from "../verdict/exemptions";
import { PostureReading, rootMfaVerdict } from "../verdict/rootMfa";
import type { AccountCheck } from "./outcomes";
import { StackCheckContext, beforeDeadline, exemptionEvidence, locateAccounts, policyFields, runStackCheck } from "./stackCheck";

/** The policy's metadata, as data beside its logic. */
export const rootMfaEnabledMetadata = {
    name: "aws-root-mfa-enabled",
    description: "The root user of every AWS account this stack deploys into must have MFA enabled (CIS AWS Foundations Benchmark v5.0.0, 1.4).",
    enforcementLevel: "mandatory",
    severity: "critical",
    framework: {
        name: "CIS AWS Foundations Benchmark",
        version: "5.0.0",
        reference: "1.4",
        specification: "Ensure MFA is enabled for the 'root' user account",
    },
    /** Other controls the same finding maps to. */
    relatedControls: ["CIS AWS Foundations Benchmark v5.0.0 1.4", "AWS Security Hub IAM.9"],
    url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-virt-mfa-for-root.html",
    remediationSteps: [
        "Only the root user can manage the root user's MFA devices: sign in with the root user's credentials.",
        "1. Sign in to the AWS Management Console as the root user and open the IAM console (https://console.aws.amazon.com/iam/).",
        "2. Choose Dashboard; under Security Status, expand Activate MFA on your root account and choose Activate MFA.",
        "3. Choose a virtual MFA device (or a hardware key) and continue; IAM shows a QR code and a secret configuration key.",
        "4. In the authenticator app, add a new account by scanning the QR code or typing the secret key.",
        "5. Type two consecutive one-time codes from the app into Authentication Code 1 and 2, then choose Assign MFA.",
        "For virtual MFA on root, use a dedicated, non-personal phone or tablet kept charged and secured, independent of any one person's device, so losing a device or a person does not lock the account.",
        "Organizations with centralized root access may instead delete the member account's root credentials centrally.",
    ].join("\n"),
    /** The fix in one paragraph, for the message the CLI prints (it shows neither url nor remediationSteps). */
    shortFix: "sign in to the AWS Management Console as the root user of this account, open IAM → Dashboard → Security Status → Activate MFA, and assign an MFA device (for a virtual device, use a dedicated, non-personal phone or tablet kept charged and secured). Only the root user can manage root MFA.",
} as const;

/** The stack validation policy. */
export const rootMfaEnabled: StackValidationPolicy = {
    ...policyFields(rootMfaEnabledMetadata),
    validateStack: (args, reportViolation) => runStackCheck(rootMfaEnabledMetadata.name, args, reportViolation, checkRootMfa),
};

async function checkRootMfa(ctx: StackCheckContext): Promise<void> {
    const accounts = await locateAccounts(ctx);
    const settings = new Map(ctx.ready.map((p) => [p.provider.urn, p.settings]));
    await Promise.all(accounts.map(async (account) => {
        const result = await beforeDeadline(rootMfaAccountCheck(ctx.session, ctx.config, account, settings), ctx.deadline);
        ctx.settle(account, result.late
            ? { status: "could-not-check", message: deadlineMessage(account.accountId, account.providers, "root MFA", ctx.config.posture.timeoutSeconds) }
            : result.value);
    }));
}

/**
 * What CIS 1.4 says about one account: compliant, not applicable, exempt, a violation or could not
 * be checked (with the message). Shared by the stack policy and the resource-level gate.
 */
export async function rootMfaAccountCheck(session: PostureSession, config: CommonConfig, account: TargetAccount, settings: ReadonlyMap<string, ProviderSettings>): Promise<AccountCheck> {
    const exemption = exemptionFor(account.accountId, config.exemptions, todayUtc());
    if (exemption.status === "active") {
        return { status: "exempt", evidence: exemptionEvidence(exemption) };
    }
    const breaches = accountRuleBreaches(account.accountId, account.providers.map((provider) => ({ provider, ...settings.get(provider.urn) })));
    const providerCheck = breaches.map((b) =>
        `Provider check: ${describeProviders([b.provider])} ${b.rule === "allowedAccountIds" ? `allows only accounts ${b.ids.join(", ")}` : `forbids account ${account.accountId}`} in ${b.rule}, but its credentials reach account ${account.accountId}: the AWS provider will refuse to deploy with it; fix its credentials or that list.`);
    const reading = await readPosture(session, config, account);
    const verdict = rootMfaVerdict(reading);
    const evidence = account.partition === "aws-us-gov" ? "partition aws-us-gov: CIS 1.4 does not apply" : "summary" in reading ? describeEvidence(reading.summary, ["AccountMFAEnabled", "AccountPasswordPresent"]) : undefined;
    if (verdict.status === "undetermined") {
        return { status: "could-not-check", message: lines(undeterminedMessage(account.accountId, account.providers, verdict.failure, "root MFA"), ...providerCheck) + describeExpiredExemption(exemption) };
    }
    if (verdict.status === "noncompliant" && "summary" in reading) {
        return { status: "violation", evidence, message: lines(
            `Account ${account.accountId} (partition ${account.partition}): ${verdict.found}.`,
            `Targeted by: ${describeProviders(account.providers)}.`,
            `Evidence: ${describeEvidence(reading.summary, ["AccountMFAEnabled", "AccountPasswordPresent"])}.`,
            `Controls: ${rootMfaEnabledMetadata.relatedControls.join("; ")}.`,
            `How to fix: ${rootMfaEnabledMetadata.shortFix}`,
            await centralAlternative(session, config, account),
            ...providerCheck,
        ) + describeExpiredExemption(exemption) };
    }
    if (providerCheck.length > 0) {
        return { status: "violation", evidence, message: lines(
            `Account ${account.accountId}: root MFA ${verdict.status === "compliant" ? "is in order" : "does not apply"}, but a provider that reaches it rejects this account.`,
            `Targeted by: ${describeProviders(account.providers)}.`,
            ...providerCheck,
        ) };
    }
    return { status: verdict.status === "compliant" ? "compliant" : "not-applicable", evidence };
}

/**
 * For a member of an organization that manages root credentials centrally: the alternative of
 * deleting the root credentials instead of adding MFA. Empty otherwise, or when it cannot be told.
 */
async function centralAlternative(session: PostureSession, config: CommonConfig, account: TargetAccount): Promise<string> {
    const org = await session.organization(account, config.organizationRoleFor, config.auditRoleFor(account));
    if (!org.membership.ok || org.membership.value.kind !== "member" || !rootCredentialsManagementOn(org.features)) {
        return "";
    }
    return `Alternative: organization ${org.membership.value.organizationId} manages root credentials centrally (RootCredentialsManagement), so instead of adding MFA you can delete this member account's root credentials: ${centralizedRootAccessSteps.deleteCredentials(account.accountId, account.partition)}.`;
}

/** The account summary, skipped where the verdict cannot depend on it (GovCloud). */
async function readPosture(session: PostureSession, config: CommonConfig, account: TargetAccount): Promise<PostureReading> {
    if (account.partition === "aws-us-gov") {
        return { partition: account.partition, summary: { entries: {}, readAt: todayUtc() } };
    }
    const summary = await session.accountSummary(account, config.auditRoleFor(account));
    return summary.ok
        ? { partition: account.partition, summary: summary.value }
        : { partition: account.partition, failure: summary.failure };
}
