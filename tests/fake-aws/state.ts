import { createHash, randomUUID } from "node:crypto";
import { newAccessKeyId, newCertificateId, newHardwareMfaSerial, newSecretAccessKey, newSessionToken, newUniqueId } from "./ids";
import type { RootTaskPolicy } from "./rootTasks";

/** AWS partition of an account; it appears in every ARN. */
export type Partition = "aws" | "aws-us-gov" | "aws-cn";

/** An AWS Organization. Its management account is a member even without `organizationId`. */
export interface FakeOrganization {
    /** `o-` followed by 10–32 lowercase alphanumerics. */
    id: string;
    managementAccountId: string;
    /** Default `ALL`. */
    featureSet?: "ALL" | "CONSOLIDATED_BILLING";
    /** Trusted access for IAM; default true. False → ListOrganizationsFeatures answers ServiceAccessNotEnabledException. */
    iamTrustedAccess?: boolean;
    /** Centralized root access: root credentials management enabled. */
    rootCredentialsManagement?: boolean;
    /** Centralized root access: privileged root sessions enabled. */
    rootSessions?: boolean;
    /** Member accounts registered as IAM delegated administrators. */
    iamDelegatedAdministrators?: string[];
    /** Member accounts registered as delegated administrators for other services (they may call ListAccounts). */
    delegatedAdministrators?: string[];
}

/** An AWS account. */
export interface FakeAccountSpec {
    /** 12 digits. */
    id: string;
    /** Default `aws`. */
    partition?: Partition;
    /**
     * IAM GetAccountSummary SummaryMap entries, merged over {@link DEFAULT_SUMMARY}.
     * A key set to `undefined` is omitted from the response. The root user gets the
     * credentials the root entries report (see {@link FakeAwsState.setSummary}).
     */
    summary?: Record<string, number | undefined>;
    /** Organization the account belongs to. */
    organizationId?: string;
    /** A virtual MFA device assigned to the root user (`arn:<p>:iam::<id>:root`). */
    rootVirtualMfa?: boolean;
    /** Account name in Organizations; default `account-<id>`. */
    name?: string;
    /** Root user email address in Organizations; default `management+<id>@example.com` for a management account, else `member+<id>@example.com`. */
    email?: string;
    /** The account's state in Organizations (ListAccounts `State`, and the deprecated `Status` AWS still sends); default ACTIVE. */
    organizationState?: "ACTIVE" | "SUSPENDED" | "PENDING_CLOSURE";
}

/** Who may assume a role, and how. */
export interface FakeRoleOptions {
    /** Accounts whose principals may call AssumeRole on it; default: any account. */
    trustedAccounts?: string[];
    /** When set, AssumeRole must pass exactly this ExternalId. */
    externalId?: string;
    /** Tokens accepted by AssumeRoleWithWebIdentity; none → that call is denied. */
    webIdentityTokens?: string[];
}

/** Options of {@link FakeAwsState.addVirtualMfaDevice}. */
export interface FakeMfaDeviceOptions {
    /** Device name in the serial number `arn:<p>:iam::<acct>:mfa/<name>`; default generated. */
    name?: string;
    /** Assign the device to this (existing) IAM user; omitted → unassigned. */
    userName?: string;
    /** Assign the device to the account's root user (`arn:<p>:iam::<acct>:root`) instead. */
    root?: boolean;
}

/** An account and IAM Identity Center permission set an SSO access token may get credentials for. */
export interface FakeSsoGrant {
    accountId: string;
    /** Permission set name, the `sso_role_name` of a profile (e.g. `AdministratorAccess`). */
    roleName: string;
}

/** Options of {@link FakeAwsState.addSsoAccessToken}. */
export interface FakeSsoTokenOptions {
    /** Identity Center user: the session name of the issued role sessions; default `sso-user`. */
    userName?: string;
}

/** Options of `FakeAws.addContainerCredentials`. */
export interface FakeContainerOptions {
    /**
     * When set, fetches must send exactly this `Authorization` header (the SDK sends
     * `AWS_CONTAINER_AUTHORIZATION_TOKEN`); otherwise 401. Unset: any or no header is accepted.
     */
    authorizationToken?: string;
    /** Session name of the issued credentials; default the endpoint id (like an ECS task id). */
    sessionName?: string;
}

