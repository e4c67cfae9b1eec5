/**
 * aws-root-mfa-enabled end to end: the pack started as the CLI starts it, driven over the engine
 * protocol, reading live posture from the local AWS-compatible endpoint through the real SDK.
 */
import { strict as assert } from "node:assert";
import { Diagnostic, UNKNOWN, providerResource, resourceUsing, secret } from "../harness/engine";
import { World, accountWithRole, diagnosticsOf, freshAccountId, roleProvider, startWorld, stopWorld } from "../support/world";

const POLICY = "aws-root-mfa-enabled";
const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1 };
const COMPLIANT = { AccountMFAEnabled: 1, AccountPasswordPresent: 1 };
const NO_PASSWORD = { AccountMFAEnabled: 0, AccountPasswordPresent: 0 };

function ofPolicy(ds: Diagnostic[]): Diagnostic[] {
    return diagnosticsOf(ds, POLICY);
}

describe("aws-root-mfa-enabled through the engine protocol", function () {
    this.timeout(60_000);
    let world: World;

    before(async () => {
        world = await startWorld({ tls: true });
    });
    after(async () => {
        await stopWorld(world);
    });
    beforeEach(async () => {
        await world.pack.configure({});
    });
    afterEach(function () {
        // Whatever a test did, nothing may follow the port on stdout and no gRPC error may occur.
        assert.equal(world.pack.stdout().trim(), "", "the pack wrote to stdout after its port");
    });

    it("declares its metadata to the engine", async () => {
        const info = await world.pack.getAnalyzerInfo();
        assert.equal(info.name, "aws-root-mfa");
        const p = info.policies.find((x) => x.name === POLICY);
        assert.ok(p, "policy listed");
        assert.equal(p.enforcementLevel, "mandatory");
        assert.equal(p.severity, "critical");
        assert.deepEqual({ name: p.framework?.name, version: p.framework?.version, reference: p.framework?.reference },
            { name: "CIS AWS Foundations Benchmark", version: "5.0.0", reference: "1.4" });
        assert.match(p.remediationSteps ?? "", /Activate MFA/);
        assert.match(p.remediationSteps ?? "", /non-personal/);
        assert.match(p.url ?? "", /^https:\/\/docs\.aws\.amazon\.com\//);
        assert.ok(p.configSchema && "exemptions" in p.configSchema.properties);
        assert.ok(!("enforcementLevel" in (p.configSchema?.properties ?? {})));
    });

    it("a compliant account passes", async () => {
        const a = accountWithRole(world, COMPLIANT);
        const ds = await world.pack.analyzeStack([roleProvider("prod", [a.roleArn])]);
        assert.deepEqual(ofPolicy(ds), []);
    });

    it("a root user with a password and no MFA is a mandatory violation with evidence and the fix", async () => {
        const a = accountWithRole(world, NONCOMPLIANT);
        const prod = roleProvider("prod", [a.roleArn]);
        const ds = ofPolicy(await world.pack.analyzeStack([prod, resourceUsing(prod, "bucket")]));
        assert.equal(ds.length, 1);
        const d = ds[0];
        assert.equal(d.enforcementLevel, "mandatory");
        assert.equal(d.severity, "critical");
        assert.equal(d.urn, prod.urn);
        assert.match(d.message, new RegExp(`Account ${a.accountId}\\b`));
        assert.match(d.message, /provider "prod"/);
        assert.match(d.message, /AccountMFAEnabled=0, AccountPasswordPresent=1/);
        assert.match(d.message, /iam:GetAccountSummary at \d{4}-\d\d-\d\dT/);
        assert.match(d.message, /CIS AWS Foundations Benchmark v5\.0\.0 1\.4; AWS Security Hub IAM\.9/);
        assert.match(d.message, /Activate MFA/);
    });

    it("a root user without a password passes the CIS audit", async () => {
        const a = accountWithRole(world, NO_PASSWORD);
        assert.deepEqual(ofPolicy(await world.pack.analyzeStack([roleProvider("prod", [a.roleArn])])), []);
    });

    it("a summary that leaves out AccountPasswordPresent fails closed", async () => {
        const a = accountWithRole(world, { AccountMFAEnabled: 0, AccountPasswordPresent: undefined });
        const ds = ofPolicy(await world.pack.analyzeStack([roleProvider("prod", [a.roleArn])]));
        assert.equal(ds.length, 1);
        assert.match(ds[0].message, /AccountPasswordPresent=\(missing\)/);
    });

    it("GovCloud accounts are not applicable", async () => {
        // Only aws-root-no-access-keys (CIS 1.3) reads GovCloud accounts; with it off nothing is read.
        await world.pack.configure({ "aws-root-no-access-keys": { enforcementLevel: "disabled" } });
        const accountId = freshAccountId();
        world.fake.addAccount({ id: accountId, partition: "aws-us-gov", summary: NONCOMPLIANT });
        const roleArn = world.fake.addRole(accountId, "Deploy", { trustedAccounts: [world.homeAccount] });
        assert.match(roleArn, /^arn:aws-us-gov:/);
        const before = world.fake.count("GetAccountSummary", accountId);
        assert.deepEqual(ofPolicy(await world.pack.analyzeStack([roleProvider("gov", [roleArn], { region: "us-gov-west-1" })])), []);
        assert.equal(world.fake.count("GetAccountSummary", accountId), before);
    });

    it("finds three accounts through a default provider and two assumeRoles providers", async () => {
        const home = accountWithRole(world, COMPLIANT);
        const b = accountWithRole(world, NONCOMPLIANT);
        const c = accountWithRole(world, NONCOMPLIANT);
        const def = providerResource("default_7_48_0", { version: "7.48.0", assumeRoles: JSON.stringify([{ roleArn: home.roleArn }]) });
        const pb = roleProvider("team-b", [b.roleArn]);
        const pc = roleProvider("team-c", [c.roleArn]);
        const ds = ofPolicy(await world.pack.analyzeStack([def, pb, pc, resourceUsing(def, "x"), resourceUsing(pb, "y"), resourceUsing(pc, "z")]));
        assert.deepEqual(ds.map((d) => d.urn).sort(), [pb.urn, pc.urn].sort());
        assert.ok(ds.some((d) => d.message.includes(b.accountId)) && ds.some((d) => d.message.includes(c.accountId)));
        assert.ok(!ds.some((d) => d.message.includes(home.accountId)));
    });

    it("finds the default provider's account from the environment's credentials", async () => {
        world.fake.setSummary(world.homeAccount, NONCOMPLIANT);
        try {
            const def = providerResource("default_7_48_0", { version: "7.48.0", region: "us-east-1" });
            const ds = ofPolicy(await world.pack.analyzeStack([def]));
            assert.equal(ds.length, 1);
            assert.match(ds[0].message, new RegExp(`Account ${world.homeAccount}`));
            assert.match(ds[0].message, /default provider "default_7_48_0"/);
        } finally {
            world.fake.setSummary(world.homeAccount, COMPLIANT);
        }
    });

    it("static keys on the provider: checked, and no secret in any diagnostic or output", async () => {
        const accountId = freshAccountId();
        world.fake.addAccount({ id: accountId, summary: NONCOMPLIANT });
        const keys = world.fake.addUser(accountId, "ci");
        const token = "FwoGZXIvYXdzEJr//////////wEaDFakeSessionTokenValue1234567890abcdef";
        const p = providerResource("keys", { region: "us-east-1", accessKey: secret(keys.accessKeyId), secretKey: secret(keys.secretAccessKey) });
        const ds = ofPolicy(await world.pack.analyzeStack([p]));
        assert.equal(ds.length, 1);
        assert.match(ds[0].message, new RegExp(`Account ${accountId}`));
        const wrong = providerResource("wrong-keys", { region: "us-east-1", accessKey: secret(keys.accessKeyId), secretKey: secret("x".repeat(12) + keys.secretAccessKey.slice(12)), token: secret(token) });
        const ds2 = ofPolicy(await world.pack.analyzeStack([wrong]));
        assert.equal(ds2.length, 1);
        assert.match(ds2[0].message, /could not be determined/);
        assert.match(ds2[0].message, /rejected the credentials/);
        // An endpoint that echoes the keys it was given puts them where a message quotes AWS's words.
        world.fake.fault({
            action: "GetAccountSummary", accountId, kind: "error", code: "ValidationError", times: 1,
            message: `Request by ${keys.accessKeyId} signed with ${keys.secretAccessKey} is not valid here`,
        });
        const echoed = providerResource("echoed-keys", { region: "us-east-1", accessKey: secret(keys.accessKeyId), secretKey: secret(keys.secretAccessKey) });
        const ds3 = ofPolicy(await world.pack.analyzeStack([echoed]));
        assert.equal(ds3.length, 1);
        assert.match(ds3[0].message, /\(ValidationError: Request by .* signed with .* is not valid here\)/);
        const everything = [...ds, ...ds2, ...ds3].map((d) => d.message).join("\n") + world.pack.stderr() + world.pack.stdout();
        for (const s of [keys.accessKeyId, keys.secretAccessKey, token, keys.secretAccessKey.slice(12), token.slice(0, 30), token.slice(-30)]) {
            assert.ok(!everything.includes(s), `a secret leaked: ${everything}`);
        }
    });

    it("AccessDenied on the account summary fails closed and names the action to grant", async () => {
        const a = accountWithRole(world, COMPLIANT);
        world.fake.deny(a.accountId, "iam:GetAccountSummary");
        const ds = ofPolicy(await world.pack.analyzeStack([roleProvider("prod", [a.roleArn])]));
        assert.equal(ds.length, 1);
        assert.equal(ds[0].enforcementLevel, "mandatory");
        assert.match(ds[0].message, new RegExp(`Account ${a.accountId}: root MFA could not be checked`));
        assert.match(ds[0].message, /iam:GetAccountSummary was denied/);
        assert.match(ds[0].message, /grant iam:GetAccountSummary/);
    });

    it("a role that cannot be assumed fails closed and says which role", async () => {
        const a = accountWithRole(world, COMPLIANT, { externalId: "expected-external-id" });
        const ds = ofPolicy(await world.pack.analyzeStack([roleProvider("prod", [a.roleArn])]));
        assert.equal(ds.length, 1);
        assert.match(ds[0].message, /sts:AssumeRole was denied while assuming role arn:aws:iam::\d{12}:role\/Deploy \(assumeRoles\[0\]\)/);
    });

    it("throttling that the retries absorb gives the real verdict", async () => {
        const a = accountWithRole(world, NONCOMPLIANT);
        world.fake.fault({ action: "GetAccountSummary", accountId: a.accountId, kind: "throttle", times: 2 });
        const ds = ofPolicy(await world.pack.analyzeStack([roleProvider("prod", [a.roleArn])]));
        assert.equal(ds.length, 1);
        assert.match(ds[0].message, /AccountMFAEnabled=0/);
        assert.equal(world.fake.count("GetAccountSummary", a.accountId), 3);
    });

    it("throttling that outlasts the retries fails closed", async () => {
        const a = accountWithRole(world, COMPLIANT);
        world.fake.fault({ action: "GetAccountSummary", accountId: a.accountId, kind: "throttle" });
        const ds = ofPolicy(await world.pack.analyzeStack([roleProvider("prod", [a.roleArn])]));
        assert.equal(ds.length, 1);
        assert.match(ds[0].message, /kept throttling iam:GetAccountSummary/);
    });

    it("a server error that persists fails closed", async () => {
        const a = accountWithRole(world, COMPLIANT);
        world.fake.fault({ action: "GetAccountSummary", accountId: a.accountId, kind: "error5xx" });
        const ds = ofPolicy(await world.pack.analyzeStack([roleProvider("prod", [a.roleArn])]));
        assert.equal(ds.length, 1);
        assert.match(ds[0].message, /server error/);
    });

    it("a malformed answer fails closed", async () => {
        const a = accountWithRole(world, COMPLIANT);
        world.fake.fault({ action: "GetAccountSummary", accountId: a.accountId, kind: "malformed" });
        const ds = ofPolicy(await world.pack.analyzeStack([roleProvider("prod", [a.roleArn])]));
        assert.equal(ds.length, 1);
        assert.match(ds[0].message, /could not be checked/);
    });

    it("a hanging endpoint costs seconds, bounded by timeoutSeconds", async () => {
        await world.pack.configure({ [POLICY]: { timeoutSeconds: 2 } });
        const a = accountWithRole(world, COMPLIANT);
        const fine = accountWithRole(world, NONCOMPLIANT);
        world.fake.fault({ action: "GetAccountSummary", accountId: a.accountId, kind: "hang" });
        const started = Date.now();
        const ds = ofPolicy(await world.pack.analyzeStack([roleProvider("stuck", [a.roleArn]), roleProvider("fine", [fine.roleArn])]));
        const elapsed = Date.now() - started;
        assert.ok(elapsed < 6000, `took ${elapsed} ms`);
        assert.equal(ds.length, 2);
        assert.match(ds.find((d) => d.message.includes(a.accountId))?.message ?? "", /did not answer in time/);
        assert.match(ds.find((d) => d.message.includes(fine.accountId))?.message ?? "", /AccountMFAEnabled=0/);
    });

    it("a malformed provider input fails closed, naming the provider and the input", async () => {
        const bad = providerResource("broken", { region: "us-east-1", assumeRoles: "not json" });
        const ds = ofPolicy(await world.pack.analyzeStack([bad]));
        assert.equal(ds.length, 1);
        assert.equal(ds[0].urn, bad.urn);
        assert.match(ds[0].message, /provider "broken"/);
        assert.match(ds[0].message, /input "assumeRoles" is not valid JSON/);
    });

    it("missing credentials fail closed", async () => {
        const p = providerResource("nocreds", { region: "us-east-1", profile: "does-not-exist" });
        const ds = ofPolicy(await world.pack.analyzeStack([p]));
        assert.equal(ds.length, 1);
        assert.match(ds[0].message, /provider "nocreds" could not be determined/);
        assert.match(ds[0].message, /What to do:/);
    });

    it("an unknown role ARN in preview: known accounts still reported, then one advisory naming provider and input", async () => {
        const a = accountWithRole(world, NONCOMPLIANT);
        const known = roleProvider("known", [a.roleArn]);
        const later = providerResource("later", { region: "us-east-1", assumeRoles: UNKNOWN });
        const ds = ofPolicy(await world.pack.analyzeStack([known, later]));
        assert.equal(ds.length, 2);
        const violation = ds.find((d) => d.urn === known.urn);
        assert.ok(violation && violation.enforcementLevel === "mandatory");
        const preview = ds.find((d) => d !== violation);
        assert.ok(preview);
        assert.equal(preview.enforcementLevel, "advisory");
        assert.match(preview.message, /can't run policy 'aws-root-mfa-enabled'.*during preview/);
        assert.match(preview.message, /provider "later" \(input "assumeRoles"\)/);
    });

    it("many providers into one account: the account is read once and reported once", async () => {
        const a = accountWithRole(world, NONCOMPLIANT);
        const second = world.fake.addRole(a.accountId, "Other", { trustedAccounts: [world.homeAccount] });
        const providers = [
            ...Array.from({ length: 4 }, (_, i) => roleProvider(`same-${i}`, [a.roleArn])),
            roleProvider("other-role", [second]),
        ];
        const ds = ofPolicy(await world.pack.analyzeStack(providers));
        assert.equal(ds.length, 1);
        for (const p of providers) {
            assert.ok(ds[0].message.includes(`provider "${p.name}"`), p.name);
        }
        assert.equal(world.fake.count("GetAccountSummary", a.accountId), 1);
        // A role names its account once STS has issued its credentials: each role is assumed once,
        // however many providers use it, and no GetCallerIdentity is needed.
        assert.equal(world.fake.calls.filter((c) => c.action === "AssumeRole" && c.params.RoleArn === a.roleArn).length, 1);
        assert.equal(world.fake.calls.filter((c) => c.action === "AssumeRole" && c.params.RoleArn === second).length, 1);
        assert.equal(world.fake.count("GetCallerIdentity", a.accountId), 0);
    });

    it("an exempt account is neither queried nor reported; an expired exemption says when it expired", async () => {
        const a = accountWithRole(world, NONCOMPLIANT);
        const b = accountWithRole(world, NONCOMPLIANT);
        const exemptions = [
            { accountId: a.accountId, reason: "sandbox being closed", expires: "2999-12-31" },
            { accountId: b.accountId, reason: "migration", expires: "2000-01-01" },
        ];
        // Exemptions belong to each policy's config: exempt the account from every policy that runs.
        const policies = (await world.pack.getAnalyzerInfo()).policies.map((p) => p.name);
        await world.pack.configure(Object.fromEntries(policies.map((name) => [name, { exemptions }])));
        const ds = ofPolicy(await world.pack.analyzeStack([roleProvider("a", [a.roleArn]), roleProvider("b", [b.roleArn])]));
        assert.equal(ds.length, 1);
        assert.match(ds[0].message, new RegExp(b.accountId));
        assert.match(ds[0].message, /expired on 2000-01-01/);
        assert.equal(world.fake.count("GetAccountSummary", a.accountId), 0);
        assert.equal(world.fake.calls.filter((c) => c.action === "AssumeRole" && c.params.RoleArn === a.roleArn).length, 0);
    });

    it("advisory enforcement turns the violation into a warning", async () => {
        await world.pack.configure({ [POLICY]: { enforcementLevel: "advisory" } });
        const a = accountWithRole(world, NONCOMPLIANT);
        const ds = ofPolicy(await world.pack.analyzeStack([roleProvider("prod", [a.roleArn])]));
        assert.equal(ds.length, 1);
        assert.equal(ds[0].enforcementLevel, "advisory");
    });

    it("a stack with no AWS provider makes no AWS call and reports nothing", async () => {
        const before = world.fake.calls.length;
        const k8s = providerResource("k8s", { kubeconfig: "x" }, "pulumi:providers:kubernetes");
        const ds = await world.pack.analyzeStack([k8s, resourceUsing(k8s, "ns", "kubernetes:core/v1:Namespace")]);
        assert.deepEqual(ofPolicy(ds), []);
        assert.equal(world.fake.calls.length, before);
    });

    it("each AnalyzeStack is its own run: a fixed account, or a fault that passed, is read afresh", async () => {
        const a = accountWithRole(world, NONCOMPLIANT);
        const p = roleProvider("prod", [a.roleArn]);
        assert.equal(ofPolicy(await world.pack.analyzeStack([p])).length, 1);
        world.fake.setSummary(a.accountId, COMPLIANT);
        assert.deepEqual(ofPolicy(await world.pack.analyzeStack([p])), []);
        assert.equal(world.fake.count("GetAccountSummary", a.accountId), 2);

        // Throttled through all 4 attempts of run 1; the next run must not reuse that failure.
        const b = accountWithRole(world, COMPLIANT);
        world.fake.fault({ action: "GetAccountSummary", accountId: b.accountId, kind: "throttle", times: 4 });
        const q = roleProvider("throttled", [b.roleArn]);
        assert.match(ofPolicy(await world.pack.analyzeStack([q]))[0]?.message ?? "", /kept throttling/);
        assert.deepEqual(ofPolicy(await world.pack.analyzeStack([q])), []);
    });

    it("invalid policy config fails closed instead of crashing", async () => {
        await world.pack.configure({ [POLICY]: { exemptions: [{ accountId: "12", reason: "" }] } });
        const a = accountWithRole(world, COMPLIANT);
        const ds = ofPolicy(await world.pack.analyzeStack([roleProvider("prod", [a.roleArn])]));
        assert.equal(ds.length, 1);
        assert.match(ds[0].message, /policy config "exemptions\[0\]\.accountId" must be a 12-digit AWS account id/);
    });

    it("an invalid policy config names every bad property at once", async () => {
        await world.pack.configure({ [POLICY]: { exemptions: [{ accountId: "12", reason: "x" }], timeoutSeconds: 0, trustedEndpoints: ["ftp://example"], auditRoleArn: "no" } });
        const a = accountWithRole(world, COMPLIANT);
        const ds = ofPolicy(await world.pack.analyzeStack([roleProvider("prod", [a.roleArn])]));
        assert.equal(ds.length, 1);
        for (const property of ["exemptions\\[0\\]\\.accountId", "timeoutSeconds", "trustedEndpoints\\[0\\]", "auditRoleArn"]) {
            assert.match(ds[0].message, new RegExp(`policy config "${property}"`), property);
        }
    });
});
