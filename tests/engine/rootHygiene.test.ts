/**
 * CIS 1.3 (root access keys), CIS 1.5 (hardware root MFA) and centrally removed root credentials
 * through the engine protocol, against accounts and organizations on the local endpoint.
 */
import { strict as assert } from "node:assert";
import type { PolicyPackConfig } from "../harness/engine";
import { World, accountWithRole, diagnosticsOf, freshAccountId, member, organization, roleProvider, startWorld, stopWorld } from "../support/world";

const KEYS = "aws-root-no-access-keys";
const HARDWARE = "aws-root-hardware-mfa";
const REMOVED_POLICY = "aws-root-credentials-removed";
const DEFAULT_POLICIES = ["aws-root-mfa-enabled", "aws-root-credentials-centralized", KEYS, "aws-root-mfa-before-deploy"];

const CLEAN = { AccountMFAEnabled: 1, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 };
const REMOVED = { AccountMFAEnabled: 0, AccountPasswordPresent: 0, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 };
const WITH_KEYS = { ...CLEAN, AccountAccessKeysPresent: 1 };

const of = diagnosticsOf;

describe("root hygiene beyond CIS 1.4 through the engine protocol", function () {
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

    /** A GovCloud account with a deploy role the deployer may assume, and its provider. */
    function govAccount(summary: Record<string, number>): { accountId: string; provider: ReturnType<typeof roleProvider> } {
        const accountId = freshAccountId();
        world.fake.addAccount({ id: accountId, partition: "aws-us-gov", summary });
        const roleArn = world.fake.addRole(accountId, "Deploy", { trustedAccounts: [world.homeAccount] });
        return { accountId, provider: roleProvider("gov", roleArn, { region: "us-gov-west-1" }) };
    }

    it("declares the three policies with their defaults", async () => {
        const policies = new Map((await world.pack.getAnalyzerInfo()).policies.map((p) => [p.name, p]));
        const keys = policies.get(KEYS);
        assert.deepEqual([keys?.enforcementLevel, keys?.severity, keys?.framework?.reference], ["advisory", "critical", "1.3"]);
        const hardware = policies.get(HARDWARE);
        assert.deepEqual([hardware?.enforcementLevel, hardware?.framework?.reference], ["disabled", "1.5"]);
        assert.match(hardware?.description ?? "", /Level 2/);
        assert.equal(policies.get(REMOVED_POLICY)?.enforcementLevel, "disabled");
        for (const name of [KEYS, HARDWARE, REMOVED_POLICY]) {
            const p = policies.get(name);
            assert.ok(p?.configSchema && "exemptions" in p.configSchema.properties && "trustedEndpoints" in p.configSchema.properties, name);
            assert.ok(p.remediationSteps && p.url, name);
        }
    });

    describe(KEYS, () => {
        it("no root access keys: no finding", async () => {
            const a = accountWithRole(world, CLEAN);
            assert.deepEqual(await world.pack.analyzeStack([roleProvider("prod", a.roleArn)]), []);
        });

        it("root access keys: an advisory critical finding with evidence and console steps, from the summary already read", async () => {
            const a = accountWithRole(world, WITH_KEYS);
            const prod = roleProvider("prod", a.roleArn);
            const ds = await world.pack.analyzeStack([prod]);
            assert.deepEqual(ds.map((d) => d.policyName), [KEYS]);
            const d = ds[0];
            assert.equal(d.enforcementLevel, "advisory");
            assert.equal(d.severity, "critical");
            assert.equal(d.urn, prod.urn);
            assert.match(d.message, new RegExp(`Account ${a.accountId} \\(partition aws\\): the root user has access keys\\.`));
            assert.match(d.message, /provider "prod"/);
            assert.match(d.message, /AccountAccessKeysPresent=1/);
            assert.match(d.message, /CIS AWS Foundations Benchmark v5\.0\.0 1\.3; AWS Security Hub IAM\.4/);
            assert.match(d.message, /Security credentials, and under Access keys choose Actions → Delete/);
            assert.equal(world.fake.count("GetAccountSummary", a.accountId), 1);
            assert.equal(world.fake.count(undefined, a.accountId), 2, "GetAccountSummary and DescribeOrganization with the role's credentials, nothing more");
        });

        it("a summary without AccountAccessKeysPresent fails closed", async () => {
            const a = accountWithRole(world, { ...CLEAN, AccountAccessKeysPresent: undefined });
            const ds = of(await world.pack.analyzeStack([roleProvider("prod", a.roleArn)]), KEYS);
            assert.equal(ds.length, 1);
            assert.match(ds[0].message, /AccountAccessKeysPresent missing/);
        });

        it("an unreadable summary fails closed at this policy's level, saying what to grant", async () => {
            const a = accountWithRole(world, CLEAN);
            world.fake.deny(a.accountId, "iam:GetAccountSummary");
            const ds = of(await world.pack.analyzeStack([roleProvider("prod", a.roleArn)]), KEYS);
            assert.equal(ds.length, 1);
            assert.equal(ds[0].enforcementLevel, "advisory");
            assert.match(ds[0].message, new RegExp(`Account ${a.accountId}: root access keys could not be checked`));
            assert.match(ds[0].message, /grant iam:GetAccountSummary/);
        });

        it("a member of an organization that manages root credentials centrally is told to delete them centrally", async () => {
            const org = organization(world, { rootCredentialsManagement: true });
            const m = member(world, org.organizationId, { ...REMOVED, AccountAccessKeysPresent: 1 });
            const gone = member(world, org.organizationId, REMOVED);
            await world.pack.configure({ [KEYS]: { organizationRoleArn: org.orgRoleArn } });
            const ds = of(await world.pack.analyzeStack([roleProvider("m", m.roleArn), roleProvider("gone", gone.roleArn)]), KEYS);
            assert.equal(ds.length, 1);
            assert.match(ds[0].message, new RegExp(`organization ${org.organizationId} manages root credentials centrally`));
            assert.match(ds[0].message, new RegExp(`aws sts assume-root --target-principal ${m.accountId} .*IAMDeleteRootUserCredentials`));
        });

        it("GovCloud: its root user's access keys are a finding too, with steps that need no console", async () => {
            const gov = govAccount({ ...REMOVED, AccountAccessKeysPresent: 1 });
            const ds = await world.pack.analyzeStack([gov.provider]);
            assert.deepEqual(ds.map((d) => d.policyName), [KEYS]);
            assert.match(ds[0].message, /partition aws-us-gov/);
            assert.match(ds[0].message, /has no console access: with its own access keys/);
            assert.equal(world.fake.count("GetAccountSummary", gov.accountId), 1);
            assert.equal(world.fake.count("DescribeOrganization", gov.accountId), 0);
            const clean = govAccount(REMOVED);
            assert.deepEqual(await world.pack.analyzeStack([clean.provider]), []);
        });

        it("an exempt account is not reported by this policy", async () => {
            const a = accountWithRole(world, WITH_KEYS);
            await world.pack.configure({ [KEYS]: { exemptions: [{ accountId: a.accountId, reason: "keys being retired" }] } });
            assert.deepEqual(await world.pack.analyzeStack([roleProvider("prod", a.roleArn)]), []);
        });

        it("mandatory when configured so", async () => {
            const a = accountWithRole(world, WITH_KEYS);
            await world.pack.configure({ [KEYS]: { enforcementLevel: "mandatory" } });
            const ds = of(await world.pack.analyzeStack([roleProvider("prod", a.roleArn)]), KEYS);
            assert.equal(ds[0]?.enforcementLevel, "mandatory");
        });
    });

    describe(HARDWARE, () => {
        const enable = (extra: PolicyPackConfig[string] = {}): Promise<unknown> => world.pack.configure({ [HARDWARE]: { enforcementLevel: "mandatory", ...extra } });

        it("disabled by default: iam:ListVirtualMFADevices is never called", async () => {
            const a = accountWithRole(world, CLEAN);
            world.fake.addVirtualMfaDevice(a.accountId, { root: true });
            assert.deepEqual(await world.pack.analyzeStack([roleProvider("prod", a.roleArn)]), []);
            assert.equal(world.fake.count("ListVirtualMFADevices"), 0);
        });

        it("enabled: root MFA with no virtual device on root is compliant; IAM users' devices and a user named root do not count", async () => {
            const a = accountWithRole(world, CLEAN);
            world.fake.addUser(a.accountId, "alice");
            world.fake.addUser(a.accountId, "root");
            world.fake.addVirtualMfaDevice(a.accountId, { userName: "alice" });
            world.fake.addVirtualMfaDevice(a.accountId, { userName: "root", name: "root-account-mfa-device" });
            await enable();
            assert.deepEqual(await world.pack.analyzeStack([roleProvider("prod", a.roleArn), roleProvider("again", a.roleArn, { region: "eu-west-1" })]), []);
            assert.equal(world.fake.count("ListVirtualMFADevices", a.accountId), 1, "read once per account and run");
            const call = world.fake.calls.find((c) => c.action === "ListVirtualMFADevices" && c.accountId === a.accountId);
            assert.equal(call?.params.AssignmentStatus, "Assigned");
        });

        it("enabled: a virtual device on root, on the second page, is a finding naming it", async () => {
            const a = accountWithRole(world, CLEAN);
            for (let i = 0; i < 1000; i++) {
                world.fake.addUser(a.accountId, `u${i}`);
                world.fake.addVirtualMfaDevice(a.accountId, { userName: `u${i}` });
            }
            const serial = world.fake.addVirtualMfaDevice(a.accountId, { root: true, name: "root-phone" });
            await enable();
            const prod = roleProvider("prod", a.roleArn);
            const ds = of(await world.pack.analyzeStack([prod]), HARDWARE);
            assert.equal(ds.length, 1);
            assert.equal(ds[0].enforcementLevel, "mandatory");
            assert.equal(ds[0].urn, prod.urn);
            assert.match(ds[0].message, new RegExp(`Account ${a.accountId} \\(partition aws\\): root MFA is enabled, but with a virtual MFA device \\(${serial.replace(/[/]/g, "\\/")}\\)`));
            assert.match(ds[0].message, new RegExp(`assigned to arn:aws:iam::${a.accountId}:root`));
            assert.match(ds[0].message, /AWS Security Hub IAM\.6/);
            assert.match(ds[0].message, /remove every virtual MFA device/);
            assert.equal(world.fake.count("ListVirtualMFADevices", a.accountId), 2);
        });

        it("enabled: no root MFA at all is a finding, without listing devices", async () => {
            const a = accountWithRole(world, { ...CLEAN, AccountMFAEnabled: 0 });
            await enable();
            const ds = of(await world.pack.analyzeStack([roleProvider("prod", a.roleArn)]), HARDWARE);
            assert.equal(ds.length, 1);
            assert.match(ds[0].message, /root MFA is not enabled, so the root user has no hardware MFA device/);
            assert.equal(world.fake.count("ListVirtualMFADevices", a.accountId), 0);
        });

        it("enabled: a device list that cannot be read fails closed, saying what to grant", async () => {
            const a = accountWithRole(world, CLEAN);
            world.fake.deny(a.accountId, "iam:ListVirtualMFADevices");
            await enable({ enforcementLevel: "advisory" });
            const ds = of(await world.pack.analyzeStack([roleProvider("prod", a.roleArn)]), HARDWARE);
            assert.equal(ds.length, 1);
            assert.equal(ds[0].enforcementLevel, "advisory");
            assert.match(ds[0].message, /hardware root MFA could not be checked/);
            assert.match(ds[0].message, /grant iam:ListVirtualMFADevices/);
        });

        it("enabled: a second page that fails fails the whole list", async () => {
            const a = accountWithRole(world, CLEAN);
            for (let i = 0; i < 1001; i++) {
                world.fake.addUser(a.accountId, `p${i}`);
                world.fake.addVirtualMfaDevice(a.accountId, { userName: `p${i}` });
            }
            world.fake.fault({ action: "ListVirtualMFADevices", accountId: a.accountId, kind: "malformed", after: 1 });
            await enable();
            const ds = of(await world.pack.analyzeStack([roleProvider("prod", a.roleArn)]), HARDWARE);
            assert.equal(ds.length, 1);
            assert.match(ds[0].message, /hardware root MFA could not be checked/);
            assert.match(ds[0].message, /the answer to iam:ListVirtualMFADevices could not be read as an AWS response/);
            assert.equal(world.fake.count("ListVirtualMFADevices", a.accountId), 2, "the first page was read, the second failed");
        });

        it("enabled: a member whose root credentials were removed centrally is compliant, with no device list read", async () => {
            const org = organization(world, { rootCredentialsManagement: true });
            const m = member(world, org.organizationId, REMOVED);
            await enable({ organizationRoleArn: org.orgRoleArn });
            assert.deepEqual(of(await world.pack.analyzeStack([roleProvider("m", m.roleArn)]), HARDWARE), []);
            assert.equal(world.fake.count("ListVirtualMFADevices", m.accountId), 0);
        });

        it("enabled: GovCloud is not applicable and nothing is listed", async () => {
            const gov = govAccount({ ...REMOVED, AccountPasswordPresent: 1 });
            await enable();
            assert.deepEqual(of(await world.pack.analyzeStack([gov.provider]), HARDWARE), []);
            assert.equal(world.fake.count("ListVirtualMFADevices", gov.accountId), 0);
        });

        it("enabled: an exempt account is neither listed nor reported", async () => {
            const a = accountWithRole(world, CLEAN);
            world.fake.addVirtualMfaDevice(a.accountId, { root: true });
            await enable({ exemptions: [{ accountId: a.accountId, reason: "hardware key on order" }] });
            assert.deepEqual(of(await world.pack.analyzeStack([roleProvider("prod", a.roleArn)]), HARDWARE), []);
            assert.equal(world.fake.count("ListVirtualMFADevices", a.accountId), 0);
        });
    });

    describe(REMOVED_POLICY, () => {
        const enable = (organizationRoleArn?: string): Promise<unknown> =>
            world.pack.configure({ [REMOVED_POLICY]: { enforcementLevel: "advisory", ...(organizationRoleArn ? { organizationRoleArn } : {}) } });

        it("disabled by default: a member with root MFA and a password, feature on, is no finding of any default policy", async () => {
            const org = organization(world, { rootCredentialsManagement: true });
            const m = member(world, org.organizationId, CLEAN);
            await world.pack.configure(Object.fromEntries(DEFAULT_POLICIES.map((p) => [p, { organizationRoleArn: org.orgRoleArn }])));
            assert.deepEqual(await world.pack.analyzeStack([roleProvider("m", m.roleArn)]), []);
        });

        it("enabled: credentials left in a covered member are a finding naming them, with the central deletion steps", async () => {
            const org = organization(world, { rootCredentialsManagement: true });
            const m = member(world, org.organizationId, { ...CLEAN, AccountSigningCertificatesPresent: 1 });
            await enable(org.orgRoleArn);
            const ds = of(await world.pack.analyzeStack([roleProvider("m", m.roleArn)]), REMOVED_POLICY);
            assert.equal(ds.length, 1);
            assert.match(ds[0].message, new RegExp(`Account ${m.accountId} \\(member of organization ${org.organizationId}\\): centralized root access \\(RootCredentialsManagement\\) is enabled, but this member still has root password, root signing certificates\\.`));
            assert.match(ds[0].message, /AccountPasswordPresent=1, AccountAccessKeysPresent=0, AccountSigningCertificatesPresent=1/);
            assert.match(ds[0].message, /EnabledFeatures=\[RootCredentialsManagement\]/);
            assert.match(ds[0].message, /IAMDeleteRootUserCredentials/);
        });

        it("enabled: nothing left, or the feature off, is no finding", async () => {
            const on = organization(world, { rootCredentialsManagement: true });
            const offOrg = organization(world, { rootCredentialsManagement: false });
            const clean = member(world, on.organizationId, REMOVED);
            const notCovered = member(world, offOrg.organizationId, CLEAN);
            await world.pack.configure({ [REMOVED_POLICY]: { enforcementLevel: "advisory", organizationRoleArn: { [on.organizationId]: on.orgRoleArn, [offOrg.organizationId]: offOrg.orgRoleArn } } });
            assert.deepEqual(of(await world.pack.analyzeStack([roleProvider("a", clean.roleArn), roleProvider("b", notCovered.roleArn)]), REMOVED_POLICY), []);
        });

        it("enabled: when the feature cannot be confirmed, credentials left fail closed and the message says what to configure", async () => {
            const org = organization(world, { rootCredentialsManagement: true });
            const m = member(world, org.organizationId, CLEAN);
            await enable();
            const ds = of(await world.pack.analyzeStack([roleProvider("m", m.roleArn)]), REMOVED_POLICY);
            assert.equal(ds.length, 1);
            assert.match(ds[0].message, /could not be confirmed, so this policy fails closed/);
            assert.match(ds[0].message, /set organizationRoleArn in the policy config/);
        });

        it("enabled: an unreadable organization fails closed", async () => {
            const org = organization(world, { rootCredentialsManagement: true });
            const m = member(world, org.organizationId, REMOVED);
            world.fake.deny(m.accountId, "organizations:DescribeOrganization");
            await enable(org.orgRoleArn);
            const ds = of(await world.pack.analyzeStack([roleProvider("m", m.roleArn)]), REMOVED_POLICY);
            assert.equal(ds.length, 1);
            assert.match(ds[0].message, /centrally managed root credentials could not be checked/);
            assert.match(ds[0].message, /grant organizations:DescribeOrganization/);
        });

        it("enabled: GovCloud is not applicable", async () => {
            const gov = govAccount({ ...CLEAN });
            await enable();
            assert.deepEqual(of(await world.pack.analyzeStack([gov.provider]), REMOVED_POLICY), []);
        });
    });

    describe("calls per account", () => {
        it("default policies: AssumeRole, then GetAccountSummary and DescribeOrganization; aws-root-hardware-mfa enabled adds one list", async () => {
            const org = organization(world, { rootCredentialsManagement: true });
            const members = Array.from({ length: 5 }, () => member(world, org.organizationId, CLEAN));
            const providers = members.map((m, i) => roleProvider(`m${i}`, m.roleArn));
            await world.pack.configure(Object.fromEntries(DEFAULT_POLICIES.map((p) => [p, { organizationRoleArn: org.orgRoleArn }])));
            assert.deepEqual(await world.pack.analyzeStack(providers), []);
            const assumed = (accountId: string) => world.fake.calls.filter((c) => c.action === "AssumeRole" && c.params.RoleArn === `arn:aws:iam::${accountId}:role/Deploy`).length;
            for (const m of members) {
                assert.equal(assumed(m.accountId), 1);
                assert.equal(world.fake.count(undefined, m.accountId), 2, "GetAccountSummary and DescribeOrganization");
            }
            await world.pack.configure({ ...Object.fromEntries(DEFAULT_POLICIES.map((p) => [p, { organizationRoleArn: org.orgRoleArn }])), [HARDWARE]: { enforcementLevel: "advisory", organizationRoleArn: org.orgRoleArn } });
            assert.deepEqual(await world.pack.analyzeStack(providers), []);
            for (const m of members) {
                assert.equal(assumed(m.accountId), 2);
                assert.equal(world.fake.count(undefined, m.accountId), 5, "a second run reads afresh: the same 2, plus one ListVirtualMFADevices");
                assert.equal(world.fake.count("ListVirtualMFADevices", m.accountId), 1);
            }
        });
    });
});
