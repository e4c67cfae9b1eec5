/**
 * What providers share, and what they must not: providers with the same credential source share
 * one resolution of it, but a provider whose own route to STS is broken (a proxy that blocks, a
 * bad region) spoils only itself; and each AssumeRole keeps the SDK's full retries, however many
 * others are throttled in the same run.
 */
import { strict as assert } from "node:assert";
import { providerResource, secret } from "../harness/engine";
import { TestProxy, startProxy } from "../support/network";
import { World, accountWithRole, diagnosticsOf, freshAccountId, roleProvider, startWorld, stopWorld } from "../support/world";

const MFA = "aws-root-mfa-enabled";

describe("sharing credentials between providers", function () {
    this.timeout(120_000);
    let world: World;
    let blocking: TestProxy;

    before(async () => {
        world = await startWorld();
        blocking = await startProxy({ page: 403 });
    });
    after(async () => {
        await blocking?.close();
        await stopWorld(world);
    });

    it("a provider whose proxy blocks STS fails closed alone: the provider sharing its web identity is judged on its own answer", async () => {
        const token = "eyJhbGciOiJSUzI1NiJ9.shared-web-identity-token";
        const webAccount = freshAccountId();
        world.fake.addAccount({ id: webAccount, summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 1 } });
        const webRole = world.fake.addRole(webAccount, "WebDeploy", { webIdentityTokens: [token] });
        const web = secret(JSON.stringify({ roleArn: webRole, webIdentityToken: token }));
        // Listed first, so its resolution of the shared source is the first one made.
        const blocked = providerResource("blocked", { region: "us-east-1", assumeRoleWithWebIdentity: web, httpProxy: blocking.url });
        const honest = providerResource("honest", { region: "us-east-1", assumeRoleWithWebIdentity: web });
        const ds = diagnosticsOf(await world.pack.analyzeStack([blocked, honest]), MFA);
        const verdict = ds.find((d) => d.message.includes(`Account ${webAccount} (partition aws): root MFA is not enabled`));
        assert.ok(verdict, ds.map((d) => d.message).join("\n---\n"));
        assert.equal(verdict.urn, honest.urn);
        assert.ok(!verdict.message.includes("\"blocked\""), "the blocked provider did not reach the account");
        const failed = ds.find((d) => d.urn === blocked.urn);
        assert.ok(failed && /proxy/.test(failed.message) && /fails closed/.test(failed.message), failed?.message);
    });

    it("every AssumeRole gets the SDK's retries: 60 accounts whose AssumeRole is throttled twice each are all checked", async () => {
        const policies = (await world.pack.getAnalyzerInfo()).policies.map((p) => p.name);
        await world.pack.configure(Object.fromEntries(policies.map((name) => [name, { concurrency: 64 }])));
        try {
            const accounts = Array.from({ length: 60 }, () => accountWithRole(world, { AccountMFAEnabled: 0, AccountPasswordPresent: 1 }));
            // 120 throttled attempts in all: more than one client's retry budget (500 tokens, 5 a retry) allows.
            for (const a of accounts) {
                world.fake.fault({ action: "AssumeRole", params: { RoleArn: a.roleArn }, kind: "throttle", times: 2 });
            }
            const ds = diagnosticsOf(await world.pack.analyzeStack(accounts.map((a, i) => roleProvider(`p${i}`, [a.roleArn]))), MFA);
            assert.deepEqual(ds.filter((d) => /throttl/i.test(d.message)).map((d) => d.message), []);
            for (const a of accounts) {
                assert.ok(ds.some((d) => d.message.includes(`Account ${a.accountId} (partition aws): root MFA is not enabled`)), a.accountId);
            }
        } finally {
            await world.pack.configure({});
        }
    });
});
