import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
    GetAccountSummaryCommand,
    IAMClient,
    ListOrganizationsFeaturesCommand,
    ListVirtualMFADevicesCommand,
    paginateListVirtualMFADevices,
} from "@aws-sdk/client-iam";
import { DescribeOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromContainerMetadata, fromHttp, fromIni, fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { FakeAws, ssoProfileFiles, type FakeCredentials } from "./fake-aws";

// The SDK warns once per process on Node < 22; the pack silences it the same way.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const A = "111111111111";
const B = "222222222222";
const C = "333333333333";
const D = "444444444444";
const ORG = "o-abcdef1234";

/** What the SDK's service exceptions carry that these tests look at. */
interface SdkError {
    name: string;
    message: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number; requestId?: string };
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

type Credentials = FakeCredentials | (() => Promise<FakeCredentials>);

/** Runs `fn` with the variables set (undefined = unset), restoring them afterwards. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
    const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
    const apply = (values: Record<string, string | undefined>): void => {
        for (const [key, value] of Object.entries(values)) {
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
        }
    };
    apply(vars);
    try {
        return await fn();
    } finally {
        apply(saved);
    }
}

describe("fake-aws: a local AWS endpoint for the real SDK v3 clients", function () {
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
    function config(credentials: Credentials, maxAttempts = 1) {
        return { endpoint: aws.url, region: "us-east-1", credentials, maxAttempts };
    }
    function track<T extends { destroy(): void }>(client: T): T {
        clients.push(client);
        return client;
    }
    const sts = (credentials: Credentials, maxAttempts?: number) => track(new STSClient(config(credentials, maxAttempts)));
    const iam = (credentials: Credentials, maxAttempts?: number) => track(new IAMClient(config(credentials, maxAttempts)));
    const orgs = (credentials: Credentials) => track(new OrganizationsClient(config(credentials)));

    /** An account with one user, returning the user's keys. */
    function accountWithUser(id: string, user = "alice", spec: Omit<Parameters<FakeAws["addAccount"]>[0], "id"> = {}): FakeCredentials {
        aws.addAccount({ id, ...spec });
        return aws.addUser(id, user);
    }

    describe("STS", () => {
        it("GetCallerIdentity names the user behind the access key", async () => {
            const keys = accountWithUser(A);
            const gov = accountWithUser(B, "bob", { partition: "aws-us-gov" });
            assert.match(keys.accessKeyId, /^AKIA[A-Z0-9]{16}$/);
            assert.equal(keys.secretAccessKey.length, 40);

            const me = await sts(keys).send(new GetCallerIdentityCommand({}));
            assert.equal(me.Account, A);
            assert.equal(me.Arn, `arn:aws:iam::${A}:user/alice`);
            assert.match(me.UserId ?? "", /^AIDA[A-Z0-9]{17}$/);
            assert.equal((await sts(gov).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws-us-gov:iam::${B}:user/bob`);

            assert.equal(aws.calls.length, 2);
            assert.deepEqual({ ...aws.calls[0], at: 0 }, {
                service: "sts",
                action: "GetCallerIdentity",
                accountId: A,
                principalArn: `arn:aws:iam::${A}:user/alice`,
                params: {},
                region: "us-east-1",
                host: new URL(aws.url).host,
                at: 0,
            });
            assert.equal(aws.count("GetCallerIdentity", B), 1);
        });

        it("is reached through AWS_ENDPOINT_URL with no endpoint in the client config", async () => {
            const keys = accountWithUser(A);
            const saved = process.env.AWS_ENDPOINT_URL;
            process.env.AWS_ENDPOINT_URL = aws.url;
            try {
                const client = track(new STSClient({ region: "us-east-1", credentials: keys, maxAttempts: 1 }));
                assert.equal((await client.send(new GetCallerIdentityCommand({}))).Account, A);
            } finally {
                if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
                else process.env.AWS_ENDPOINT_URL = saved;
            }
        });

        it("AssumeRole requires the role's ExternalId and a trusted caller account", async () => {
            const keys = accountWithUser(A);
            const outsider = accountWithUser(C, "mallory");
            aws.addAccount({ id: B });
            const roleArn = aws.addRole(B, "Auditor", { trustedAccounts: [A], externalId: "ext-123" });
            const denied = `User: arn:aws:iam::${A}:user/alice is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;

            for (const ExternalId of [undefined, "wrong"]) {
                const err = await rejection(sts(keys).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "s1", ExternalId })));
                assert.equal(err.name, "AccessDenied");
                assert.equal(err.message, denied);
                assert.equal(err.$metadata?.httpStatusCode, 403);
            }
            const untrusted = await rejection(
                sts(outsider).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "s1", ExternalId: "ext-123" })),
            );
            assert.equal(untrusted.name, "AccessDenied");

            const out = await sts(keys).send(
                new AssumeRoleCommand({
                    RoleArn: roleArn,
                    RoleSessionName: "s1",
                    ExternalId: "ext-123",
                    Tags: [{ Key: "team", Value: "sec" }],
                    TransitiveTagKeys: ["team"],
                    PolicyArns: [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }],
                    SourceIdentity: "alice",
                }),
            );
            const creds = out.Credentials;
            assert.ok(creds?.AccessKeyId && creds.SecretAccessKey && creds.SessionToken && creds.Expiration);
            assert.match(creds.AccessKeyId, /^ASIA[A-Z0-9]{16}$/);
            assert.ok(Math.abs(creds.Expiration.getTime() - Date.now() - 3600_000) < 60_000);
            assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${B}:assumed-role/Auditor/s1`);
            assert.equal(out.SourceIdentity, "alice");
            assert.deepEqual(aws.calls.at(-1)?.params, {
                RoleArn: roleArn,
                RoleSessionName: "s1",
                ExternalId: "ext-123",
                "Tags.member.1.Key": "team",
                "Tags.member.1.Value": "sec",
                "TransitiveTagKeys.member.1": "team",
                "PolicyArns.member.1.arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
                SourceIdentity: "alice",
            });

            const session = { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken };
            const me = await sts(session).send(new GetCallerIdentityCommand({}));
            assert.equal(me.Account, B);
            assert.equal(me.Arn, `arn:aws:sts::${B}:assumed-role/Auditor/s1`);
            assert.equal(me.UserId, out.AssumedRoleUser?.AssumedRoleId);
        });

        it("chains roles across two accounts with fromTemporaryCredentials", async () => {
            const keys = accountWithUser(A);
            aws.addAccount({ id: B });
            const hop = aws.addRole(B, "Hop", { trustedAccounts: [A] });
            const target = aws.addRole(A, "Target", { trustedAccounts: [B] });
            const clientConfig = { endpoint: aws.url, region: "us-east-1", maxAttempts: 1 };
            const hopCredentials = fromTemporaryCredentials({ masterCredentials: keys, params: { RoleArn: hop, RoleSessionName: "hop" }, clientConfig });
            const chained = fromTemporaryCredentials({
                masterCredentials: hopCredentials,
                params: { RoleArn: target, RoleSessionName: "target" },
                clientConfig,
            });

            const me = await sts(chained).send(new GetCallerIdentityCommand({}));
            assert.equal(me.Arn, `arn:aws:sts::${A}:assumed-role/Target/target`);
            assert.deepEqual(
                aws.calls.filter((c) => c.action === "AssumeRole").map((c) => [c.accountId, c.principalArn, c.params.RoleArn]),
                [
                    [A, `arn:aws:iam::${A}:user/alice`, hop],
                    [B, `arn:aws:sts::${B}:assumed-role/Hop/hop`, target],
                ],
            );
            // A user of A may not skip the hop: Target trusts only B.
            assert.equal((await rejection(sts(keys).send(new AssumeRoleCommand({ RoleArn: target, RoleSessionName: "skip" })))).name, "AccessDenied");
        });

        it("AssumeRoleWithWebIdentity is unsigned and accepts only the role's tokens", async () => {
            aws.addAccount({ id: A });
            const roleArn = aws.addRole(A, "Deployer", { webIdentityTokens: ["token-1"] });
            // Keys the fake doesn't know: a signed request would fail with InvalidClientTokenId.
            const client = sts({ accessKeyId: "AKIAUNUSEDUNUSEDUNUS", secretAccessKey: "unused" });

            const out = await client.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: "ci", WebIdentityToken: "token-1" }));
            assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${A}:assumed-role/Deployer/ci`);
            assert.equal(aws.calls[0].accountId, undefined);
            const err = await rejection(client.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: "ci", WebIdentityToken: "forged" })));
            assert.equal(err.name, "AccessDenied");
            assert.equal(err.$metadata?.httpStatusCode, 403);
        });
    });

    describe("call log: region and host", () => {
        it("records the SigV4 credential scope's region and the Host header of each call", async () => {
            const keys = accountWithUser(A);
            aws.addAccount({ id: B });
            const roleArn = aws.addRole(B, "R", { trustedAccounts: [A], webIdentityTokens: ["t"] });
            const host = new URL(aws.url).host;

            await track(new STSClient({ ...config(keys), region: "eu-west-2" })).send(new GetCallerIdentityCommand({}));
            const assumed = fromTemporaryCredentials({
                masterCredentials: keys,
                params: { RoleArn: roleArn, RoleSessionName: "s1" },
                clientConfig: { endpoint: aws.url, region: "ap-southeast-2", maxAttempts: 1 },
            });
            await assumed();
            await sts(keys).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: "ci", WebIdentityToken: "t" }));
            assert.deepEqual(
                aws.calls.map((c) => [c.action, c.region, c.host]),
                [
                    ["GetCallerIdentity", "eu-west-2", host],
                    ["AssumeRole", "ap-southeast-2", host],
                    ["AssumeRoleWithWebIdentity", undefined, host],
                ],
            );
        });
    });

    describe("IAM Identity Center (SSO) portal", () => {
        let dirs: string[] = [];
        afterEach(() => {
            for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
            dirs = [];
        });
        function homeDir(): string {
            const dir = mkdtempSync(join(tmpdir(), "fake-aws-sso-"));
            dirs.push(dir);
            return dir;
        }
        /**
         * What the SDK needs to find the profile and token under `home` and reach the fake: HOME
         * (token cache), the default config file (fromIni doesn't hand configFilepath to the SSO
         * provider), no real credentials file, and the SSO endpoint.
         */
        function ssoEnv(home: string): Record<string, string | undefined> {
            return {
                HOME: home,
                AWS_CONFIG_FILE: undefined,
                AWS_SHARED_CREDENTIALS_FILE: join(home, "no-credentials"),
                AWS_PROFILE: undefined,
                AWS_ENDPOINT_URL: undefined,
                AWS_ENDPOINT_URL_SSO: aws.url,
            };
        }

        it("fromIni resolves an sso-session profile through GetRoleCredentials; the credentials work everywhere", async () => {
            aws.addAccount({ id: A });
            const home = homeDir();
            const files = ssoProfileFiles(home, { fake: aws, profile: "dev", accountId: A, roleName: "AdministratorAccess", token: "sso-token-1", region: "eu-west-1" });
            assert.equal(files.configFile, join(home, ".aws", "config"));
            assert.equal(files.tokenFile, join(home, ".aws", "sso", "cache", `${createHash("sha1").update("fake-aws-dev").digest("hex")}.json`));

            const creds = await withEnv(ssoEnv(home), () => fromIni({ profile: "dev", configFilepath: files.configFile })());
            assert.match(creds.accessKeyId, /^ASIA/);
            assert.ok(creds.sessionToken && creds.expiration);
            assert.ok(Math.abs(creds.expiration.getTime() - Date.now() - 3600_000) < 60_000);

            const me = await sts(creds).send(new GetCallerIdentityCommand({}));
            const roleName = aws.ssoRoleName(A, "AdministratorAccess");
            assert.match(roleName, /^AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}$/);
            assert.equal(me.Account, A);
            assert.equal(me.Arn, `arn:aws:sts::${A}:assumed-role/${roleName}/sso-user`);
            assert.deepEqual({ ...aws.calls[0], at: 0 }, {
                service: "sso",
                action: "GetRoleCredentials",
                accountId: undefined,
                principalArn: undefined,
                params: { account_id: A, role_name: "AdministratorAccess" },
                region: undefined,
                host: new URL(aws.url).host,
                at: 0,
            });
            assert.equal(aws.calls[1].principalArn, me.Arn);
        });

        it("answers 401 UnauthorizedException to unknown tokens and 403 ForbiddenException to roles not granted", async () => {
            aws.addAccount({ id: A });
            aws.addAccount({ id: B });
            aws.addSsoAccessToken("granted", [{ accountId: A, roleName: "ReadOnly" }], { userName: "alice@example.com" });
            const home = homeDir();
            const profile = (name: string, accountId: string, roleName: string, token: string, expiresInSeconds?: number) =>
                ssoProfileFiles(home, { fake: aws, profile: name, accountId, roleName, token, expiresInSeconds, register: false });
            profile("ok", A, "ReadOnly", "granted");
            profile("other-role", A, "Admin", "granted");
            profile("other-account", B, "ReadOnly", "granted");
            profile("forged", A, "ReadOnly", "forged");
            // Within 5 minutes of expiry the SDK insists on refreshing through SSO OIDC, which it
            // can't without clientId/refreshToken in the cache: it fails before any request.
            profile("expiring", A, "ReadOnly", "granted", 120);

            await withEnv(ssoEnv(home), async () => {
                const ok = await fromIni({ profile: "ok" })();
                assert.equal((await sts(ok).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${A}:assumed-role/${aws.ssoRoleName(A, "ReadOnly")}/alice@example.com`);
                for (const [name, message] of [
                    ["other-role", /^ForbiddenException: No access$/],
                    ["other-account", /^ForbiddenException: No access$/],
                    ["forged", /^UnauthorizedException: Session token not found or invalid$/],
                    ["expiring", /Cannot refresh/],
                ] as const) {
                    const err = await rejection(fromIni({ profile: name })());
                    assert.equal(err.name, "CredentialsProviderError", name);
                    assert.match(err.message, message, name);
                }
            });
            assert.equal(aws.count("GetRoleCredentials"), 4, "the expiring profile made no call");
        });
    });

    describe("container credentials endpoint", () => {
        it("serves fromHttp, fromContainerMetadata and the default chain (AWS_CONTAINER_CREDENTIALS_FULL_URI)", async () => {
            aws.addAccount({ id: A });
            const roleArn = aws.addRole(A, "TaskRole");
            const endpoint = aws.addContainerCredentials(A, "TaskRole");
            assert.equal(endpoint.roleArn, roleArn);
            const match = /^http:\/\/127\.0\.0\.1:\d+\/container-credentials\/([0-9a-f]{32})$/.exec(endpoint.fullUri);
            assert.ok(match, endpoint.fullUri);
            const id = match[1];

            const direct = await fromHttp({ awsContainerCredentialsFullUri: endpoint.fullUri })();
            const fromEnv = await withEnv(
                {
                    AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.fullUri,
                    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
                    AWS_CONTAINER_AUTHORIZATION_TOKEN: undefined,
                    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: undefined,
                    AWS_ACCESS_KEY_ID: undefined,
                    AWS_SECRET_ACCESS_KEY: undefined,
                    AWS_SESSION_TOKEN: undefined,
                    AWS_PROFILE: undefined,
                    AWS_CONFIG_FILE: "/nonexistent/fake-aws-test/config",
                    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/fake-aws-test/credentials",
                    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
                    AWS_ROLE_ARN: undefined,
                },
                async () => [await fromContainerMetadata()(), await fromNodeProviderChain()()],
            );
            for (const creds of [direct, ...fromEnv]) {
                assert.ok(creds.expiration && Math.abs(creds.expiration.getTime() - Date.now() - 3600_000) < 60_000);
                assert.equal((await sts(creds).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${A}:assumed-role/TaskRole/${id}`);
            }
            const fetches = aws.calls.filter((c) => c.service === "container");
            assert.deepEqual(
                fetches.map((c) => [c.action, c.params.id, c.accountId, c.region, c.host]),
                Array(3).fill(["GetCredentials", id, undefined, undefined, new URL(aws.url).host]),
            );
        });

        it("requires the authorization token when one is set and answers 404 to unknown ids", async () => {
            aws.addAccount({ id: A });
            const { fullUri, roleArn } = aws.addContainerCredentials(A, "Pod", { authorizationToken: "Bearer abc" });
            assert.equal(roleArn, `arn:aws:iam::${A}:role/Pod`);

            const creds = await fromHttp({ awsContainerCredentialsFullUri: fullUri, awsContainerAuthorizationToken: "Bearer abc" })();
            assert.ok(creds.sessionToken);
            // maxRetries 0: fromHttp otherwise retries 3 times, 1 s apart.
            for (const [uri, status, code] of [
                [fullUri, 401, "Unauthorized"],
                [fullUri.replace(/[0-9a-f]{32}$/, "0".repeat(32)), 404, "NotFound"],
            ] as const) {
                const err = (await rejection(fromHttp({ awsContainerCredentialsFullUri: uri, maxRetries: 0 })())) as SdkError & { Code?: string };
                assert.equal(err.message, `Server responded with status: ${status}`);
                assert.equal(err.Code, code);
            }
            assert.equal(aws.count("GetCredentials"), 3);
            // The role trusts no account, like one trusting only ecs-tasks.amazonaws.com.
            const keys = aws.addUser(A);
            assert.equal((await rejection(sts(keys).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "x1" })))).name, "AccessDenied");
        });
    });

    describe("authentication", () => {
        it("verifies SigV4 signatures, access keys and session tokens", async () => {
            const keys = accountWithUser(A);
            aws.addOrganization({ id: ORG, managementAccountId: A });
            const wrongSecret = { ...keys, secretAccessKey: keys.secretAccessKey.replace(/^./, (c) => (c === "x" ? "y" : "x")) };

            for (const send of [
                () => sts(wrongSecret).send(new GetCallerIdentityCommand({})),
                () => iam(wrongSecret).send(new GetAccountSummaryCommand({})),
            ]) {
                const err = await rejection(send());
                assert.equal(err.name, "SignatureDoesNotMatch");
                assert.equal(err.$metadata?.httpStatusCode, 403);
            }
            assert.equal((await rejection(orgs(wrongSecret).send(new DescribeOrganizationCommand({})))).name, "InvalidSignatureException");

            // The body hash is part of the signature: a body changed after signing fails.
            const tampered = sts(keys);
            tampered.middlewareStack.addRelativeTo(
                <A extends { request: unknown }, R>(next: (args: A) => Promise<R>) => async (args: A) => {
                    const request = args.request as { body: string };
                    request.body = request.body.replace("Version=2011-06-15", "Version=2011-06-16");
                    return next(args);
                },
                { relation: "after", toMiddleware: "httpSigningMiddleware", name: "tamperAfterSigning" },
            );
            assert.equal((await rejection(tampered.send(new GetCallerIdentityCommand({})))).name, "SignatureDoesNotMatch");

            const unknown = await rejection(sts({ ...keys, accessKeyId: "AKIAAAAAAAAAAAAAAAAA" }).send(new GetCallerIdentityCommand({})));
            assert.equal(unknown.name, "InvalidClientTokenId");
            assert.equal(unknown.$metadata?.httpStatusCode, 403);
            assert.equal((await rejection(orgs({ ...keys, accessKeyId: "AKIAAAAAAAAAAAAAAAAA" }).send(new DescribeOrganizationCommand({})))).name, "UnrecognizedClientException");

            aws.addAccount({ id: B });
            const out = await sts(keys).send(new AssumeRoleCommand({ RoleArn: aws.addRole(B, "R"), RoleSessionName: "s1" }));
            const session = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey! };
            for (const sessionToken of [undefined, "not-the-token"]) {
                assert.equal((await rejection(sts({ ...session, sessionToken }).send(new GetCallerIdentityCommand({})))).name, "InvalidClientTokenId");
            }
            assert.equal(aws.count(), 1, "only the AssumeRole call passed authentication");
        });
    });

    describe("IAM", () => {
        it("GetAccountSummary answers the account's SummaryMap, leaving out undefined keys", async () => {
            const keys = accountWithUser(A, "alice", { summary: { AccountMFAEnabled: 1, AccountSigningCertificatesPresent: undefined, Users: 7 } });
            const client = iam(keys);

            const first = await client.send(new GetAccountSummaryCommand({}));
            assert.deepEqual(first.SummaryMap, { AccountMFAEnabled: 1, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, Users: 7 });
            aws.setSummary(A, { AccountMFAEnabled: 0, AccountPasswordPresent: undefined });
            const second = await client.send(new GetAccountSummaryCommand({}));
            assert.deepEqual(second.SummaryMap, { AccountMFAEnabled: 0, AccountAccessKeysPresent: 0, Users: 7 });
        });

        it("ListVirtualMFADevices pages with Marker/MaxItems and filters by AssignmentStatus", async () => {
            const keys = accountWithUser(A, "alice", { rootVirtualMfa: true });
            aws.addUser(A, "bob");
            aws.addVirtualMfaDevice(A, { name: "alice", userName: "alice" });
            aws.addVirtualMfaDevice(A, { name: "bob", userName: "bob" });
            aws.addVirtualMfaDevice(A, { name: "spare-1" });
            aws.addVirtualMfaDevice(A, { name: "spare-2" });
            const client = iam(keys);

            const pages = [];
            for await (const page of paginateListVirtualMFADevices({ client, pageSize: 2 }, {})) pages.push(page);
            assert.deepEqual(
                pages.map((p) => [p.IsTruncated, p.VirtualMFADevices?.map((d) => d.SerialNumber?.split("/")[1])]),
                [
                    [true, ["root-account-mfa-device", "alice"]],
                    [true, ["bob", "spare-1"]],
                    [false, ["spare-2"]],
                ],
            );
            assert.equal(aws.count("ListVirtualMFADevices", A), 3);
            const root = pages[0].VirtualMFADevices?.[0];
            assert.equal(root?.SerialNumber, `arn:aws:iam::${A}:mfa/root-account-mfa-device`);
            assert.equal(root?.User?.Arn, `arn:aws:iam::${A}:root`);
            assert.ok(root?.EnableDate instanceof Date);
            assert.equal(pages[0].VirtualMFADevices?.[1].User?.UserName, "alice");

            const assigned = await client.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: "Assigned" }));
            assert.equal(assigned.VirtualMFADevices?.length, 3);
            assert.equal(assigned.IsTruncated, false);
            const unassigned = await client.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: "Unassigned" }));
            assert.deepEqual(unassigned.VirtualMFADevices?.map((d) => d.User), [undefined, undefined]);
            assert.equal((await rejection(client.send(new ListVirtualMFADevicesCommand({ MaxItems: 0 })))).name, "ValidationError");
        });

        it("ListOrganizationsFeatures answers the management account and delegated admins only", async () => {
            const management = accountWithUser(A);
            const delegated = accountWithUser(B, "alice", { organizationId: ORG });
            const member = accountWithUser(C, "alice", { organizationId: ORG });
            const standalone = accountWithUser(D);
            aws.addOrganization({ id: ORG, managementAccountId: A, rootCredentialsManagement: true, rootSessions: true, iamDelegatedAdministrators: [B] });
            const features = new ListOrganizationsFeaturesCommand({});

            for (const keys of [management, delegated]) {
                const out = await iam(keys).send(features);
                assert.equal(out.OrganizationId, ORG);
                assert.deepEqual(out.EnabledFeatures, ["RootCredentialsManagement", "RootSessions"]);
            }
            const notAdmin = await rejection(iam(member).send(features));
            assert.equal(notAdmin.name, "AccountNotManagementOrDelegatedAdministratorException");
            assert.equal(notAdmin.$metadata?.httpStatusCode, 400);
            assert.equal((await rejection(iam(standalone).send(features))).name, "OrganizationNotFoundException");
        });

        it("ListOrganizationsFeatures reports billing-only organizations, missing trusted access and no features", async () => {
            const billing = accountWithUser(A);
            const untrusted = accountWithUser(B);
            const plain = accountWithUser(C);
            aws.addOrganization({ id: "o-billing001", managementAccountId: A, featureSet: "CONSOLIDATED_BILLING" });
            aws.addOrganization({ id: "o-untrusted1", managementAccountId: B, iamTrustedAccess: false });
            aws.addOrganization({ id: "o-plain00001", managementAccountId: C });
            const features = new ListOrganizationsFeaturesCommand({});

            assert.equal((await rejection(iam(billing).send(features))).name, "OrganizationNotInAllFeaturesModeException");
            assert.equal((await rejection(iam(untrusted).send(features))).name, "ServiceAccessNotEnabledException");
            assert.deepEqual((await iam(plain).send(features)).EnabledFeatures, []);
        });
    });

    describe("Organizations", () => {
        it("DescribeOrganization answers members and AWSOrganizationsNotInUseException otherwise", async () => {
            const member = accountWithUser(B, "alice", { organizationId: ORG });
            const standalone = accountWithUser(C);
            aws.addOrganization({ id: ORG, managementAccountId: A });

            const out = await orgs(member).send(new DescribeOrganizationCommand({}));
            assert.deepEqual(out.Organization, {
                Id: ORG,
                Arn: `arn:aws:organizations::${A}:organization/${ORG}`,
                FeatureSet: "ALL",
                MasterAccountArn: `arn:aws:organizations::${A}:account/${ORG}/${A}`,
                MasterAccountId: A,
                MasterAccountEmail: `management+${A}@example.com`,
            });
            const err = await rejection(orgs(standalone).send(new DescribeOrganizationCommand({})));
            assert.equal(err.name, "AWSOrganizationsNotInUseException");
            assert.equal(err.message, "Your account is not a member of an organization.");
            assert.deepEqual(aws.calls.map((c) => [c.service, c.action, c.accountId]), [
                ["organizations", "DescribeOrganization", B],
                ["organizations", "DescribeOrganization", C],
            ]);
        });
    });

    describe("permissions and faults", () => {
        it("deny() answers AccessDenied to every principal of the account", async () => {
            const keys = accountWithUser(A);
            const other = accountWithUser(B, "alice", { organizationId: ORG });
            aws.addOrganization({ id: ORG, managementAccountId: A });
            aws.deny(A, "iam:GetAccountSummary");
            aws.deny(A, "organizations:DescribeOrganization");

            const err = await rejection(iam(keys).send(new GetAccountSummaryCommand({})));
            assert.equal(err.name, "AccessDenied");
            assert.equal(err.message, `User: arn:aws:iam::${A}:user/alice is not authorized to perform: iam:GetAccountSummary on resource: *`);
            assert.equal(err.$metadata?.httpStatusCode, 403);
            const orgErr = await rejection(orgs(keys).send(new DescribeOrganizationCommand({})));
            assert.equal(orgErr.name, "AccessDeniedException");
            assert.equal(orgErr.$metadata?.httpStatusCode, 403);

            assert.ok((await iam(other).send(new GetAccountSummaryCommand({}))).SummaryMap);
            assert.equal((await sts(keys).send(new GetCallerIdentityCommand({}))).Account, A);
        });

        it("throttles the first N calls; the SDK's retries (maxAttempts 3) then succeed", async () => {
            const keys = accountWithUser(A);
            aws.fault({ action: "GetAccountSummary", kind: "throttle", times: 2 });

            const out = await iam(keys, 3).send(new GetAccountSummaryCommand({}));
            assert.equal(out.SummaryMap?.AccountMFAEnabled, 0);
            assert.equal(out.$metadata.attempts, 3);
            assert.equal(aws.count("GetAccountSummary", A), 3);

            aws.fault({ kind: "throttle", accountId: A, times: 1 });
            const err = await rejection(iam(keys).send(new GetAccountSummaryCommand({})));
            assert.equal(err.name, "Throttling");
            assert.equal(err.message, "Rate exceeded");
            assert.equal(err.$metadata?.httpStatusCode, 400);
        });

        it("answers 503 ServiceUnavailable for error5xx, which the SDK retries as transient", async () => {
            const keys = accountWithUser(A);
            aws.fault({ action: "GetCallerIdentity", kind: "error5xx", times: 1 });
            assert.equal((await sts(keys, 2).send(new GetCallerIdentityCommand({}))).Account, A);
            assert.equal(aws.count("GetCallerIdentity"), 2);

            aws.fault({ action: "GetCallerIdentity", kind: "error5xx" });
            const err = await rejection(sts(keys).send(new GetCallerIdentityCommand({})));
            assert.equal(err.name, "ServiceUnavailable");
            assert.equal(err.$fault, "server");
            assert.equal(err.$metadata?.httpStatusCode, 503);
        });

        it("a hung call is ended by the client's AbortController", async () => {
            const keys = accountWithUser(A);
            aws.fault({ action: "GetCallerIdentity", kind: "hang" });
            const abort = new AbortController();
            const started = Date.now();
            setTimeout(() => abort.abort(), 200);

            const err = await rejection(sts(keys).send(new GetCallerIdentityCommand({}), { abortSignal: abort.signal }));
            assert.equal(err.name, "AbortError");
            const elapsed = Date.now() - started;
            assert.ok(elapsed >= 190 && elapsed < 2000, `aborted after ${elapsed} ms`);
            assert.equal(aws.count("GetCallerIdentity"), 1);
        });

        it("a malformed (truncated) body fails deserialization in the SDK", async () => {
            const keys = accountWithUser(A);
            aws.addOrganization({ id: ORG, managementAccountId: A });
            aws.fault({ kind: "malformed" });

            const xmlErr = await rejection(iam(keys).send(new GetAccountSummaryCommand({})));
            assert.match(xmlErr.message, /XML parse error[\s\S]*Deserialization error/);
            assert.equal(xmlErr.$metadata?.httpStatusCode, 200);
            const jsonErr = await rejection(orgs(keys).send(new DescribeOrganizationCommand({})));
            assert.equal(jsonErr.name, "SyntaxError");
            assert.match(jsonErr.message, /Deserialization error/);
            assert.equal(aws.count(), 2);
        });

        it("delays calls concurrently: 200 calls with 500 ms latency take nowhere near 200 × 500 ms", async function () {
            const keys = accountWithUser(A);
            aws.latency(500);
            const agent = new Agent({ keepAlive: true, maxSockets: 200 });
            const client = track(new STSClient({ ...config(keys), requestHandler: { httpAgent: agent } }));
            try {
                const started = Date.now();
                const results = await Promise.all(Array.from({ length: 200 }, () => client.send(new GetCallerIdentityCommand({}))));
                const elapsed = Date.now() - started;
                assert.ok(results.every((r) => r.Account === A));
                assert.equal(aws.count("GetCallerIdentity", A), 200);
                // Delays one after another would take 100 s; a quarter of that leaves room for a loaded machine.
                assert.ok(elapsed >= 500 && elapsed < 25_000, `took ${elapsed} ms`);
            } finally {
                agent.destroy();
            }
        });

        it("an error fault answers with the given code, message and status", async () => {
            const keys = accountWithUser(A);
            aws.fault({ action: "GetAccountSummary", kind: "error", code: "ValidationError", message: "Value 'x' at 'y' is wrong", times: 1 });
            const err = await rejection(iam(keys).send(new GetAccountSummaryCommand({})));
            assert.equal(err.name, "ValidationError");
            assert.equal(err.message, "Value 'x' at 'y' is wrong");
            assert.equal(err.$metadata?.httpStatusCode, 400);
            aws.fault({ action: "DescribeOrganization", kind: "error", code: "ServiceException", message: "down", status: 503 });
            const orgErr = await rejection(orgs(keys).send(new DescribeOrganizationCommand({})));
            assert.equal(orgErr.name, "ServiceException");
            assert.equal(orgErr.$metadata?.httpStatusCode, 503);
            assert.throws(() => aws.fault({ kind: "error", message: "no code" }), /needs a code and a message/);
        });

        it("counts the requests in flight, hung ones included, and the most at once", async () => {
            const keys = accountWithUser(A);
            aws.fault({ action: "GetCallerIdentity", kind: "hang" });
            const abort = new AbortController();
            const client = sts(keys);
            const calls = Array.from({ length: 3 }, () => rejection(client.send(new GetCallerIdentityCommand({}), { abortSignal: abort.signal })));
            while (aws.inFlight < 3) await new Promise((resolve) => setTimeout(resolve, 10));
            assert.equal(aws.maxInFlight, 3);
            abort.abort();
            await Promise.all(calls);
            while (aws.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
            assert.equal(aws.maxInFlight, 3);
            aws.resetMaxInFlight();
            assert.equal(aws.maxInFlight, 0);
            const role = aws.addRole(A, "R", { trustedAccounts: [A] });
            assert.ok((await sts(keys).send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: "one-call" }))).Credentials);
            assert.equal(aws.maxInFlight, 1);
        });

        it("echoRequests(true) quotes the caller's key id, session token and the parameters in every error", async () => {
            const keys = accountWithUser(A);
            aws.echoRequests(true);
            const denied = await rejection(sts(keys).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${B}:role/None`, RoleSessionName: "echo-me", ExternalId: "ext-1" })));
            assert.equal(denied.name, "AccessDenied");
            assert.match(denied.message, new RegExp(`^User: .* is not authorized .* \\(request: access key ${keys.accessKeyId}, token undefined, parameters RoleArn=arn:aws:iam::${B}:role/None, RoleSessionName=echo-me, ExternalId=ext-1\\)$`));
            const unknown = await rejection(sts({ accessKeyId: "AKIAUNKNOWNKEY000000", secretAccessKey: "x".repeat(40), sessionToken: "tok-1" }).send(new GetCallerIdentityCommand({})));
            assert.match(unknown.message, /\(request: access key AKIAUNKNOWNKEY000000, token tok-1, parameters \)$/);
            aws.echoRequests(false);
            assert.doesNotMatch((await rejection(sts(keys).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${B}:role/None`, RoleSessionName: "no-echo" })))).message, /request:/);
        });

        it("reset() forgets state, faults and the call log", async () => {
            const keys = accountWithUser(A);
            aws.fault({ kind: "error5xx" });
            await rejection(sts(keys).send(new GetCallerIdentityCommand({})));
            aws.reset();
            assert.equal(aws.count(), 0);
            assert.deepEqual(aws.calls, []);
            assert.equal((await rejection(sts(keys).send(new GetCallerIdentityCommand({})))).name, "InvalidClientTokenId");
        });
    });
});
