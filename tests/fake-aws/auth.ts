import { commonError, type Protocol } from "./errors";
import { headerValue, parseAmzDate, signatureMatches, type SigV4Authorization, type SignedRequest } from "./sigv4";
import type { FakeAwsState, Principal } from "./state";

/** How far `x-amz-date` may be from the server clock, as AWS allows. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/**
 * Authenticates a request the way AWS does: known access key, matching session token for
 * temporary credentials, unexpired, fresh `x-amz-date`, valid SigV4 signature.
 * Returns undefined for an unsigned request when `unsignedAllowed`; throws the protocol's
 * auth error otherwise.
 */
export function authenticate(
    state: FakeAwsState,
    request: SignedRequest,
    auth: SigV4Authorization | undefined,
    protocol: Protocol,
    unsignedAllowed: boolean,
): Principal | undefined {
    if (auth === undefined) {
        if (request.headers.authorization !== undefined) throw commonError("incompleteSignature", protocol);
        if (unsignedAllowed) return undefined;
        throw commonError("missingToken", protocol);
    }
    const credential = state.credential(auth.accessKeyId);
    if (!credential || headerValue(request.headers, "x-amz-security-token") !== credential.sessionToken) {
        throw commonError("unknownKey", protocol);
    }
    const now = Date.now();
    if (credential.expiration && credential.expiration.getTime() <= now) throw commonError("expiredToken", protocol);
    const amzDate = headerValue(request.headers, "x-amz-date") ?? "";
    const signedAt = parseAmzDate(amzDate);
    if (!signedAt) throw commonError("incompleteSignature", protocol, "Authorization header requires existence of a valid 'X-Amz-Date' header.");
    if (signedAt.getTime() < now - MAX_CLOCK_SKEW_MS) {
        const limit = `${awsDate(now - MAX_CLOCK_SKEW_MS)} (${awsDate(now)} - 15 min.)`;
        throw commonError("badSignature", protocol, `Signature expired: ${amzDate} is now earlier than ${limit}`);
    }
    if (signedAt.getTime() > now + MAX_CLOCK_SKEW_MS) {
        const limit = `${awsDate(now + MAX_CLOCK_SKEW_MS)} (${awsDate(now)} + 15 min.)`;
        throw commonError("badSignature", protocol, `Signature not yet current: ${amzDate} is still later than ${limit}`);
    }
    if (!signatureMatches(request, auth, credential.secretAccessKey)) throw commonError("badSignature", protocol);
    return credential.principal;
}

function awsDate(ms: number): string {
    return new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, "");
}
