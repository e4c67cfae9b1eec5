import { strict as assert } from "node:assert";
import type { Outcome } from "../../policypack/posture/calls";
import type { VirtualMfaDevice } from "../../policypack/posture/mfaDevices";
import { HardwareMfaReading, hardwareMfaVerdict } from "../../policypack/verdict/hardwareMfa";
import { rootAccessKeysVerdict } from "../../policypack/verdict/rootAccessKeys";
import { rootCredentialsRemovedVerdict } from "../../policypack/verdict/rootCredentialsRemoved";
import type { PostureReading } from "../../policypack/verdict/rootMfa";
import { denied, management, member, off, rcmOn, reading, removed, sessionsOnly, unconfirmed } from "../support/readings";

describe("CIS 1.3 (root access keys) verdict table", () => {
    const summary = (entries: Record<string, number>, partition = "aws"): PostureReading => ({ partition, summary: { entries, readAt: "t" } });
    const table: Array<[string, PostureReading, string]> = [
        ["no keys → compliant", summary({ AccountAccessKeysPresent: 0 }), "compliant"],
        ["keys → noncompliant", summary({ AccountAccessKeysPresent: 1 }), "noncompliant"],
        ["keys, root MFA on → still noncompliant", summary({ AccountAccessKeysPresent: 1, AccountMFAEnabled: 1 }), "noncompliant"],
        ["entry missing → noncompliant (absence unproven)", summary({ AccountMFAEnabled: 1 }), "noncompliant"],
        ["GovCloud with keys → noncompliant (AWS Support can give its root keys)", summary({ AccountAccessKeysPresent: 1 }, "aws-us-gov"), "noncompliant"],
        ["GovCloud without keys → compliant", summary({ AccountAccessKeysPresent: 0 }, "aws-us-gov"), "compliant"],
        ["could not be read → undetermined (fails closed)", { partition: "aws", failure: denied }, "undetermined"],
    ];
    for (const [name, r, status] of table) {
        it(name, () => assert.equal(rootAccessKeysVerdict(r).status, status));
    }
});

describe("aws-root-credentials-removed verdict table", () => {
    const table: Array<[string, ReturnType<typeof reading>, string, string[]?]> = [
        ["GovCloud", reading({ ...removed, AccountPasswordPresent: 1 }, member, rcmOn, "aws-us-gov"), "not-applicable"],
        ["standalone", reading({ ...removed, AccountPasswordPresent: 1 }, { kind: "standalone" }), "not-applicable"],
        ["management account (never covered)", reading({ ...removed, AccountPasswordPresent: 1 }, management, rcmOn), "not-applicable"],
        ["member, feature on, nothing remains", reading(removed, member, rcmOn), "compliant"],
        ["member with MFA, feature on, password remains", reading({ ...removed, AccountMFAEnabled: 1, AccountPasswordPresent: 1 }, member, rcmOn), "credentials-remain", ["root password"]],
        ["member, feature on, keys and certificates remain", reading({ ...removed, AccountAccessKeysPresent: 1, AccountSigningCertificatesPresent: 1 }, member, rcmOn), "credentials-remain", ["root access keys", "root signing certificates"]],
        ["member, feature on, entries missing prove nothing", reading({ AccountMFAEnabled: 1 }, member, rcmOn), "credentials-remain", ["root password", "root access keys", "root signing certificates"]],
        ["member, only RootSessions, password remains", reading({ ...removed, AccountPasswordPresent: 1 }, member, sessionsOnly), "not-applicable"],
        ["member, centralized access unavailable, password remains", reading({ ...removed, AccountPasswordPresent: 1 }, member, off), "not-applicable"],
        ["member, feature unconfirmed, password remains → fails closed", reading({ ...removed, AccountPasswordPresent: 1 }, member, unconfirmed), "unconfirmed", ["root password"]],
        ["member, features unreadable, keys remain → fails closed", reading({ ...removed, AccountAccessKeysPresent: 1 }, member, { status: "failed", failure: denied }), "unconfirmed", ["root access keys"]],
        ["member, features unreadable, nothing remains → compliant", reading(removed, member, { status: "failed", failure: denied }), "compliant"],
        ["membership could not be read", reading(removed, denied), "undetermined"],
    ];
    for (const [name, r, status, remaining] of table) {
        it(name, () => {
            const v = rootCredentialsRemovedVerdict(r);
            assert.equal(v.status, status);
            if (remaining) {
                assert.ok(v.status === "credentials-remain" || v.status === "unconfirmed");
                assert.deepEqual(v.remaining, remaining);
            }
        });
    }

    it("a summary that could not be read is undetermined", () => {
        const v = rootCredentialsRemovedVerdict({ partition: "aws", summary: { ok: false, failure: denied }, membership: { ok: true, value: member }, features: rcmOn });
        assert.equal(v.status, "undetermined");
    });
});

