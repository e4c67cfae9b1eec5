/**
 * A local, wire-compatible fake of AWS STS, IAM and Organizations for tests and benchmarks:
 *
 * ```ts
 * const aws = await FakeAws.start();
 * aws.addAccount({ id: "111111111111", summary: { AccountMFAEnabled: 1 } });
 * const keys = aws.addUser("111111111111");
 * const iam = new IAMClient({ endpoint: aws.url, region: "us-east-1", credentials: keys });
 * await iam.send(new GetAccountSummaryCommand({})); // SummaryMap.AccountMFAEnabled === 1
 * aws.fault({ action: "GetAccountSummary", kind: "throttle", times: 2 });
 * aws.count("GetAccountSummary", "111111111111");
 * await aws.close();
 * ```
 *
 * It also serves IAM Identity Center's GetRoleCredentials (`addSsoAccessToken`, and
 * `ssoProfileFiles` for an SSO profile on disk) and container credentials endpoints
 * (`addContainerCredentials` → `AWS_CONTAINER_CREDENTIALS_FULL_URI`), and centralized root
 * access: organizations:ListAccounts, sts:AssumeRoot sessions limited by their root-task policy,
 * the root user's credentials they list and delete (kept in step with GetAccountSummary), and
 * iam:EnableOrganizationsRootCredentialsManagement / EnableOrganizationsRootSessions.
 */
export { FakeAws, type FakeCall } from "./server";
export { ssoProfileFiles, type SsoProfileFiles, type SsoProfileOptions } from "./sso";
export {
    DEFAULT_SUMMARY,
    FakeAwsState,
    type FakeAccountSpec,
    type FakeContainerOptions,
    type FakeCredentials,
    type FakeMfaDeviceOptions,
    type FakeOrganization,
    type FakeRoleOptions,
    type FakeSsoGrant,
    type FakeSsoTokenOptions,
    type Partition,
    type Principal,
} from "./state";
export type { RootTaskPolicy } from "./rootTasks";
export type { FaultKind, FaultSpec } from "./faults";
export type { ServiceName } from "./operation";
export { AwsError } from "./errors";
