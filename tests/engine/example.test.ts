/**
 * The example program and its policy config, end to end: examples/index.ts runs under the
 * @pulumi/pulumi runtime mocks (its providers' inputs exactly as @pulumi/aws and @pulumi/aws-native
 * send them), and the pack checks those providers with examples/policy-config.reference.json: the exempt
 * account is skipped, posture is read through the audit role, the organization's features through
 * the organization role, and the two accounts without root MFA are reported.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PolicyPackConfig, StackResource, providerResource, resourceUsing } from "../harness/engine";
import { capturedResource, ensureMocks } from "../support/awsProviderInputs";
import { World, diagnosticsOf, startWorld, stopWorld } from "../support/world";

const EXAMPLES = path.resolve(__dirname, "..", "..", "examples");
const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1 };
// The accounts examples/policy-config.reference.json and Pulumi.dev.yaml name.
const ORGANIZATION = { id: "o-exampleorg1", management: "111111111111" };
const PROD = "222222222222";
const DATA = "444444444444";
const EXEMPT = "555555555555";

/** The example program's explicit providers, as registered under the mocks. */
async function exampleProviders(roles: Record<string, string>): Promise<StackResource[]> {
    ensureMocks();
    for (const [key, roleArn] of Object.entries(roles)) {
        pulumi.runtime.setConfig(`app:${key}`, roleArn);
    }
    require(path.join(EXAMPLES, "index.ts"));
    const names = ["prod", "staging", "data"];
    for (let waited = 0; names.some((n) => !capturedResource(n)); waited += 10) {
        assert.ok(waited < 10_000, "the example's providers were not registered");
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return names.map((name) => {
        const { type, inputs } = capturedResource(name)!;
        return providerResource(name, inputs, type);
    });
}

describe("examples/ end to end", function () {
    this.timeout(60_000);
    let world: World;

    before(async () => {
        world = await startWorld();
    });
    after(async () => {
        await stopWorld(world);
    });

    it("checks the example program's accounts with the example policy config", async () => {
        const { fake, homeAccount } = world;
        fake.addAccount({ id: ORGANIZATION.management, organizationId: ORGANIZATION.id, summary: { AccountMFAEnabled: 1, AccountPasswordPresent: 1 } });
        fake.addOrganization({ id: ORGANIZATION.id, managementAccountId: ORGANIZATION.management });
        fake.addRole(ORGANIZATION.management, "RootMfaPolicyPackOrgRead", { trustedAccounts: [homeAccount] });
        fake.addRole(homeAccount, "RootMfaAudit", { trustedAccounts: [homeAccount] });
        const roles: Record<string, string> = {};
        for (const [key, accountId] of [["prodRoleArn", PROD], ["stagingRoleArn", EXEMPT], ["dataRoleArn", DATA]]) {
            fake.addAccount({ id: accountId, organizationId: ORGANIZATION.id, summary: NONCOMPLIANT });
            roles[key] = fake.addRole(accountId, "Deploy", { trustedAccounts: [homeAccount] });
            fake.addRole(accountId, "RootMfaAudit", { trustedAccounts: [homeAccount] });
        }
        const defaultProvider = providerResource("default_7_48_0", { region: "us-east-1", skipCredentialsValidation: "false" });
        const providers = [defaultProvider, ...await exampleProviders(roles)];
        const resources = [...providers, ...providers.map((p) => resourceUsing(p, `${p.name}-bucket`))];

        const example = JSON.parse(readFileSync(path.join(EXAMPLES, "policy-config.reference.json"), "utf8")) as PolicyPackConfig;
        // The example trusts no endpoint override; this test's AWS is the local endpoint.
        const config = Object.fromEntries(Object.entries(example).map(([name, entry]) => [name, { ...entry, trustedEndpoints: [fake.url] }]));
        await world.pack.configureStack();
        await world.pack.configure(config);
        for (const r of resources) {
            await world.pack.analyze(r);
        }
        const ds = await world.pack.analyzeStack(resources);

        const mfa = diagnosticsOf(ds, "aws-root-mfa-enabled");
        assert.deepEqual(mfa.map((d) => d.message.match(/Account (\d{12})/)?.[1]).sort(), [PROD, DATA], ds.map((d) => d.message).join("\n---\n"));
        assert.match(mfa.find((d) => d.message.includes(DATA))!.message, /aws-native provider "data"/);
        assert.deepEqual(diagnosticsOf(ds, "aws-root-credentials-centralized"), []);
        assert.equal(fake.count("GetAccountSummary", EXEMPT), 0, "the exempt account was read");
        const summaries = fake.calls.filter((c) => c.action === "GetAccountSummary");
        assert.ok(summaries.length > 0 && summaries.every((c) => c.principalArn?.includes(":assumed-role/RootMfaAudit/")), "posture was not read through the audit role");
        const features = fake.calls.filter((c) => c.action === "ListOrganizationsFeatures");
        assert.ok(features.length > 0 && features.every((c) => c.principalArn?.includes(":assumed-role/RootMfaPolicyPackOrgRead/")), "features were not read through the organization role");
    });
});