/** Credentials as handed to an SDK client. */
export interface FakeCredentials {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
    expiration?: Date;
}

/** An authenticated caller. */
export interface Principal {
    accountId: string;
    partition: Partition;
    /**
     * `arn:<p>:iam::<acct>:user/<name>`, `arn:<p>:sts::<acct>:assumed-role/<role>/<session>`, or
     * `arn:<p>:iam::<acct>:root` for an AssumeRoot session.
     */
    arn: string;
    /** GetCallerIdentity UserId: `AIDA…` for users, `AROA…:<session>` for assumed roles, the account id for root. */
    userId: string;
    /** An AssumeRoot session's task policy, which denies it every other action. */
    rootTask?: RootTaskPolicy;
}

/** A stored access key with the principal it authenticates. */
export interface CredentialRecord extends FakeCredentials {
    principal: Principal;
}

/** An IAM user. */
export interface UserRecord {
    name: string;
    userId: string;
    arn: string;
    createDate: Date;
}

/** A virtual MFA device; `user` is absent when unassigned. */
export interface MfaDeviceRecord {
    serialNumber: string;
    user?: { arn: string; userId: string; userName?: string; path?: string; createDate: Date };
    enableDate?: Date;
}

/** A root user access key or signing certificate (always `Active`). */
export interface RootKeyRecord {
    /** The access key id or certificate id. */
    id: string;
    /** CreateDate of a key, UploadDate of a certificate. */
    createDate: Date;
}

/** A root MFA device as ListMFADevices lists it. */
export interface RootMfaDevice {
    serialNumber: string;
    enableDate: Date;
}

/**
 * The root user's long-term credentials. Its virtual MFA devices are those of
 * {@link AccountRecord.mfaDevices} assigned to the root user; `hardwareMfaDevices` are the others.
 */
export interface RootCredentialsRecord {
    /** When the root password was set; undefined: no password. */
    passwordCreateDate?: Date;
    accessKeys: Map<string, RootKeyRecord>;
    signingCertificates: Map<string, RootKeyRecord>;
    hardwareMfaDevices: Map<string, RootMfaDevice>;
}

/** An account with its mutable IAM state. */
export interface AccountRecord {
    id: string;
    partition: Partition;
    name?: string;
    email?: string;
    organizationState?: "ACTIVE" | "SUSPENDED" | "PENDING_CLOSURE";
    /** SummaryMap in response order. */
    summary: Map<string, number>;
    organizationId?: string;
    createDate: Date;
    mfaDevices: MfaDeviceRecord[];
    root: RootCredentialsRecord;
}

/** An IAM role. */
export interface RoleRecord {
    arn: string;
    name: string;
    roleId: string;
    accountId: string;
    partition: Partition;
    /** Undefined → any account may assume the role. */
    trustedAccounts?: ReadonlySet<string>;
    externalId?: string;
    webIdentityTokens: ReadonlySet<string>;
}

/** An SSO access token: its user and the `<accountId>/<roleName>` pairs it was granted. */
export interface SsoTokenRecord {
    userName: string;
    grants: Set<string>;
}

/** A container credentials endpoint `/container-credentials/<id>`. */
export interface ContainerEndpointRecord {
    id: string;
    role: RoleRecord;
    sessionName: string;
    authorizationToken?: string;
}

/** An organization with defaults applied. */
export type OrganizationRecord = Required<FakeOrganization>;

/** SummaryMap of a fresh account: no root MFA, root password set, no root keys or certificates, no users. */
export const DEFAULT_SUMMARY: Readonly<Record<string, number>> = {
    AccountMFAEnabled: 0,
    AccountPasswordPresent: 1,
    AccountAccessKeysPresent: 0,
    AccountSigningCertificatesPresent: 0,
    Users: 0,
};

/** The SummaryMap entries that report the root user's credentials: 1 when it has some of the kind, else 0. */
type RootSummaryKey = "AccountPasswordPresent" | "AccountAccessKeysPresent" | "AccountSigningCertificatesPresent" | "AccountMFAEnabled";

