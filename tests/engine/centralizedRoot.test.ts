/**
 * Centralized root access through the engine protocol: both policies against organizations on the
 * local endpoint.
 */
import { strict as assert } from "node:assert";
import { World, accountWithRole, diagnosticsOf, freshAccountId, member, organization, roleProvider, startWorld, stopWorld } from "../support/world";

const MFA = "aws-root-mfa-enabled";
const CENTRAL = "aws-root-credentials-centralized";
const REMOVED = { AccountMFAEnabled: 0, AccountPasswordPresent: 0, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 };
const NO_PASSWORD = REMOVED;
const PASSWORD_NO_MFA = { AccountMFAEnabled: 0, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 };

const of = diagnosticsOf;

describe("centralized root access through the engine protocol", function () {
    this.timeout(60_000);
    let world: World;

    before(async () => {
        world = await startWorld({ tls: true });
    });
    after(async () => {
        await stopWorld(world);
    });

    async function configureRole(organizationRoleArn: unknown): Promise<void> {
        await world.pack.configure(organizationRoleArn === undefined ? {} : { [MFA]: { organizationRoleArn }, [CENTRAL]: { organizationRoleArn } });
    }

    it("declares the policy: advisory, high, CIS 5.0.0 1.4", async () => {
        const p = (await world.pack.getAnalyzerInfo()).policies.find((x) => x.name === CENTRAL);
        assert.ok(p);
        assert.equal(p.enforcementLevel, "advisory");
        assert.equal(p.severity, "high");
        assert.equal(p.framework?.reference, "1.4");
        assert.ok(p.configSchema && "organizationRoleArn" in p.configSchema.properties);
    });

    it("member with the feature on and root credentials removed: no violation from either policy", async () => {
        const org = organization(world, { rootCredentialsManagement: true });
        const m = member(world, org.organizationId, REMOVED);
        await configureRole(org.orgRoleArn);
        const ds = await world.pack.analyzeStack([roleProvider("member", m.roleArn)]);
        assert.deepEqual(ds, []);
    });

    it("member without the feature and no password: the centralized policy only, with the fix", async () => {
        const org = organization(world, { rootCredentialsManagement: false });
        const m = member(world, org.organizationId, NO_PASSWORD);
        await configureRole(org.orgRoleArn);
        const ds = await world.pack.analyzeStack([roleProvider("member", m.roleArn)]);
        assert.deepEqual(of(ds, MFA), []);
        const c = of(ds, CENTRAL);
        assert.equal(c.length, 1);
        assert.equal(c[0].enforcementLevel, "advisory");
        assert.match(c[0].message, new RegExp(`Account ${m.accountId} \\(member of organization ${org.organizationId}\\)`));
        assert.match(c[0].message, /forgot password/);
        assert.match(c[0].message, /EnabledFeatures=\[\]/);
        assert.match(c[0].message, /Root access management → Enable/);
    });

    it("feature on but a root password still present: 1.4 violates and offers central deletion; the member is covered, so the centralized policy is silent", async () => {
        const org = organization(world, { rootCredentialsManagement: true });
        const m = member(world, org.organizationId, PASSWORD_NO_MFA);
        await configureRole(org.orgRoleArn);
        const ds = await world.pack.analyzeStack([roleProvider("member", m.roleArn)]);
        const mfa = of(ds, MFA);
        assert.equal(mfa.length, 1);
        assert.match(mfa[0].message, /Alternative: organization .* manages root credentials centrally/);
        assert.match(mfa[0].message, new RegExp(`aws sts assume-root --target-principal ${m.accountId}`));
        assert.deepEqual(of(ds, CENTRAL), []);
    });

    it("feature on, a member with root MFA and a password: no finding from the default policies", async () => {
        const org = organization(world, { rootCredentialsManagement: true });
        const m = member(world, org.organizationId, { ...PASSWORD_NO_MFA, AccountMFAEnabled: 1 });
        await configureRole(org.orgRoleArn);
        assert.deepEqual(await world.pack.analyzeStack([roleProvider("member", m.roleArn)]), []);
    });

    it("the management account is never covered: without MFA it is told so", async () => {
        const org = organization(world, { rootCredentialsManagement: true, managementSummary: NO_PASSWORD });
        const deploy = world.fake.addRole(org.managementAccountId, "Deploy", { trustedAccounts: [world.homeAccount] });
        await configureRole(undefined);
        const ds = await world.pack.analyzeStack([roleProvider("management", deploy)]);
        assert.deepEqual(of(ds, MFA), [], "no password passes the CIS audit");
        const c = of(ds, CENTRAL);
        assert.equal(c.length, 1);
        assert.match(c[0].message, /is the management account of organization .*never covers the management account/);
    });

    it("a delegated-admin target reads the features itself, with no role configured", async () => {
        const adminId = freshAccountId();
        const org = organization(world, { rootCredentialsManagement: true, delegatedAdmins: [adminId] });
        const admin = member(world, org.organizationId, REMOVED, adminId);
        await configureRole(undefined);
        const ds = await world.pack.analyzeStack([roleProvider("admin", admin.roleArn)]);
        assert.deepEqual(ds, []);
        const calls = world.fake.calls.filter((c) => c.action === "ListOrganizationsFeatures" && c.accountId === admin.accountId);
        assert.equal(calls.length, 1);
    });

    it("when the stack also deploys into the management account, the features are read there, with no role", async () => {
        const org = organization(world, { rootCredentialsManagement: true });
        const deploy = world.fake.addRole(org.managementAccountId, "Deploy", { trustedAccounts: [world.homeAccount] });
        const m = member(world, org.organizationId, REMOVED);
        await configureRole(undefined);
        const ds = await world.pack.analyzeStack([roleProvider("member", m.roleArn), roleProvider("management", deploy)]);
        assert.deepEqual(ds, []);
        assert.equal(world.fake.count("ListOrganizationsFeatures", org.managementAccountId), 1);
        assert.equal(world.fake.count("ListOrganizationsFeatures", m.accountId), 0);
    });

    it("no organizationRoleArn: the member's recoverable root is reported as not confirmed, saying what to configure", async () => {
        const org = organization(world, { rootCredentialsManagement: true });
        const m = member(world, org.organizationId, NO_PASSWORD);
        await configureRole(undefined);
        const c = of(await world.pack.analyzeStack([roleProvider("member", m.roleArn)]), CENTRAL);
        assert.equal(c.length, 1);
        assert.match(c[0].message, /is not confirmed for the organization/);
        assert.match(c[0].message, /no organizationRoleArn is configured/);
        assert.match(c[0].message, /set organizationRoleArn in the policy config/);
    });

    it("a role that cannot be assumed: says which role and what to allow", async () => {
        const org = organization(world, { rootCredentialsManagement: true });
        const locked = world.fake.addRole(org.managementAccountId, "Locked", { trustedAccounts: [org.managementAccountId] });
        const m = member(world, org.organizationId, NO_PASSWORD);
        await configureRole(locked);
        const c = of(await world.pack.analyzeStack([roleProvider("member", m.roleArn)]), CENTRAL);
        assert.equal(c.length, 1);
        assert.match(c[0].message, /iam:ListOrganizationsFeatures could not be read \(AccessDenied/);
        assert.match(c[0].message, new RegExp(`allow the caller sts:AssumeRole on ${locked.replace(/[/]/g, "\\/")}`));
    });

    it("an organization without all features cannot have centralized root access", async () => {
        const org = organization(world, { featureSet: "CONSOLIDATED_BILLING" });
        const m = member(world, org.organizationId, NO_PASSWORD);
        await configureRole(org.orgRoleArn);
        const c = of(await world.pack.analyzeStack([roleProvider("member", m.roleArn)]), CENTRAL);
        assert.equal(c.length, 1);
        assert.match(c[0].message, /is not enabled for the organization/);
        assert.match(c[0].message, /does not have all features enabled/);
    });

    it("two organizations, each read through its own role from the map", async () => {
        const on = organization(world, { rootCredentialsManagement: true });
        const off = organization(world, { rootCredentialsManagement: false });
        const a = member(world, on.organizationId, REMOVED);
        const b = member(world, off.organizationId, NO_PASSWORD);
        await configureRole({ [on.organizationId]: on.orgRoleArn, [off.organizationId]: off.orgRoleArn });
        const ds = await world.pack.analyzeStack([roleProvider("a", a.roleArn), roleProvider("b", b.roleArn)]);
        assert.deepEqual(of(ds, MFA), []);
        const c = of(ds, CENTRAL);
        assert.equal(c.length, 1);
        assert.match(c[0].message, new RegExp(`Account ${b.accountId}`));
        assert.equal(world.fake.count("ListOrganizationsFeatures", on.managementAccountId), 1);
        assert.equal(world.fake.count("ListOrganizationsFeatures", off.managementAccountId), 1);
    });

    it("30 member accounts of one organization: ListOrganizationsFeatures is called once", async () => {
        const org = organization(world, { rootCredentialsManagement: false });
        const members = Array.from({ length: 30 }, () => member(world, org.organizationId, NO_PASSWORD));
        await configureRole(org.orgRoleArn);
        const ds = await world.pack.analyzeStack(members.map((m, i) => roleProvider(`m${i}`, m.roleArn)));
        assert.equal(of(ds, CENTRAL).length, 30);
        assert.equal(world.fake.count("ListOrganizationsFeatures", org.managementAccountId), 1);
    });

    it("a standalone account is not this policy's business", async () => {
        const s = accountWithRole(world, NO_PASSWORD);
        await configureRole(undefined);
        const ds = await world.pack.analyzeStack([roleProvider("solo", s.roleArn)]);
        assert.deepEqual(ds, []);
        assert.equal(world.fake.count("ListOrganizationsFeatures", s.accountId), 0);
    });

    it("DescribeOrganization denied: the centralized policy fails closed at its own level", async () => {
        const org = organization(world, { rootCredentialsManagement: true });
        const m = member(world, org.organizationId, REMOVED);
        world.fake.deny(m.accountId, "organizations:DescribeOrganization");
        await configureRole(org.orgRoleArn);
        const ds = await world.pack.analyzeStack([roleProvider("member", m.roleArn)]);
        assert.deepEqual(of(ds, MFA), []);
        const c = of(ds, CENTRAL);
        assert.equal(c.length, 1);
        assert.equal(c[0].enforcementLevel, "advisory");
        assert.match(c[0].message, /centralized root access could not be checked/);
        assert.match(c[0].message, /grant organizations:DescribeOrganization/);
    });
});
