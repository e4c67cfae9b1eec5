/**
 * aws-root-mfa-before-deploy: the resource-level gate that holds in an update (and so for
 * `pulumi up --skip-preview`), silent in preview where the stack policy reports.
 */
import { strict as assert } from "node:assert";
import { providerResource, resourceUsing, secret } from "../harness/engine";
import { World, accountWithRole, freshAccountId, roleProvider, startWorld, stopWorld } from "../support/world";

const GATE = "aws-root-mfa-before-deploy";
const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1 };
const COMPLIANT = { AccountMFAEnabled: 1, AccountPasswordPresent: 1 };

describe("aws-root-mfa-before-deploy through the engine protocol", function () {
    this.timeout(60_000);

    describe("in an update", () => {
        let world: World;
        before(async () => {
            world = await startWorld({ dryRun: false });
        });
        after(async () => {
            await stopWorld(world);
        });

        it("is declared as a mandatory resource policy", async () => {
            const p = (await world.pack.getAnalyzerInfo()).policies.find((x) => x.name === GATE);
            assert.ok(p);
            assert.equal(p.enforcementLevel, "mandatory");
            assert.equal(p.policyType, "resource");
        });

        it("a provider into a noncompliant account is invalid before anything using it changes", async () => {
            const a = accountWithRole(world, NONCOMPLIANT);
            const p = roleProvider("prod", a.roleArn);
            const ds = (await world.pack.analyze(p)).filter((d) => d.policyName === GATE);
            assert.equal(ds.length, 1);
            assert.equal(ds[0].enforcementLevel, "mandatory");
            assert.equal(ds[0].urn, p.urn);
            assert.match(ds[0].message, new RegExp(`Account ${a.accountId} \\(partition aws\\): root MFA is not enabled`));
        });

        it("a provider into a compliant account passes, and other resources are not its business", async () => {
            const a = accountWithRole(world, COMPLIANT);
            const p = roleProvider("ok", a.roleArn);
            assert.deepEqual(await world.pack.analyze(p), []);
            const before = world.fake.calls.length;
            assert.deepEqual(await world.pack.analyze(resourceUsing(p, "bucket")), []);
            assert.equal(world.fake.calls.length, before);
        });

        it("fails closed on an input it cannot use", async () => {
            const bad = providerResource("bad", { assumeRoles: "[" });
            const ds = (await world.pack.analyze(bad)).filter((d) => d.policyName === GATE);
            assert.equal(ds.length, 1);
            assert.match(ds[0].message, /provider "bad".*\n.*input "assumeRoles" is not valid JSON/);
        });

        it("fails closed on a provider whose account it cannot identify, naming the provider", async () => {
            const accountId = freshAccountId();
            world.fake.addAccount({ id: accountId, summary: COMPLIANT });
            const keys = world.fake.addUser(accountId, "ci");
            const rejected = providerResource("rejected-keys", { region: "us-east-1", accessKey: secret(keys.accessKeyId), secretKey: secret("y".repeat(40)) });
            const missing = providerResource("missing-profile", { region: "us-east-1", profile: "does-not-exist" });
            for (const p of [rejected, missing]) {
                const ds = (await world.pack.analyze(p)).filter((d) => d.policyName === GATE);
                assert.equal(ds.length, 1, `${p.name}: ${ds.map((d) => d.message).join("\n---\n")}`);
                assert.equal(ds[0].enforcementLevel, "mandatory");
                assert.equal(ds[0].urn, p.urn);
                assert.match(ds[0].message, new RegExp(`The AWS account of provider "${p.name}" could not be determined`));
                assert.match(ds[0].message, /fails closed/);
                assert.match(ds[0].message, /What to do:/);
            }
        });

        it("shares the run's cache with the stack policies: the account is read once", async () => {
            const a = accountWithRole(world, NONCOMPLIANT);
            const p = roleProvider("shared", a.roleArn);
            await world.pack.analyze(p);
            const ds = await world.pack.analyzeStack([p]);
            assert.equal(ds.filter((d) => d.policyName === "aws-root-mfa-enabled").length, 1);
            assert.equal(world.fake.count("GetAccountSummary", a.accountId), 1);
            assert.equal(world.fake.calls.filter((c) => c.action === "AssumeRole" && c.params.RoleArn === a.roleArn).length, 1);
        });
    });

    describe("in preview", () => {
        let world: World;
        before(async () => {
            world = await startWorld({ dryRun: true });
        });
        after(async () => {
            await stopWorld(world);
        });

        it("stays silent, but starts reading the account so AnalyzeStack finds the answer waiting", async () => {
            const a = accountWithRole(world, NONCOMPLIANT);
            const p = roleProvider("prod", a.roleArn);
            assert.deepEqual(await world.pack.analyze(p), []);
            for (let i = 0; i < 50 && world.fake.count("GetAccountSummary", a.accountId) === 0; i++) {
                await new Promise((r) => setTimeout(r, 20));
            }
            assert.equal(world.fake.count("GetAccountSummary", a.accountId), 1, "read during the Analyze phase");
            const ds = await world.pack.analyzeStack([p]);
            assert.equal(ds.filter((d) => d.policyName === "aws-root-mfa-enabled").length, 1);
            assert.equal(ds.filter((d) => d.policyName === GATE).length, 0);
            assert.equal(world.fake.count("GetAccountSummary", a.accountId), 1, "not read again");
        });
    });
});
