/**
 * Which credentials win when several sources are set at once: the pack must check the account
 * pulumi-aws deploys into, and pulumi-aws resolves as the AWS SDK for Go v2 does (environment keys,
 * then environment web identity, then AWS_PROFILE / AWS_DEFAULT_PROFILE / default profile, then
 * container credentials), not as the JS SDK's default chain does. Each case starts the pack with
 * its own environment; the accounts differ in posture, so the verdict shows which one was checked.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { FakeAws } from "../fake-aws";
import { Diagnostic, PackProcess, providerResource, secret, startPack } from "../harness/engine";
import { PACK_DIR, awsEnv, diagnosticsOf, freshAccountId, trustingFake } from "../support/world";

const POLICY = "aws-root-mfa-enabled";
const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1 };
const COMPLIANT = { AccountMFAEnabled: 1, AccountPasswordPresent: 1 };
const DEFAULT_PROVIDER = "default_7_48_0";

function show(ds: Diagnostic[]): string {
    return ds.map((d) => `[${d.policyName}/${d.enforcementLevel}] ${d.message}`).join("\n---\n");
}

describe("credential precedence as pulumi-aws (AWS SDK for Go v2) has it", function () {
    this.timeout(120_000);
    let fake: FakeAws;
    let pack: PackProcess | undefined;
    let home: string;

    before(async () => {
        fake = await FakeAws.start();
        home = mkdtempSync(path.join(tmpdir(), "aws-root-mfa-precedence-"));
    });
    afterEach(async () => {
        await pack?.close();
        pack = undefined;
    });
    after(async () => {
        await fake?.close();
        rmSync(home, { recursive: true, force: true });
    });

    /** An account with the given posture and an IAM user's keys in it. */
    function accountWithKeys(summary: Record<string, number>): { accountId: string; accessKeyId: string; secretAccessKey: string } {
        const accountId = freshAccountId();
        fake.addAccount({ id: accountId, summary });
        return { accountId, ...fake.addUser(accountId, "ci") };
    }

    /** Shared config and credentials files (in the temp HOME) holding profile `name` with these keys. */
    function profileFiles(tag: string, name: string, keys: { accessKeyId: string; secretAccessKey: string }): { AWS_CONFIG_FILE: string; AWS_SHARED_CREDENTIALS_FILE: string } {
        const config = path.join(home, `config-${tag}`);
        const credentials = path.join(home, `credentials-${tag}`);
        writeFileSync(config, `[profile ${name}]\nregion = us-east-1\n`);
        writeFileSync(credentials, `[${name}]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`);
        return { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
    }

    async function packWith(env: Record<string, string | undefined>): Promise<PackProcess> {
        pack = await trustingFake(await startPack({ packDir: PACK_DIR, env: awsEnv(fake, { HOME: home, AWS_DEFAULT_PROFILE: undefined, AWS_ROLE_SESSION_NAME: undefined, ...env }) }), fake);
        return pack;
    }

    function defaultProvider() {
        return providerResource(DEFAULT_PROVIDER, { version: "7.48.0", region: "us-east-1" });
    }

    /** The stack's only root MFA diagnostic: the violation of `accountId`, about `provider`. */
    function assertOnlyViolation(ds: Diagnostic[], accountId: string, provider: string): void {
        const mine = diagnosticsOf(ds, POLICY);
        assert.equal(mine.length, 1, show(ds));
        assert.equal(mine[0].enforcementLevel, "mandatory");
        assert.match(mine[0].message, new RegExp(`Account ${accountId} \\(partition aws\\): root MFA is not enabled`));
        assert.ok(mine[0].message.includes(provider), mine[0].message);
    }

    it("AWS_PROFILE and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY: the environment keys win", async () => {
        const p = accountWithKeys(COMPLIANT);
        const k = accountWithKeys(NONCOMPLIANT);
        await packWith({ ...profileFiles("keys", "p", p), AWS_PROFILE: "p", AWS_ACCESS_KEY_ID: k.accessKeyId, AWS_SECRET_ACCESS_KEY: k.secretAccessKey });
        assertOnlyViolation(await pack!.analyzeStack([defaultProvider()]), k.accountId, `default provider "${DEFAULT_PROVIDER}"`);
        assert.equal(fake.count("GetCallerIdentity", p.accountId), 0, "profile p was not used");
    });

    it("AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN and AWS_PROFILE: the environment's web identity wins", async () => {
        const p = accountWithKeys(COMPLIANT);
        const w = freshAccountId();
        fake.addAccount({ id: w, summary: NONCOMPLIANT });
        const token = "env-web-identity-token-0123456789";
        const roleArn = fake.addRole(w, "WebDeploy", { webIdentityTokens: [token] });
        const tokenFile = path.join(home, "web-token");
        writeFileSync(tokenFile, `${token}\n`);
        await packWith({ ...profileFiles("web", "p", p), AWS_PROFILE: "p", AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: roleArn });
        const ds = await pack!.analyzeStack([defaultProvider()]);
        assertOnlyViolation(ds, w, `default provider "${DEFAULT_PROVIDER}"`);
        assert.ok(fake.calls.some((c) => c.action === "AssumeRoleWithWebIdentity" && c.params.RoleArn === roleArn));
        assert.equal(fake.count("GetCallerIdentity", p.accountId), 0, "profile p was not used");
        assert.ok(!ds.some((d) => d.message.includes(token)));
    });

    it("AWS_DEFAULT_PROFILE alone names the profile (the JS SDK ignores it)", async () => {
        const p = accountWithKeys(NONCOMPLIANT);
        await packWith({ ...profileFiles("default-profile", "p", p), AWS_DEFAULT_PROFILE: "p" });
        assertOnlyViolation(await pack!.analyzeStack([defaultProvider()]), p.accountId, `default provider "${DEFAULT_PROVIDER}"`);
    });

    it("a provider's own profile beats the environment keys", async () => {
        const p = accountWithKeys(NONCOMPLIANT);
        const k = accountWithKeys(COMPLIANT);
        await packWith({ ...profileFiles("provider-profile", "p", p), AWS_ACCESS_KEY_ID: k.accessKeyId, AWS_SECRET_ACCESS_KEY: k.secretAccessKey });
        assertOnlyViolation(await pack!.analyzeStack([providerResource("profiled", { region: "us-east-1", profile: "p" })]), p.accountId, 'provider "profiled"');
        assert.equal(fake.count("GetAccountSummary", k.accountId), 0, "the environment keys' account was not read");
    });

    it("container credentials and environment keys: the keys win", async () => {
        const container = freshAccountId();
        fake.addAccount({ id: container, summary: COMPLIANT });
        const { fullUri } = fake.addContainerCredentials(container, "TaskRole");
        const k = accountWithKeys(NONCOMPLIANT);
        const fetchesBefore = fake.count("GetCredentials");
        await packWith({ AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri, AWS_ACCESS_KEY_ID: k.accessKeyId, AWS_SECRET_ACCESS_KEY: k.secretAccessKey });
        assertOnlyViolation(await pack!.analyzeStack([defaultProvider()]), k.accountId, `default provider "${DEFAULT_PROVIDER}"`);
        assert.equal(fake.count("GetCredentials"), fetchesBefore, "the container endpoint was not asked");
        assert.equal(fake.count("GetAccountSummary", container), 0);
    });

    it("AWS_PROFILE naming a missing profile, with environment keys: fails closed naming AWS_PROFILE", async () => {
        const other = accountWithKeys(COMPLIANT);
        const k = accountWithKeys(NONCOMPLIANT);
        await packWith({ ...profileFiles("missing", "other", other), AWS_PROFILE: "missing", AWS_ACCESS_KEY_ID: k.accessKeyId, AWS_SECRET_ACCESS_KEY: k.secretAccessKey });
        const ds = await pack!.analyzeStack([defaultProvider()]);
        const mine = diagnosticsOf(ds, POLICY);
        assert.equal(mine.length, 1, show(ds));
        assert.equal(mine[0].enforcementLevel, "mandatory");
        assert.match(mine[0].message, new RegExp(`default provider "${DEFAULT_PROVIDER}"`));
        assert.match(mine[0].message, /fails closed/);
        assert.match(mine[0].message, /The AWS profile "missing", named by AWS_PROFILE, is not defined/);
        assert.doesNotMatch(mine[0].message, /root MFA is not enabled/);
        assert.equal(fake.count("GetCallerIdentity", k.accountId), 0, "the environment keys were not used");
        assert.ok(!mine[0].message.includes(k.secretAccessKey) && !mine[0].message.includes(k.accessKeyId));
    });

    it("AWS_PROFILE naming a missing profile does not stop a provider that names its own profile", async () => {
        const p = accountWithKeys(NONCOMPLIANT);
        await packWith({ ...profileFiles("missing-own", "p", p), AWS_PROFILE: "missing" });
        assertOnlyViolation(await pack!.analyzeStack([providerResource("own-profile", { region: "us-east-1", profile: "p" })]), p.accountId, 'provider "own-profile"');
    });

    it("provider static keys and provider assumeRoleWithWebIdentity: the static keys win", async () => {
        const s = accountWithKeys(NONCOMPLIANT);
        const w = freshAccountId();
        fake.addAccount({ id: w, summary: COMPLIANT });
        const token = "provider-web-identity-token-0123456789";
        const roleArn = fake.addRole(w, "WebDeploy", { webIdentityTokens: [token] });
        await packWith({});
        const p = providerResource("keyed", {
            region: "us-east-1",
            accessKey: secret(s.accessKeyId),
            secretKey: secret(s.secretAccessKey),
            assumeRoleWithWebIdentity: secret(JSON.stringify({ roleArn, webIdentityToken: token, sessionName: "web" })),
        });
        const ds = await pack!.analyzeStack([p]);
        assertOnlyViolation(ds, s.accountId, 'provider "keyed"');
        assert.ok(!fake.calls.some((c) => c.action === "AssumeRoleWithWebIdentity" && c.params.RoleArn === roleArn), "the web identity was not exchanged");
        assert.ok(!ds.some((d) => d.message.includes(s.secretAccessKey) || d.message.includes(token)));
    });
});
