import { AwsError } from "./errors";
import type { Operation, Params } from "./operation";

/** `X-Amz-Target` prefix of Organizations (JSON 1.1) requests. */
export const ORGANIZATIONS_TARGET_PREFIX = "AWSOrganizationsV20161128.";

/** Content type of JSON 1.1 requests and responses. */
export const JSON_CONTENT_TYPE = "application/x-amz-json-1.1";

/** Organizations operations, by action (the part of `X-Amz-Target` after the prefix). */
export const ORGANIZATIONS_OPERATIONS = new Map<string, Operation<object>>([
    [
        "DescribeOrganization",
        {
            auth: "sigv4",
            run: ({ state, caller }) => {
                const org = state.organizationOf(caller.accountId);
                if (!org) throw new AwsError("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.");
                const p = caller.partition;
                const mgmt = org.managementAccountId;
                return {
                    Organization: {
                        Id: org.id,
                        Arn: `arn:${p}:organizations::${mgmt}:organization/${org.id}`,
                        FeatureSet: org.featureSet,
                        MasterAccountArn: `arn:${p}:organizations::${mgmt}:account/${org.id}/${mgmt}`,
                        MasterAccountId: mgmt,
                        MasterAccountEmail: `management+${mgmt}@example.com`,
                    },
                };
            },
        },
    ],
]);

/**
 * Decodes a JSON request body into call-log params: string members as they are, other
 * members JSON-encoded. Throws SerializationException on a body that isn't a JSON object.
 */
export function parseJsonParams(body: Buffer): Params {
    let parsed: unknown;
    try {
        parsed = body.length === 0 ? {} : JSON.parse(body.toString("utf8"));
    } catch {
        parsed = undefined;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new AwsError("SerializationException", "The request body is not a JSON object.");
    }
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** A JSON 1.1 error body `{"__type": code, "message": …}` (the code also goes in `x-amzn-errortype`). */
export function jsonErrorBody(error: AwsError): string {
    return JSON.stringify({ __type: error.code, message: error.message });
}
