import assert from "node:assert/strict";
import {
    type AccessKeyMetadata,
    DeactivateMFADeviceCommand,
    DeleteAccessKeyCommand,
    DeleteLoginProfileCommand,
    DeleteSigningCertificateCommand,
    EnableOrganizationsRootCredentialsManagementCommand,
    EnableOrganizationsRootSessionsCommand,
    GetAccountSummaryCommand,
    GetLoginProfileCommand,
    IAMClient,
    ListAccessKeysCommand,
    ListMFADevicesCommand,
    ListOrganizationsFeaturesCommand,
    ListSigningCertificatesCommand,
    ListVirtualMFADevicesCommand,
    paginateListAccessKeys,
} from "@aws-sdk/client-iam";
import { DescribeOrganizationCommand, ListAccountsCommand, OrganizationsClient, paginateListAccounts } from "@aws-sdk/client-organizations";
import { AssumeRootCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { FakeAws, type FakeAccountSpec, type FakeCredentials, type FakeOrganization } from "./fake-aws";

// The SDK warns once per process on Node < 22; the pack silences it the same way.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const MGMT = "111111111111";
const ADMIN = "222222222222";
const MEMBER = "333333333333";
const OUTSIDER = "444444444444";
const ORG = "o-abcdef1234";
const AUDIT = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials";
const DELETE = "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials";

/** What the SDK's service exceptions carry that these tests look at. */
interface SdkError {
    name: string;
    message: string;
    Reason?: string;
    $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** The rejection of `promise` (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<SdkError> {
    try {
        await promise;
    } catch (e) {
        return e as SdkError;
    }
    return assert.fail("expected the call to fail");
}

describe("fake-aws: Organizations ListAccounts, sts:AssumeRoot and the root user's credentials", function () {
    let aws: FakeAws;
    let clients: Array<{ destroy(): void }> = [];

    before(async () => {
        aws = await FakeAws.start();
    });
    after(() => aws.close());
    beforeEach(() => aws.reset());
    afterEach(() => {
        for (const client of clients) client.destroy();
        clients = [];
    });

    /** Client config against the fake; one attempt unless a test asks for retries. */
    function config(credentials: FakeCredentials, maxAttempts = 1) {
        return { endpoint: aws.url, region: "us-east-1", credentials, maxAttempts };
    }
    function track<T extends { destroy(): void }>(client: T): T {
        clients.push(client);
        return client;
    }
    const sts = (credentials: FakeCredentials, maxAttempts?: number) => track(new STSClient(config(credentials, maxAttempts)));
    const iam = (credentials: FakeCredentials, maxAttempts?: number) => track(new IAMClient(config(credentials, maxAttempts)));
    const orgs = (credentials: FakeCredentials, maxAttempts?: number) => track(new OrganizationsClient(config(credentials, maxAttempts)));

    /**
     * Organization ORG: management account MGMT, IAM delegated administrator ADMIN, member MEMBER
     * (with `member` merged into its spec), RootSessions on unless `org` says otherwise. Returns a
     * user's keys in each account.
     */
    function organization(org: Partial<FakeOrganization> = {}, member: Omit<FakeAccountSpec, "id"> = {}) {
        aws.addAccount({ id: MGMT });
        aws.addAccount({ id: ADMIN, organizationId: ORG });
        aws.addAccount({ id: MEMBER, organizationId: ORG, ...member });
        aws.addOrganization({ id: ORG, managementAccountId: MGMT, rootSessions: true, iamDelegatedAdministrators: [ADMIN], ...org });
        return { mgmt: aws.addUser(MGMT, "ops"), admin: aws.addUser(ADMIN, "ops"), member: aws.addUser(MEMBER, "dev") };
    }

    /** Credentials of an AssumeRoot session on `target`, asked for with `keys`. */
    async function rootSession(keys: FakeCredentials, target: string, taskPolicyArn: string): Promise<FakeCredentials> {
        const out = await sts(keys).send(new AssumeRootCommand({ TargetPrincipal: target, TaskPolicyArn: { arn: taskPolicyArn } }));
        const c = out.Credentials;
        assert.ok(c?.AccessKeyId && c.SecretAccessKey && c.SessionToken);
        return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    }

    /** The SummaryMap's root credential flags, as the root user's audit session reads them. */
    async function rootFlags(audit: FakeCredentials): Promise<Record<string, number | undefined>> {
        const map = (await iam(audit).send(new GetAccountSummaryCommand({}))).SummaryMap ?? {};
        return {
            AccountMFAEnabled: map.AccountMFAEnabled,
            AccountPasswordPresent: map.AccountPasswordPresent,
            AccountAccessKeysPresent: map.AccountAccessKeysPresent,
            AccountSigningCertificatesPresent: map.AccountSigningCertificatesPresent,
        };
    }

    describe("organizations:ListAccounts", () => {
        it("lists every account of the organization, the management account included, with AWS's fields", async () => {
            aws.addAccount({ id: MGMT, name: "Management", email: "root@example.org" });
            aws.addAccount({ id: MEMBER, organizationId: ORG, name: "Workloads", email: "workloads@example.org" });
            aws.addOrganization({ id: ORG, managementAccountId: MGMT });
            aws.addAccount({ id: ADMIN, organizationId: ORG });
            aws.addAccount({ id: OUTSIDER });
            const keys = aws.addUser(MGMT);

            const out = await orgs(keys).send(new ListAccountsCommand({}));
            assert.equal(out.NextToken, undefined);
            const accounts = out.Accounts ?? [];
            assert.ok(accounts.every((a) => a.JoinedTimestamp instanceof Date && Math.abs(a.JoinedTimestamp.getTime() - Date.now()) < 60_000));
            assert.deepEqual(
                accounts.map(({ JoinedTimestamp: _joined, ...rest }) => rest),
                [
                    {
                        Id: MEMBER,
                        Arn: `arn:aws:organizations::${MGMT}:account/${ORG}/${MEMBER}`,
                        Email: "workloads@example.org",
                        Name: "Workloads",
                        Status: "ACTIVE",
                        State: "ACTIVE",
                        JoinedMethod: "CREATED",
                    },
                    {
                        Id: MGMT,
                        Arn: `arn:aws:organizations::${MGMT}:account/${ORG}/${MGMT}`,
                        Email: "root@example.org",
                        Name: "Management",
                        Status: "ACTIVE",
                        State: "ACTIVE",
                        JoinedMethod: "INVITED",
                    },
                    {
                        Id: ADMIN,
                        Arn: `arn:aws:organizations::${MGMT}:account/${ORG}/${ADMIN}`,
                        Email: `member+${ADMIN}@example.com`,
                        Name: `account-${ADMIN}`,
                        Status: "ACTIVE",
                        State: "ACTIVE",
                        JoinedMethod: "CREATED",
                    },
                ],
            );
            // DescribeOrganization reports the same management email.
            assert.equal((await orgs(keys).send(new DescribeOrganizationCommand({}))).Organization?.MasterAccountEmail, "root@example.org");
        });

        it("answers delegated administrators; AccessDeniedException to other members, AWSOrganizationsNotInUseException outside organizations", async () => {
            const keys = organization({ delegatedAdministrators: [MEMBER] });
            aws.addAccount({ id: "555555555555", organizationId: ORG });
            const plain = aws.addUser("555555555555");
            aws.addAccount({ id: OUTSIDER });
            const standalone = aws.addUser(OUTSIDER);

            for (const caller of [keys.mgmt, keys.admin, keys.member]) {
                assert.equal((await orgs(caller).send(new ListAccountsCommand({}))).Accounts?.length, 4);
            }
            const denied = await rejection(orgs(plain).send(new ListAccountsCommand({})));
            assert.equal(denied.name, "AccessDeniedException");
            assert.equal(denied.message, "You don't have permissions to access this resource.");
            assert.equal(denied.$metadata?.httpStatusCode, 403);
            const notInUse = await rejection(orgs(standalone).send(new ListAccountsCommand({})));
            assert.equal(notInUse.name, "AWSOrganizationsNotInUseException");
        });

        it("pages by MaxResults (1–20, default 20) and NextToken; other values are InvalidInputException", async () => {
            aws.addAccount({ id: MGMT });
            aws.addOrganization({ id: ORG, managementAccountId: MGMT });
            for (let i = 1; i < 45; i++) aws.addAccount({ id: String(100_000_000_000 + i), organizationId: ORG });
            aws.addAccount({ id: OUTSIDER });
            aws.addAccount({ id: "555555555555", organizationId: "o-other00001" });
            aws.addOrganization({ id: "o-other00001", managementAccountId: OUTSIDER });
            const client = orgs(aws.addUser(MGMT));

            const sizes = [];
            let token: string | undefined;
            do {
                const page = await client.send(new ListAccountsCommand({ NextToken: token }));
                sizes.push(page.Accounts?.length);
                token = page.NextToken;
            } while (token !== undefined);
            assert.deepEqual(sizes, [20, 20, 5]);

            const ids = [];
            for await (const page of paginateListAccounts({ client, pageSize: 7 }, {})) ids.push(...(page.Accounts ?? []).map((a) => a.Id));
            assert.equal(ids.length, 45);
            assert.equal(new Set(ids).size, 45);
            assert.deepEqual(aws.calls.slice(-7).map((c) => c.params.MaxResults), Array(7).fill("7"));

            const foreignToken = (await orgs(aws.addUser(OUTSIDER)).send(new ListAccountsCommand({ MaxResults: 1 }))).NextToken;
            assert.ok(foreignToken);
            for (const [input, reason] of [
                [{ MaxResults: 21 }, "MAX_VALUE_EXCEEDED"],
                [{ MaxResults: 0 }, "MIN_VALUE_EXCEEDED"],
                [{ NextToken: "bm90LWEtdG9rZW4=" }, "INVALID_NEXT_TOKEN"],
                [{ NextToken: foreignToken }, "INVALID_NEXT_TOKEN"],
            ] as const) {
                const err = await rejection(client.send(new ListAccountsCommand(input)));
                assert.equal(err.name, "InvalidInputException", reason);
                assert.equal(err.Reason, reason);
                assert.equal(err.$metadata?.httpStatusCode, 400);
            }
        });

        it("lists 5,000 accounts in 250 pages quickly, the last pages no slower than the first", async () => {
            aws.addAccount({ id: MGMT });
            aws.addOrganization({ id: ORG, managementAccountId: MGMT });
            for (let i = 1; i < 5000; i++) aws.addAccount({ id: String(100_000_000_000 + i), organizationId: ORG });
            const client = orgs(aws.addUser(MGMT));

            const started = Date.now();
            const pageTimes: number[] = [];
            const ids = new Set<string>();
            let last = started;
            for await (const page of paginateListAccounts({ client }, {})) {
                for (const account of page.Accounts ?? []) ids.add(account.Id ?? "");
                const now = Date.now();
                pageTimes.push(now - last);
                last = now;
            }
            const elapsed = Date.now() - started;
            assert.equal(pageTimes.length, 250);
            assert.equal(ids.size, 5000);
            // A page takes a few ms even on a loaded 2-core machine; work that grew with the offset would slow the later pages.
            assert.ok(elapsed < 20_000, `took ${elapsed} ms`);
            const mean = (times: number[]) => times.reduce((a, b) => a + b, 0) / times.length;
            const early = mean(pageTimes.slice(10, 60));
            const late = mean(pageTimes.slice(-50));
            assert.ok(late < early * 3 + 5, `early pages ${early.toFixed(1)} ms, late pages ${late.toFixed(1)} ms`);
        });
    });

    describe("sts:AssumeRoot", () => {
        it("gives the management account and the IAM delegated administrator a member's root user, for up to 900 s", async () => {
            const keys = organization();

            const out = await sts(keys.mgmt).send(new AssumeRootCommand({ TargetPrincipal: MEMBER, TaskPolicyArn: { arn: AUDIT } }));
            const c = out.Credentials;
            assert.ok(c?.AccessKeyId && c.SecretAccessKey && c.SessionToken && c.Expiration);
            assert.match(c.AccessKeyId, /^ASIA[A-Z0-9]{16}$/);
            assert.ok(Math.abs(c.Expiration.getTime() - Date.now() - 900_000) < 60_000);
            assert.equal(out.SourceIdentity, undefined);
            assert.deepEqual(aws.calls.at(-1)?.params, { TargetPrincipal: MEMBER, "TaskPolicyArn.arn": AUDIT });
            const me = await sts({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }).send(new GetCallerIdentityCommand({}));
            assert.deepEqual([me.Account, me.Arn, me.UserId], [MEMBER, `arn:aws:iam::${MEMBER}:root`, MEMBER]);

            // The target may also be the root user's ARN.
            const delegated = await sts(keys.admin).send(
                new AssumeRootCommand({ TargetPrincipal: `arn:aws:iam::${MEMBER}:root`, TaskPolicyArn: { arn: DELETE }, DurationSeconds: 300 }),
            );
            assert.ok(Math.abs((delegated.Credentials?.Expiration?.getTime() ?? 0) - Date.now() - 300_000) < 60_000);
            assert.equal(aws.count("AssumeRoot", ADMIN), 1);
        });

        it("is AccessDenied to other callers, for accounts outside the organization or its management account, for other policies, and without RootSessions", async () => {
            const keys = organization();
            aws.addAccount({ id: OUTSIDER });
            const outsider = aws.addUser(OUTSIDER);
            aws.addAccount({ id: "555555555555" });
            aws.addAccount({ id: "666666666666", organizationId: "o-norootsess1" });
            aws.addOrganization({ id: "o-norootsess1", managementAccountId: "555555555555", rootCredentialsManagement: true });
            const noSessions = aws.addUser("555555555555");

            for (const [who, caller, target, policy] of [
                ["a member", keys.member, ADMIN, AUDIT],
                ["a standalone account", outsider, MEMBER, AUDIT],
                ["a target outside the organization", keys.mgmt, OUTSIDER, AUDIT],
                ["the management account as target", keys.admin, MGMT, AUDIT],
                ["an unknown account as target", keys.mgmt, "999999999999", AUDIT],
                ["a policy that is no root-task policy", keys.mgmt, MEMBER, "arn:aws:iam::aws:policy/ReadOnlyAccess"],
                ["a root-task policy of another partition", keys.mgmt, MEMBER, "arn:aws-us-gov:iam::aws:policy/root-task/IAMAuditRootUserCredentials"],
                ["an organization without RootSessions", noSessions, "666666666666", AUDIT],
            ] as const) {
                const err = await rejection(sts(caller).send(new AssumeRootCommand({ TargetPrincipal: target, TaskPolicyArn: { arn: policy } })));
                assert.equal(err.name, "AccessDenied", who);
                assert.match(err.message, new RegExp(`^User: arn:aws:iam::\\d{12}:user/[\\w-]+ is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::${target}:root$`), who);
                assert.equal(err.$metadata?.httpStatusCode, 403, who);
            }
            // Root sessions can't start root sessions.
            const root = await rootSession(keys.mgmt, MEMBER, AUDIT);
            const err = await rejection(sts(root).send(new AssumeRootCommand({ TargetPrincipal: ADMIN, TaskPolicyArn: { arn: AUDIT } })));
            assert.equal(err.message, `User: arn:aws:iam::${MEMBER}:root is not authorized to perform: sts:AssumeRoot on resource: * with an explicit deny in a session policy`);
        });

        it("accepts every root-task policy; DurationSeconds is 0–900, and 0 gives credentials already expired", async () => {
            const keys = organization();
            const client = sts(keys.mgmt);
            for (const name of ["IAMAuditRootUserCredentials", "IAMCreateRootUserPassword", "IAMDeleteRootUserCredentials", "S3UnlockBucketPolicy", "SQSUnlockQueuePolicy"]) {
                await rootSession(keys.mgmt, MEMBER, `arn:aws:iam::aws:policy/root-task/${name}`);
            }
            for (const [DurationSeconds, constraint] of [
                [901, "less than or equal to 900"],
                [-1, "greater than or equal to 0"],
            ] as const) {
                const err = await rejection(client.send(new AssumeRootCommand({ TargetPrincipal: MEMBER, TaskPolicyArn: { arn: AUDIT }, DurationSeconds })));
                assert.equal(err.name, "ValidationError");
                assert.equal(
                    err.message,
                    `1 validation error detected: Value '${DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value ${constraint}`,
                );
            }
            const missing = await rejection(client.send(new AssumeRootCommand({ TargetPrincipal: MEMBER, TaskPolicyArn: {} })));
            assert.match(missing.message, /Value null at 'taskPolicyArn'/);

            const out = await client.send(new AssumeRootCommand({ TargetPrincipal: MEMBER, TaskPolicyArn: { arn: AUDIT }, DurationSeconds: 0 }));
            const c = out.Credentials;
            assert.ok(c?.AccessKeyId && c.SecretAccessKey && c.SessionToken);
            const expired = await rejection(sts({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }).send(new GetCallerIdentityCommand({})));
            assert.equal(expired.name, "ExpiredToken");
        });
    });

    describe("root-task policies", () => {
        it("a session may call only its policy's actions, on the root user only; anything else is AccessDenied naming the action", async () => {
            const keys = organization();
            const audit = await rootSession(keys.mgmt, MEMBER, AUDIT);
            const remove = await rootSession(keys.mgmt, MEMBER, DELETE);
            const root = `arn:aws:iam::${MEMBER}:root`;
            const explicitDeny = (action: string, resource = "*") =>
                `User: ${root} is not authorized to perform: ${action} on resource: ${resource} with an explicit deny in a session policy`;

            assert.ok((await iam(audit).send(new GetAccountSummaryCommand({}))).SummaryMap);
            assert.deepEqual((await iam(audit).send(new ListAccessKeysCommand({}))).AccessKeyMetadata, []);
            assert.equal((await sts(audit).send(new GetCallerIdentityCommand({}))).Arn, root, "GetCallerIdentity needs no permission");

            for (const [send, action] of [
                [() => iam(audit).send(new DeleteLoginProfileCommand({})), "iam:DeleteLoginProfile"],
                [() => iam(audit).send(new ListVirtualMFADevicesCommand({})), "iam:ListVirtualMFADevices"],
                [() => iam(remove).send(new GetAccountSummaryCommand({})), "iam:GetAccountSummary"],
                [() => iam(remove).send(new ListOrganizationsFeaturesCommand({})), "iam:ListOrganizationsFeatures"],
            ] as const) {
                const err = await rejection(send());
                assert.equal(err.name, "AccessDenied", action);
                assert.equal(err.message, explicitDeny(action), action);
                assert.equal(err.$metadata?.httpStatusCode, 403);
            }
            const orgDenied = await rejection(orgs(audit).send(new DescribeOrganizationCommand({})));
            assert.equal(orgDenied.name, "AccessDeniedException");
            assert.equal(orgDenied.message, explicitDeny("organizations:DescribeOrganization"));

            // The policy's actions on an IAM user instead of the root user are denied too.
            const onUser = await rejection(iam(remove).send(new ListAccessKeysCommand({ UserName: "dev" })));
            assert.equal(onUser.message, explicitDeny("iam:ListAccessKeys", `arn:aws:iam::${MEMBER}:user/dev`));
        });
    });

    describe("the root user's credentials", () => {
        it("IAMDeleteRootUserCredentials removes password, access keys, signing certificates and MFA; GetAccountSummary follows each step", async () => {
            const keys = organization({}, { summary: { AccountMFAEnabled: 1, AccountAccessKeysPresent: 2, AccountSigningCertificatesPresent: 1 } });
            const phone = aws.addVirtualMfaDevice(MEMBER, { root: true, name: "root-phone" });
            const audit = await rootSession(keys.mgmt, MEMBER, AUDIT);
            const client = iam(await rootSession(keys.admin, MEMBER, DELETE));
            // As set until a credential changes; then 0 or 1, as AWS reports.
            assert.deepEqual(await rootFlags(audit), { AccountMFAEnabled: 1, AccountPasswordPresent: 1, AccountAccessKeysPresent: 2, AccountSigningCertificatesPresent: 1 });

            const profile = (await client.send(new GetLoginProfileCommand({}))).LoginProfile;
            assert.equal(profile?.UserName, MEMBER);
            assert.ok(profile?.CreateDate instanceof Date);
            await client.send(new DeleteLoginProfileCommand({}));
            const noProfile = await rejection(client.send(new GetLoginProfileCommand({})));
            assert.equal(noProfile.name, "NoSuchEntityException");
            assert.equal(noProfile.message, `Login Profile for User ${MEMBER} cannot be found.`);
            assert.equal(noProfile.$metadata?.httpStatusCode, 404);
            assert.equal((await rootFlags(audit)).AccountPasswordPresent, 0);

            const accessKeys: AccessKeyMetadata[] = [];
            for await (const page of paginateListAccessKeys({ client, pageSize: 1 }, {})) accessKeys.push(...(page.AccessKeyMetadata ?? []));
            assert.equal(accessKeys.length, 2);
            assert.ok(accessKeys.every((k) => /^AKIA[A-Z0-9]{16}$/.test(k.AccessKeyId ?? "") && k.Status === "Active" && k.UserName === MEMBER && k.CreateDate instanceof Date));
            await client.send(new DeleteAccessKeyCommand({ AccessKeyId: accessKeys[0].AccessKeyId }));
            assert.equal((await rootFlags(audit)).AccountAccessKeysPresent, 1, "one key left");
            await client.send(new DeleteAccessKeyCommand({ AccessKeyId: accessKeys[1].AccessKeyId }));
            assert.equal((await rootFlags(audit)).AccountAccessKeysPresent, 0);

            const certificates = (await client.send(new ListSigningCertificatesCommand({}))).Certificates ?? [];
            assert.equal(certificates.length, 1);
            assert.match(certificates[0].CertificateBody ?? "", /^-----BEGIN CERTIFICATE-----\n/);
            await client.send(new DeleteSigningCertificateCommand({ CertificateId: certificates[0].CertificateId }));
            assert.equal((await rootFlags(audit)).AccountSigningCertificatesPresent, 0);

            // The summary's MFA became a hardware token; the virtual device was added next to it.
            const devices = (await client.send(new ListMFADevicesCommand({}))).MFADevices ?? [];
            assert.deepEqual(devices.map((d) => d.SerialNumber?.replace(/^GAHT\d{8}$/, "hardware")), [phone, "hardware"]);
            assert.ok(devices.every((d) => d.UserName === MEMBER && d.EnableDate instanceof Date));
            await client.send(new DeactivateMFADeviceCommand({ SerialNumber: phone }));
            assert.equal((await rootFlags(audit)).AccountMFAEnabled, 1, "the hardware token is still active");
            await client.send(new DeactivateMFADeviceCommand({ SerialNumber: devices[1].SerialNumber }));
            assert.deepEqual(await rootFlags(audit), { AccountMFAEnabled: 0, AccountPasswordPresent: 0, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 });
            assert.deepEqual((await client.send(new ListMFADevicesCommand({}))).MFADevices, []);
            // A deactivated virtual device is unassigned, not deleted.
            const unassigned = await iam(keys.member).send(new ListVirtualMFADevicesCommand({ AssignmentStatus: "Unassigned" }));
            assert.deepEqual(unassigned.VirtualMFADevices?.map((d) => d.SerialNumber), [phone]);

            for (const [send, message] of [
                [() => client.send(new DeleteLoginProfileCommand({})), `Login Profile for User ${MEMBER} cannot be found.`],
                [() => client.send(new DeleteAccessKeyCommand({ AccessKeyId: accessKeys[0].AccessKeyId })), `The Access Key with id ${accessKeys[0].AccessKeyId} cannot be found.`],
                [() => client.send(new DeleteSigningCertificateCommand({ CertificateId: "NOSUCHCERTIFICATE0000000" })), "The Certificate with id NOSUCHCERTIFICATE0000000 cannot be found."],
                [() => client.send(new DeactivateMFADeviceCommand({ SerialNumber: phone })), `MFA Device with serial number ${phone} does not exist.`],
            ] as const) {
                const err = await rejection(send());
                assert.equal(err.name, "NoSuchEntityException");
                assert.equal(err.message, message);
            }
            assert.equal((await rejection(client.send(new DeleteAccessKeyCommand({ AccessKeyId: undefined })))).name, "ValidationError");
        });

        it("setSummary gives or takes root credentials to match; an entry left out stays out after deletions", async () => {
            const keys = organization({}, { summary: { AccountSigningCertificatesPresent: undefined, AccountAccessKeysPresent: 5 } });
            aws.setSummary(MEMBER, { AccountPasswordPresent: 0, AccountMFAEnabled: 1 });
            const audit = await rootSession(keys.mgmt, MEMBER, AUDIT);
            const client = iam(await rootSession(keys.mgmt, MEMBER, DELETE));

            assert.equal((await client.send(new ListAccessKeysCommand({}))).AccessKeyMetadata?.length, 2, "at most 2 keys, as IAM allows");
            assert.equal((await rejection(client.send(new GetLoginProfileCommand({})))).name, "NoSuchEntityException");
            assert.deepEqual((await client.send(new ListSigningCertificatesCommand({}))).Certificates, []);
            assert.match((await client.send(new ListMFADevicesCommand({}))).MFADevices?.[0].SerialNumber ?? "", /^GAHT\d{8}$/);

            aws.setSummary(MEMBER, { AccountAccessKeysPresent: 1, AccountMFAEnabled: 0 });
            const [key] = (await client.send(new ListAccessKeysCommand({}))).AccessKeyMetadata ?? [];
            assert.deepEqual((await client.send(new ListMFADevicesCommand({}))).MFADevices, []);
            await client.send(new DeleteAccessKeyCommand({ AccessKeyId: key.AccessKeyId }));
            assert.deepEqual(await rootFlags(audit), { AccountMFAEnabled: 0, AccountPasswordPresent: 0, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: undefined });
        });

        it("other callers' credentials are not modelled: InternalFailure naming the action", async () => {
            const keys = organization();
            const err = await rejection(iam(keys.member).send(new ListAccessKeysCommand({})));
            assert.equal(err.name, "InternalFailure");
            assert.match(err.message, /iam:ListAccessKeys for AssumeRoot sessions \(the root user\) only/);
        });
    });

    describe("centralized root access features", () => {
        it("the management account enables RootCredentialsManagement and RootSessions; ListOrganizationsFeatures and AssumeRoot follow", async () => {
            const keys = organization({ rootSessions: false });
            const client = iam(keys.mgmt);
            assert.equal((await rejection(sts(keys.mgmt).send(new AssumeRootCommand({ TargetPrincipal: MEMBER, TaskPolicyArn: { arn: AUDIT } })))).name, "AccessDenied");

            const credentials = await client.send(new EnableOrganizationsRootCredentialsManagementCommand({}));
            assert.deepEqual([credentials.OrganizationId, credentials.EnabledFeatures], [ORG, ["RootCredentialsManagement"]]);
            assert.equal((await rejection(sts(keys.mgmt).send(new AssumeRootCommand({ TargetPrincipal: MEMBER, TaskPolicyArn: { arn: AUDIT } })))).name, "AccessDenied");
            const sessions = await client.send(new EnableOrganizationsRootSessionsCommand({}));
            assert.deepEqual(sessions.EnabledFeatures, ["RootCredentialsManagement", "RootSessions"]);
            assert.deepEqual((await client.send(new EnableOrganizationsRootSessionsCommand({}))).EnabledFeatures, ["RootCredentialsManagement", "RootSessions"], "idempotent");
            assert.deepEqual((await iam(keys.admin).send(new ListOrganizationsFeaturesCommand({}))).EnabledFeatures, ["RootCredentialsManagement", "RootSessions"]);
            assert.ok(await rootSession(keys.mgmt, MEMBER, AUDIT));
        });

        it("are refused to delegated administrators and members, without trusted access for IAM or all features, and outside organizations", async () => {
            const keys = organization();
            aws.addAccount({ id: OUTSIDER });
            aws.addOrganization({ id: "o-untrusted1", managementAccountId: OUTSIDER, iamTrustedAccess: false });
            const untrusted = aws.addUser(OUTSIDER);
            aws.addAccount({ id: "555555555555" });
            aws.addOrganization({ id: "o-billing001", managementAccountId: "555555555555", featureSet: "CONSOLIDATED_BILLING" });
            const billing = aws.addUser("555555555555");
            aws.addAccount({ id: "666666666666" });
            const standalone = aws.addUser("666666666666");

            for (const command of [new EnableOrganizationsRootCredentialsManagementCommand({}), new EnableOrganizationsRootSessionsCommand({})]) {
                for (const [caller, name] of [
                    [keys.admin, "CallerIsNotManagementAccountException"],
                    [keys.member, "AccountNotManagementOrDelegatedAdministratorException"],
                    [untrusted, "ServiceAccessNotEnabledException"],
                    [billing, "OrganizationNotInAllFeaturesModeException"],
                    [standalone, "OrganizationNotFoundException"],
                ] as const) {
                    const err = await rejection(iam(caller).send(command));
                    assert.equal(err.name, name);
                    assert.equal(err.$metadata?.httpStatusCode, 400);
                }
            }
            assert.equal(
                (await rejection(iam(keys.admin).send(new EnableOrganizationsRootSessionsCommand({})))).message,
                "The request was rejected because the account making the request is not the management account for the organization.",
            );
        });
    });

    describe("faults", () => {
        it("throttling, 5xx and AccessDenied faults and deny() apply to the new actions as to the others", async () => {
            const keys = organization({}, { summary: { AccountAccessKeysPresent: 1 } });
            const remove = await rootSession(keys.mgmt, MEMBER, DELETE);
            const [key] = (await iam(remove).send(new ListAccessKeysCommand({}))).AccessKeyMetadata ?? [];

            for (const action of ["ListAccounts", "AssumeRoot", "DeleteAccessKey", "EnableOrganizationsRootSessions"]) aws.fault({ action, kind: "throttle", times: 2 });
            const calls = [
                orgs(keys.mgmt, 3).send(new ListAccountsCommand({})),
                sts(keys.mgmt, 3).send(new AssumeRootCommand({ TargetPrincipal: MEMBER, TaskPolicyArn: { arn: AUDIT } })),
                iam(remove, 3).send(new DeleteAccessKeyCommand({ AccessKeyId: key.AccessKeyId })),
                iam(keys.mgmt, 3).send(new EnableOrganizationsRootSessionsCommand({})),
            ];
            assert.deepEqual((await Promise.all(calls)).map((out) => out.$metadata.attempts), [3, 3, 3, 3]);
            assert.equal(aws.count("DeleteAccessKey", MEMBER), 3, "the root session's calls are its member account's");

            aws.fault({ action: "ListAccounts", kind: "throttle", times: 1 });
            const throttled = await rejection(orgs(keys.mgmt).send(new ListAccountsCommand({})));
            assert.equal(throttled.name, "TooManyRequestsException");
            aws.fault({ action: "ListMFADevices", accountId: MEMBER, kind: "error5xx", times: 1 });
            assert.equal((await iam(remove, 2).send(new ListMFADevicesCommand({}))).$metadata.attempts, 2);
            aws.fault({ action: "AssumeRoot", kind: "accessDenied", times: 1 });
            const denied = await rejection(sts(keys.mgmt).send(new AssumeRootCommand({ TargetPrincipal: MEMBER, TaskPolicyArn: { arn: AUDIT } })));
            assert.equal(denied.message, `User: arn:aws:iam::${MGMT}:user/ops is not authorized to perform: sts:AssumeRoot on resource: *`);
            aws.deny(MGMT, "organizations:ListAccounts");
            assert.equal((await rejection(orgs(keys.mgmt).send(new ListAccountsCommand({})))).name, "AccessDeniedException");
        });
    });
});
