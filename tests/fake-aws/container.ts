/**
 * The ECS/EKS container credentials endpoint, as the SDK's `fromHttp` and
 * `fromContainerMetadata` (both in the default chain when `AWS_CONTAINER_CREDENTIALS_FULL_URI`
 * is set) fetch it: `GET <full uri>` → `{AccessKeyId, SecretAccessKey, Token, Expiration}`.
 */
import { AwsError } from "./errors";
import type { FakeAwsState } from "./state";

/** Path prefix of the endpoints: `/container-credentials/<id>`. */
export const CONTAINER_CREDENTIALS_PREFIX = "/container-credentials/";
/** Lifetime of the issued credentials (the SDK refetches when under 5 min remain). */
const CONTAINER_SESSION_SECONDS = 3600;

/**
 * Fresh role-session credentials for endpoint `id`: unknown id → 404, a required
 * authorization token missing or wrong → 401. Errors are `{Code, Message}`, which `fromHttp`
 * copies onto its error for 4xx answers.
 */
export function containerCredentials(state: FakeAwsState, id: string, authorization: string | undefined): object {
    const endpoint = state.containerEndpoint(id);
    if (!endpoint) throw new AwsError("NotFound", `No credentials for id ${id}`, 404);
    if (endpoint.authorizationToken !== undefined && authorization !== endpoint.authorizationToken) {
        throw new AwsError("Unauthorized", "Missing or invalid authorization token", 401);
    }
    const session = state.issueRoleSession(endpoint.role, endpoint.sessionName, CONTAINER_SESSION_SECONDS);
    return {
        RoleArn: endpoint.role.arn,
        AccessKeyId: session.accessKeyId,
        SecretAccessKey: session.secretAccessKey,
        Token: session.sessionToken,
        // RFC 3339 without fractional seconds, as the ECS agent writes it.
        Expiration: session.expiration?.toISOString().replace(/\.\d{3}Z$/, "Z"),
        AccountId: endpoint.role.accountId,
    };
}
