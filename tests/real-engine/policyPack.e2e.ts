/**
 * The compiled pack under the real Pulumi CLI (`npm run test:engine`): a YAML program deploying into
 * three accounts of the local AWS-compatible endpoint through a default provider from `aws:*`
 * stack config and two explicit `assumeRoles` providers, with a fake `aws` plugin.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { FakeAws } from "../fake-aws";
import { freshAccountId } from "../support/world";
import { CliResult, POLICY_PACK, Project, policyConfig } from "./cli";

const COMPLIANT = { AccountMFAEnabled: 1, AccountPasswordPresent: 1 };
const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1 };

/** What the CLI printed, both streams. */
function output(r: CliResult): string {
    return `${r.stdout}\n${r.stderr}`;
}

describe("the pack under the real Pulumi CLI", function () {
    this.timeout(300_000);

    let fake: FakeAws;
    let project: Project;
    let configFile: string;
    const accounts = { home: freshAccountId(), viaDefault: freshAccountId(), prod: freshAccountId(), legacy: freshAccountId() };
    const roles: string[] = [];

    before(async () => {
        fake = await FakeAws.start();
        fake.addAccount({ id: accounts.home, summary: COMPLIANT });
        const deployer = fake.addUser(accounts.home, "deployer");
        const role = (id: string, summary: Record<string, number>) => {
            fake.addAccount({ id, summary });
            return fake.addRole(id, "Deploy", { trustedAccounts: [accounts.home] });
        };
        const viaDefaultRole = role(accounts.viaDefault, COMPLIANT);
        const prodRole = role(accounts.prod, COMPLIANT);
        const legacyRole = role(accounts.legacy, NONCOMPLIANT);
        roles.push(viaDefaultRole, prodRole, legacyRole);
        const explicit = (roleArn: string) => ({ type: "pulumi:providers:aws", properties: { region: "us-east-1", assumeRoles: [{ roleArn, sessionName: "deploy" }] } });
        project = await Project.create(fake, {
            credentials: { AWS_ACCESS_KEY_ID: deployer.accessKeyId, AWS_SECRET_ACCESS_KEY: deployer.secretAccessKey },
            stackConfig: { "aws:region": "us-east-1", "aws:assumeRoles": [{ roleArn: viaDefaultRole, sessionName: "deploy" }] },
            resources: {
                prod: explicit(prodRole),
                legacy: explicit(legacyRole),
                "default-bucket": { type: "aws:s3/bucket:Bucket", properties: { bucket: "default-bucket" } },
                "prod-bucket": { type: "aws:s3/bucket:Bucket", properties: { bucket: "prod-bucket" }, options: { provider: "${prod}" } },
                "legacy-bucket": { type: "aws:s3/bucket:Bucket", properties: { bucket: "legacy-bucket" }, options: { provider: "${legacy}" } },
            },
        });
        configFile = project.writeConfig("policy-config.json", policyConfig(fake));
    });

    after(async () => {
        project?.remove();
        await fake?.close();
    });

    afterEach(() => {
        fake.setSummary(accounts.legacy, NONCOMPLIANT);
    });

    it("pulumi preview is blocked by the mandatory violation of the one account without root MFA", async () => {
        const r = await project.run(["preview", "--policy-pack", POLICY_PACK, "--policy-pack-config", configFile]);
        const out = output(r);
        assert.equal(r.status, 1, out);
        assert.match(out, /\[mandatory\]\s+\[severity: critical\]\s+aws-root-mfa-enabled/);
        assert.match(out, new RegExp(`Account ${accounts.legacy} \\(partition aws\\): root MFA is not enabled and the root user has a password\\.`));
        assert.match(out, /Targeted by: provider "legacy"/);
        assert.doesNotMatch(out, /aws-root-mfa-before-deploy/, `the update-only gate is silent in preview:\n${out}`);
        for (const ok of [accounts.home, accounts.viaDefault, accounts.prod]) {
            assert.doesNotMatch(out, new RegExp(`Account ${ok}`), `compliant account ${ok} reported`);
        }
        assert.deepEqual(project.providerCalls(), [], "a preview creates nothing");
        for (const roleArn of roles) {
            assert.ok(fake.calls.some((c) => c.action === "AssumeRole" && c.params.RoleArn === roleArn), `the pack never assumed ${roleArn}: a provider went unchecked`);
        }
    });

    it("pulumi preview passes once that account has root MFA", async () => {
        fake.setSummary(accounts.legacy, COMPLIANT);
        const r = await project.run(["preview", "--policy-pack", POLICY_PACK, "--policy-pack-config", configFile]);
        assert.equal(r.status, 0, output(r));
        assert.doesNotMatch(output(r), /\[mandatory\]/);
    });

    it("pulumi up --skip-preview is stopped by aws-root-mfa-before-deploy before anything in that account is created", async () => {
        const r = await project.run(["up", "--yes", "--skip-preview", "--policy-pack", POLICY_PACK, "--policy-pack-config", configFile]);
        const out = output(r);
        assert.equal(r.status, 1, out);
        assert.match(out, /\[mandatory\]\s+\[severity: critical\]\s+aws-root-mfa-before-deploy/);
        assert.match(out, new RegExp(`Account ${accounts.legacy} \\(partition aws\\): root MFA is not enabled`));
        const creates = project.providerCalls().filter((l) => l.startsWith("create "));
        assert.deepEqual(creates.filter((l) => l.includes("legacy")), [], `created in the noncompliant account: ${creates.join(", ")}`);
    });

    it("an invalid policy config file is rejected by the CLI with the schema's message", async () => {
        const bad = project.writeConfig("bad-config.json", policyConfig(fake, { "aws-root-mfa-enabled": { timeoutSeconds: 0 } }));
        const r = await project.run(["preview", "--policy-pack", POLICY_PACK, "--policy-pack-config", bad]);
        const out = output(r);
        assert.equal(r.status, 1, out);
        assert.match(out, /aws-root-mfa-enabled/);
        assert.match(out, /timeoutSeconds: Must be greater than or equal to 1/);
        assert.doesNotMatch(out, /\[mandatory\]/, "the pack must not have run");
    });

    describe("aws-root-mfa check --config accepts and rejects exactly the files pulumi preview --policy-pack-config does", () => {
        const cases: Array<[string, (base: Record<string, Record<string, unknown>>) => unknown]> = [
            ["the trusting config as it is", (base) => base],
            ["a property the schema does not declare", (base) => ({ ...base, "aws-root-mfa-enabled": { ...base["aws-root-mfa-enabled"], notARealSetting: 1 } })],
            ["an entry for a policy the pack does not have", (base) => ({ ...base, "not-a-policy": { enforcementLevel: "mandatory" } })],
            ["an \"all\" enforcement level", (base) => ({ all: "advisory", ...base })],
            ["timeoutSeconds 0 (below the minimum)", (base) => ({ ...base, "aws-root-mfa-enabled": { ...base["aws-root-mfa-enabled"], timeoutSeconds: 0 } })],
            ["concurrency 1.5 (not an integer)", (base) => ({ ...base, "aws-root-credentials-centralized": { ...base["aws-root-credentials-centralized"], concurrency: 1.5 } })],
            ["an enforcement level that does not exist", (base) => ({ ...base, "aws-root-mfa-enabled": { ...base["aws-root-mfa-enabled"], enforcementLevel: "sometimes" } })],
            ["an exemption whose account id is not 12 digits", (base) => ({ ...base, "aws-root-mfa-enabled": { ...base["aws-root-mfa-enabled"], exemptions: [{ accountId: "123", reason: "x" }] } })],
        ];
        for (const [what, make] of cases) {
            it(what, async () => {
                fake.setSummary(accounts.legacy, COMPLIANT);
                const file = project.writeConfig(`parity-${cases.findIndex((c) => c[0] === what)}.json`, make(policyConfig(fake) as Record<string, Record<string, unknown>>));
                const preview = await project.run(["preview", "--policy-pack", POLICY_PACK, "--policy-pack-config", file]);
                const check = await project.runCheck(["check", "--config", file]);
                // Every account is compliant: a file that is accepted lets both pass.
                const previewAccepted = preview.status === 0;
                const checkAccepted = check.status === 0;
                assert.ok(previewAccepted || /Must be|must be|is not a valid enforcement level|Does not match pattern|Invalid type/i.test(output(preview)), `preview failed for another reason:\n${output(preview)}`);
                assert.ok(checkAccepted || check.status === 2, `check failed for another reason:\n${output(check)}`);
                assert.equal(checkAccepted, previewAccepted, `pulumi preview ${previewAccepted ? "accepted" : "rejected"} it, aws-root-mfa check ${checkAccepted ? "accepted" : "rejected"} it\n--- preview\n${output(preview)}\n--- check\n${output(check)}`);
            });
        }
    });

    it("pulumi policy analyze reports the account over the saved state, with no program or provider", async () => {
        fake.setSummary(accounts.legacy, COMPLIANT);
        await project.expectOk(["up", "--yes", "--skip-preview", "--policy-pack", POLICY_PACK, "--policy-pack-config", configFile]);
        const created = project.providerCalls().filter((l) => l.startsWith("create "));
        assert.ok(created.some((l) => l.includes("legacy-bucket")), `legacy-bucket created once compliant: ${created.join(", ")}`);
        const state = path.join(project.dir, "state.json");
        await project.expectOk(["stack", "export", "--file", state]);
        assert.ok(JSON.parse(readFileSync(state, "utf8")).deployment.resources.length > 0);
        fake.setSummary(accounts.legacy, NONCOMPLIANT);
        const r = await project.run(["policy", "analyze", "--file", state, "--policy-pack", POLICY_PACK, "--policy-pack-config", configFile]);
        const out = output(r);
        assert.notEqual(r.status, 0, out);
        assert.match(out, /aws-root-mfa-enabled/);
        assert.match(out, new RegExp(`Account ${accounts.legacy} \\(partition aws\\): root MFA is not enabled`));
    });
});
