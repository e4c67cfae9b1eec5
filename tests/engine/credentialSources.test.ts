/**
 * Every way a stack reaches AWS: the pack must find the account the provider deploys into, through
 * the same credential source, or say plainly that it cannot.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { FakeAws } from "../fake-aws";
import { Diagnostic, providerResource, secret } from "../harness/engine";
import { awsNativeProviderInputs } from "../support/awsProviderInputs";
import { World, accountWithRole, freshAccountId, startWorld, stopWorld } from "../support/world";

const POLICY = "aws-root-mfa-enabled";
const PACK_POLICIES = [POLICY, "aws-root-credentials-centralized", "aws-root-no-access-keys", "aws-root-hardware-mfa", "aws-root-credentials-removed", "aws-root-mfa-before-deploy"];
const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1 };
const COMPLIANT = { AccountMFAEnabled: 1, AccountPasswordPresent: 1 };

function ofPolicy(ds: Diagnostic[], policy = POLICY): Diagnostic[] {
    return ds.filter((d) => d.policyName === policy);
}

/** The one violation a stack with one noncompliant account must produce, naming that account. */
function assertFlags(ds: Diagnostic[], accountId: string): Diagnostic {
    const mine = ofPolicy(ds);
    assert.equal(mine.length, 1, mine.map((d) => d.message).join("\n---\n"));
    assert.match(mine[0].message, new RegExp(`Account ${accountId} \\(partition [a-z-]+\\): root MFA is not enabled`));
    return mine[0];
}

