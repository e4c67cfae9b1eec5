/**
 * Credential sources that live in the pack's environment, each with its own pack process: an SSO
 * profile (IAM Identity Center, cached token) and container credentials.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { FakeAws } from "../fake-aws";
import { ssoProfileFiles } from "../fake-aws/sso";
import { PackProcess, providerResource, startPack } from "../harness/engine";
import { PACK_DIR, awsEnv, freshAccountId, trustingFake } from "../support/world";

const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1 };

describe("credential sources from the pack's environment", function () {
    this.timeout(60_000);
    let fake: FakeAws;
    let pack: PackProcess | undefined;
    const dirs: string[] = [];

    before(async () => {
        fake = await FakeAws.start({ tls: true });
    });
    afterEach(async () => {
        await pack?.close();
        pack = undefined;
        for (const dir of dirs.splice(0)) {
            rmSync(dir, { recursive: true, force: true });
        }
    });
    after(async () => {
        await fake.close();
    });

    function flagged(messages: string[], accountId: string, provider: string): void {
        const mine = messages.filter((m) => m.includes(`Account ${accountId} (partition aws): root MFA is not enabled`));
        assert.equal(mine.length, 1, messages.join("\n---\n"));
        assert.ok(mine[0].includes(provider), mine[0]);
    }

    it("an SSO profile, named by the provider or by AWS_PROFILE for the default provider", async () => {
        const home = mkdtempSync(path.join(tmpdir(), "aws-root-mfa-sso-"));
        dirs.push(home);
        const accountId = freshAccountId();
        fake.addAccount({ id: accountId, summary: NONCOMPLIANT });
        const { configFile } = ssoProfileFiles(home, { fake, profile: "dev", accountId, roleName: "Admin", token: "sso-access-token-0123456789" });
        pack = await trustingFake(await startPack({ packDir: PACK_DIR, env: awsEnv(fake, { HOME: home, AWS_CONFIG_FILE: configFile, AWS_PROFILE: "dev" }) }), fake);
        const explicit = providerResource("sso", { region: "eu-west-1", profile: "dev" });
        const def = providerResource("default_7_48_0", { version: "7.48.0" });
        const ds = await pack.analyzeStack([explicit, def]);
        flagged(ds.map((d) => d.message), accountId, 'provider "sso"');
        flagged(ds.map((d) => d.message), accountId, 'default provider "default_7_48_0"');
        assert.equal(fake.count("GetAccountSummary", accountId), 1, "one account, read once for both providers");
        assert.ok(!ds.some((d) => d.message.includes("sso-access-token")));
    });

    it("container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI) through the default chain", async () => {
        const accountId = freshAccountId();
        fake.addAccount({ id: accountId, summary: NONCOMPLIANT });
        const { fullUri } = fake.addContainerCredentials(accountId, "TaskRole");
        pack = await trustingFake(await startPack({ packDir: PACK_DIR, env: awsEnv(fake, { AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri }) }), fake);
        const ds = await pack.analyzeStack([providerResource("default_7_48_0", { version: "7.48.0", region: "us-east-1" })]);
        flagged(ds.map((d) => d.message), accountId, 'default provider "default_7_48_0"');
        assert.equal(fake.count("GetCredentials"), 1);
    });
});