const ROOT_SUMMARY_KEYS: ReadonlySet<string> = new Set<RootSummaryKey>([
    "AccountPasswordPresent",
    "AccountAccessKeysPresent",
    "AccountSigningCertificatesPresent",
    "AccountMFAEnabled",
]);

/** IAM quota: access keys, and signing certificates, per user (the root user included). */
const MAX_ROOT_KEYS = 2;

const ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/**
 * Accounts, principals, roles, organizations and permission denials of a fake AWS.
 * Requests look things up by key (Map/Set), so the number of accounts doesn't slow them down.
 */
export class FakeAwsState {
    private readonly accounts = new Map<string, AccountRecord>();
    private readonly organizations = new Map<string, OrganizationRecord>();
    private readonly organizationByManagement = new Map<string, string>();
    /** Each organization's accounts in joining order, so ListAccounts pages by offset. */
    private readonly organizationMembers = new Map<string, AccountRecord[]>();
    private readonly credentials = new Map<string, CredentialRecord>();
    private readonly users = new Map<string, UserRecord>();
    private readonly roles = new Map<string, RoleRecord>();
    private readonly denials = new Set<string>();
    private readonly ssoTokens = new Map<string, SsoTokenRecord>();
    private readonly containerEndpoints = new Map<string, ContainerEndpointRecord>();
    private userSerial = 0;
    private deviceSerial = 0;

    /** Adds an account; throws if the id is malformed or already taken. */
    addAccount(spec: FakeAccountSpec): void {
        if (!ACCOUNT_ID.test(spec.id)) throw new Error(`account id must be 12 digits: ${spec.id}`);
        if (this.accounts.has(spec.id)) throw new Error(`account ${spec.id} already exists`);
        const account: AccountRecord = {
            id: spec.id,
            partition: spec.partition ?? "aws",
            name: spec.name,
            email: spec.email,
            organizationState: spec.organizationState,
            summary: new Map(),
            organizationId: spec.organizationId,
            createDate: new Date(),
            mfaDevices: [],
            root: { accessKeys: new Map(), signingCertificates: new Map(), hardwareMfaDevices: new Map() },
        };
        this.accounts.set(spec.id, account);
        if (spec.rootVirtualMfa) {
            account.mfaDevices.push({
                serialNumber: `arn:${account.partition}:iam::${spec.id}:mfa/root-account-mfa-device`,
                user: { arn: rootArn(account), userId: spec.id, createDate: account.createDate },
                enableDate: new Date(),
            });
        }
        // After the virtual device: with it, AccountMFAEnabled 1 needs no hardware device.
        this.setSummary(spec.id, { ...DEFAULT_SUMMARY, ...spec.summary });
        const organizationId = spec.organizationId ?? this.organizationByManagement.get(spec.id);
        if (organizationId !== undefined) this.join(organizationId, account);
    }

    /**
     * Merges SummaryMap entries into an account's; `undefined` removes the key from responses.
     * A root entry set to a number also gives the root user matching credentials:
     * AccountPasswordPresent > 0 a password (else none); AccountAccessKeysPresent and
     * AccountSigningCertificatesPresent that many access keys / signing certificates (at most 2);
     * AccountMFAEnabled > 0 a hardware MFA device unless it has an MFA device, 0 no hardware device
     * (virtual devices stay as they are, see {@link addVirtualMfaDevice}). Changes through the API
     * (DeleteAccessKey, …) set the entry back to 0 or 1, as AWS reports them.
     */
    setSummary(accountId: string, partial: Record<string, number | undefined>): void {
        const account = this.requireAccount(accountId);
        for (const [key, value] of Object.entries(partial)) {
            if (value === undefined) {
                account.summary.delete(key);
                continue;
            }
            account.summary.set(key, value);
            if (ROOT_SUMMARY_KEYS.has(key)) alignRootCredentials(account, key as RootSummaryKey, value);
        }
    }

