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
    /** A role a shared config profile assumes (its role_arn), before any of the provider's assumeRoles. */
    | { kind: "profile-role"; roleArn: string; profile: string; file: string }
    /** sts:AssumeRoot into a member account with a root-task policy (check --organization, fix). */
    | { kind: "assume-root"; accountId: string; task: string }
    | { kind: "identify" }
    /** Reading or removing a member's root credentials in a root session (fix); `action` is the IAM action. */
    | { kind: "root-credentials"; accountId: string; action: string }
    /** Enabling a centralized root access feature (fix --enable-central-root). */
    | { kind: "enable-feature"; action: string }
    /** organizations:ListAccounts, one page (check --organization). */
    | { kind: "list-accounts" }
    /** `via`: the audit role the call went through, when one is configured. */
    | { kind: "account-summary"; via?: string }
    | { kind: "describe-organization"; via?: string }
    | { kind: "organization-features"; via?: string }
    | { kind: "virtual-mfa-devices"; via?: string };

/** How a read through `check --organization`'s root sessions is named in a failure (a step's `via`). */
export const ROOT_SESSION_VIA = "an sts:AssumeRoot session (IAMAuditRootUserCredentials task policy)";

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
    | "proxy-auth"
    | "proxy-tunnel"
    | "not-aws-answer"
    | "dns"
    | "tls"
    | "plain-http-port"
    | "connection-refused"
    | "proxy-setting"
    | "profile"
    | "unexpected";

// Failures of the way a request travelled (proxy, network, region, TLS), not of the credentials.
const ROUTE_FAILURES = new Set<FailureKind>(["network", "dns", "tls", "plain-http-port", "connection-refused", "proxy-auth", "proxy-tunnel", "proxy-setting", "not-aws-answer", "malformed-response", "service-error"]);

/**
 * Whether another route to the same service might not have met this failure: the request failed in
 * transit or was answered by something other than AWS. An answer from AWS would be the same either
 * way, and a unit out of time is not tried again (with hundreds of accounts hanging, retries would
 * only fill the queue until the run's deadline).
 */
export function mayDependOnRoute(failure: CheckFailure): boolean {
    return ROUTE_FAILURES.has(failure.kind);
}

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
    /** Where the request was going, for network failures: the host, the proxy, an ignored CA bundle. */
    route?: RequestRoute;
}

