/**
 * A test world: the local AWS-compatible endpoint plus the pack started as the CLI starts it,
 * pointed at that endpoint through the standard AWS SDK environment only.
 */
import * as path from "node:path";
import { FakeAws } from "../fake-aws";
import { Diagnostic, PackProcess, PolicyPackConfig, StackResource, providerResource, startPack } from "../harness/engine";

/** The repository root: the pack's directory. */
export const PACK_DIR = path.resolve(__dirname, "../..");

let nextAccount = 0;

/** A 12-digit account id no other test in this process uses (caches in the pack never collide). */
export function freshAccountId(): string {
    nextAccount += 1;
    return String(400000000000 + process.pid * 1000 + nextAccount).slice(-12).padStart(12, "4");
}

/** The environment that points the AWS SDK at the local endpoint and nowhere else. */
export function awsEnv(fake: FakeAws, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return {
        AWS_ENDPOINT_URL: fake.url,
        AWS_REGION: "us-east-1",
        AWS_DEFAULT_REGION: undefined,
        AWS_PROFILE: undefined,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SESSION_TOKEN: undefined,
        AWS_CONFIG_FILE: "/nonexistent/aws-root-mfa-test/config",
        AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-root-mfa-test/credentials",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
        AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
        AWS_ROLE_ARN: undefined,
        // The machine's network settings stay out unless a test sets them.
        HTTP_PROXY: undefined,
        http_proxy: undefined,
        HTTPS_PROXY: undefined,
        https_proxy: undefined,
        NO_PROXY: undefined,
        no_proxy: undefined,
        AWS_CA_BUNDLE: undefined,
        AWS_USE_FIPS_ENDPOINT: undefined,
        AWS_USE_DUALSTACK_ENDPOINT: undefined,
        ...extra,
    };
}

/** The fake endpoint with one deployer identity in a home account, and the pack using it. */
export interface World {
    fake: FakeAws;
    pack: PackProcess;
    homeAccount: string;
    deployer: { accessKeyId: string; secretAccessKey: string };
}

/** Starts the fake endpoint and the pack; the deployer's keys are the pack's environment credentials. */
export async function startWorld(opts: { dryRun?: boolean; env?: Record<string, string | undefined>; tls?: boolean } = {}): Promise<World> {
    const fake = await FakeAws.start({ tls: opts.tls });
    const homeAccount = freshAccountId();
    fake.addAccount({ id: homeAccount, summary: { AccountMFAEnabled: 1, AccountPasswordPresent: 1 } });
    const deployer = fake.addUser(homeAccount, "deployer");
    const pack = await trustingFake(await startPack({
        packDir: PACK_DIR,
        dryRun: opts.dryRun ?? true,
        env: awsEnv(fake, { AWS_ACCESS_KEY_ID: deployer.accessKeyId, AWS_SECRET_ACCESS_KEY: deployer.secretAccessKey, ...opts.env }),
    }), fake);
    return { fake, pack, homeAccount, deployer };
}

/**
 * The pack, configured the way an administrator runs it against a private endpoint: every policy
 * lists the local endpoint in `trustedEndpoints`, and an https endpoint's CA in `trustedCaBundles`
 * (unless a test's own config sets that property), here and in every later `configure`.
 */
export async function trustingFake(pack: PackProcess, fake: FakeAws): Promise<PackProcess> {
    const policies = (await pack.getAnalyzerInfo()).policies.map((p) => p.name);
    const configure = pack.configure.bind(pack);
    pack.configure = (config: PolicyPackConfig) => {
        const trusted: PolicyPackConfig = { ...config };
        for (const policy of policies) {
            trusted[policy] = { trustedEndpoints: [fake.url], ...(fake.caFile ? { trustedCaBundles: [fake.caFile] } : {}), ...config[policy] };
        }
        return configure(trusted);
    };
    await pack.configure({});
    return pack;
}

/** Stops the pack and the endpoint. */
export async function stopWorld(world: World | undefined): Promise<void> {
    await world?.pack.close();
    await world?.fake.close();
}

/** An account with the given root posture and a role the deployer may assume into it. */
export function accountWithRole(world: World, summary: Record<string, number | undefined>, opts: { externalId?: string; partition?: "aws" | "aws-us-gov" | "aws-cn" } = {}): { accountId: string; roleArn: string } {
    const accountId = freshAccountId();
    world.fake.addAccount({ id: accountId, summary, partition: opts.partition });
    const roleArn = world.fake.addRole(accountId, "Deploy", { trustedAccounts: [world.homeAccount], externalId: opts.externalId });
    return { accountId, roleArn };
}

let nextOrganization = 0;

/** An organization id no other test in this process uses. */
export function freshOrganizationId(): string {
    nextOrganization += 1;
    return `o-${(process.pid * 1000 + nextOrganization).toString(36).padStart(10, "0")}`;
}

/**
 * An organization whose management account holds `OrgRead`, a role the deployer may assume to read
 * iam:ListOrganizationsFeatures.
 */
export function organization(world: World, opts: { rootCredentialsManagement?: boolean; featureSet?: "ALL" | "CONSOLIDATED_BILLING"; iamTrustedAccess?: boolean; delegatedAdmins?: string[]; managementSummary?: Record<string, number | undefined> } = {}): { organizationId: string; managementAccountId: string; orgRoleArn: string } {
    const organizationId = freshOrganizationId();
    const managementAccountId = freshAccountId();
    world.fake.addAccount({ id: managementAccountId, organizationId, summary: opts.managementSummary ?? { AccountMFAEnabled: 1, AccountPasswordPresent: 1 } });
    world.fake.addOrganization({
        id: organizationId,
        managementAccountId,
        featureSet: opts.featureSet,
        iamTrustedAccess: opts.iamTrustedAccess,
        rootCredentialsManagement: opts.rootCredentialsManagement,
        iamDelegatedAdministrators: opts.delegatedAdmins,
    });
    const orgRoleArn = world.fake.addRole(managementAccountId, "OrgRead", { trustedAccounts: [world.homeAccount] });
    return { organizationId, managementAccountId, orgRoleArn };
}

/** A member account of `organizationId` with a deploy role the deployer may assume. */
export function member(world: World, organizationId: string, summary: Record<string, number | undefined>, accountId: string = freshAccountId()): { accountId: string; roleArn: string } {
    world.fake.addAccount({ id: accountId, organizationId, summary });
    const roleArn = world.fake.addRole(accountId, "Deploy", { trustedAccounts: [world.homeAccount] });
    return { accountId, roleArn };
}

/** An explicit AWS provider that assumes these roles in order, shaped as pulumi-aws sends it. */
export function roleProvider(name: string, roleArns: string | string[], extra: Record<string, unknown> = {}): StackResource {
    return providerResource(name, {
        region: "us-east-1",
        assumeRoles: JSON.stringify((Array.isArray(roleArns) ? roleArns : [roleArns]).map((roleArn) => ({ roleArn, sessionName: "deploy" }))),
        skipCredentialsValidation: "false",
        ...extra,
    });
}

/** The diagnostics of one policy. */
export function diagnosticsOf(ds: Diagnostic[], policy: string): Diagnostic[] {
    return ds.filter((d) => d.policyName === policy);
}