    /** Adds an organization; throws on a malformed or duplicate id. */
    addOrganization(org: FakeOrganization): void {
        if (!ORGANIZATION_ID.test(org.id)) throw new Error(`organization id must match ${ORGANIZATION_ID}: ${org.id}`);
        if (!ACCOUNT_ID.test(org.managementAccountId)) {
            throw new Error(`management account id must be 12 digits: ${org.managementAccountId}`);
        }
        if (this.organizations.has(org.id)) throw new Error(`organization ${org.id} already exists`);
        this.organizations.set(org.id, {
            id: org.id,
            managementAccountId: org.managementAccountId,
            featureSet: org.featureSet ?? "ALL",
            iamTrustedAccess: org.iamTrustedAccess ?? true,
            rootCredentialsManagement: org.rootCredentialsManagement ?? false,
            rootSessions: org.rootSessions ?? false,
            iamDelegatedAdministrators: [...(org.iamDelegatedAdministrators ?? [])],
            delegatedAdministrators: [...(org.delegatedAdministrators ?? [])],
        });
        this.organizationByManagement.set(org.managementAccountId, org.id);
        const management = this.accounts.get(org.managementAccountId);
        if (management && management.organizationId === undefined) this.join(org.id, management);
    }

    /** The organization's accounts (management account included) that exist here, in joining order. O(1). */
    organizationAccounts(organizationId: string): readonly AccountRecord[] {
        return this.organizationMembers.get(organizationId) ?? [];
    }

    /** Creates an IAM user with an access key; `name` defaults to `user-<n>`. */
    addUser(accountId: string, name?: string): FakeCredentials {
        const account = this.requireAccount(accountId);
        const userName = name ?? `user-${++this.userSerial}`;
        const key = `${accountId}/${userName}`;
        if (this.users.has(key)) throw new Error(`user ${userName} already exists in ${accountId}`);
        const user: UserRecord = {
            name: userName,
            userId: newUniqueId("AIDA"),
            arn: `arn:${account.partition}:iam::${accountId}:user/${userName}`,
            createDate: new Date(),
        };
        this.users.set(key, user);
        const credentials = { accessKeyId: newAccessKeyId("AKIA"), secretAccessKey: newSecretAccessKey() };
        this.credentials.set(credentials.accessKeyId, {
            ...credentials,
            principal: { accountId, partition: account.partition, arn: user.arn, userId: user.userId },
        });
        return credentials;
    }

    /** Creates an IAM role and returns its ARN `arn:<p>:iam::<acct>:role/<name>`. */
    addRole(accountId: string, roleName: string, opts: FakeRoleOptions = {}): string {
        const account = this.requireAccount(accountId);
        const arn = `arn:${account.partition}:iam::${accountId}:role/${roleName}`;
        if (this.roles.has(arn)) throw new Error(`role ${arn} already exists`);
        this.roles.set(arn, {
            arn,
            name: roleName,
            roleId: newUniqueId("AROA"),
            accountId,
            partition: account.partition,
            trustedAccounts: opts.trustedAccounts && new Set(opts.trustedAccounts),
            externalId: opts.externalId,
            webIdentityTokens: new Set(opts.webIdentityTokens ?? []),
        });
        return arn;
    }

    /** Creates a virtual MFA device (e.g. to exercise pagination) and returns its serial number. */
    addVirtualMfaDevice(accountId: string, opts: FakeMfaDeviceOptions = {}): string {
        const account = this.requireAccount(accountId);
        const serialNumber = `arn:${account.partition}:iam::${accountId}:mfa/${opts.name ?? `device-${++this.deviceSerial}`}`;
        let device: MfaDeviceRecord = { serialNumber };
        if (opts.root) {
            device = { serialNumber, user: { arn: rootArn(account), userId: accountId, createDate: account.createDate }, enableDate: new Date() };
        } else if (opts.userName !== undefined) {
            const user = this.users.get(`${accountId}/${opts.userName}`);
            if (!user) throw new Error(`no user ${opts.userName} in ${accountId}`);
            device = {
                serialNumber,
                user: { arn: user.arn, userId: user.userId, userName: user.name, path: "/", createDate: user.createDate },
                enableDate: new Date(),
            };
        }
        account.mfaDevices.push(device);
        return serialNumber;
    }

