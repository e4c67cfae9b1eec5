import type { Params } from "./operation";

/**
 * Wire protocol of a request: AWS Query (IAM, STS), JSON 1.1 (Organizations), REST-JSON (the
 * SSO portal) or the container credentials endpoint's plain JSON.
 */
export type Protocol = "query" | "json" | "restJson" | "container";

/**
 * A service error. The protocol layer renders it as a Query `<ErrorResponse>` (code in
 * `<Code>`) or as a JSON body with `__type` and `x-amzn-errortype`.
 */
export class AwsError extends Error {
    /**
     * @param code Wire error code, e.g. `AccessDenied` or `AWSOrganizationsNotInUseException`.
     * @param details Further members of a JSON error body, e.g. Organizations' `{ Reason: "INVALID_NEXT_TOKEN" }`.
     */
    constructor(readonly code: string, message: string, readonly status = 400, readonly details: Readonly<Record<string, string>> = {}) {
        super(message);
        this.name = code;
    }

    /** Query `<Type>`: `Receiver` for server faults, `Sender` otherwise. */
    get type(): "Sender" | "Receiver" {
        return this.status >= 500 ? "Receiver" : "Sender";
    }
}

/** Errors that every service answers, whose code and status depend on the protocol. */
export type CommonErrorKind =
    | "accessDenied"
    | "throttle"
    | "unavailable"
    | "internal"
    | "unknownKey"
    | "badSignature"
    | "expiredToken"
    | "incompleteSignature"
    | "missingToken";

type Wire = readonly [code: string, status: number];

/** Wire code and status per protocol; `restJson` and `container` fall back to `json` when absent. */
const COMMON_ERRORS: Record<CommonErrorKind, { query: Wire; json: Wire; restJson?: Wire; container?: Wire; message: string }> = {
    accessDenied: {
        query: ["AccessDenied", 403],
        json: ["AccessDeniedException", 403],
        restJson: ["ForbiddenException", 403],
        container: ["AccessDenied", 403],
        message: "Access denied",
    },
    throttle: {
        query: ["Throttling", 400],
        json: ["TooManyRequestsException", 400],
        restJson: ["TooManyRequestsException", 429],
        container: ["TooManyRequests", 429],
        message: "Rate exceeded",
    },
    unavailable: {
        query: ["ServiceUnavailable", 503],
        json: ["ServiceException", 503],
        container: ["ServiceUnavailable", 503],
        message: "Service is unavailable. Try again later.",
    },
    internal: { query: ["InternalFailure", 500], json: ["InternalFailure", 500], container: ["InternalServerError", 500], message: "Internal failure" },
    unknownKey: {
        query: ["InvalidClientTokenId", 403],
        json: ["UnrecognizedClientException", 400],
        message: "The security token included in the request is invalid.",
    },
    badSignature: {
        query: ["SignatureDoesNotMatch", 403],
        json: ["InvalidSignatureException", 400],
        message:
            "The request signature we calculated does not match the signature you provided. " +
            "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    },
    expiredToken: {
        query: ["ExpiredToken", 403],
        json: ["ExpiredTokenException", 400],
        message: "The security token included in the request is expired",
    },
    incompleteSignature: {
        query: ["IncompleteSignature", 400],
        json: ["IncompleteSignatureException", 400],
        message: "The request signature does not conform to AWS standards.",
    },
    missingToken: {
        query: ["MissingAuthenticationToken", 403],
        json: ["MissingAuthenticationTokenException", 400],
        message: "Request is missing Authentication Token",
    },
};

/** The error of `kind` as the given protocol spells it; `message` overrides the default text. */
export function commonError(kind: CommonErrorKind, protocol: Protocol, message?: string): AwsError {
    const spec = COMMON_ERRORS[kind];
    const [code, status] = spec[protocol] ?? spec.json;
    return new AwsError(code, message ?? spec.message, status);
}

/** AWS's wording for an IAM policy denial of `action` (e.g. `iam:GetAccountSummary`). */
export function notAuthorizedMessage(principalArn: string, action: string, resource = "*"): string {
    return `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource}`;
}

/** The parameter's value; ValidationError, as AWS words it, when it is missing or empty. `member` is its name in the message. */
export function requiredParam(params: Params, name: string, member: string): string {
    const value = params[name];
    if (value === undefined || value === "") {
        throw new AwsError("ValidationError", `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
    }
    return value;
}
