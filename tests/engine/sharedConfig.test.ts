/**
 * One configuration: the settings every policy shares are set once, and policies that set one
 * differently say so. Through the engine protocol, with the pack started as the CLI starts it.
 */
import { strict as assert } from "node:assert";
import { FakeAws } from "../fake-aws";
import { PackProcess, startPack } from "../harness/engine";
import { PACK_DIR, accountWithRole, awsEnv, diagnosticsOf, roleProvider, World } from "../support/world";

const MFA = "aws-root-mfa-enabled";
const CENTRAL = "aws-root-credentials-centralized";
const GATE = "aws-root-mfa-before-deploy";
const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 };

describe("shared settings through the engine protocol", function () {
    this.timeout(120_000);
    let fake: FakeAws;
    let pack: PackProcess | undefined;

    /** A pack whose config comes only from the test (no trusted endpoint added for it). */
    async function start(dryRun: boolean): Promise<World> {
        fake = await FakeAws.start();
        const homeAccount = "400000000001";
        fake.addAccount({ id: homeAccount, summary: { AccountMFAEnabled: 1, AccountPasswordPresent: 1 } });
        const deployer = fake.addUser(homeAccount, "deployer");
        pack = await startPack({ packDir: PACK_DIR, dryRun, env: awsEnv(fake, { AWS_ACCESS_KEY_ID: deployer.accessKeyId, AWS_SECRET_ACCESS_KEY: deployer.secretAccessKey }) });
        return { fake, pack, homeAccount, deployer };
    }

    afterEach(async () => {
        await pack?.close();
        await fake?.close();
        pack = undefined;
    });

    it("trustedEndpoints set in one policy serves every policy, the update-time gate included", async () => {
        const world = await start(false);
        await world.pack.configure({ [MFA]: { trustedEndpoints: [fake.url] } });
        const a = accountWithRole(world, NONCOMPLIANT);
        const provider = roleProvider("prod", [a.roleArn]);
        const gate = diagnosticsOf(await world.pack.analyze(provider), GATE);
        assert.equal(gate.length, 1, gate.map((d) => d.message).join("\n---\n"));
        assert.match(gate[0].message, new RegExp(`Account ${a.accountId} \\(partition aws\\): root MFA is not enabled`));
        const ds = await world.pack.analyzeStack([provider]);
        assert.ok(!ds.some((d) => /trustedEndpoints/.test(d.message)), ds.map((d) => `${d.policyName}: ${d.message}`).join("\n---\n"));
        assert.equal(diagnosticsOf(ds, MFA).length, 1);
    });

    it("policies that set a shared setting differently each say so, and still check", async () => {
        const world = await start(true);
        await world.pack.configure({ [MFA]: { trustedEndpoints: [fake.url], timeoutSeconds: 20 }, [CENTRAL]: { trustedEndpoints: [fake.url], timeoutSeconds: 30 } });
        const a = accountWithRole(world, NONCOMPLIANT);
        const ds = await world.pack.analyzeStack([roleProvider("prod", [a.roleArn])]);
        for (const policy of [MFA, CENTRAL]) {
            const told = diagnosticsOf(ds, policy).filter((d) => /sets timeoutSeconds differently/.test(d.message));
            assert.equal(told.length, 1, `${policy}: ${ds.map((d) => d.message).join("\n---\n")}`);
            assert.match(told[0].message, new RegExp(`\\(${CENTRAL}, ${MFA} each set their own\\)`));
            assert.match(told[0].message, /set timeoutSeconds in one policy only/);
        }
        assert.ok(diagnosticsOf(ds, MFA).some((d) => d.message.includes(`Account ${a.accountId} (partition aws): root MFA is not enabled`)));
        assert.ok(!ds.some((d) => /trustedEndpoints differently/.test(d.message)), "the same value set twice is no disagreement");
    });
});
