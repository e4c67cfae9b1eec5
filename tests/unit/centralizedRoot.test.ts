import { strict as assert } from "node:assert";
import { centralizedRootVerdict, CentralizedRootReading } from "../../policypack/verdict/centralizedRoot";
import type { Membership, OrganizationFeatures } from "../../policypack/posture/organization";
import type { CheckFailure } from "../../policypack/posture/failure";

const denied: CheckFailure = { kind: "access-denied", step: { kind: "describe-organization" }, code: "AccessDeniedException", detail: "no" };
const member: Membership = { kind: "member", organizationId: "o-aaaaaaaaaa", managementAccountId: "111111111111" };
const management: Membership = { kind: "management", organizationId: "o-aaaaaaaaaa", managementAccountId: "111111111111" };
const rcmOn: OrganizationFeatures = { status: "confirmed", features: ["RootCredentialsManagement", "RootSessions"], via: "role" };
const sessionsOnly: OrganizationFeatures = { status: "confirmed", features: ["RootSessions"], via: "role" };
const unconfirmed: OrganizationFeatures = { status: "unconfirmed", why: "no role", via: "account" };
const off: OrganizationFeatures = { status: "off", why: "trusted access off", via: "role" };

const removed = { AccountMFAEnabled: 0, AccountPasswordPresent: 0, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 };

function reading(entries: Record<string, number>, membership: Membership | CheckFailure, features?: OrganizationFeatures, partition = "aws"): CentralizedRootReading {
    return {
        partition,
        summary: { ok: true, value: { entries, readAt: "t" } },
        membership: "kind" in membership && (membership.kind === "member" || membership.kind === "management" || membership.kind === "standalone")
            ? { ok: true, value: membership as Membership }
            : { ok: false, failure: membership as CheckFailure },
        features,
    };
}

describe("centralized root access verdict table", () => {
    const table: Array<[string, CentralizedRootReading, string, unknown?]> = [
        ["GovCloud", reading(removed, member, unconfirmed, "aws-us-gov"), "not-applicable"],
        ["standalone", reading(removed, { kind: "standalone" }), "not-applicable"],
        ["management with MFA", reading({ ...removed, AccountMFAEnabled: 1 }, management, rcmOn), "compliant"],
        ["management without MFA, even with the feature on", reading(removed, management, rcmOn), "management-without-mfa"],
        ["member, feature on, credentials removed", reading(removed, member, rcmOn), "compliant"],
        ["member, feature on, password remains", reading({ ...removed, AccountPasswordPresent: 1, AccountMFAEnabled: 1 }, member, rcmOn), "credentials-remain", ["root password"]],
        ["member, feature on, keys and certificates remain", reading({ ...removed, AccountAccessKeysPresent: 1, AccountSigningCertificatesPresent: 1 }, member, rcmOn), "credentials-remain", ["root access keys", "root signing certificates"]],
        ["member, feature on, entries missing prove nothing", reading({ AccountMFAEnabled: 0 }, member, rcmOn), "credentials-remain", ["root password", "root access keys", "root signing certificates"]],
        ["member, no MFA, no password, feature unconfirmed", reading(removed, member, unconfirmed), "recoverable-root"],
        ["member, no MFA, no password, only RootSessions", reading(removed, member, sessionsOnly), "recoverable-root"],
        ["member, no MFA, no password, centralized access off", reading(removed, member, off), "recoverable-root"],
        ["member, no MFA, no password, features could not be read", reading(removed, member, { status: "failed", failure: denied }), "recoverable-root"],
        ["member with MFA, feature unconfirmed", reading({ ...removed, AccountMFAEnabled: 1, AccountPasswordPresent: 1 }, member, unconfirmed), "compliant"],
        ["member, password without MFA, feature off: CIS 1.4's finding", reading({ ...removed, AccountPasswordPresent: 1 }, member, off), "not-applicable"],
        ["membership could not be read", reading(removed, denied), "undetermined"],
    ];
    for (const [name, r, status, remaining] of table) {
        it(name, () => {
            const v = centralizedRootVerdict(r);
            assert.equal(v.status, status);
            if (remaining) {
                assert.ok(v.status === "credentials-remain");
                assert.deepEqual(v.remaining, remaining);
            }
        });
    }

    it("a summary that could not be read is undetermined", () => {
        const v = centralizedRootVerdict({ partition: "aws", summary: { ok: false, failure: denied }, membership: { ok: true, value: member } });
        assert.equal(v.status, "undetermined");
    });
});
