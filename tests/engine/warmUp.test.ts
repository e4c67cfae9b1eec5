/**
 * The SDK warm-up: a stack whose config sets the AWS provider up (`aws:region`) has the pack load
 * the SDK and rehearse each kind of call while the user's program runs. The rehearsal must send
 * nothing, anywhere — no request, no connection, not even through a proxy — and the checks that
 * follow must work as on a cold pack.
 */
import { strict as assert } from "node:assert";
import { FakeAws } from "../fake-aws";
import { PackProcess, startPack } from "../harness/engine";
import { TestProxy, startProxy } from "../support/network";
import { PACK_DIR, awsEnv, diagnosticsOf, freshAccountId, roleProvider, trustingFake } from "../support/world";

const MFA = "aws-root-mfa-enabled";

describe("SDK warm-up during the user's program", function () {
    this.timeout(60_000);
    let fake: FakeAws;
    let proxy: TestProxy;
    let pack: PackProcess;
    let homeAccount: string;

    before(async () => {
        // https, so that every request of the pack, to any host, goes through this proxy (CONNECT), which logs it.
        fake = await FakeAws.start({ tls: true });
        proxy = await startProxy();
        homeAccount = freshAccountId();
        fake.addAccount({ id: homeAccount, summary: { AccountMFAEnabled: 1, AccountPasswordPresent: 1 } });
        const deployer = fake.addUser(homeAccount, "deployer");
        pack = await trustingFake(await startPack({
            packDir: PACK_DIR,
            stackConfig: { "aws:region": "eu-west-1" },
            env: awsEnv(fake, { AWS_ACCESS_KEY_ID: deployer.accessKeyId, AWS_SECRET_ACCESS_KEY: deployer.secretAccessKey, HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url }),
        }), fake);
    });
    after(async () => {
        await pack?.close();
        await proxy?.close();
        await fake?.close();
    });

    it("sends nothing while the program runs, then checks accounts as usual", async () => {
        await pack.configureStack();
        // The warm-up runs in the gap before the first Analyze; give it ample time.
        await new Promise((r) => setTimeout(r, 1500));
        assert.equal(proxy.log.length, 0, `no request or connection may leave the pack before any provider is analyzed:\n${proxy.log.join("\n")}`);
        assert.equal(fake.maxInFlight, 0, "no request reached the endpoint, not even one it would refuse");

        const accountId = freshAccountId();
        fake.addAccount({ id: accountId, summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 1 } });
        const roleArn = fake.addRole(accountId, "Deploy", { trustedAccounts: [homeAccount] });
        const provider = roleProvider("prod", roleArn);
        assert.deepEqual(await pack.analyze(provider), []);
        const ds = diagnosticsOf(await pack.analyzeStack([provider]), MFA);
        assert.equal(ds.length, 1, ds.map((d) => d.message).join("\n---\n"));
        assert.match(ds[0].message, new RegExp(`Account ${accountId} \\(partition aws\\): root MFA is not enabled`));
        const endpoint = new URL(fake.url).host;
        assert.ok(proxy.log.length > 0 && proxy.log.every((l) => l.includes(endpoint)), proxy.log.join("\n"));
    });
});