    /**
     * Registers an IAM Identity Center access token (what `aws sso login` caches) that may call
     * the portal's GetRoleCredentials for the given accounts and permission sets. Calling it
     * again with the same token adds grants. The accounts must exist. Credentials it yields
     * belong to `arn:<p>:sts::<acct>:assumed-role/AWSReservedSSO_<roleName>_<hex>/<userName>`
     * (see {@link ssoRoleName}).
     */
    addSsoAccessToken(token: string, grants: FakeSsoGrant[], opts: FakeSsoTokenOptions = {}): void {
        if (token === "") throw new Error("SSO access token must not be empty");
        for (const grant of grants) this.requireAccount(grant.accountId);
        const record = this.ssoTokens.get(token) ?? { userName: opts.userName ?? "sso-user", grants: new Set<string>() };
        if (opts.userName !== undefined) record.userName = opts.userName;
        for (const grant of grants) record.grants.add(ssoGrantKey(grant.accountId, grant.roleName));
        this.ssoTokens.set(token, record);
    }

    /** The SSO access token's record, if registered. */
    ssoAccessToken(token: string): SsoTokenRecord | undefined {
        return this.ssoTokens.get(token);
    }

    /** Whether the token may get credentials for the permission set in the account. */
    ssoGranted(token: SsoTokenRecord, accountId: string, roleName: string): boolean {
        return token.grants.has(ssoGrantKey(accountId, roleName));
    }

    /**
     * Name of the IAM role Identity Center provisions for a permission set in an account:
     * `AWSReservedSSO_<roleName>_<16 hex>`, the hex derived from account and name (stable).
     */
    ssoRoleName(accountId: string, roleName: string): string {
        const hex = createHash("sha256").update(`${accountId}/${roleName}`).digest("hex").slice(0, 16);
        return `AWSReservedSSO_${roleName}_${hex}`;
    }

    /** The role (created on first use, trusting no account for AssumeRole) behind a permission set in an account. */
    ssoRole(accountId: string, roleName: string): RoleRecord {
        return this.serviceRole(accountId, this.ssoRoleName(accountId, roleName), "/aws-reserved/sso.amazonaws.com/");
    }

    /**
     * Registers a container credentials endpoint for the role (an existing one of
     * {@link addRole}, else created trusting no account for AssumeRole) and returns its id.
     */
    addContainerEndpoint(accountId: string, roleName: string, opts: FakeContainerOptions = {}): ContainerEndpointRecord {
        const role = this.serviceRole(accountId, roleName, "/");
        const id = randomUUID().replace(/-/g, "");
        const record = { id, role, sessionName: opts.sessionName ?? id, authorizationToken: opts.authorizationToken };
        this.containerEndpoints.set(id, record);
        return record;
    }

    /** The container credentials endpoint with this id, if registered. */
    containerEndpoint(id: string): ContainerEndpointRecord | undefined {
        return this.containerEndpoints.get(id);
    }

    /** Denies `action` (`<service>:<Action>`, e.g. `iam:GetAccountSummary`) to every principal of the account. */
    deny(accountId: string, action: string): void {
        this.denials.add(`${accountId} ${action}`);
    }

    /** Whether {@link deny} was called for this account and action. */
    isDenied(accountId: string, action: string): boolean {
        return this.denials.has(`${accountId} ${action}`);
    }

    /** The account, if it exists. */
    account(accountId: string): AccountRecord | undefined {
        return this.accounts.get(accountId);
    }

    /** The access key's record (user key or STS session), if issued. */
    credential(accessKeyId: string): CredentialRecord | undefined {
        return this.credentials.get(accessKeyId);
    }

    /** The role with this ARN, if it exists. */
    role(arn: string): RoleRecord | undefined {
        return this.roles.get(arn);
    }

    /** The organization the account belongs to (as member or management account), if any. */
    organizationOf(accountId: string): OrganizationRecord | undefined {
        const id = this.accounts.get(accountId)?.organizationId ?? this.organizationByManagement.get(accountId);
        return id === undefined ? undefined : this.organizations.get(id);
    }

