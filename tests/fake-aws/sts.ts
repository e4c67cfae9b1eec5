import { AwsError, notAuthorizedMessage, requiredParam } from "./errors";
import type { Operation, Params } from "./operation";
import { rootTaskPolicy } from "./rootTasks";
import type { CredentialRecord } from "./state";
import { el, node } from "./xml";

/** Longest session a role hands out (its default MaxSessionDuration, and the role-chaining cap). */
const MAX_SESSION_SECONDS = 3600;
const MIN_SESSION_SECONDS = 900;
/** AssumeRoot sessions last 0–900 s, 900 by default. */
const MAX_ROOT_SESSION_SECONDS = 900;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** AssumeRoot's TargetPrincipal: a member account id or its root user's ARN. */
const ROOT_TARGET = /^(?:(\d{12})|arn:[\w-]+:iam::(\d{12}):root)$/;

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
                const roleArn = requiredParam(params, "RoleArn", "roleArn");
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
                const roleArn = requiredParam(params, "RoleArn", "roleArn");
                const sessionName = sessionNameParam(params);
                const token = requiredParam(params, "WebIdentityToken", "webIdentityToken");
                const duration = durationParam(params);
                const role = state.role(roleArn);
                if (!role || !role.webIdentityTokens.has(token)) {
                    throw new AwsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403);
                }
                return sessionXml(state.issueRoleSession(role, sessionName, duration));
            },
        },
    ],
    [
        "AssumeRoot",
        {
            auth: "sigv4",
            // Only an IAM principal of the management account or the IAM delegated administrator, in an
            // organization with RootSessions enabled, for another account of that organization, with a
            // root-task policy; one AccessDenied for every other case, naming the target's root user.
            run: ({ state, caller, params }) => {
                const target = requiredParam(params, "TargetPrincipal", "targetPrincipal");
                const taskPolicyArn = requiredParam(params, "TaskPolicyArn.arn", "taskPolicyArn");
                const duration = rootDurationParam(params);
                const m = ROOT_TARGET.exec(target);
                const accountId = m ? (m[1] ?? m[2]) : undefined;
                const account = accountId === undefined ? undefined : state.account(accountId);
                const org = state.organizationOf(caller.accountId);
                const task = rootTaskPolicy(taskPolicyArn, caller.partition);
                const allowed =
                    org !== undefined &&
                    org.rootSessions &&
                    (caller.accountId === org.managementAccountId || org.iamDelegatedAdministrators.includes(caller.accountId)) &&
                    account !== undefined &&
                    account.id !== org.managementAccountId &&
                    state.organizationOf(account.id)?.id === org.id;
                if (!allowed || !task) {
                    const resource = `arn:${caller.partition}:iam::${accountId ?? target}:root`;
                    throw new AwsError("AccessDenied", notAuthorizedMessage(caller.arn, "sts:AssumeRoot", resource), 403);
                }
                // No SourceIdentity: the caller can't set one.
                return node("Credentials", credentialsXml(state.issueRootSession(account, task, duration)));
            },
        },
    ],
]);

/** `<Credentials>` and `<AssumedRoleUser>` of a freshly issued role session. */
function sessionXml(session: CredentialRecord): string {
    const user = el("AssumedRoleId", session.principal.userId) + el("Arn", session.principal.arn);
    return node("Credentials", credentialsXml(session)) + node("AssumedRoleUser", user);
}

/** The members of `<Credentials>`. */
function credentialsXml(session: CredentialRecord): string {
    return (
        el("AccessKeyId", session.accessKeyId) +
        el("SecretAccessKey", session.secretAccessKey) +
        el("SessionToken", session.sessionToken) +
        el("Expiration", session.expiration)
    );
}

function sessionNameParam(params: Params): string {
    const name = requiredParam(params, "RoleSessionName", "roleSessionName");
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

function rootDurationParam(params: Params): number {
    if (params.DurationSeconds === undefined) return MAX_ROOT_SESSION_SECONDS;
    const seconds = Number(params.DurationSeconds);
    if (Number.isInteger(seconds) && seconds >= 0 && seconds <= MAX_ROOT_SESSION_SECONDS) return seconds;
    const constraint = seconds > MAX_ROOT_SESSION_SECONDS ? `less than or equal to ${MAX_ROOT_SESSION_SECONDS}` : "greater than or equal to 0";
    throw new AwsError(
        "ValidationError",
        `1 validation error detected: Value '${params.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value ${constraint}`,
    );
}
