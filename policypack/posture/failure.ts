/**
 * Why an account could not be checked. Every SDK error is turned into one of a few kinds, each
 * with the step it happened in, so the report can say what happened and what to do. The pack
 * fails closed on all of them.
 */

/** The step of a check, and the IAM action it needs. */
export type Step =
    | { kind: "credentials" }
    | { kind: "web-identity"; roleArn: string }
    | { kind: "assume-role"; roleArn: string; position: number }
    | { kind: "identify" }
    /** `via`: the audit role the call went through, when one is configured. */
    | { kind: "account-summary"; via?: string }
    | { kind: "describe-organization"; via?: string }
    | { kind: "organization-features"; via?: string }
    | { kind: "virtual-mfa-devices"; via?: string };

/** What went wrong, in the terms a user acts on. */
export type FailureKind =
    | "no-credentials"
    | "invalid-credentials"
    | "access-denied"
    | "throttled"
    | "timeout"
    | "network"
    | "service-error"
    | "rejected-request"
    | "malformed-response"
    | "untrusted-endpoint"
    | "unusable-file"
    | "unexpected";

/**
 * A step that failed; `detail` is AWS's or the SDK's words (or the pack's own), on one line. It
 * may still contain a provider's secret: the report removes secrets, then masks key shapes.
 */
export interface CheckFailure {
    kind: FailureKind;
    step: Step;
    /** The AWS error code or SDK error name, e.g. "AccessDenied". */
    code: string;
    detail: string;
}

/** The IAM action a step calls. */
export function actionOf(step: Step): string {
    switch (step.kind) {
        case "credentials":
            return "(credential resolution)";
        case "web-identity":
            return "sts:AssumeRoleWithWebIdentity";
        case "assume-role":
            return "sts:AssumeRole";
        case "identify":
            return "sts:GetCallerIdentity";
        case "account-summary":
            return "iam:GetAccountSummary";
        case "describe-organization":
            return "organizations:DescribeOrganization";
        case "organization-features":
            return "iam:ListOrganizationsFeatures";
        case "virtual-mfa-devices":
            return "iam:ListVirtualMFADevices";
    }
}

/** Thrown by the pack's own per-account deadline. */
export class DeadlineError extends Error {
    constructor(seconds: number) {
        super(`no answer within the ${seconds} s allowed (timeoutSeconds)`);
        this.name = "DeadlineError";
    }
}

/** An answer that parsed but lacks what the API promises. */
export class MalformedAnswerError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "MalformedAnswerError";
    }
}

/** No credentials could be formed from what the provider names. */
export class NoCredentialsError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CredentialsProviderError";
    }
}

/** A file named for credentials that the pack will not let the SDK read. */
export class UnusableFileError extends Error {
    constructor(readonly path: string, readonly from: string, problem: string) {
        super(`the file ${path} (${from}) ${problem}`);
        this.name = "UnusableFileError";
    }
}

const ACCESS_DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess"]);
const THROTTLED = new Set(["Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "ThrottledException", "SlowDown"]);
const INVALID_CREDENTIALS = new Set([
    "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException",
    "UnrecognizedClientException", "InvalidAccessKeyId", "IncompleteSignature", "InvalidIdentityToken",
]);
const REJECTED_REQUEST = new Set(["ValidationError", "ValidationException", "InvalidParameterValue", "InvalidInput", "MalformedPolicyDocument", "PackedPolicyTooLarge", "RegionDisabledException", "InvalidParameterException"]);
const TIMEOUT = new Set(["TimeoutError", "AbortError", "DeadlineError", "RequestTimeout", "RequestTimeoutException"]);
const REQUEST_TOO_LARGE = new Set([413, 414, 431]);
const NETWORK = new Set(["EPROTO", "ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ETIMEDOUT", "ECONNABORTED"]);

interface SdkErrorShape {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    $response?: unknown;
}

/** Classifies an error thrown while performing `step`. */
export function classifyFailure(step: Step, error: unknown): CheckFailure {
    const e = (typeof error === "object" && error !== null ? error : {}) as SdkErrorShape;
    const name = typeof e.name === "string" ? e.name : "Error";
    const sysCode = typeof e.code === "string" ? e.code : undefined;
    const message = typeof e.message === "string" ? e.message : String(error);
    const status = typeof e.$metadata?.httpStatusCode === "number" ? e.$metadata.httpStatusCode : undefined;
    const code = sysCode && NETWORK.has(sysCode) ? sysCode : name;
    const detail = oneLine(message);
    const failure = (kind: FailureKind): CheckFailure => ({ kind, step, code, detail });

    if (name === "UntrustedEndpointError") {
        return failure("untrusted-endpoint");
    }
    if (name === "UnusableFileError") {
        return failure("unusable-file");
    }
    if (name === "CredentialsProviderError" || /Could not load credentials/i.test(message)) {
        return failure(step.kind === "credentials" || step.kind === "web-identity" ? "no-credentials" : "invalid-credentials");
    }
    if (ACCESS_DENIED.has(name)) {
        return failure("access-denied");
    }
    if (THROTTLED.has(name)) {
        return failure("throttled");
    }
    if (INVALID_CREDENTIALS.has(name)) {
        return failure("invalid-credentials");
    }
    if (REJECTED_REQUEST.has(name) || name === "URIError" || /^Region not accepted/.test(message)) {
        return failure("rejected-request");
    }
    if (TIMEOUT.has(name) || (sysCode !== undefined && /TIMEDOUT/.test(sysCode))) {
        return failure("timeout");
    }
    if (sysCode !== undefined && NETWORK.has(sysCode)) {
        return failure("network");
    }
    if (name === "MalformedAnswerError" || /Deserialization error|Unexpected token|Unexpected end|not well-formed|char '.*' is not expected|Unclosed/i.test(message)
        || (e.$response !== undefined && status !== undefined && status < 300)) {
        return failure("malformed-response");
    }
    // An HTTP answer without an AWS error code: something else answered (a proxy, a firewall, a
    // web server), or the request was too large for any server to take.
    if (status !== undefined && (name === "Unknown" || name === "UnknownError" || name === "Error")) {
        const what = REQUEST_TOO_LARGE.has(status)
            ? `HTTP ${status}: the request was too large to be accepted (an input or credential far longer than AWS allows)`
            : `HTTP ${status} with a body that is not an AWS answer`;
        return { kind: REQUEST_TOO_LARGE.has(status) ? "rejected-request" : "malformed-response", step, code: `HTTP ${status}`, detail: what };
    }
    if (e.$fault === "server" || (status !== undefined && status >= 500)) {
        return failure("service-error");
    }
    return failure("unexpected");
}

// Not masked or cut here: the report removes secrets first, then masks key shapes (report/redact.ts).
function oneLine(text: string): string {
    return text.replace(/\s+/g, " ").trim();
}
