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
    | { kind: "organization-features"; via?: string };

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
    | "unexpected";

/** A step that failed; `detail` is AWS's or the SDK's words, never containing a secret. */
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
    }
}

/** Thrown by the pack's own per-account deadline. */
export class DeadlineError extends Error {
    constructor(seconds: number) {
        super(`no answer within the ${seconds} s allowed per account`);
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

const ACCESS_DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess"]);
const THROTTLED = new Set(["Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "ThrottledException", "SlowDown"]);
const INVALID_CREDENTIALS = new Set([
    "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException",
    "UnrecognizedClientException", "InvalidAccessKeyId", "IncompleteSignature", "InvalidIdentityToken",
]);
const REJECTED_REQUEST = new Set(["ValidationError", "ValidationException", "InvalidParameterValue", "InvalidInput", "MalformedPolicyDocument", "PackedPolicyTooLarge", "RegionDisabledException", "InvalidParameterException"]);
const TIMEOUT = new Set(["TimeoutError", "AbortError", "DeadlineError", "RequestTimeout", "RequestTimeoutException"]);
const NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ETIMEDOUT", "ECONNABORTED"]);

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
    if (REJECTED_REQUEST.has(name)) {
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
    if (e.$fault === "server" || (status !== undefined && status >= 500)) {
        return failure("service-error");
    }
    return failure("unexpected");
}

// Access key ids (long-term AKIA, temporary ASIA) and any long base64 run (secret keys are 40
// characters, session tokens hundreds): masked in text that comes from AWS or the SDK.
const KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g;
const LONG_BASE64 = /[A-Za-z0-9+/=]{40,}/g;

// Not cut here: a secret cut in half could no longer be found and removed when reported.
function oneLine(text: string): string {
    return text.replace(/\s+/g, " ").trim().replace(KEY_ID, "[redacted]").replace(LONG_BASE64, "[redacted]");
}
