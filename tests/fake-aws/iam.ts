import { AwsError, requiredParam } from "./errors";
import type { Operation, Params } from "./operation";
import type { AccountRecord, FakeAwsState, MfaDeviceRecord, OrganizationRecord, Principal } from "./state";
import { el, escapeXml, memberList, node } from "./xml";

const DEFAULT_MAX_ITEMS = 100;
const ASSIGNMENT_STATUSES = new Set(["Assigned", "Unassigned", "Any"]);
/** CertificateBody of the root user's signing certificates: PEM-shaped, not a real certificate. */
const CERTIFICATE_BODY = "-----BEGIN CERTIFICATE-----\nRkFLRS1BV1MgU0lHTklORyBDRVJUSUZJQ0FURQ==\n-----END CERTIFICATE-----";

/** IAM operations (Query protocol, version 2010-05-08), by action. */
export const IAM_OPERATIONS = new Map<string, Operation<string>>([
    [
        "GetAccountSummary",
        {
            auth: "sigv4",
            run: ({ state, caller }) => {
                const entries = [...state.requireAccount(caller.accountId).summary].map(([key, value]) =>
                    node("entry", el("key", key) + el("value", value)),
                );
                return node("SummaryMap", entries.join(""));
            },
        },
    ],
    [
        "ListVirtualMFADevices",
        {
            auth: "sigv4",
            run: ({ state, caller, params }) => {
                const status = params.AssignmentStatus ?? "Any";
                if (!ASSIGNMENT_STATUSES.has(status)) {
                    throw new AwsError(
                        "ValidationError",
                        `1 validation error detected: Value '${status}' at 'assignmentStatus' failed to satisfy constraint: ` +
                            "Member must satisfy enum value set: [Unassigned, Any, Assigned]",
                    );
                }
                const devices = state
                    .requireAccount(caller.accountId)
                    .mfaDevices.filter((d) => status === "Any" || (d.user !== undefined) === (status === "Assigned"));
                const { page, more } = pageOf(devices, params);
                return memberList("VirtualMFADevices", page.map(deviceXml)) + more;
            },
        },
    ],
    [
        "ListOrganizationsFeatures",
        {
            auth: "sigv4",
            run: ({ state, caller }) => featuresXml(rootAccessOrganization(state, caller, false)),
        },
    ],
    [
        "EnableOrganizationsRootCredentialsManagement",
        {
            auth: "sigv4",
            run: ({ state, caller }) => {
                const org = rootAccessOrganization(state, caller, true);
                org.rootCredentialsManagement = true;
                return featuresXml(org);
            },
        },
    ],
    [
        "EnableOrganizationsRootSessions",
        {
            auth: "sigv4",
            run: ({ state, caller }) => {
                const org = rootAccessOrganization(state, caller, true);
                org.rootSessions = true;
                return featuresXml(org);
            },
        },
    ],
    // The root user's credentials, for an AssumeRoot session (UserName omitted: the root user).
    [
        "GetLoginProfile",
        {
            auth: "sigv4",
            run: ({ state, caller }) => {
                const account = rootAccount(state, caller, "GetLoginProfile");
                const created = account.root.passwordCreateDate;
                if (!created) throw noSuchEntity(`Login Profile for User ${account.id} cannot be found.`);
                return node("LoginProfile", el("UserName", account.id) + el("CreateDate", created) + el("PasswordResetRequired", false));
            },
        },
    ],
    [
        "DeleteLoginProfile",
        {
            auth: "sigv4",
            run: ({ state, caller }) => {
                const account = rootAccount(state, caller, "DeleteLoginProfile");
                if (!state.deleteRootPassword(account)) throw noSuchEntity(`Login Profile for User ${account.id} cannot be found.`);
                return "";
            },
        },
    ],
    [
        "ListAccessKeys",
        {
            auth: "sigv4",
            run: ({ state, caller, params }) => {
                const account = rootAccount(state, caller, "ListAccessKeys");
                const { page, more } = pageOf([...account.root.accessKeys.values()], params);
                const keys = page.map((k) => el("UserName", account.id) + el("AccessKeyId", k.id) + el("Status", "Active") + el("CreateDate", k.createDate));
                return memberList("AccessKeyMetadata", keys) + more;
            },
        },
    ],
    [
        "DeleteAccessKey",
        {
            auth: "sigv4",
            run: ({ state, caller, params }) => {
                const account = rootAccount(state, caller, "DeleteAccessKey");
                const id = requiredParam(params, "AccessKeyId", "accessKeyId");
                if (!state.deleteRootAccessKey(account, id)) throw noSuchEntity(`The Access Key with id ${id} cannot be found.`);
                return "";
            },
        },
    ],
    [
        "ListSigningCertificates",
        {
            auth: "sigv4",
            run: ({ state, caller, params }) => {
                const account = rootAccount(state, caller, "ListSigningCertificates");
                const { page, more } = pageOf([...account.root.signingCertificates.values()], params);
                const certificates = page.map(
                    (c) =>
                        el("UserName", account.id) +
                        el("CertificateId", c.id) +
                        el("CertificateBody", CERTIFICATE_BODY) +
                        el("Status", "Active") +
                        el("UploadDate", c.createDate),
                );
                return memberList("Certificates", certificates) + more;
            },
        },
    ],
    [
        "DeleteSigningCertificate",
        {
            auth: "sigv4",
            run: ({ state, caller, params }) => {
                const account = rootAccount(state, caller, "DeleteSigningCertificate");
                const id = requiredParam(params, "CertificateId", "certificateId");
                if (!state.deleteRootSigningCertificate(account, id)) throw noSuchEntity(`The Certificate with id ${id} cannot be found.`);
                return "";
            },
        },
    ],
    [
        "ListMFADevices",
        {
            auth: "sigv4",
            run: ({ state, caller, params }) => {
                const account = rootAccount(state, caller, "ListMFADevices");
                const { page, more } = pageOf(state.rootMfaDevices(account), params);
                const devices = page.map((d) => el("UserName", account.id) + el("SerialNumber", d.serialNumber) + el("EnableDate", d.enableDate));
                return memberList("MFADevices", devices) + more;
            },
        },
    ],
    [
        "DeactivateMFADevice",
        {
            auth: "sigv4",
            run: ({ state, caller, params }) => {
                const account = rootAccount(state, caller, "DeactivateMFADevice");
                const serialNumber = requiredParam(params, "SerialNumber", "serialNumber");
                if (!state.deactivateRootMfaDevice(account, serialNumber)) {
                    throw noSuchEntity(`MFA Device with serial number ${serialNumber} does not exist.`);
                }
                return "";
            },
        },
    ],
]);

