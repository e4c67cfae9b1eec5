/**
 * Root credentials left behind in a member of an organization that manages root credentials
 * centrally: one pure function of what the account and its organization said.
 */
import type { CheckFailure } from "../posture/failure";
import type { OrganizationFeatures } from "../posture/organization";
import { CentralizedRootReading, RootCredential, remainingRootCredentials, rootCredentialsManagementOn } from "./centralizedRoot";

/** What the aws-root-credentials-removed policy says about one account. */
export type RootCredentialsRemovedVerdict =
    | { status: "not-applicable"; why: string }
    | { status: "compliant"; why: string }
    /** RootCredentialsManagement on, but root credentials remain in the member. */
    | { status: "credentials-remain"; organizationId: string; remaining: RootCredential[] }
    /** Root credentials remain, and whether the organization manages them centrally could not be confirmed. */
    | { status: "unconfirmed"; organizationId: string; remaining: RootCredential[]; features: OrganizationFeatures }
    | { status: "undetermined"; failure: CheckFailure };

/**
 * | account            | root credentials (password, access keys, signing certificates) | RootCredentialsManagement | verdict            |
 * |--------------------|------------------------------------------------------------------|---------------------------|--------------------|
 * | GovCloud           | any                                                              | any                       | not applicable     |
 * | standalone         | any                                                              | —                         | not applicable     |
 * | management         | any                                                              | any                       | not applicable (never covered: aws-root-credentials-centralized) |
 * | member             | none                                                             | any                       | compliant          |
 * | member             | some (which ones; a missing entry proves nothing)               | on                        | credentials-remain |
 * | member             | some                                                             | off, or only RootSessions | not applicable     |
 * | member             | some                                                             | not confirmed / unreadable| unconfirmed (fails closed) |
 * | could not be read  |                                                                  |                           | undetermined (fails closed) |
 */
export function rootCredentialsRemovedVerdict(r: CentralizedRootReading): RootCredentialsRemovedVerdict {
    if (r.partition === "aws-us-gov") {
        return { status: "not-applicable", why: "centralized root access is not checked in AWS GovCloud (US)" };
    }
    if (!r.summary.ok) {
        return { status: "undetermined", failure: r.summary.failure };
    }
    if (!r.membership.ok) {
        return { status: "undetermined", failure: r.membership.failure };
    }
    const membership = r.membership.value;
    if (membership.kind !== "member") {
        return { status: "not-applicable", why: membership.kind === "standalone" ? "the account is not in an AWS Organization" : "centralized root access never covers the management account" };
    }
    const remaining = remainingRootCredentials(r.summary.value);
    if (remaining.length === 0) {
        return { status: "compliant", why: "the member has no root password, access keys or signing certificates" };
    }
    if (rootCredentialsManagementOn(r.features)) {
        return { status: "credentials-remain", organizationId: membership.organizationId, remaining };
    }
    const features = r.features;
    if (features && (features.status === "off" || features.status === "confirmed")) {
        return { status: "not-applicable", why: "the organization does not manage root credentials centrally" };
    }
    return {
        status: "unconfirmed",
        organizationId: membership.organizationId,
        remaining,
        features: features ?? { status: "unconfirmed", via: "", why: "the organization's features were not read" },
    };
}
