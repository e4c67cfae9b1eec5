/**
 * Policy `aws-root-credentials-removed`: in an organization that manages root credentials
 * centrally (RootCredentialsManagement), a member account should keep no root password, access
 * keys or signing certificates. Disabled by default: it is the organization's clean-up list.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import type { TargetAccount } from "../posture/session";
import { describeEvidence, describeProviders, lines, undeterminedMessage } from "../report/messages";
import { centralizedRootAccessSteps, describeOrganizationEvidence, howToConfirm } from "../report/organization";
import type { CentralizedRootReading } from "../verdict/centralizedRoot";
import { rootCredentialsRemovedVerdict } from "../verdict/rootCredentialsRemoved";
import { readCentralizedRoot, rootCredentialsCentralizedMetadata } from "./rootCredentialsCentralized";
import type { AccountCheck } from "./outcomes";
import { StackCheckContext, checkEachAccount, policyFields, runStackCheck } from "./stackCheck";

/** The policy's metadata, as data beside its logic. */
export const rootCredentialsRemovedMetadata = {
    name: "aws-root-credentials-removed",
    description: "Member accounts of an organization that manages root credentials centrally must have no root password, access keys or signing certificates left (CIS AWS Foundations Benchmark v5.0.0, 1.4, centralized root access).",
    enforcementLevel: "disabled",
    severity: "medium",
    framework: rootCredentialsCentralizedMetadata.framework,
    url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html",
    remediationSteps: [
        "With centralized root access, a member account needs no root credentials: delete the ones that remain, centrally.",
        "1. From the management account or the IAM delegated administrator: `aws sts assume-root --target-principal <member account id> --task-policy-arn arn=arn:<partition>:iam::aws:policy/root-task/IAMDeleteRootUserCredentials`.",
        "2. With the credentials it returns: `aws iam delete-login-profile`; `aws iam list-access-keys` and `aws iam delete-access-key --access-key-id …` for each key; `aws iam list-signing-certificates` and `aws iam delete-signing-certificate --certificate-id …` for each certificate.",
        "Or in the IAM console: Root access management → select the account → Take privileged action → Delete root user credentials.",
    ].join("\n"),
} as const;

/** The stack validation policy. */
export const rootCredentialsRemoved: StackValidationPolicy = {
    ...policyFields(rootCredentialsRemovedMetadata),
    validateStack: (args, reportViolation) => runStackCheck(rootCredentialsRemovedMetadata.name, args, reportViolation, checkRemoved),
};

async function checkRemoved(ctx: StackCheckContext): Promise<void> {
    await checkEachAccount(ctx, "centrally managed root credentials", (account) => account.partition !== "aws-us-gov",
        async (account) => messageFor(account, await readCentralizedRoot(ctx, account)));
}

function messageFor(account: TargetAccount, reading: CentralizedRootReading): AccountCheck {
    const v = rootCredentialsRemovedVerdict(reading);
    const id = account.accountId;
    const found = () => {
        const summary = reading.summary.ok
            ? describeEvidence(reading.summary.value, ["AccountPasswordPresent", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent"])
            : undefined;
        return [summary, describeOrganizationEvidence(reading.membership, reading.features)].filter(Boolean).join("; ");
    };
    const evidence = () => `Evidence: ${found()}.`;
    switch (v.status) {
        case "not-applicable":
        case "compliant":
            return { status: v.status, evidence: found() };
        case "undetermined":
            return { status: "could-not-check", message: undeterminedMessage(id, account.providers, v.failure, "centrally managed root credentials") };
        case "credentials-remain":
            return { status: "violation", evidence: found(), message: lines(
                `Account ${id} (member of organization ${v.organizationId}): centralized root access (RootCredentialsManagement) is enabled, but this member still has ${v.remaining.join(", ")}.`,
                `Targeted by: ${describeProviders(account.providers)}.`,
                evidence(),
                `How to fix: delete them centrally: ${centralizedRootAccessSteps.deleteCredentials(id, account.partition)}.`,
            ) };
        case "unconfirmed":
            return { status: "could-not-check", evidence: found(), message: lines(
                `Account ${id} (member of organization ${v.organizationId}) still has ${v.remaining.join(", ")}, and whether its organization manages root credentials centrally could not be confirmed, so this policy fails closed.`,
                `Targeted by: ${describeProviders(account.providers)}.`,
                evidence(),
                howToConfirm(v.features, v.organizationId),
                `If the organization does manage root credentials centrally, delete them: ${centralizedRootAccessSteps.deleteCredentials(id, account.partition)}.`,
            ) };
    }
}