describe("credential sources through the engine protocol", function () {
    this.timeout(60_000);
    let world: World;
    let dir: string;

    before(async () => {
        dir = mkdtempSync(path.join(tmpdir(), "aws-root-mfa-creds-"));
        world = await startWorld();
    });
    after(async () => {
        await stopWorld(world);
        rmSync(dir, { recursive: true, force: true });
    });

    function noncompliantUser(partition?: "aws" | "aws-us-gov" | "aws-cn"): { accountId: string; accessKeyId: string; secretAccessKey: string } {
        const accountId = freshAccountId();
        world.fake.addAccount({ id: accountId, summary: NONCOMPLIANT, partition });
        return { accountId, ...world.fake.addUser(accountId, "ci") };
    }

    it("profile from the provider's sharedCredentialsFiles", async () => {
        const u = noncompliantUser();
        const creds = path.join(dir, "credentials-static");
        writeFileSync(creds, `[ci]\naws_access_key_id = ${u.accessKeyId}\naws_secret_access_key = ${u.secretAccessKey}\n`);
        const p = providerResource("profiled", { region: "us-east-1", profile: "ci", sharedCredentialsFiles: JSON.stringify([creds]) });
        assertFlags(await world.pack.analyzeStack([p]), u.accountId);
    });

    it("profile with a role_arn/source_profile chain from sharedConfigFiles", async () => {
        const u = noncompliantUser();
        const target = accountWithRole(world, NONCOMPLIANT);
        world.fake.addRole(target.accountId, "Chained", { trustedAccounts: [u.accountId] });
        const creds = path.join(dir, "credentials-chain");
        const config = path.join(dir, "config-chain");
        writeFileSync(creds, `[base]\naws_access_key_id = ${u.accessKeyId}\naws_secret_access_key = ${u.secretAccessKey}\n`);
        writeFileSync(config, `[profile chained]\nrole_arn = arn:aws:iam::${target.accountId}:role/Chained\nsource_profile = base\nregion = us-east-1\n`);
        const p = providerResource("chained", { profile: "chained", sharedConfigFiles: JSON.stringify([config]), sharedCredentialsFiles: JSON.stringify([creds]) });
        assertFlags(await world.pack.analyzeStack([p]), target.accountId);
        assert.ok(world.fake.calls.some((c) => c.action === "AssumeRole" && c.params.RoleArn === `arn:aws:iam::${target.accountId}:role/Chained` && c.accountId === u.accountId));
    });

    it("profile with credential_process", async () => {
        const u = noncompliantUser();
        const script = path.join(dir, "credential-process.js");
        writeFileSync(script, `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(u.accessKeyId)}, SecretAccessKey: ${JSON.stringify(u.secretAccessKey)} }));\n`);
        const config = path.join(dir, "config-process");
        // Unquoted: Go strips the quotes around a whole quoted value, which breaks `"node" "script"`.
        writeFileSync(config, `[profile proc]\ncredential_process = ${process.execPath} ${script}\nregion = us-east-1\n`);
        const p = providerResource("process", { profile: "proc", sharedConfigFiles: JSON.stringify([config]) });
        assertFlags(await world.pack.analyzeStack([p]), u.accountId);
    });

    it("a profile that does not exist fails closed and names it as the credential source", async () => {
        const config = path.join(dir, "config-empty");
        writeFileSync(config, "[profile other]\nregion = us-east-1\n");
        const ds = ofPolicy(await world.pack.analyzeStack([providerResource("missing", { profile: "nope", sharedConfigFiles: JSON.stringify([config]) })]));
        assert.equal(ds.length, 1);
        assert.match(ds[0].message, /provider "missing" could not be determined/);
        assert.match(ds[0].message, new RegExp(`The AWS profile "nope", named by the provider's profile setting, is not defined in ${config}`));
    });

    it("assumeRoleWithWebIdentity, secret: its session name, which AWS echoes in a denial, never appears", async () => {
        const accountId = freshAccountId();
        world.fake.addAccount({ id: accountId, summary: NONCOMPLIANT });
        // The centralized policy's read is denied: AWS's denial names the caller, whose ARN ends in the session name.
        world.fake.deny(accountId, "organizations:DescribeOrganization");
        const token = "eyJhbGciOiJSUzI1NiJ9.web-identity-token-value-0123456789";
        const sessionName = "ci-run-4821";
        const roleArn = world.fake.addRole(accountId, "WebDeploy", { webIdentityTokens: [token] });
        const p = providerResource("oidc", { region: "us-east-1", assumeRoleWithWebIdentity: secret(JSON.stringify({ roleArn, sessionName, webIdentityToken: token })) });
        const ds = await world.pack.analyzeStack([p]);
        assertFlags(ds, accountId);
        const central = ofPolicy(ds, "aws-root-credentials-centralized");
        assert.equal(central.length, 1);
        assert.match(central[0].message, new RegExp(`organizations:DescribeOrganization was denied .*User: arn:aws:sts::${accountId}:assumed-role/WebDeploy/`));
        const everything = ds.map((d) => d.message).join("\n") + world.pack.stderr() + world.pack.stdout();
        assert.ok(!everything.includes(sessionName), `the secret session name leaked: ${central[0].message}`);
        assert.ok(!everything.includes(token));
        const call = world.fake.calls.find((c) => c.action === "AssumeRoleWithWebIdentity" && c.params.RoleArn === roleArn);
        assert.equal(call?.params.RoleSessionName, sessionName);
    });

    it("assumeRoleWithWebIdentity with a token file, then assumeRoles on top", async () => {
        const webAccount = freshAccountId();
        world.fake.addAccount({ id: webAccount, summary: COMPLIANT });
        const token = "file-token-abcdefghijklmnop";
        const webRole = world.fake.addRole(webAccount, "WebDeploy", { webIdentityTokens: [token] });
        const target = freshAccountId();
        world.fake.addAccount({ id: target, summary: NONCOMPLIANT });
        const deploy = world.fake.addRole(target, "Deploy", { trustedAccounts: [webAccount] });
        const file = path.join(dir, "web-token");
        writeFileSync(file, `${token}\n`);
        const p = providerResource("oidc-file", {
            region: "us-east-1",
            assumeRoleWithWebIdentity: JSON.stringify({ roleArn: webRole, webIdentityTokenFile: file }),
            assumeRoles: JSON.stringify([{ roleArn: deploy }]),
        });
        assertFlags(await world.pack.analyzeStack([p]), target);
    });

    it("a missing web identity token file fails closed", async () => {
        const a = accountWithRole(world, COMPLIANT);
        const p = providerResource("oidc-missing", { region: "us-east-1", assumeRoleWithWebIdentity: JSON.stringify({ roleArn: a.roleArn, webIdentityTokenFile: path.join(dir, "absent") }) });
        const ds = ofPolicy(await world.pack.analyzeStack([p]));
        assert.equal(ds.length, 1);
        assert.match(ds[0].message, /no AWS credentials could be obtained: the web identity token file \S+absent \(the provider's assumeRoleWithWebIdentity.webIdentityTokenFile\) does not exist\./);
    });

    it("the provider's endpoints for sts, iam and organizations are used instead of the environment's, once the config trusts them", async () => {
        const other = await FakeAws.start();
        try {
            const trustedEndpoints = [world.fake.url, other.url];
            await world.pack.configure(Object.fromEntries(PACK_POLICIES.map((policy) => [policy, { trustedEndpoints }])));
            const accountId = freshAccountId();
            other.addAccount({ id: accountId, summary: NONCOMPLIANT });
            const keys = other.addUser(accountId, "ci");
            const before = world.fake.calls.length;
            const p = providerResource("custom-endpoints", {
                region: "us-east-1",
                accessKey: secret(keys.accessKeyId),
                secretKey: secret(keys.secretAccessKey),
                endpoints: JSON.stringify([{ sts: other.url, iam: other.url, organizations: other.url }]),
            });
            assertFlags(await world.pack.analyzeStack([p]), accountId);
            assert.equal(other.count("GetCallerIdentity", accountId), 1);
            assert.equal(other.count("GetAccountSummary", accountId), 1);
            assert.equal(world.fake.calls.length, before, "nothing went to the environment's endpoint");
        } finally {
            await world.pack.configure({});
            await other.close();
        }
    });

    it("stsRegion: STS is called in that region, IAM in the provider's", async () => {
        const u = noncompliantUser();
        const p = providerResource("sts-region", { region: "eu-west-1", stsRegion: "eu-central-1", accessKey: secret(u.accessKeyId), secretKey: secret(u.secretAccessKey) });
        assertFlags(await world.pack.analyzeStack([p]), u.accountId);
        assert.equal(world.fake.calls.find((c) => c.action === "GetCallerIdentity" && c.accountId === u.accountId)?.region, "eu-central-1");
        assert.equal(world.fake.calls.find((c) => c.action === "GetAccountSummary" && c.accountId === u.accountId)?.region, "eu-west-1");
    });

    it("aws-cn: the account's partition comes from the caller ARN", async () => {
        const u = noncompliantUser("aws-cn");
        const p = providerResource("china", { region: "cn-north-1", accessKey: secret(u.accessKeyId), secretKey: secret(u.secretAccessKey) });
        const d = assertFlags(await world.pack.analyzeStack([p]), u.accountId);
        assert.match(d.message, /partition aws-cn/);
    });

    it("aws-us-gov through static keys: identified, not applicable, no summary read", async () => {
        // Only aws-root-no-access-keys (CIS 1.3) reads GovCloud accounts; with it off nothing is read.
        await world.pack.configure({ "aws-root-no-access-keys": { enforcementLevel: "disabled" } });
        try {
            const u = noncompliantUser("aws-us-gov");
            const p = providerResource("gov", { region: "us-gov-west-1", accessKey: secret(u.accessKeyId), secretKey: secret(u.secretAccessKey) });
            assert.deepEqual(ofPolicy(await world.pack.analyzeStack([p])), []);
            assert.equal(world.fake.count("GetCallerIdentity", u.accountId), 1);
            assert.equal(world.fake.count("GetAccountSummary", u.accountId), 0);
        } finally {
            await world.pack.configure({});
        }
    });

    it("pulumi:providers:aws-native, inputs as @pulumi/aws-native sends them; its roleArn does not change the account", async () => {
        const target = accountWithRole(world, NONCOMPLIANT, { externalId: "native-external-id" });
        const cloudControl = accountWithRole(world, COMPLIANT);
        const { type, inputs } = await awsNativeProviderInputs("native", {
            region: "us-east-1",
            roleArn: cloudControl.roleArn,
            assumeRole: { roleArn: target.roleArn, externalId: "native-external-id", durationSeconds: 900, sessionName: "native" },
        });
        const p = providerResource("native", inputs, type);
        const d = assertFlags(await world.pack.analyzeStack([p]), target.accountId);
        assert.match(d.message, /aws-native provider "native"/);
        assert.equal(world.fake.count("GetAccountSummary", cloudControl.accountId), 0);
        const call = world.fake.calls.find((c) => c.action === "AssumeRole" && c.params.RoleArn === target.roleArn);
        assert.equal(call?.params.DurationSeconds, "900");
    });

    it("aws-native with static keys and a malformed assumeRole", async () => {
        const u = noncompliantUser();
        const { type, inputs } = await awsNativeProviderInputs("native-keys", { region: "us-east-1", accessKey: u.accessKeyId, secretKey: u.secretAccessKey });
        assertFlags(await world.pack.analyzeStack([providerResource("native-keys", inputs, type)]), u.accountId);
        const bad = providerResource("native-bad", { region: "us-east-1", assumeRole: "{not json" }, type);
        const ds = ofPolicy(await world.pack.analyzeStack([bad]));
        assert.equal(ds.length, 1);
        assert.match(ds[0].message, /aws-native provider "native-bad"/);
        assert.match(ds[0].message, /input "assumeRole" is not valid JSON/);
    });

    it("allowedAccountIds that exclude the resolved account are reported, even for a compliant account", async () => {
        const a = accountWithRole(world, COMPLIANT);
        const p = providerResource("fenced", { region: "us-east-1", assumeRoles: JSON.stringify([{ roleArn: a.roleArn }]), allowedAccountIds: JSON.stringify(["999999999999"]) });
        const ds = ofPolicy(await world.pack.analyzeStack([p]));
        assert.equal(ds.length, 1);
        assert.match(ds[0].message, /provider "fenced" allows only accounts 999999999999 in allowedAccountIds, but its credentials reach account \d{12}: the AWS provider will refuse to deploy/);
    });

    it("forbiddenAccountIds that name the resolved account are added to the violation", async () => {
        const a = accountWithRole(world, NONCOMPLIANT);
        const p = providerResource("forbidden", { region: "us-east-1", assumeRoles: JSON.stringify([{ roleArn: a.roleArn }]), forbiddenAccountIds: JSON.stringify([a.accountId]) });
        const d = assertFlags(await world.pack.analyzeStack([p]), a.accountId);
        assert.match(d.message, new RegExp(`forbids account ${a.accountId} in forbiddenAccountIds`));
    });

    it("auditRoleArn: the posture is read through the audit role; the account is still found with the provider's credentials", async () => {
        const a = accountWithRole(world, NONCOMPLIANT);
        world.fake.addRole(a.accountId, "RootMfaAudit", { trustedAccounts: [world.homeAccount] });
        await world.pack.configure({ [POLICY]: { auditRoleArn: "arn:{partition}:iam::{accountId}:role/RootMfaAudit" } });
        try {
            const p = providerResource("audited", { region: "us-east-1", assumeRoles: JSON.stringify([{ roleArn: a.roleArn }]) });
            assertFlags(await world.pack.analyzeStack([p]), a.accountId);
            const read = world.fake.calls.find((c) => c.action === "GetAccountSummary" && c.accountId === a.accountId);
            assert.match(read?.principalArn ?? "", /:assumed-role\/RootMfaAudit\/aws-root-mfa-audit$/);
        } finally {
            await world.pack.configure({});
        }
    });

    it("an audit role that cannot be assumed fails closed and names it", async () => {
        const a = accountWithRole(world, COMPLIANT);
        await world.pack.configure({ [POLICY]: { auditRoleArn: "arn:aws:iam::{accountId}:role/MissingAudit" } });
        try {
            const p = providerResource("audited", { region: "us-east-1", assumeRoles: JSON.stringify([{ roleArn: a.roleArn }]) });
            const ds = ofPolicy(await world.pack.analyzeStack([p]));
            assert.equal(ds.length, 1);
            assert.match(ds[0].message, new RegExp(`sts:AssumeRole was denied while assuming role arn:aws:iam::${a.accountId}:role/MissingAudit`));
        } finally {
            await world.pack.configure({});
        }
    });
});
