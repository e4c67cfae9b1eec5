/**
 * Policy `aws-root-no-access-keys`: CIS AWS Foundations Benchmark v5.0.0, 1.3 "Ensure no 'root'
 * user account access key exists", from the same iam:GetAccountSummary read as CIS 1.4 (no call
 * of its own).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import type { TargetAccount } from "../posture/session";
import { describeEvidence, describeProviders, lines, undeterminedMessage } from "../report/messages";
import { centralizedRootAccessSteps } from "../report/organization";
import { rootCredentialsManagementOn } from "../verdict/centralizedRoot";
import { rootAccessKeysVerdict } from "../verdict/rootAccessKeys";
import type { PostureReading } from "../verdict/rootMfa";
import { rootMfaEnabledMetadata } from "./rootMfaEnabled";
import type { AccountCheck } from "./outcomes";
import { StackCheckContext, checkEachAccount, policyFields, runStackCheck } from "./stackCheck";

/** The policy's metadata, as data beside its logic. */
export const rootNoAccessKeysMetadata = {
    name: "aws-root-no-access-keys",
    description: "The root user of every AWS account this stack deploys into must have no access keys (CIS AWS Foundations Benchmark v5.0.0, 1.3).",
    enforcementLevel: "advisory",
    severity: "critical",
    framework: {
        ...rootMfaEnabledMetadata.framework,
        reference: "1.3",
        specification: "Ensure no 'root' user account access key exists",
    },
    /** Other controls the same finding maps to. */
    relatedControls: ["CIS AWS Foundations Benchmark v5.0.0 1.3", "AWS Security Hub IAM.4"],
    url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html",
    remediationSteps: [
        "Root access keys give anyone who holds them everything in the account, with no MFA. Use IAM roles for programmatic access instead.",
        "1. Find what still uses the keys (IAM console → Security credentials shows each key's last use), and move it to an IAM role.",
        "2. Sign in to the AWS Management Console as the root user, open the account menu → Security credentials, and under Access keys choose Actions → Delete for each key (a deactivated key still counts until it is deleted).",
        "In a member account of an organization with centralized root access (RootCredentialsManagement), delete them centrally instead: from the management account or the IAM delegated administrator, `aws sts assume-root` with the IAMDeleteRootUserCredentials task policy, then `aws iam list-access-keys` and `aws iam delete-access-key` (or IAM console → Root access management → Take privileged action).",
        "In AWS GovCloud (US) the root user has no console access: delete its keys with the keys themselves (`aws iam list-access-keys`, `aws iam delete-access-key --access-key-id …`), or ask AWS Support.",
    ].join("\n"),
} as const;

/** The stack validation policy. */
export const rootNoAccessKeys: StackValidationPolicy = {
    ...policyFields(rootNoAccessKeysMetadata),
    validateStack: (args, reportViolation) => runStackCheck(rootNoAccessKeysMetadata.name, args, reportViolation, checkRootAccessKeys),
};

async function checkRootAccessKeys(ctx: StackCheckContext): Promise<void> {
    // GovCloud too: its root user can hold access keys (AWS Support enables them on request).
    await checkEachAccount(ctx, "root access keys", () => true, (account) => messageFor(ctx, account));
}

async function messageFor(ctx: StackCheckContext, account: TargetAccount): Promise<AccountCheck> {
    const summary = await ctx.session.accountSummary(account, ctx.config.auditRoleFor(account));
    const reading: PostureReading = summary.ok ? { partition: account.partition, summary: summary.value } : { partition: account.partition, failure: summary.failure };
    const v = rootAccessKeysVerdict(reading);
    const evidence = summary.ok ? describeEvidence(summary.value, ["AccountAccessKeysPresent"]) : undefined;
    switch (v.status) {
        case "compliant":
            return { status: "compliant", evidence };
        case "undetermined":
            return { status: "could-not-check", message: undeterminedMessage(account.accountId, account.providers, v.failure, "root access keys") };
        case "noncompliant":
            return { status: "violation", evidence, message: lines(
                `Account ${account.accountId} (partition ${account.partition}): ${v.found}.`,
                `Targeted by: ${describeProviders(account.providers)}.`,
                summary.ok && `Evidence: ${describeEvidence(summary.value, ["AccountAccessKeysPresent"])}.`,
                `Controls: ${rootNoAccessKeysMetadata.relatedControls.join("; ")}.`,
                `How to fix: ${await howToDelete(ctx, account)}`,
            ) };
    }
}

/** The fix for this account: central deletion where the organization manages root credentials, else the root user's own. */
async function howToDelete(ctx: StackCheckContext, account: TargetAccount): Promise<string> {
    if (account.partition === "aws-us-gov") {
        return "the root user of an AWS GovCloud (US) account has no console access: with its own access keys, run `aws iam list-access-keys` and `aws iam delete-access-key --access-key-id …` for each key (after moving whatever uses them to an IAM role), or ask AWS Support to remove them.";
    }
    const org = await ctx.session.organization(account, ctx.config.organizationRoleFor, ctx.config.auditRoleFor(account));
    if (org.membership.ok && org.membership.value.kind === "member" && rootCredentialsManagementOn(org.features)) {
        return `organization ${org.membership.value.organizationId} manages root credentials centrally (RootCredentialsManagement), so delete them centrally: ${centralizedRootAccessSteps.deleteCredentials(account.accountId, account.partition)}.`;
    }
    return "move whatever still uses the keys to an IAM role, then sign in to the AWS Management Console as the root user of this account, open the account menu → Security credentials, and under Access keys choose Actions → Delete for each key (a deactivated key still counts until it is deleted).";
}