/**
 * The caller's organization, for the centralized root access calls: the organization must use all
 * features and trust IAM, and the caller be its management account (or, unless
 * `managementOnly`, the IAM delegated administrator). Throws IAM's error otherwise.
 */
function rootAccessOrganization(state: FakeAwsState, caller: Principal, managementOnly: boolean): OrganizationRecord {
    const org = state.organizationOf(caller.accountId);
    if (!org) {
        throw new AwsError("OrganizationNotFoundException", "The request was rejected because no organization is associated with your account.");
    }
    if (org.featureSet !== "ALL") {
        throw new AwsError(
            "OrganizationNotInAllFeaturesModeException",
            "The request was rejected because your organization does not have All features enabled.",
        );
    }
    if (!org.iamTrustedAccess) {
        throw new AwsError(
            "ServiceAccessNotEnabledException",
            "The request was rejected because trusted access is not enabled for IAM in AWS Organizations.",
        );
    }
    const management = caller.accountId === org.managementAccountId;
    if (!management && !org.iamDelegatedAdministrators.includes(caller.accountId)) {
        throw new AwsError(
            "AccountNotManagementOrDelegatedAdministratorException",
            "The request was rejected because the account making the request is not the management account " +
                "or delegated administrator account for centralized root access.",
        );
    }
    if (managementOnly && !management) {
        throw new AwsError(
            "CallerIsNotManagementAccountException",
            "The request was rejected because the account making the request is not the management account for the organization.",
        );
    }
    return org;
}

/** `OrganizationId` and `EnabledFeatures`, as ListOrganizationsFeatures and the Enable calls answer. */
function featuresXml(org: OrganizationRecord): string {
    const features = [...(org.rootCredentialsManagement ? ["RootCredentialsManagement"] : []), ...(org.rootSessions ? ["RootSessions"] : [])];
    return el("OrganizationId", org.id) + memberList("EnabledFeatures", features.map(escapeXml));
}

/**
 * The account whose root user a credential call acts on: the caller's, for an AssumeRoot session
 * (whose task policy denies naming an IAM user). Other callers' credentials aren't modelled: their
 * calls fail with InternalFailure naming the action, rather than with an answer AWS wouldn't give.
 * The root user's entries carry the account id as UserName.
 */
function rootAccount(state: FakeAwsState, caller: Principal, action: string): AccountRecord {
    if (!caller.rootTask) throw new Error(`the fake models iam:${action} for AssumeRoot sessions (the root user) only`);
    return state.requireAccount(caller.accountId);
}

function noSuchEntity(message: string): AwsError {
    return new AwsError("NoSuchEntity", message, 404);
}

/**
 * A device as ListVirtualMFADevices lists it. The root user's device has a `User` with
 * only UserId (the account id), Arn (`…:root`) and CreateDate.
 */
function deviceXml(device: MfaDeviceRecord): string {
    const user = device.user;
    const userXml =
        user && el("Path", user.path) + el("UserName", user.userName) + el("UserId", user.userId) + el("Arn", user.arn) + el("CreateDate", user.createDate);
    return el("SerialNumber", device.serialNumber) + node("User", userXml) + el("EnableDate", device.enableDate);
}

/** One page of `items` by Marker/MaxItems, and the `IsTruncated`/`Marker` XML that follows the list. */
function pageOf<T>(items: readonly T[], params: Params): { page: readonly T[]; more: string } {
    const maxItems = maxItemsParam(params);
    const start = params.Marker === undefined ? 0 : markerOffset(params.Marker);
    const end = start + maxItems;
    const truncated = end < items.length;
    return { page: items.slice(start, end), more: el("IsTruncated", truncated) + el("Marker", truncated ? marker(end) : undefined) };
}

function maxItemsParam(params: Params): number {
    if (params.MaxItems === undefined) return DEFAULT_MAX_ITEMS;
    const maxItems = Number(params.MaxItems);
    if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 1000) {
        throw new AwsError(
            "ValidationError",
            `1 validation error detected: Value '${params.MaxItems}' at 'maxItems' failed to satisfy constraint: ` +
                "Member must have value between 1 and 1000",
        );
    }
    return maxItems;
}

/** Markers are opaque to clients; here they are base64 of `offset:<n>`. */
function marker(offset: number): string {
    return Buffer.from(`offset:${offset}`).toString("base64");
}

function markerOffset(marker: string): number {
    const m = /^offset:(\d+)$/.exec(Buffer.from(marker, "base64").toString());
    if (!m) throw new AwsError("ValidationError", "Invalid Marker.");
    return Number(m[1]);
}
