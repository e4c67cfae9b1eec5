/**
 * What providers share, and what they must not: providers with the same credential source share
 * one resolution of it, but a provider whose own route to STS is broken (a proxy that blocks, a
 * bad region) spoils only itself; and each AssumeRole keeps the SDK's full retries, however many
 * others are throttled in the same run.
 */
import { strict as assert } from "node:assert";
import { PackProcess, providerResource, secret, startPack } from "../harness/engine";
import { TestProxy, TlsFront, startProxy, startTlsFront } from "../support/network";
import { PACK_DIR, World, accountWithRole, awsEnv, diagnosticsOf, freshAccountId, roleProvider, startWorld, stopWorld } from "../support/world";

const MFA = "aws-root-mfa-enabled";

describe("sharing credentials between providers", function () {
    this.timeout(120_000);
    let world: World;
    let blocking: TestProxy;
    let front: TlsFront;
    let tlsPack: PackProcess;

    before(async () => {
        world = await startWorld();
        blocking = await startProxy({ page: 403 });
        // A proxy carries https only (plain http always goes direct): the endpoint that providers
        // reach through one is the TLS front of the local endpoint, trusted with its CA.
        front = await startTlsFront(Number(new URL(world.fake.url).port));
        tlsPack = await startPack({ packDir: PACK_DIR, env: awsEnv(world.fake, { AWS_ENDPOINT_URL: front.url, AWS_ACCESS_KEY_ID: world.deployer.accessKeyId, AWS_SECRET_ACCESS_KEY: world.deployer.secretAccessKey }) });
        const policies = (await tlsPack.getAnalyzerInfo()).policies.map((p) => p.name);
        await tlsPack.configure(Object.fromEntries(policies.map((name) => [name, { trustedEndpoints: [front.url], trustedCaBundles: [front.caFile] }])));
    });
    after(async () => {
        await tlsPack?.close();
        await front?.close();
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
        const blocked = providerResource("blocked", { region: "us-east-1", assumeRoleWithWebIdentity: web, httpsProxy: blocking.url });
        const honest = providerResource("honest", { region: "us-east-1", assumeRoleWithWebIdentity: web });
        const logBefore = blocking.log.length;
        const ds = diagnosticsOf(await tlsPack.analyzeStack([blocked, honest]), MFA);
        const verdicts = ds.filter((d) => d.message.includes(`Account ${webAccount} (partition aws): root MFA is not enabled`));
        assert.equal(verdicts.length, 1, ds.map((d) => d.message).join("\n---\n"));
        assert.equal(verdicts[0].urn, honest.urn);
        assert.ok(!verdicts[0].message.includes("\"blocked\""), "the blocked provider did not reach the account");
        const failed = ds.filter((d) => d.urn === blocked.urn);
        assert.equal(failed.length, 1, ds.map((d) => d.message).join("\n---\n"));
        assert.equal(failed[0].enforcementLevel, "mandatory");
        assert.match(failed[0].message, new RegExp(`the proxy at 127\\.0\\.0\\.1:${blocking.port} \\(the provider's httpsProxy\\) refused to open a tunnel .*\\(CONNECT answered with HTTP 403`));
        assert.match(failed[0].message, /fails closed/);
        // The blocked provider's attempt really went to the proxy, and the honest one's around it.
        assert.ok(blocking.log.slice(logBefore).length > 0 && blocking.log.slice(logBefore).every((l) => l === `CONNECT 127.0.0.1:${front.port}`), blocking.log.join("\n"));
        assert.ok(world.fake.calls.some((c) => c.action === "AssumeRoleWithWebIdentity" && c.params.RoleArn === webRole), "the honest provider exchanged the token itself");
    });

    it("an answer read over plain http serves no other provider; over verified https it serves every provider into the account", async () => {
        const a = accountWithRole(world, { AccountMFAEnabled: 0, AccountPasswordPresent: 1 });
        const other = world.fake.addRole(a.accountId, "Other", { trustedAccounts: [world.homeAccount] });
        const providers = [roleProvider("first", a.roleArn), roleProvider("second", other)];
        const reads = () => world.fake.count("GetAccountSummary", a.accountId);

        const plain = diagnosticsOf(await world.pack.analyzeStack(providers), MFA);
        assert.equal(plain.length, 2, "over plain http each provider is judged on its own read");
        assert.equal(reads(), 2);

        const verified = diagnosticsOf(await tlsPack.analyzeStack(providers), MFA);
        assert.equal(verified.length, 1, "over https the account is reported once, for both providers");
        assert.match(verified[0].message, /Targeted by: provider "first", provider "second"/);
        assert.equal(reads(), 3, "and read once");
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
