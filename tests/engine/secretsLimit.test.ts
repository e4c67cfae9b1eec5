/**
 * Issue 17 through the engine protocol: once one provider carries more secret values than the pack
 * checks a message against (here 10,050 strings in a secret `defaultTags`), another provider's
 * secret session name, which AWS quotes in its AccessDenied error, must not be printed. That
 * provider's messages are withheld (the violation stays, at the policy's level, on its URN); the
 * big provider's own messages are still cleaned of its own secrets and printed.
 */
import { strict as assert } from "node:assert";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { GetAccountSummaryCommand, IAMClient } from "@aws-sdk/client-iam";
import { Diagnostic, EnforcementLevel, StackResource, providerResource, secret } from "../harness/engine";
import { World, accountWithRole, diagnosticsOf, startWorld, stopWorld } from "../support/world";

const MFA = "aws-root-mfa-enabled";
const GATE = "aws-root-mfa-before-deploy";
const STACK_POLICIES = [MFA, "aws-root-credentials-centralized", "aws-root-no-access-keys"];
const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1 };

const P1_SESSION = "p1-secret-session-0042";
const P2_SESSION = "p2-secret-session-0042";
const TAGS = Array.from({ length: 10_050 }, (_, i) => `p1-tag-value-${String(i).padStart(5, "0")}`);

/** p1: 10,050 secret tag values (pulumi-aws sends defaultTags as JSON text) and a secret role session. */
function p1(roleArn: string): StackResource {
    return providerResource("p1", {
        region: "us-east-1",
        assumeRoles: secret(JSON.stringify([{ roleArn, sessionName: P1_SESSION }])),
        defaultTags: secret(JSON.stringify({ tags: Object.fromEntries(TAGS.map((v, i) => [`tag${i}`, v])) })),
        skipCredentialsValidation: "false",
    });
}

/** p2: one secret role whose session name AWS quotes when it denies the role anything. */
function p2(roleArn: string): StackResource {
    return providerResource("p2", {
        region: "us-east-1",
        assumeRoles: secret(JSON.stringify([{ roleArn, sessionName: P2_SESSION }])),
        skipCredentialsValidation: "false",
    });
}

function withheld(accountId: string, provider: string): string {
    return `Account ${accountId} (provider "${provider}"): the details of this violation were withheld because the stack's AWS providers carry more secret values than the policy pack can check a message against, so the message could not be made safe to print; the policy fails closed.\nWhat to do: give the stack's AWS providers fewer secret inputs (every string inside a secret list or JSON value counts, e.g. in defaultTags or ignoreTags), then run the check again.`;
}

function show(ds: Diagnostic[]): string {
    return ds.map((d) => `[${d.policyName}/${d.enforcementLevel}] ${d.message}`).join("\n---\n");
}

/** No diagnostic and nothing the pack wrote to stderr quotes a secret of either provider. */
function assertNoSecret(world: World, ds: Diagnostic[]): void {
    const secrets = [P1_SESSION, P2_SESSION, ...TAGS];
    for (const d of ds) {
        const leaked = secrets.filter((s) => d.message.includes(s));
        assert.deepEqual(leaked, [], `${d.policyName} printed a secret:\n${d.message}`);
    }
    const stderr = world.pack.stderr();
    assert.deepEqual(secrets.filter((s) => stderr.includes(s)), [], "the pack's stderr quotes a secret");
}

/** What the policy reported: the engine puts the policy's description on the message's first line. */
function textOf(d: Diagnostic): string {
    return d.message.startsWith(`${d.description}\n`) ? d.message.slice(d.description.length + 1) : d.message;
}

/** The one diagnostic of `policy` about `accountId`. */
function about(ds: Diagnostic[], policy: string, accountId: string): Diagnostic {
    const found = diagnosticsOf(ds, policy).filter((d) => textOf(d).startsWith(`Account ${accountId}`));
    assert.equal(found.length, 1, `expected one ${policy} diagnostic about ${accountId}:\n${show(ds)}`);
    return found[0];
}

/**
 * Every stack policy reports both accounts at its level: p2's account withheld (on p2's URN), p1's
 * printed with p1's own secrets removed (on p1's URN).
 */
function assertStackDiagnostics(ds: Diagnostic[], levels: Map<string, EnforcementLevel>, a1: string, a2: string, r1: StackResource, r2: StackResource): void {
    for (const policy of STACK_POLICIES) {
        const d2 = about(ds, policy, a2);
        assert.equal(textOf(d2), withheld(a2, "p2"), policy);
        assert.equal(d2.enforcementLevel, levels.get(policy));
        assert.equal(d2.urn, r2.urn);
        const d1 = about(ds, policy, a1);
        assert.equal(d1.enforcementLevel, levels.get(policy));
        assert.equal(d1.urn, r1.urn);
        assert.match(d1.message, /iam:GetAccountSummary was denied/);
        assert.match(d1.message, /assumed-role\/Deploy\/\[redacted\]/, "p1's own session was not removed");
    }
    assert.equal(levels.get(MFA), "mandatory");
}

