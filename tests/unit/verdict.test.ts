import { strict as assert } from "node:assert";
import { rootMfaVerdict, PostureReading } from "../../policypack/verdict/rootMfa";
import { exemptionFor, todayUtc } from "../../policypack/verdict/exemptions";
import type { CheckFailure } from "../../policypack/posture/failure";

const denied: CheckFailure = { kind: "access-denied", step: { kind: "account-summary" }, code: "AccessDenied", detail: "not authorized" };

function summary(entries: Record<string, number>): PostureReading {
    return { partition: "aws", summary: { entries, readAt: "2026-11-28T00:00:00.000Z" } };
}

describe("CIS 1.4 verdict table", () => {
    const table: Array<[string, PostureReading, string]> = [
        ["GovCloud, MFA off, password on → not applicable", { partition: "aws-us-gov", summary: { entries: { AccountMFAEnabled: 0, AccountPasswordPresent: 1 }, readAt: "" } }, "not-applicable"],
        ["GovCloud, could not be read → not applicable", { partition: "aws-us-gov", failure: denied }, "not-applicable"],
        ["MFA on, password on → compliant", summary({ AccountMFAEnabled: 1, AccountPasswordPresent: 1 }), "compliant"],
        ["MFA on, password missing → compliant", summary({ AccountMFAEnabled: 1 }), "compliant"],
        ["MFA off, password absent → compliant", summary({ AccountMFAEnabled: 0, AccountPasswordPresent: 0 }), "compliant"],
        ["MFA off, password present → noncompliant", summary({ AccountMFAEnabled: 0, AccountPasswordPresent: 1 }), "noncompliant"],
        ["MFA off, password entry missing → noncompliant", summary({ AccountMFAEnabled: 0 }), "noncompliant"],
        ["MFA entry missing → noncompliant", summary({ AccountPasswordPresent: 0 }), "noncompliant"],
        ["aws-cn follows the commercial rules", { partition: "aws-cn", summary: { entries: { AccountMFAEnabled: 0, AccountPasswordPresent: 1 }, readAt: "" } }, "noncompliant"],
        ["could not be read → undetermined (fails closed)", { partition: "aws", failure: denied }, "undetermined"],
    ];
    for (const [name, reading, expected] of table) {
        it(name, () => {
            const v = rootMfaVerdict(reading);
            assert.equal(v.status, expected);
        });
    }

    it("says what was found", () => {
        const v = rootMfaVerdict(summary({ AccountMFAEnabled: 0, AccountPasswordPresent: 1 }));
        assert.ok(v.status === "noncompliant" && /password/.test(v.found));
    });
});

describe("exemptions", () => {
    const exemptions = [
        { accountId: "111111111111", reason: "sandbox" },
        { accountId: "222222222222", reason: "migration", expires: "2026-11-27" },
        { accountId: "333333333333", reason: "old", expires: "2026-01-01" },
        { accountId: "333333333333", reason: "renewed", expires: "2026-12-31" },
    ];
    const table: Array<[string, string, string, string | undefined]> = [
        ["no expiry applies", "111111111111", "active", "sandbox"],
        ["expired the day before", "222222222222", "expired", "migration"],
        ["a renewed exemption wins over an expired one", "333333333333", "active", "renewed"],
        ["unlisted account", "444444444444", "none", undefined],
    ];
    for (const [name, account, status, reason] of table) {
        it(name, () => {
            const e = exemptionFor(account, exemptions, "2026-11-28");
            assert.equal(e.status, status);
            assert.equal(e.status === "none" ? undefined : e.exemption.reason, reason);
        });
    }
    it("applies through its expiry day", () => {
        assert.equal(exemptionFor("222222222222", exemptions, "2026-11-27").status, "active");
    });
});

describe("today, for exemptions, is the UTC date", () => {
    // Moments near UTC midnight, read in a zone whose date is then not UTC's (UTC+14 before it, UTC-12 after it).
    const table: Array<[string, string, string]> = [
        ["Pacific/Kiritimati", "2026-03-01T23:30:00.000Z", "2026-03-01"],
        ["Etc/GMT+12", "2026-03-02T00:30:00.000Z", "2026-03-02"],
        ["Pacific/Kiritimati", "2026-12-31T23:59:59.999Z", "2026-12-31"],
        ["Etc/GMT+12", "2027-01-01T00:00:00.000Z", "2027-01-01"],
    ];
    for (const [zone, at, day] of table) {
        it(`${at} in ${zone} is ${day}`, () => {
            const saved = process.env.TZ;
            // Node applies a TZ change to Date at once.
            process.env.TZ = zone;
            try {
                assert.equal(todayUtc(new Date(at)), day);
            } finally {
                if (saved === undefined) {
                    delete process.env.TZ;
                } else {
                    process.env.TZ = saved;
                }
            }
        });
    }
});
