import { strict as assert } from "node:assert";
import { centralizedRootVerdict, CentralizedRootReading } from "../../policypack/verdict/centralizedRoot";
import { denied, management, member, off, rcmOn, reading, removed, sessionsOnly, unconfirmed } from "../support/readings";

describe("centralized root access verdict table", () => {
    const table: Array<[string, CentralizedRootReading, string]> = [
        ["GovCloud", reading(removed, member, unconfirmed, "aws-us-gov"), "not-applicable"],
        ["standalone", reading(removed, { kind: "standalone" }), "not-applicable"],
        ["management with MFA", reading({ ...removed, AccountMFAEnabled: 1 }, management, rcmOn), "compliant"],
        ["management without MFA, even with the feature on", reading(removed, management, rcmOn), "management-without-mfa"],
        ["member, feature on, credentials removed", reading(removed, member, rcmOn), "compliant"],
        ["member with MFA, feature on, password remains: covered (aws-root-credentials-removed's finding)", reading({ ...removed, AccountPasswordPresent: 1, AccountMFAEnabled: 1 }, member, rcmOn), "compliant"],
        ["member without MFA, feature on, keys and certificates remain: covered", reading({ ...removed, AccountAccessKeysPresent: 1, AccountSigningCertificatesPresent: 1 }, member, rcmOn), "compliant"],
        ["member, feature on, entries missing: covered", reading({ AccountMFAEnabled: 0 }, member, rcmOn), "compliant"],
        ["member, no MFA, no password, feature unconfirmed", reading(removed, member, unconfirmed), "recoverable-root"],
        ["member, no MFA, no password, only RootSessions", reading(removed, member, sessionsOnly), "recoverable-root"],
        ["member, no MFA, no password, centralized access off", reading(removed, member, off), "recoverable-root"],
        ["member, no MFA, no password, features could not be read", reading(removed, member, { status: "failed", failure: denied }), "recoverable-root"],
        ["member with MFA, feature unconfirmed", reading({ ...removed, AccountMFAEnabled: 1, AccountPasswordPresent: 1 }, member, unconfirmed), "compliant"],
        ["member, password without MFA, feature off: CIS 1.4's finding", reading({ ...removed, AccountPasswordPresent: 1 }, member, off), "not-applicable"],
        ["membership could not be read", reading(removed, denied), "undetermined"],
    ];
    for (const [name, r, status] of table) {
        it(name, () => {
            assert.equal(centralizedRootVerdict(r).status, status);
        });
    }

    it("a summary that could not be read is undetermined", () => {
        const v = centralizedRootVerdict({ partition: "aws", summary: { ok: false, failure: denied }, membership: { ok: true, value: member } });
        assert.equal(v.status, "undetermined");
    });
});
