/** Readings for the verdict tables of the centralized-root family of policies. */
import type { CentralizedRootReading } from "../../policypack/verdict/centralizedRoot";
import type { Membership, OrganizationFeatures } from "../../policypack/posture/organization";
import type { CheckFailure } from "../../policypack/posture/failure";

/** An AccessDenied failure. */
export const denied: CheckFailure = { kind: "access-denied", step: { kind: "describe-organization" }, code: "AccessDeniedException", detail: "no" };
/** Organization memberships and features as the session reports them. */
export const member: Membership = { kind: "member", organizationId: "o-aaaaaaaaaa", managementAccountId: "111111111111" };
export const management: Membership = { kind: "management", organizationId: "o-aaaaaaaaaa", managementAccountId: "111111111111" };
export const rcmOn: OrganizationFeatures = { status: "confirmed", features: ["RootCredentialsManagement", "RootSessions"], via: "role" };
export const sessionsOnly: OrganizationFeatures = { status: "confirmed", features: ["RootSessions"], via: "role" };
export const unconfirmed: OrganizationFeatures = { status: "unconfirmed", why: "no role", via: "account" };
export const off: OrganizationFeatures = { status: "off", why: "trusted access off", via: "role" };

/** A summary with every root credential removed and no MFA. */
export const removed = { AccountMFAEnabled: 0, AccountPasswordPresent: 0, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 };

/** A reading of an account in the commercial partition (or `partition`). */
export function reading(entries: Record<string, number>, membership: Membership | CheckFailure, features?: OrganizationFeatures, partition = "aws"): CentralizedRootReading {
    return {
        partition,
        summary: { ok: true, value: { entries, readAt: "t" } },
        membership: "kind" in membership && (membership.kind === "member" || membership.kind === "management" || membership.kind === "standalone")
            ? { ok: true, value: membership as Membership }
            : { ok: false, failure: membership as CheckFailure },
        features,
    };
}
