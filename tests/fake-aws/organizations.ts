import { AwsError, commonError } from "./errors";
import type { Operation, Params } from "./operation";
import type { AccountRecord, FakeAwsState, OrganizationRecord, Principal } from "./state";

/** `X-Amz-Target` prefix of Organizations (JSON 1.1) requests. */
export const ORGANIZATIONS_TARGET_PREFIX = "AWSOrganizationsV20161128.";

/** Content type of JSON 1.1 requests and responses. */
export const JSON_CONTENT_TYPE = "application/x-amz-json-1.1";

/** ListAccounts' MaxResults range; it is also the page size when MaxResults is omitted. */
const MAX_LIST_ACCOUNTS_RESULTS = 20;

/** Organizations operations, by action (the part of `X-Amz-Target` after the prefix). */
export const ORGANIZATIONS_OPERATIONS = new Map<string, Operation<object>>([
    [
        "DescribeOrganization",
        {
            auth: "sigv4",
            run: ({ state, caller }) => {
                const org = requireOrganization(state, caller);
                const p = caller.partition;
                const mgmt = org.managementAccountId;
                return {
                    Organization: {
                        Id: org.id,
                        Arn: `arn:${p}:organizations::${mgmt}:organization/${org.id}`,
                        FeatureSet: org.featureSet,
                        MasterAccountArn: `arn:${p}:organizations::${mgmt}:account/${org.id}/${mgmt}`,
                        MasterAccountId: mgmt,
                        MasterAccountEmail: accountEmail(org, mgmt, state.account(mgmt)),
                    },
                };
            },
        },
    ],
    [
        "ListAccounts",
        {
            auth: "sigv4",
            // Every page costs O(MaxResults): the organization's accounts are a list kept in joining order, and NextToken is an offset into it.
            run: ({ state, caller, params }) => {
                const org = requireOrganization(state, caller);
                const delegated = [...org.iamDelegatedAdministrators, ...org.delegatedAdministrators];
                if (caller.accountId !== org.managementAccountId && !delegated.includes(caller.accountId)) {
                    throw commonError("accessDenied", "json", "You don't have permissions to access this resource.");
                }
                const accounts = state.organizationAccounts(org.id);
                const start = params.NextToken === undefined ? 0 : nextTokenOffset(params.NextToken, org, accounts.length);
                const end = start + maxResultsParam(params);
                return {
                    Accounts: accounts.slice(start, end).map((account) => accountJson(org, account)),
                    NextToken: end < accounts.length ? nextToken(org, end) : undefined,
                };
            },
        },
    ],
]);

/** The caller's organization; AWSOrganizationsNotInUseException when it has none. */
function requireOrganization(state: FakeAwsState, caller: Principal): OrganizationRecord {
    const org = state.organizationOf(caller.accountId);
    if (!org) throw new AwsError("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.");
    return org;
}

/** An account as ListAccounts describes it. */
function accountJson(org: OrganizationRecord, account: AccountRecord): object {
    const mgmt = org.managementAccountId;
    return {
        Id: account.id,
        Arn: `arn:${account.partition}:organizations::${mgmt}:account/${org.id}/${account.id}`,
        Email: accountEmail(org, account.id, account),
        Name: account.name ?? `account-${account.id}`,
        Status: account.organizationState ?? "ACTIVE",
        State: account.organizationState ?? "ACTIVE",
        // The management account created the organization; Organizations reports it as having joined by invitation.
        JoinedMethod: account.id === mgmt ? "INVITED" : "CREATED",
        JoinedTimestamp: account.createDate.getTime() / 1000,
    };
}

/** The account's email, or the default `management+<id>@example.com` / `member+<id>@example.com`. */
function accountEmail(org: OrganizationRecord, accountId: string, account: AccountRecord | undefined): string {
    return account?.email ?? `${accountId === org.managementAccountId ? "management" : "member"}+${accountId}@example.com`;
}

function maxResultsParam(params: Params): number {
    if (params.MaxResults === undefined) return MAX_LIST_ACCOUNTS_RESULTS;
    const maxResults = Number(params.MaxResults);
    if (Number.isInteger(maxResults) && maxResults >= 1 && maxResults <= MAX_LIST_ACCOUNTS_RESULTS) return maxResults;
    throw new AwsError("InvalidInputException", "You provided a value that is outside the allowed range.", 400, {
        Reason: maxResults > MAX_LIST_ACCOUNTS_RESULTS ? "MAX_VALUE_EXCEEDED" : "MIN_VALUE_EXCEEDED",
    });
}

/** NextToken is opaque to clients; here it is base64 of `<organization id>:<offset>`. */
function nextToken(org: OrganizationRecord, offset: number): string {
    return Buffer.from(`${org.id}:${offset}`).toString("base64");
}

/** The offset a NextToken of this organization's listing stands for; InvalidInputException for any other token. */
function nextTokenOffset(token: string, org: OrganizationRecord, accounts: number): number {
    const m = /^(o-[a-z0-9]+):(\d+)$/.exec(Buffer.from(token, "base64").toString());
    const offset = m && m[1] === org.id ? Number(m[2]) : NaN;
    if (!(offset <= accounts)) {
        throw new AwsError("InvalidInputException", "You specified an invalid value for nextToken.", 400, { Reason: "INVALID_NEXT_TOKEN" });
    }
    return offset;
}

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

/** A JSON 1.1 error body `{"__type": code, "message": …, …details}` (the code also goes in `x-amzn-errortype`). */
export function jsonErrorBody(error: AwsError): string {
    return JSON.stringify({ __type: error.code, message: error.message, ...error.details });
}