describe("secrets beyond what the pack checks a message against (issue 17)", function () {
    this.timeout(120_000);

    it("control: AWS's AccessDenied quotes the caller's session name, so a message that passed it on would leak p2's secret", async () => {
        const world = await startWorld({ dryRun: true });
        try {
            const a = accountWithRole(world, NONCOMPLIANT);
            world.fake.deny(a.accountId, "iam:GetAccountSummary");
            const sts = new STSClient({ endpoint: world.fake.url, region: "us-east-1", credentials: world.deployer });
            const c = (await sts.send(new AssumeRoleCommand({ RoleArn: a.roleArn, RoleSessionName: P2_SESSION }))).Credentials!;
            const iam = new IAMClient({ endpoint: world.fake.url, region: "us-east-1", credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken } });
            await assert.rejects(iam.send(new GetAccountSummaryCommand({})), (e: Error) => e.message.includes(`assumed-role/Deploy/${P2_SESSION}`));
            sts.destroy();
            iam.destroy();
        } finally {
            await stopWorld(world);
        }
    });

    it("preview: p2's messages are withheld at each policy's level, p1's are printed without its own secrets", async () => {
        const world = await startWorld({ dryRun: true });
        try {
            const levels = new Map((await world.pack.getAnalyzerInfo()).policies.map((p) => [p.name, p.enforcementLevel]));
            const a1 = accountWithRole(world, NONCOMPLIANT);
            const a2 = accountWithRole(world, NONCOMPLIANT);
            world.fake.deny(a1.accountId, "iam:GetAccountSummary");
            world.fake.deny(a2.accountId, "iam:GetAccountSummary");
            const r1 = p1(a1.roleArn);
            const r2 = p2(a2.roleArn);
            const ds = await world.pack.analyzeStack([r1, r2]);
            assertNoSecret(world, ds);
            assertStackDiagnostics(ds, levels, a1.accountId, a2.accountId, r1, r2);
            assert.ok(world.fake.calls.some((c) => c.action === "GetAccountSummary" && c.principalArn?.endsWith(`/Deploy/${P2_SESSION}`)), "p2's account was read with p2's session");
        } finally {
            await stopWorld(world);
        }
    });

    it("update, Analyze p2 then AnalyzeStack: p2's gate message is cleaned of its own session; the stack's are withheld once p1 is known", async () => {
        const world = await startWorld({ dryRun: false });
        try {
            const levels = new Map((await world.pack.getAnalyzerInfo()).policies.map((p) => [p.name, p.enforcementLevel]));
            const a1 = accountWithRole(world, NONCOMPLIANT);
            const a2 = accountWithRole(world, NONCOMPLIANT);
            world.fake.deny(a1.accountId, "iam:GetAccountSummary");
            world.fake.deny(a2.accountId, "iam:GetAccountSummary");
            const r1 = p1(a1.roleArn);
            const r2 = p2(a2.roleArn);
            const gate = diagnosticsOf(await world.pack.analyze(r2), GATE);
            assert.equal(gate.length, 1, show(gate));
            assert.equal(gate[0].enforcementLevel, "mandatory");
            assert.equal(gate[0].urn, r2.urn);
            // Only p2 is known yet: its own secret is removed, nothing is withheld.
            assert.match(textOf(gate[0]), new RegExp(`^Account ${a2.accountId}: root MFA could not be checked`));
            assert.match(gate[0].message, /assumed-role\/Deploy\/\[redacted\]/);
            const stack = await world.pack.analyzeStack([r1, r2]);
            assertNoSecret(world, [...gate, ...stack]);
            assertStackDiagnostics(stack, levels, a1.accountId, a2.accountId, r1, r2);
        } finally {
            await stopWorld(world);
        }
    });

    it("update, Analyze p1, Analyze p2, then AnalyzeStack: p2's gate message is withheld too, p1's is printed", async () => {
        const world = await startWorld({ dryRun: false });
        try {
            const levels = new Map((await world.pack.getAnalyzerInfo()).policies.map((p) => [p.name, p.enforcementLevel]));
            const a1 = accountWithRole(world, NONCOMPLIANT);
            const a2 = accountWithRole(world, NONCOMPLIANT);
            world.fake.deny(a1.accountId, "iam:GetAccountSummary");
            world.fake.deny(a2.accountId, "iam:GetAccountSummary");
            const r1 = p1(a1.roleArn);
            const r2 = p2(a2.roleArn);
            const gate1 = diagnosticsOf(await world.pack.analyze(r1), GATE);
            assert.equal(gate1.length, 1, show(gate1));
            assert.match(gate1[0].message, /iam:GetAccountSummary was denied/);
            const gate2 = diagnosticsOf(await world.pack.analyze(r2), GATE);
            assert.equal(gate2.length, 1, show(gate2));
            assert.equal(textOf(gate2[0]), withheld(a2.accountId, "p2"));
            assert.equal(gate2[0].enforcementLevel, "mandatory");
            assert.equal(gate2[0].urn, r2.urn);
            const stack = await world.pack.analyzeStack([r1, r2]);
            assertNoSecret(world, [...gate1, ...gate2, ...stack]);
            assertStackDiagnostics(stack, levels, a1.accountId, a2.accountId, r1, r2);
        } finally {
            await stopWorld(world);
        }
    });
});
