/**
 * Unknown provider inputs: in preview only an input that decides the account (credentials,
 * profile, roles, region) makes an account unknown; in an update every input is known before a
 * provider is used, so any unknown input fails closed at the policy's level — never an advisory
 * "can't run during preview".
 */
import { strict as assert } from "node:assert";
import { UNKNOWN, resourceUsing } from "../harness/engine";
import { World, accountWithRole, diagnosticsOf, roleProvider, startWorld, stopWorld } from "../support/world";

const MFA = "aws-root-mfa-enabled";
const GATE = "aws-root-mfa-before-deploy";
const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1 };
const COMPLIANT = { AccountMFAEnabled: 1, AccountPasswordPresent: 1 };

describe("unknown provider inputs through the engine protocol", function () {
    this.timeout(60_000);

    describe("in an update", () => {
        let world: World;
        before(async () => {
            world = await startWorld({ dryRun: false });
        });
        after(async () => {
            await stopWorld(world);
        });

        for (const input of ["noProxy", "httpsProxy", "region", "assumeRoles"]) {
            it(`an unknown ${input} fails closed, mandatory, in the gate and in the stack policy, with no AWS call`, async () => {
                const a = accountWithRole(world, COMPLIANT);
                const p = roleProvider(`unknown-${input}`, a.roleArn, { [input]: UNKNOWN });
                const before = world.fake.calls.length;
                const gate = diagnosticsOf(await world.pack.analyze(p), GATE);
                assert.equal(gate.length, 1, JSON.stringify(gate));
                assert.equal(gate[0].enforcementLevel, "mandatory");
                assert.equal(gate[0].urn, p.urn);
                assert.match(gate[0].message, new RegExp(`input "${input}" is unknown in an update.*the policy fails closed`));
                assert.doesNotMatch(gate[0].message, /during preview/);
                const stack = diagnosticsOf(await world.pack.analyzeStack([p, resourceUsing(p, "bucket")]), MFA);
                assert.equal(stack.length, 1, JSON.stringify(stack));
                assert.equal(stack[0].enforcementLevel, "mandatory");
                assert.match(stack[0].message, new RegExp(`provider "unknown-${input}" was not checked: its input "${input}" is unknown in an update`));
                assert.equal(world.fake.calls.length, before, "a provider with an unknown input is not used");
            });
        }
    });

    describe("in preview", () => {
        let world: World;
        before(async () => {
            world = await startWorld({ dryRun: true });
        });
        after(async () => {
            await stopWorld(world);
        });

        it("an unknown noProxy (an input that does not decide the account) does not stop the check: the account is read and reported", async () => {
            const a = accountWithRole(world, NONCOMPLIANT);
            const p = roleProvider("proxy-later", a.roleArn, { noProxy: UNKNOWN, httpProxy: UNKNOWN });
            const ds = diagnosticsOf(await world.pack.analyzeStack([p]), MFA);
            assert.equal(ds.length, 1, JSON.stringify(ds));
            assert.equal(ds[0].enforcementLevel, "mandatory");
            assert.match(ds[0].message, new RegExp(`Account ${a.accountId} \\(partition aws\\): root MFA is not enabled`));
        });

        for (const input of ["assumeRoles", "profile", "accessKey", "region"]) {
            it(`an unknown ${input} (an input that decides the account) makes that account unknown: advisory, after every other account`, async () => {
                const a = accountWithRole(world, NONCOMPLIANT);
                const known = roleProvider("known", a.roleArn);
                const later = roleProvider(`later-${input}`, a.roleArn, { [input]: UNKNOWN });
                const ds = diagnosticsOf(await world.pack.analyzeStack([known, later]), MFA);
                assert.equal(ds.length, 2, JSON.stringify(ds));
                assert.equal(ds.find((d) => d.urn === known.urn)?.enforcementLevel, "mandatory");
                const preview = ds.find((d) => d.urn !== known.urn);
                assert.equal(preview?.enforcementLevel, "advisory");
                assert.match(preview?.message ?? "", new RegExp(`provider "later-${input}" \\(input "${input}"\\)`));
            });
        }
    });
});
