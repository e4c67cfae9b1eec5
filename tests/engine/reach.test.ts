/**
 * How the pack reaches accounts, as a user can observe it: the account at the end of a role
 * chain is the one checked, and `concurrency` bounds how many accounts AWS serves at once.
 */
import { strict as assert } from "node:assert";
import { PolicyPackConfig } from "../harness/engine";
import type { FakeCall } from "../fake-aws";
import { World, accountWithRole, diagnosticsOf, freshAccountId, roleProvider, startWorld, stopWorld } from "../support/world";

const MFA = "aws-root-mfa-enabled";
const POLICIES = [MFA, "aws-root-credentials-centralized", "aws-root-mfa-before-deploy"];
const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1 };
const COMPLIANT = { AccountMFAEnabled: 1, AccountPasswordPresent: 1 };
const LATENCY_MS = 100;

/**
 * The most accounts AWS served at once, from the call log: a call is about the account of the
 * role it assumes, else the account whose credentials signed it, and is in flight for the
 * endpoint's latency from when it arrived (the fake answers after exactly that long).
 */
function peakAccounts(calls: readonly FakeCall[]): number {
    const about = calls.map((c) => ({ at: c.at, account: c.action === "AssumeRole" ? String(c.params.RoleArn).split(":")[4] : c.accountId }));
    return Math.max(0, ...about.map((c) => new Set(about.filter((o) => o.at <= c.at && c.at < o.at + LATENCY_MS).map((o) => o.account)).size));
}

/** The same properties for every policy of the pack. */
function everyPolicy(properties: Record<string, unknown>): PolicyPackConfig {
    return Object.fromEntries(POLICIES.map((name) => [name, { ...properties }]));
}

describe("reaching accounts through the engine protocol", function () {
    this.timeout(60_000);
    let world: World;

    before(async () => {
        world = await startWorld();
    });
    after(async () => {
        await stopWorld(world);
    });
    beforeEach(async () => {
        await world.pack.configure({});
    });
    afterEach(() => {
        world.fake.latency(0);
    });

    it("a two-role chain checks the account of the last role, not the first hop's", async () => {
        // A is compliant and only a hop; B, reached from A, has no root MFA.
        const a = accountWithRole(world, COMPLIANT);
        const b = freshAccountId();
        world.fake.addAccount({ id: b, summary: NONCOMPLIANT });
        const hop2 = world.fake.addRole(b, "Chained", { trustedAccounts: [a.accountId] });
        const p = roleProvider("chain", [a.roleArn, hop2]);
        const ds = diagnosticsOf(await world.pack.analyzeStack([p]), MFA);
        assert.equal(ds.length, 1, ds.map((d) => d.message).join("\n---\n"));
        assert.equal(ds[0].urn, p.urn);
        assert.match(ds[0].message, new RegExp(`Account ${b} \\(partition aws\\): root MFA is not enabled`));
        assert.ok(!ds[0].message.includes(a.accountId), "the first hop's account is not the one deployed into");
        assert.ok(world.fake.calls.some((c) => c.action === "AssumeRole" && c.params.RoleArn === hop2 && c.accountId === a.accountId),
            "the second role was assumed from the first");
        assert.equal(world.fake.count("GetAccountSummary", b), 1);
    });

    /**
     * `concurrency` is how many accounts are worked on at once: an account's role is assumed,
     * then its summary and its organization are read together, in one slot. So AWS never serves
     * more than `concurrency` accounts at once, nor more than two requests per account.
     */
    async function peakInFlight(config: PolicyPackConfig, accounts: number): Promise<{ requests: number; accounts: number }> {
        await world.pack.configure(config);
        const targets = Array.from({ length: accounts }, () => accountWithRole(world, NONCOMPLIANT));
        world.fake.latency(LATENCY_MS);
        world.fake.resetMaxInFlight();
        const first = world.fake.calls.length;
        const ds = diagnosticsOf(await world.pack.analyzeStack(targets.map((t, i) => roleProvider(`p${i}`, [t.roleArn]))), MFA);
        world.fake.latency(0);
        assert.equal(ds.length, accounts, "every account was checked");
        for (const t of targets) {
            assert.ok(ds.some((d) => d.message.includes(`Account ${t.accountId} `)), t.accountId);
        }
        return { requests: world.fake.maxInFlight, accounts: peakAccounts(world.fake.calls.slice(first)) };
    }

    it("concurrency 1: AWS serves one account at a time, at most its summary and organization at once", async () => {
        const peak = await peakInFlight(everyPolicy({ concurrency: 1 }), 6);
        assert.equal(peak.accounts, 1);
        assert.ok(peak.requests >= 1 && peak.requests <= 2, `peak ${peak.requests} requests`);
    });

    it("concurrency 3: AWS never serves more than three accounts at once", async () => {
        const peak = await peakInFlight(everyPolicy({ concurrency: 3 }), 8);
        assert.ok(peak.accounts >= 1 && peak.accounts <= 3, `peak ${peak.accounts} accounts`);
        assert.ok(peak.requests <= 6, `peak ${peak.requests} requests`);
    });

    it("the default concurrency reads accounts in parallel (what the bounds above are measured against)", async () => {
        const peak = await peakInFlight({}, 6);
        assert.ok(peak.accounts > 3, `peak ${peak.accounts} accounts`);
    });
});
