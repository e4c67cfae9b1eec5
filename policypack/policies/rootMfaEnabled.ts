/**
 * Policy `aws-root-mfa-enabled`: CIS AWS Foundations Benchmark v5.0.0, 1.4 "Ensure MFA is enabled
 * for the 'root' user account", checked live in every AWS account the stack deploys into.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { commonSchemaProperties } from "../config";
import type { TargetAccount } from "../posture/session";
import { describeEvidence, describeExpiredExemption, describeProviders, invalidProviderMessage, lines, undeterminedMessage, unidentifiedMessage } from "../report/messages";
import { centralizedRootAccessSteps } from "../report/organization";
import { rootCredentialsManagementOn } from "../verdict/centralizedRoot";
import { exemptionFor, todayUtc } from "../verdict/exemptions";
import { PostureReading, rootMfaVerdict } from "../verdict/rootMfa";
import { StackCheckContext, runStackCheck } from "./stackCheck";

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
    name: rootMfaEnabledMetadata.name,
    description: rootMfaEnabledMetadata.description,
    enforcementLevel: rootMfaEnabledMetadata.enforcementLevel,
    severity: rootMfaEnabledMetadata.severity,
    framework: rootMfaEnabledMetadata.framework,
    remediationSteps: rootMfaEnabledMetadata.remediationSteps,
    url: rootMfaEnabledMetadata.url,
    configSchema: { properties: commonSchemaProperties },
    validateStack: (args, reportViolation) => runStackCheck(rootMfaEnabledMetadata.name, args, reportViolation, checkRootMfa),
};

async function checkRootMfa(ctx: StackCheckContext): Promise<void> {
    for (const p of ctx.invalid) {
        ctx.report(invalidProviderMessage(p), p.provider.urn);
    }
    const { accounts, unidentified } = await ctx.session.locate(ctx.ready);
    for (const u of unidentified) {
        ctx.report(unidentifiedMessage(u.providers, u.failure), u.providers[0].urn);
    }
    const today = todayUtc();
    await Promise.all(accounts.map(async (account) => {
        const exemption = exemptionFor(account.accountId, ctx.config.exemptions, today);
        if (exemption.status === "active") {
            return;
        }
        const reading = await readPosture(ctx, account);
        const verdict = rootMfaVerdict(reading);
        const urn = account.providers[0].urn;
        if (verdict.status === "undetermined") {
            ctx.report(undeterminedMessage(account.accountId, account.providers, verdict.failure, "root MFA") + describeExpiredExemption(exemption), urn);
        } else if (verdict.status === "noncompliant" && "summary" in reading) {
            ctx.report(lines(
                `Account ${account.accountId} (partition ${account.partition}): ${verdict.found}.`,
                `Targeted by: ${describeProviders(account.providers)}.`,
                `Evidence: ${describeEvidence(reading.summary, ["AccountMFAEnabled", "AccountPasswordPresent"])}.`,
                `Controls: ${rootMfaEnabledMetadata.relatedControls.join("; ")}.`,
                `How to fix: ${rootMfaEnabledMetadata.shortFix}`,
                await centralAlternative(ctx, account),
            ) + describeExpiredExemption(exemption), urn);
        }
    }));
}

/**
 * For a member of an organization that manages root credentials centrally: the alternative of
 * deleting the root credentials instead of adding MFA. Empty otherwise, or when it cannot be told.
 */
async function centralAlternative(ctx: StackCheckContext, account: TargetAccount): Promise<string> {
    const org = await ctx.session.organization(account, ctx.config.organizationRoleFor);
    if (!org.membership.ok || org.membership.value.kind !== "member" || !rootCredentialsManagementOn(org.features)) {
        return "";
    }
    return `Alternative: organization ${org.membership.value.organizationId} manages root credentials centrally (RootCredentialsManagement), so instead of adding MFA you can delete this member account's root credentials: ${centralizedRootAccessSteps.deleteCredentials(account.accountId, account.partition)}.`;
}

/** The account summary, skipped where the verdict cannot depend on it (GovCloud). */
async function readPosture(ctx: StackCheckContext, account: TargetAccount): Promise<PostureReading> {
    if (account.partition === "aws-us-gov") {
        return { partition: account.partition, summary: { entries: {}, readAt: todayUtc() } };
    }
    const summary = await ctx.session.accountSummary(account);
    return summary.ok
        ? { partition: account.partition, summary: summary.value }
        : { partition: account.partition, failure: summary.failure };
}