/** The IAM action a step calls. */
export function actionOf(step: Step): string {
    switch (step.kind) {
        case "credentials":
            return "(credential resolution)";
        case "web-identity":
            return "sts:AssumeRoleWithWebIdentity";
        case "assume-role":
        case "profile-role":
            return "sts:AssumeRole";
        case "assume-root":
            return "sts:AssumeRoot";
        case "identify":
            return "sts:GetCallerIdentity";
        case "list-accounts":
            return "organizations:ListAccounts";
        case "root-credentials":
        case "enable-feature":
            return step.action;
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

const ROUTE = Symbol("aws-root-mfa.route");

/** Where a failed request was going, attached to its error so the report can name the host or proxy. */
export interface RequestRoute {
    /** `host:port` of the destination. */
    destination: string;
    /** `host:port` of the proxy and where it was set; never its user or password. */
    proxy?: { address: string; source: string };
    /** The provider's customCaBundle, which the pack did not use. */
    ignoredCaBundle?: string;
}

/** The route a failed request took, when the guard sent it. */
export function routeOf(error: unknown): RequestRoute | undefined {
    return typeof error === "object" && error !== null ? (error as { [ROUTE]?: RequestRoute })[ROUTE] : undefined;
}

/** Records on a request's error where the request was going. */
export function attachRoute(error: unknown, route: RequestRoute): void {
    if (typeof error === "object" && error !== null) {
        (error as { [ROUTE]?: RequestRoute })[ROUTE] = route;
    }
}

/** A web page (a proxy's or firewall's) where AWS's answer should be. */
export class NotAwsAnswerError extends Error {
    constructor(readonly status: number, contentType: string) {
        super(`HTTP ${status} with a web page (${contentType.slice(0, 100)})`);
        this.name = "NotAwsAnswerError";
    }
}

/**
 * A proxy that did not open the tunnel: it answered CONNECT with a status other than 200 (407: it
 * wants credentials). Whatever else it sent is not read: it is not AWS's answer.
 */
export class ProxyTunnelError extends Error {
    constructor(readonly status: number | undefined, statusText: string | undefined) {
        super(`CONNECT answered with ${status === undefined ? "no status" : `HTTP ${status}${statusText ? ` ${statusText.slice(0, 60)}` : ""}`}`);
        this.name = "ProxyTunnelError";
    }
}

/** Thrown by the pack's own per-account deadline. */
export class DeadlineError extends Error {
    constructor(readonly seconds: number, message = `no answer within the ${seconds} s allowed (timeoutSeconds)`) {
        super(message);
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

/**
 * A shared config profile that the provider could not use either (its own words name the profile
 * and the file), or that the pack cannot resolve exactly as the provider does (`unsupported`).
 */
export class ProfileError extends Error {
    constructor(message: string, readonly unsupported: boolean) {
        super(message);
        this.name = "ProfileError";
    }
}

/** A failure already classified by the step it happened in (a profile's role inside the base credentials). */
export class ClassifiedError extends Error {
    constructor(readonly failure: CheckFailure) {
        super(failure.detail);
        this.name = "ClassifiedError";
    }
}

/** A file named for credentials that the pack will not read. */
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
    // IAM Identity Center: the cached access token was revoked or the session ended.
    "UnauthorizedException",
]);
const REJECTED_REQUEST = new Set(["ValidationError", "ValidationException", "InvalidParameterValue", "InvalidInput", "MalformedPolicyDocument", "PackedPolicyTooLarge", "RegionDisabledException", "InvalidParameterException", "InvalidRequestException", "ResourceNotFoundException"]);
const TIMEOUT = new Set(["TimeoutError", "AbortError", "DeadlineError", "RequestTimeout", "RequestTimeoutException"]);
const REQUEST_TOO_LARGE = new Set([413, 414, 431]);
// Node's (OpenSSL's) codes for a certificate that does not verify.
const TLS = new Set([
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID",
    "CERT_UNTRUSTED", "CERT_REJECTED", "CERT_SIGNATURE_FAILURE", "ERR_TLS_CERT_ALTNAME_INVALID", "HOSTNAME_MISMATCH",
]);
const NETWORK = new Set(["EPROTO", "ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ETIMEDOUT", "ECONNABORTED"]);

interface SdkErrorShape {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    $response?: { headers?: Record<string, unknown> };
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
    const route = routeOf(error) ?? routeOf(e.$response);
    const failure = (kind: FailureKind): CheckFailure => ({ kind, step, code, detail, ...(route ? { route } : {}) });

    if (error instanceof ClassifiedError) {
        return error.failure;
    }
    if (name === "UntrustedEndpointError") {
        return failure("untrusted-endpoint");
    }
    if (error instanceof ProfileError) {
        return { ...failure("profile"), code: error.unsupported ? "UnsupportedProfile" : "ProfileError" };
    }
    if (name === "UnusableFileError") {
        return failure("unusable-file");
    }
    if (name === "ProxySettingError") {
        return failure("proxy-setting");
    }
    if (error instanceof ProxyTunnelError) {
        return error.status === 407 ? { ...failure("proxy-auth"), code: "HTTP 407" } : { ...failure("proxy-tunnel"), code: `HTTP ${error.status ?? "?"}` };
    }
    if (error instanceof NotAwsAnswerError) {
        return { ...failure("not-aws-answer"), code: `HTTP ${error.status}` };
    }
    const network = networkFailure(sysCode, status);
    if (network) {
        return { kind: network, step, code: status !== undefined ? `HTTP ${status}` : code, detail, ...(route ? { route } : {}) };
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
    const unparsed = /Deserialization error|Unexpected token|Unexpected end|not well-formed|char '.*' is not expected|Unclosed/i.test(message);
    // An HTTP answer without an AWS error code, or one that did not parse and carries no AWS
    // request id: something else answered (a proxy, a firewall, a web server), or the request
    // was too large for any server to take.
    // A 2xx whose body did not parse is AWS's answer cut short: malformed, below.
    if (status !== undefined && status >= 300 && (name === "Unknown" || name === "UnknownError" || name === "Error" || (name === "NotFound" && message === "Unknown")
        || (unparsed && !hasRequestId(e.$response?.headers)))) {
        const what = REQUEST_TOO_LARGE.has(status)
            ? `HTTP ${status}: the request was too large to be accepted (an input or credential far longer than AWS allows)`
            : `HTTP ${status} with a body that is not an AWS answer`;
        return { kind: REQUEST_TOO_LARGE.has(status) ? "rejected-request" : "not-aws-answer", step, code: `HTTP ${status}`, detail: what, ...(route ? { route } : {}) };
    }
    if (name === "MalformedAnswerError" || unparsed || (e.$response !== undefined && status !== undefined && status < 300)) {
        return failure("malformed-response");
    }
    if (e.$fault === "server" || (status !== undefined && status >= 500)) {
        return failure("service-error");
    }
    return failure("unexpected");
}

/** True when an answer carries the request id every AWS answer has. */
function hasRequestId(headers: Record<string, unknown> | undefined): boolean {
    return headers !== undefined && Object.keys(headers).some((h) => /^x-amzn?-request-?id$/i.test(h));
}

/**
 * Failures the network between the pack and AWS causes: a proxy that wants credentials, a name that
 * does not resolve, a certificate that does not verify, https to a plain-http port, a refusal.
 */
function networkFailure(sysCode: string | undefined, status: number | undefined): FailureKind | undefined {
    if (status === 407) {
        return "proxy-auth";
    }
    switch (sysCode) {
        case "ENOTFOUND":
        case "EAI_AGAIN":
            return "dns";
        case "EPROTO":
        case "ERR_SSL_WRONG_VERSION_NUMBER":
            return "plain-http-port";
        case "ECONNREFUSED":
            return "connection-refused";
    }
    return sysCode !== undefined && TLS.has(sysCode) ? "tls" : undefined;
}

// Not masked or cut here: the report removes secrets first, then masks key shapes (report/redact.ts).
function oneLine(text: string): string {
    return text.replace(/\s+/g, " ").trim();
}
