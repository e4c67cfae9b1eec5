/**
 * Policy `aws-root-credentials-centralized`: the centralized-root-access side of CIS 1.4. Where an
 * organization manages root credentials centrally, a member's root MFA is neither possible nor
 * necessary; this policy checks that this is really so: it flags members without root MFA whose
 * root user can still be recovered, and a management account without root MFA. Root credentials
 * left in covered members are `aws-root-credentials-removed`'s finding.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import type { TargetAccount } from "../posture/session";
import { describeEvidence, describeProviders, lines, undeterminedMessage } from "../report/messages";
import { centralizedRootAccessSteps, describeOrganizationEvidence, howToConfirm } from "../report/organization";
import { CentralizedRootReading, centralizedRootVerdict } from "../verdict/centralizedRoot";
import { rootMfaEnabledMetadata } from "./rootMfaEnabled";
import type { AccountCheck } from "./outcomes";
import { StackCheckContext, checkEachAccount, policyFields, runStackCheck } from "./stackCheck";

/** The policy's metadata, as data beside its logic. */
export const rootCredentialsCentralizedMetadata = {
    name: "aws-root-credentials-centralized",
    description: "Member accounts that rely on AWS Organizations centralized root access must really be covered by it, and the management account must have root MFA (CIS AWS Foundations Benchmark v5.0.0, 1.4).",
    enforcementLevel: "advisory",
    severity: "high",
    framework: rootMfaEnabledMetadata.framework,
    url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html",
    remediationSteps: [
        "A member account whose root user has neither MFA nor a password can still get a password through \"forgot password\" unless the organization manages root credentials centrally.",
        `1. Enable centralized root access: ${centralizedRootAccessSteps.enable}.`,
        "2. The management account is never covered: enable MFA for its root user.",
        "Or enable root MFA in the member account.",
    ].join("\n"),
} as const;

/** The stack validation policy. */
export const rootCredentialsCentralized: StackValidationPolicy = {
    ...policyFields(rootCredentialsCentralizedMetadata),
    validateStack: (args, reportViolation) => runStackCheck(rootCredentialsCentralizedMetadata.name, args, reportViolation, checkCentralizedRoot),
};

async function checkCentralizedRoot(ctx: StackCheckContext): Promise<void> {
    await checkEachAccount(ctx, "centralized root access", (account) => account.partition !== "aws-us-gov",
        async (account) => messageFor(account, await readCentralizedRoot(ctx, account)));
}

/** The account's summary and organization, as the centralized-root verdicts read them (shared by the policies that use them). */
export async function readCentralizedRoot(ctx: StackCheckContext, account: TargetAccount): Promise<CentralizedRootReading> {
    const [summary, organization] = await Promise.all([
        ctx.session.accountSummary(account, ctx.config.auditRoleFor(account)),
        ctx.session.organization(account, ctx.config.organizationRoleFor, ctx.config.auditRoleFor(account)),
    ]);
    return { partition: account.partition, summary, membership: organization.membership, features: organization.features };
}

/** What the policy finds in an account. */
function messageFor(account: TargetAccount, reading: CentralizedRootReading): AccountCheck {
    const v = centralizedRootVerdict(reading);
    const id = account.accountId;
    const targeted = `Targeted by: ${describeProviders(account.providers)}.`;
    const found = () => {
        const summary = reading.summary.ok
            ? describeEvidence(reading.summary.value, ["AccountMFAEnabled", "AccountPasswordPresent", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent"])
            : "";
        return `${summary}; ${describeOrganizationEvidence(reading.membership, reading.features)}`;
    };
    const evidence = () => `Evidence: ${found()}.`;
    switch (v.status) {
        case "not-applicable":
        case "compliant":
            return { status: v.status, evidence: found() };
        case "undetermined":
            return { status: "could-not-check", message: undeterminedMessage(id, account.providers, v.failure, "centralized root access") };
        case "recoverable-root":
            return { status: "violation", evidence: found(), message: lines(
                `Account ${id} (member of organization ${v.organizationId}): the root user has no MFA and no password, but centralized root access (RootCredentialsManagement) is not ${v.features.status === "confirmed" || v.features.status === "off" ? "enabled" : "confirmed"} for the organization, so whoever controls the account's root email address can set a password through "forgot password" and sign in as root.`,
                targeted,
                evidence(),
                `How to fix: enable centralized root access: ${centralizedRootAccessSteps.enable}. Or enable root MFA in this account.`,
                howToConfirm(v.features, v.organizationId),
            ) };
        case "management-without-mfa":
            return { status: "violation", evidence: found(), message: lines(
                `Account ${id} is the management account of organization ${v.organizationId}: centralized root access never covers the management account, so its root user needs MFA, and it has none.`,
                targeted,
                evidence(),
                `How to fix: ${rootMfaEnabledMetadata.shortFix}`,
            ) };
    }
}
