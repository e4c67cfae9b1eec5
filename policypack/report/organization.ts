/** Words about an account's organization and its centralized root access, for both policies. */
import type { Outcome } from "../posture/calls";
import type { Membership, OrganizationFeatures } from "../posture/organization";
import { explainFailure } from "./failures";

/** Centralized root access steps, with the partition filled in. */
export const centralizedRootAccessSteps = {
    /** Turning the feature on for an organization. */
    enable: "in the organization's management account, open the IAM console → Root access management → Enable (or run `aws organizations enable-aws-service-access --service-principal iam.amazonaws.com` and then `aws iam enable-organizations-root-credentials-management`); this blocks root password recovery in member accounts",
    /** Deleting a member's root credentials centrally. */
    deleteCredentials(accountId: string, partition: string): string {
        return `from the management account or the IAM delegated administrator, run \`npx aws-root-mfa fix --account ${accountId}\` (it shows what it would delete; add --apply to delete it), or by hand \`aws sts assume-root --target-principal ${accountId} --task-policy-arn arn=arn:${partition}:iam::aws:policy/root-task/IAMDeleteRootUserCredentials\`, and with the credentials it returns delete the root password (\`aws iam delete-login-profile\`), each root access key (\`aws iam list-access-keys\`, \`aws iam delete-access-key --access-key-id …\`) and each signing certificate (\`aws iam list-signing-certificates\`, \`aws iam delete-signing-certificate --certificate-id …\`); or in the IAM console: Root access management → select account ${accountId} → Take privileged action → Delete root user credentials`;
    },
};

/** "member of organization o-… (management account …)" and the like. */
export function describeMembership(m: Membership): string {
    switch (m.kind) {
        case "standalone":
            return "not in an AWS Organization";
        case "management":
            return `management account of organization ${m.organizationId}`;
        case "member":
            return `member of organization ${m.organizationId} (management account ${m.managementAccountId})`;
    }
}

/** Evidence of the organization posture: what each call said. */
export function describeOrganizationEvidence(membership: Outcome<Membership>, features: OrganizationFeatures | undefined): string {
    const listedBy = membership.ok && membership.value.kind !== "standalone" ? membership.value.listedBy : undefined;
    const parts = [!membership.ok
        ? `organizations:DescribeOrganization: could not be read (${membership.failure.code})`
        : listedBy
            ? `organizations:ListAccounts through ${listedBy}: ${describeMembership(membership.value)}`
            : `organizations:DescribeOrganization: ${describeMembership(membership.value)}`];
    if (features) {
        parts.push(`iam:ListOrganizationsFeatures ${describeFeatures(features)}`);
    }
    return parts.join("; ");
}

function describeFeatures(f: OrganizationFeatures): string {
    switch (f.status) {
        case "confirmed":
            return `through ${f.via}: EnabledFeatures=[${f.features.join(", ")}]`;
        case "off":
            return `through ${f.via}: centralized root access is unavailable, ${f.why}`;
        case "unconfirmed":
            return `not confirmed: ${f.why}`;
        case "failed":
            return `could not be read (${f.failure.code}: ${f.failure.detail})`;
    }
}

/** What would let the pack confirm RootCredentialsManagement, when it could not; empty otherwise. */
export function howToConfirm(f: OrganizationFeatures, organizationId: string): string {
    switch (f.status) {
        case "unconfirmed":
            return `To let the pack confirm centralized root access: set organizationRoleArn in the policy config to a role in the management account (or the IAM delegated administrator) of ${organizationId} that allows iam:ListOrganizationsFeatures and trusts the identity that runs the deployment (README: "Centralized root access").`;
        case "failed":
            return `To let the pack confirm centralized root access: ${explainFailure(f.failure).todo}.`;
        default:
            return "";
    }
}
