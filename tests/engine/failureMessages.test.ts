/**
 * What a failure message quotes: AWS's own words, never a secret. Each test makes the endpoint
 * echo a secret or a token into the error the pack quotes, and checks that the words around it
 * reach the diagnostic while the secret does not.
 */
import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { Diagnostic, providerResource } from "../harness/engine";
import { awsNativeProviderInputs, awsProviderInputs } from "../support/awsProviderInputs";
import { World, accountWithRole, diagnosticsOf, roleProvider, startWorld, stopWorld } from "../support/world";

const MFA = "aws-root-mfa-enabled";
const COMPLIANT = { AccountMFAEnabled: 1, AccountPasswordPresent: 1 };

/** Everything the pack published: its diagnostics and its output. */
function published(world: World, ds: Diagnostic[]): string {
    return `${ds.map((d) => d.message).join("\n")}\n${world.pack.stdout()}\n${world.pack.stderr()}`;
}

describe("failure messages through the engine protocol", function () {
    this.timeout(60_000);
    let world: World;

    before(async () => {
        world = await startWorld();
    });
    after(async () => {
        await stopWorld(world);
    });

    it("an access key id or a long token in AWS's words is masked, though no provider knows it", async () => {
        const a = accountWithRole(world, COMPLIANT);
        const keyId = "AKIAI44QH8DHBEXAMPLE";
        const token = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+je7MtGbClwBF/2Zp9Utk";
        world.fake.fault({
            action: "GetAccountSummary", accountId: a.accountId, kind: "error", code: "ValidationError",
            message: `Request signed by ${keyId} with session ${token} was refused by the proxy`,
        });
        const ds = diagnosticsOf(await world.pack.analyzeStack([roleProvider("prod", [a.roleArn])]), MFA);
        assert.equal(ds.length, 1);
        assert.match(ds[0].message, new RegExp(`Account ${a.accountId}: root MFA could not be checked`));
        assert.match(ds[0].message, /Request signed by .* with session .* was refused by the proxy/, "AWS's words are quoted");
        const out = published(world, ds);
        assert.ok(!out.includes(keyId), "the access key id was printed");
        assert.ok(!out.includes(token.slice(0, 40)), "the token was printed");
    });

    it("a malformed answer says it could not be read as an AWS response, for IAM and for STS", async () => {
        const a = accountWithRole(world, COMPLIANT);
        world.fake.fault({ action: "GetAccountSummary", accountId: a.accountId, kind: "malformed" });
        const ds = diagnosticsOf(await world.pack.analyzeStack([roleProvider("iam-garbled", [a.roleArn])]), MFA);
        assert.equal(ds.length, 1);
        assert.match(ds[0].message, /What happened: the answer to iam:GetAccountSummary could not be read as an AWS response while reading the account summary/);
        assert.match(ds[0].message, /What to do: check that AWS_ENDPOINT_URL, the provider's endpoints input and any proxy point at real AWS endpoints/);
        const b = accountWithRole(world, COMPLIANT);
        world.fake.fault({ action: "AssumeRole", kind: "malformed", times: 1 });
        const ds2 = diagnosticsOf(await world.pack.analyzeStack([roleProvider("sts-garbled", [b.roleArn])]), MFA);
        assert.equal(ds2.length, 1);
        assert.match(ds2[0].message, /the answer to sts:AssumeRole could not be read as an AWS response while assuming role .*\(assumeRoles\[0\]\)/);
    });

    it("a secret session name that AWS echoes in its denial is removed from the message", async () => {
        const a = accountWithRole(world, COMPLIANT);
        world.fake.deny(a.accountId, "iam:GetAccountSummary");
        const sessionName = "deploy-run-7f3a@team.example";
        // As @pulumi/aws sends it: one secret part makes the whole assumeRoles input secret.
        const { type, inputs } = await awsProviderInputs("secret-session", { region: "us-east-1", assumeRoles: [{ roleArn: a.roleArn, sessionName: pulumi.secret(sessionName) }] });
        const ds = diagnosticsOf(await world.pack.analyzeStack([providerResource("secret-session", inputs, type)]), MFA);
        assert.equal(ds.length, 1);
        // AWS's denial names the caller, arn:aws:sts::<account>:assumed-role/Deploy/<session name>.
        assert.match(ds[0].message, new RegExp(`iam:GetAccountSummary was denied .*User: arn:aws:sts::${a.accountId}:assumed-role/Deploy/`));
        assert.ok(world.fake.calls.some((c) => c.action === "AssumeRole" && c.params.RoleSessionName === sessionName), "the session name was used");
        assert.ok(!published(world, ds).includes(sessionName), `the secret session name was printed: ${ds[0].message}`);
    });

    it("an externalId that AWS quotes in its validation error is removed from the message, for aws and aws-native providers", async () => {
        const externalId = "partner-secret-9f2c";
        const a = accountWithRole(world, COMPLIANT, { externalId });
        const b = accountWithRole(world, COMPLIANT, { externalId });
        const native = await awsNativeProviderInputs("native-external", { region: "us-east-1", assumeRole: { roleArn: b.roleArn, externalId } });
        const providers = [
            roleProvider("external", [a.roleArn], { assumeRoles: JSON.stringify([{ roleArn: a.roleArn, externalId }]) }),
            providerResource("native-external", native.inputs, native.type),
        ];
        for (const p of providers) {
            // STS quotes the value it rejects; the pack itself accepts this one.
            world.fake.fault({
                action: "AssumeRole", accountId: world.homeAccount, kind: "error", code: "ValidationError", times: 1,
                message: `1 validation error detected: Value '${externalId}' at 'externalId' failed to satisfy constraint: Member must have length less than or equal to 16`,
            });
            const ds = diagnosticsOf(await world.pack.analyzeStack([p]), MFA);
            assert.equal(ds.length, 1, p.name);
            assert.match(ds[0].message, new RegExp(`provider "${p.name}"`));
            assert.match(ds[0].message, /AWS rejected a value the provider passed while assuming role .*\(ValidationError: 1 validation error detected: Value '.*' at 'externalId' failed to satisfy constraint/);
            assert.ok(!published(world, ds).includes(externalId), `the externalId was printed: ${ds[0].message}`);
        }
        assert.equal(world.fake.calls.filter((c) => c.action === "AssumeRole" && c.params.ExternalId === externalId).length, 2, "the externalId was sent");
    });
});