describe("CIS 1.5 (hardware root MFA) verdict table", () => {
    const ACCOUNT = "222222222222";
    const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
    const mfaOn = { AccountMFAEnabled: 1, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 };
    const device = (userArn: string | undefined, name = "d"): VirtualMfaDevice => ({ serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/${name}`, userArn });
    function hw(r: ReturnType<typeof reading>, devices?: Outcome<VirtualMfaDevice[]>): HardwareMfaReading {
        return { ...r, accountId: ACCOUNT, devices };
    }
    const listed = (...d: VirtualMfaDevice[]): Outcome<VirtualMfaDevice[]> => ({ ok: true, value: d });
    const table: Array<[string, HardwareMfaReading, string]> = [
        ["GovCloud", hw(reading(removed, member, undefined, "aws-us-gov")), "not-applicable"],
        ["member whose root credentials were removed centrally, no MFA: no root to sign in with", hw(reading(removed, member, rcmOn)), "compliant"],
        ["member whose root credentials were removed centrally, membership fine, devices never read", hw(reading({ ...removed, AccountMFAEnabled: 1 }, member, rcmOn)), "compliant"],
        ["member, feature on but a password remains, no MFA", hw(reading({ ...removed, AccountPasswordPresent: 1 }, member, rcmOn)), "no-mfa"],
        ["standalone, no MFA, no password (recoverable)", hw(reading(removed, { kind: "standalone" })), "no-mfa"],
        ["management account, no MFA, even with the feature on", hw(reading(removed, management, rcmOn)), "no-mfa"],
        ["member, no MFA, feature only unconfirmed", hw(reading(removed, member, unconfirmed)), "no-mfa"],
        ["MFA entry missing", hw(reading({ AccountPasswordPresent: 1 }, { kind: "standalone" })), "no-mfa"],
        ["no MFA, no credentials, organization unreadable: cannot tell → fails closed", hw(reading(removed, denied)), "undetermined"],
        ["no MFA, a password, organization unreadable: no-mfa either way", hw(reading({ ...removed, AccountPasswordPresent: 1 }, denied)), "no-mfa"],
        ["MFA on, device list not read yet", hw(reading(mfaOn, { kind: "standalone" })), "needs-device-list"],
        ["MFA on, no virtual device assigned to root", hw(reading(mfaOn, { kind: "standalone" }), listed()), "compliant"],
        ["MFA on, virtual devices of IAM users only", hw(reading(mfaOn, { kind: "standalone" }), listed(device(`arn:aws:iam::${ACCOUNT}:user/alice`))), "compliant"],
        ["MFA on, a user named root is not the root user", hw(reading(mfaOn, { kind: "standalone" }), listed(device(`arn:aws:iam::${ACCOUNT}:user/root`, "root-account-mfa-device"))), "compliant"],
        ["MFA on, another account's root is not this root", hw(reading(mfaOn, { kind: "standalone" }), listed(device("arn:aws:iam::333333333333:root"))), "compliant"],
        ["MFA on, another partition's root ARN is not this root", hw(reading(mfaOn, { kind: "standalone" }), listed(device(`arn:aws-cn:iam::${ACCOUNT}:root`))), "compliant"],
        ["MFA on, a virtual device assigned to root", hw(reading(mfaOn, { kind: "standalone" }), listed(device(`arn:aws:iam::${ACCOUNT}:user/alice`, "a"), device(ROOT, "r"))), "virtual-mfa"],
        ["MFA on, a member with the feature on but a password left, virtual device on root", hw(reading(mfaOn, member, rcmOn), listed(device(ROOT))), "virtual-mfa"],
        ["MFA on, device list unreadable → fails closed", hw(reading(mfaOn, { kind: "standalone" }), { ok: false, failure: { ...denied, step: { kind: "virtual-mfa-devices" } } }), "undetermined"],
        ["summary unreadable", { partition: "aws", accountId: ACCOUNT, summary: { ok: false, failure: denied }, membership: { ok: true, value: member } }, "undetermined"],
    ];
    for (const [name, r, status] of table) {
        it(name, () => assert.equal(hardwareMfaVerdict(r).status, status));
    }

    it("names every virtual device on root", () => {
        const v = hardwareMfaVerdict(hw(reading(mfaOn, { kind: "standalone" }), listed(device(ROOT, "one"), device(ROOT, "two"))));
        assert.ok(v.status === "virtual-mfa");
        assert.deepEqual(v.serialNumbers, [`arn:aws:iam::${ACCOUNT}:mfa/one`, `arn:aws:iam::${ACCOUNT}:mfa/two`]);
    });
});
