/**
 * Centralized root access (AWS Organizations + IAM): where root MFA is neither possible nor
 * necessary, and where it still is. One pure function of what an account and its organization said.
 */
import type { AccountSummary, Outcome } from "../posture/calls";
import type { CheckFailure } from "../posture/failure";
import type { Membership, OrganizationFeatures } from "../posture/organization";

/** Root credentials a member account can still have. */
export type RootCredential = "root password" | "root access keys" | "root signing certificates";

/** What the centralized-root-access policy says about one account. */
export type CentralizedRootVerdict =
    | { status: "not-applicable"; why: string }
    | { status: "compliant"; why: string }
    /** Member, root MFA off, no root password, RootCredentialsManagement not confirmed. */
    | { status: "recoverable-root"; organizationId: string; features: OrganizationFeatures }
    /** The management account is never covered by centralized root access. */
    | { status: "management-without-mfa"; organizationId: string }
    | { status: "undetermined"; failure: CheckFailure };

/** What the verdict is computed from. */
export interface CentralizedRootReading {
    partition: string;
    summary: Outcome<AccountSummary>;
    membership: Outcome<Membership>;
    features?: OrganizationFeatures;
}

/** True when the organization's RootCredentialsManagement feature was read and is on. */
export function rootCredentialsManagementOn(features: OrganizationFeatures | undefined): boolean {
    return features?.status === "confirmed" && features.features.includes("RootCredentialsManagement");
}

/** Root credentials the summary does not prove absent (a missing entry proves nothing). */
export function remainingRootCredentials(summary: AccountSummary): RootCredential[] {
    const e = summary.entries;
    const remaining: RootCredential[] = [];
    if (e.AccountPasswordPresent !== 0) {
        remaining.push("root password");
    }
    if (e.AccountAccessKeysPresent !== 0) {
        remaining.push("root access keys");
    }
    if (e.AccountSigningCertificatesPresent !== 0) {
        remaining.push("root signing certificates");
    }
    return remaining;
}

/**
 * | account            | root MFA | root password          | RootCredentialsManagement | verdict                 |
 * |--------------------|----------|------------------------|---------------------------|-------------------------|
 * | GovCloud           | any      | any                    | any                       | not applicable          |
 * | standalone         | any      | any                    | —                         | not applicable          |
 * | management         | on       | any                    | any                       | compliant               |
 * | management         | off      | any                    | any                       | management-without-mfa  |
 * | member             | on       | any                    | any                       | compliant               |
 * | member             | off      | any                    | on                        | compliant (covered: remaining credentials are aws-root-credentials-removed's finding) |
 * | member             | off      | none                   | not on / not confirmed    | recoverable-root        |
 * | member             | off      | present (or unproven)  | not on / not confirmed    | not applicable (CIS 1.4 policy) |
 * | could not be read  |          |                        |                           | undetermined (fails closed) |
 */
export function centralizedRootVerdict(r: CentralizedRootReading): CentralizedRootVerdict {
    if (r.partition === "aws-us-gov") {
        return { status: "not-applicable", why: "the root user of an AWS GovCloud (US) account has no console access" };
    }
    if (!r.summary.ok) {
        return { status: "undetermined", failure: r.summary.failure };
    }
    if (!r.membership.ok) {
        return { status: "undetermined", failure: r.membership.failure };
    }
    const membership = r.membership.value;
    const summary = r.summary.value;
    const mfaOn = summary.entries.AccountMFAEnabled === 1;
    if (membership.kind === "standalone") {
        return { status: "not-applicable", why: "the account is not in an AWS Organization" };
    }
    if (membership.kind === "management") {
        return mfaOn
            ? { status: "compliant", why: "the management account's root user has MFA" }
            : { status: "management-without-mfa", organizationId: membership.organizationId };
    }
    if (mfaOn) {
        return { status: "compliant", why: "root MFA is enabled" };
    }
    if (rootCredentialsManagementOn(r.features)) {
        return { status: "compliant", why: "the organization manages root credentials centrally, so root password recovery is blocked" };
    }
    if (summary.entries.AccountPasswordPresent === 0) {
        return { status: "recoverable-root", organizationId: membership.organizationId, features: r.features ?? { status: "unconfirmed", via: "", why: "the organization's features were not read" } };
    }
    return { status: "not-applicable", why: "a root password without MFA is the aws-root-mfa-enabled policy's finding" };
}
