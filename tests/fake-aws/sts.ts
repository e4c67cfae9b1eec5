import { AwsError, notAuthorizedMessage } from "./errors";
import type { Operation, Params } from "./operation";
import type { CredentialRecord } from "./state";
import { el, node } from "./xml";

/** Longest session a role hands out (its default MaxSessionDuration, and the role-chaining cap). */
const MAX_SESSION_SECONDS = 3600;
const MIN_SESSION_SECONDS = 900;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** STS operations (Query protocol, version 2011-06-15), by action. */
export const STS_OPERATIONS = new Map<string, Operation<string>>([
    [
        "GetCallerIdentity",
        {
            auth: "sigv4",
            run: ({ caller }) => el("UserId", caller.userId) + el("Account", caller.accountId) + el("Arn", caller.arn),
        },
    ],
    [
        "AssumeRole",
        {
            auth: "sigv4",
            run: ({ state, caller, params }) => {
                const roleArn = required(params, "RoleArn", "roleArn");
                const sessionName = sessionNameParam(params);
                const duration = durationParam(params);
                const role = state.role(roleArn);
                const trusted =
                    role !== undefined &&
                    (role.trustedAccounts === undefined || role.trustedAccounts.has(caller.accountId)) &&
                    (role.externalId === undefined || role.externalId === params.ExternalId);
                if (!trusted) throw new AwsError("AccessDenied", notAuthorizedMessage(caller.arn, "sts:AssumeRole", roleArn), 403);
                return sessionXml(state.issueRoleSession(role, sessionName, duration)) + el("SourceIdentity", params.SourceIdentity);
            },
        },
    ],
    [
        "AssumeRoleWithWebIdentity",
        {
            auth: "none",
            run: ({ state, params }) => {
                const roleArn = required(params, "RoleArn", "roleArn");
                const sessionName = sessionNameParam(params);
                const token = required(params, "WebIdentityToken", "webIdentityToken");
                const duration = durationParam(params);
                const role = state.role(roleArn);
                if (!role || !role.webIdentityTokens.has(token)) {
                    throw new AwsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403);
                }
                return sessionXml(state.issueRoleSession(role, sessionName, duration));
            },
        },
    ],
]);

/** `<Credentials>` and `<AssumedRoleUser>` of a freshly issued role session. */
function sessionXml(session: CredentialRecord): string {
    const credentials =
        el("AccessKeyId", session.accessKeyId) +
        el("SecretAccessKey", session.secretAccessKey) +
        el("SessionToken", session.sessionToken) +
        el("Expiration", session.expiration);
    const user = el("AssumedRoleId", session.principal.userId) + el("Arn", session.principal.arn);
    return node("Credentials", credentials) + node("AssumedRoleUser", user);
}

function required(params: Params, name: string, member: string): string {
    const value = params[name];
    if (value === undefined || value === "") {
        throw new AwsError("ValidationError", `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
    }
    return value;
}

function sessionNameParam(params: Params): string {
    const name = required(params, "RoleSessionName", "roleSessionName");
    if (!SESSION_NAME.test(name)) {
        throw new AwsError(
            "ValidationError",
            `1 validation error detected: Value '${name}' at 'roleSessionName' failed to satisfy constraint: ` +
                "Member must satisfy regular expression pattern: [\\w+=,.@-]*",
        );
    }
    return name;
}

function durationParam(params: Params): number {
    if (params.DurationSeconds === undefined) return MAX_SESSION_SECONDS;
    const seconds = Number(params.DurationSeconds);
    if (!Number.isInteger(seconds) || seconds < MIN_SESSION_SECONDS) {
        throw new AwsError(
            "ValidationError",
            `1 validation error detected: Value '${params.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: ` +
                `Member must have value greater than or equal to ${MIN_SESSION_SECONDS}`,
        );
    }
    if (seconds > MAX_SESSION_SECONDS) {
        throw new AwsError("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    }
    return seconds;
}