    /** Issues STS session credentials for `role`, valid for `durationSeconds`. */
    issueRoleSession(role: RoleRecord, sessionName: string, durationSeconds: number): CredentialRecord {
        const record: CredentialRecord = {
            accessKeyId: newAccessKeyId("ASIA"),
            secretAccessKey: newSecretAccessKey(),
            sessionToken: newSessionToken(),
            expiration: new Date(Date.now() + durationSeconds * 1000),
            principal: {
                accountId: role.accountId,
                partition: role.partition,
                arn: `arn:${role.partition}:sts::${role.accountId}:assumed-role/${role.name}/${sessionName}`,
                userId: `${role.roleId}:${sessionName}`,
            },
        };
        this.credentials.set(record.accessKeyId, record);
        return record;
    }

    /**
     * Issues AssumeRoot credentials: the account's root user (`arn:<p>:iam::<acct>:root`),
     * limited by `task`, valid for `durationSeconds` (0: already expired).
     */
    issueRootSession(account: AccountRecord, task: RootTaskPolicy, durationSeconds: number): CredentialRecord {
        const record: CredentialRecord = {
            accessKeyId: newAccessKeyId("ASIA"),
            secretAccessKey: newSecretAccessKey(),
            sessionToken: newSessionToken(),
            expiration: new Date(Date.now() + durationSeconds * 1000),
            principal: { accountId: account.id, partition: account.partition, arn: rootArn(account), userId: account.id, rootTask: task },
        };
        this.credentials.set(record.accessKeyId, record);
        return record;
    }

    /** The root user's MFA devices: virtual ones assigned to it, then hardware ones. */
    rootMfaDevices(account: AccountRecord): RootMfaDevice[] {
        const arn = rootArn(account);
        const virtual = account.mfaDevices
            .filter((d) => d.user?.arn === arn)
            .map((d) => ({ serialNumber: d.serialNumber, enableDate: d.enableDate ?? account.createDate }));
        return [...virtual, ...account.root.hardwareMfaDevices.values()];
    }

    /** Deletes the root password (DeleteLoginProfile); false when there is none. */
    deleteRootPassword(account: AccountRecord): boolean {
        if (account.root.passwordCreateDate === undefined) return false;
        account.root.passwordCreateDate = undefined;
        reportRootCredentials(account, "AccountPasswordPresent");
        return true;
    }

    /** Deletes a root access key; false when the root user has no key with this id. */
    deleteRootAccessKey(account: AccountRecord, accessKeyId: string): boolean {
        if (!account.root.accessKeys.delete(accessKeyId)) return false;
        reportRootCredentials(account, "AccountAccessKeysPresent");
        return true;
    }

    /** Deletes a root signing certificate; false when the root user has none with this id. */
    deleteRootSigningCertificate(account: AccountRecord, certificateId: string): boolean {
        if (!account.root.signingCertificates.delete(certificateId)) return false;
        reportRootCredentials(account, "AccountSigningCertificatesPresent");
        return true;
    }

    /**
     * Deactivates a root MFA device: a virtual one becomes unassigned (ListVirtualMFADevices
     * still lists it), a hardware one is gone. False when the root user has no such device.
     */
    deactivateRootMfaDevice(account: AccountRecord, serialNumber: string): boolean {
        const arn = rootArn(account);
        const virtual = account.mfaDevices.find((d) => d.serialNumber === serialNumber && d.user?.arn === arn);
        if (virtual) {
            virtual.user = undefined;
            virtual.enableDate = undefined;
        } else if (!account.root.hardwareMfaDevices.delete(serialNumber)) {
            return false;
        }
        reportRootCredentials(account, "AccountMFAEnabled");
        return true;
    }

    /** Forgets all accounts, organizations, principals, roles and denials. */
    protected clearState(): void {
        this.accounts.clear();
        this.organizations.clear();
        this.organizationByManagement.clear();
        this.organizationMembers.clear();
        this.credentials.clear();
        this.users.clear();
        this.roles.clear();
        this.denials.clear();
        this.ssoTokens.clear();
        this.containerEndpoints.clear();
        this.userSerial = 0;
        this.deviceSerial = 0;
    }

