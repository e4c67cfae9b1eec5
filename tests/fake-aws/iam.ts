import { AwsError } from "./errors";
import type { Operation, Params } from "./operation";
import type { MfaDeviceRecord } from "./state";
import { el, escapeXml, memberList, node } from "./xml";

const DEFAULT_MAX_ITEMS = 100;
const ASSIGNMENT_STATUSES = new Set(["Assigned", "Unassigned", "Any"]);

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
                const maxItems = maxItemsParam(params);
                const start = params.Marker === undefined ? 0 : markerOffset(params.Marker);
                const devices = state
                    .requireAccount(caller.accountId)
                    .mfaDevices.filter((d) => status === "Any" || (d.user !== undefined) === (status === "Assigned"));
                const end = start + maxItems;
                const truncated = end < devices.length;
                return (
                    memberList("VirtualMFADevices", devices.slice(start, end).map(deviceXml)) +
                    el("IsTruncated", truncated) +
                    el("Marker", truncated ? marker(end) : undefined)
                );
            },
        },
    ],
    [
        "ListOrganizationsFeatures",
        {
            auth: "sigv4",
            run: ({ state, caller }) => {
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
                if (caller.accountId !== org.managementAccountId && !org.iamDelegatedAdministrators.includes(caller.accountId)) {
                    throw new AwsError(
                        "AccountNotManagementOrDelegatedAdministratorException",
                        "The request was rejected because the account making the request is not the management account " +
                            "or delegated administrator account for centralized root access.",
                    );
                }
                const features = [
                    ...(org.rootCredentialsManagement ? ["RootCredentialsManagement"] : []),
                    ...(org.rootSessions ? ["RootSessions"] : []),
                ];
                return el("OrganizationId", org.id) + memberList("EnabledFeatures", features.map(escapeXml));
            },
        },
    ],
]);

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
