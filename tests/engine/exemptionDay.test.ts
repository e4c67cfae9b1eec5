/**
 * An exemption's `expires` is a UTC day, whatever time zone the machine running `pulumi` is in: the
 * pack runs here in a zone whose date differs from UTC's at the time of the test.
 */
import { strict as assert } from "node:assert";
import { World, accountWithRole, diagnosticsOf, roleProvider, startWorld, stopWorld } from "../support/world";

const MFA = "aws-root-mfa-enabled";
const CENTRAL = "aws-root-credentials-centralized";
const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1 };
const DAY_MS = 86_400_000;

/** YYYY-MM-DD of `at` in UTC. */
function utcDay(at: number): string {
    return new Date(at).toISOString().slice(0, 10);
}

/**
 * A zone whose calendar date is not UTC's right now: UTC−12 (yesterday) before noon UTC, UTC+14
 * (tomorrow) from 10:00 UTC on.
 */
function zoneOffTheUtcDay(now: Date): string {
    return now.getUTCHours() < 12 ? "Etc/GMT+12" : "Pacific/Kiritimati";
}

describe("exemption days are UTC days", function () {
    this.timeout(60_000);
    let world: World;
    let zone: string;

    before(async () => {
        // Keep clear of UTC midnight, so the test and the pack agree on which day it is.
        const msToMidnight = DAY_MS - (Date.now() % DAY_MS);
        if (msToMidnight < 10_000) {
            await new Promise((resolve) => setTimeout(resolve, msToMidnight + 1_000));
        }
        zone = zoneOffTheUtcDay(new Date());
        world = await startWorld({ env: { TZ: zone } });
    });
    after(async () => {
        await stopWorld(world);
    });

    it("an exemption expiring today (UTC) still applies; one that expired yesterday (UTC) does not", async () => {
        const today = utcDay(Date.now());
        const yesterday = utcDay(Date.now() - DAY_MS);
        const lastDay = accountWithRole(world, NONCOMPLIANT);
        const expired = accountWithRole(world, NONCOMPLIANT);
        const exemptions = [
            { accountId: lastDay.accountId, reason: "closing today", expires: today },
            { accountId: expired.accountId, reason: "closed yesterday", expires: yesterday },
        ];
        await world.pack.configure({ [MFA]: { exemptions }, [CENTRAL]: { exemptions } });
        const ds = diagnosticsOf(await world.pack.analyzeStack([roleProvider("last-day", [lastDay.roleArn]), roleProvider("expired", [expired.roleArn])]), MFA);
        const where = `in time zone ${zone} at ${new Date().toISOString()}: ${ds.map((d) => d.message).join("\n---\n")}`;
        assert.equal(ds.length, 1, where);
        assert.match(ds[0].message, new RegExp(`Account ${expired.accountId} `), where);
        assert.match(ds[0].message, new RegExp(`expired on ${yesterday}`), where);
        assert.equal(world.fake.count("GetAccountSummary", lastDay.accountId), 0, "an exempt account is not queried");
    });
});