    /**
     * The role `roleName` in the account: the stored one if {@link addRole} (or an earlier call)
     * created it, else a new one that no account may AssumeRole (as if it trusted only an AWS
     * service principal). Its IAM ARN carries `path`; the assumed-role ARN doesn't.
     */
    private serviceRole(accountId: string, roleName: string, path: string): RoleRecord {
        const account = this.requireAccount(accountId);
        const arn = `arn:${account.partition}:iam::${accountId}:role${path}${roleName}`;
        const existing = this.roles.get(arn);
        if (existing) return existing;
        const role: RoleRecord = {
            arn,
            name: roleName,
            roleId: newUniqueId("AROA"),
            accountId,
            partition: account.partition,
            trustedAccounts: new Set(),
            webIdentityTokens: new Set(),
        };
        this.roles.set(role.arn, role);
        return role;
    }

    /** The account; throws when it doesn't exist. */
    requireAccount(accountId: string): AccountRecord {
        const account = this.accounts.get(accountId);
        if (!account) throw new Error(`unknown account ${accountId}; call addAccount first`);
        return account;
    }

    private join(organizationId: string, account: AccountRecord): void {
        const members = this.organizationMembers.get(organizationId);
        if (members) members.push(account);
        else this.organizationMembers.set(organizationId, [account]);
    }
}

function ssoGrantKey(accountId: string, roleName: string): string {
    return `${accountId}/${roleName}`;
}

/** `arn:<p>:iam::<acct>:root`. */
function rootArn(account: AccountRecord): string {
    return `arn:${account.partition}:iam::${account.id}:root`;
}

/** Gives the root user the credentials a SummaryMap entry reports (see {@link FakeAwsState.setSummary}). */
function alignRootCredentials(account: AccountRecord, key: RootSummaryKey, value: number): void {
    const root = account.root;
    const count = Math.min(MAX_ROOT_KEYS, Math.max(0, Math.ceil(value)));
    switch (key) {
        case "AccountPasswordPresent":
            root.passwordCreateDate = value > 0 ? (root.passwordCreateDate ?? new Date()) : undefined;
            break;
        case "AccountAccessKeysPresent":
            resize(root.accessKeys, count, () => newAccessKeyId("AKIA"));
            break;
        case "AccountSigningCertificatesPresent":
            resize(root.signingCertificates, count, newCertificateId);
            break;
        case "AccountMFAEnabled":
            if (value <= 0) {
                root.hardwareMfaDevices.clear();
            } else if (!hasRootCredentials(account, "AccountMFAEnabled")) {
                const serialNumber = newHardwareMfaSerial();
                root.hardwareMfaDevices.set(serialNumber, { serialNumber, enableDate: new Date() });
            }
            break;
    }
}

/** Adds keys (ids from `newId`) or drops the newest until there are `count`. */
function resize(keys: Map<string, RootKeyRecord>, count: number, newId: () => string): void {
    while (keys.size > count) keys.delete([...keys.keys()][keys.size - 1]);
    while (keys.size < count) {
        const id = newId();
        keys.set(id, { id, createDate: new Date() });
    }
}

/** Writes whether the root user has credentials of `key`'s kind (1/0) into the SummaryMap, unless the entry was removed. */
function reportRootCredentials(account: AccountRecord, key: RootSummaryKey): void {
    if (account.summary.has(key)) account.summary.set(key, hasRootCredentials(account, key) ? 1 : 0);
}

/** Whether the root user has credentials of the kind `key` reports. */
function hasRootCredentials(account: AccountRecord, key: RootSummaryKey): boolean {
    const root = account.root;
    switch (key) {
        case "AccountPasswordPresent":
            return root.passwordCreateDate !== undefined;
        case "AccountAccessKeysPresent":
            return root.accessKeys.size > 0;
        case "AccountSigningCertificatesPresent":
            return root.signingCertificates.size > 0;
        case "AccountMFAEnabled":
            return root.hardwareMfaDevices.size > 0 || account.mfaDevices.some((d) => d.user?.arn === rootArn(account));
    }
}
