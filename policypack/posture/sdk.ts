/**
 * The AWS SDK edge: loads SDK modules on first use (a stack without AWS providers never pays for
 * them) and builds clients whose every call has a timeout and bounded retries.
 */
import type * as IamModule from "@aws-sdk/client-iam";
import type * as OrganizationsModule from "@aws-sdk/client-organizations";
import type * as StsModule from "@aws-sdk/client-sts";
import type * as CredentialProvidersModule from "@aws-sdk/credential-providers";

/** Timeouts and retries for every AWS call the pack makes. */
export interface CallLimits {
    /** Connection set-up limit per attempt. */
    connectTimeoutMs: number;
    /** Whole-request limit per attempt; the SDK aborts the attempt and retries. */
    requestTimeoutMs: number;
    /** Attempts per call, the first included (the SDK's standard retry strategy, with backoff). */
    maxAttempts: number;
}

/** Defaults: a silent endpoint costs at most about maxAttempts × requestTimeoutMs per call. */
export const DEFAULT_CALL_LIMITS: CallLimits = { connectTimeoutMs: 3000, requestTimeoutMs: 5000, maxAttempts: 4 };

/** Credentials already resolved to keys (the pack resolves them once per target). */
export interface Credentials {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
    expiration?: Date;
}

/** The SDK client configuration shared by every client the pack makes. */
export function clientConfig(limits: CallLimits, region: string, credentials: Credentials | undefined, endpoint: string | undefined) {
    return {
        region,
        credentials,
        // An endpoint only when the provider sets one: AWS_ENDPOINT_URL(_<SERVICE>) stays in force.
        ...(endpoint ? { endpoint } : {}),
        maxAttempts: limits.maxAttempts,
        retryMode: "standard",
        requestHandler: {
            connectionTimeout: limits.connectTimeoutMs,
            requestTimeout: limits.requestTimeoutMs,
            // Without it a stalled socket only logs a warning (@smithy/node-http-handler).
            throwOnRequestTimeout: true,
        },
    };
}

let warningSilenced = false;

// The SDK warns on every process under Node < 22 (its releases after early January 2027 need
// Node 22; package.json pins releases that support Node 20). The warning would reach every preview's
// output, so it is silenced unless the user has set the variable either way.
function silenceNodeVersionWarning(): void {
    if (!warningSilenced) {
        warningSilenced = true;
        process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    }
}

/** @aws-sdk/client-sts, loaded on first use. */
export function sts(): typeof StsModule {
    silenceNodeVersionWarning();
    return require("@aws-sdk/client-sts");
}

/** @aws-sdk/client-iam, loaded on first use. */
export function iam(): typeof IamModule {
    silenceNodeVersionWarning();
    return require("@aws-sdk/client-iam");
}

/** @aws-sdk/client-organizations, loaded on first use. */
export function organizations(): typeof OrganizationsModule {
    silenceNodeVersionWarning();
    return require("@aws-sdk/client-organizations");
}

/** @aws-sdk/credential-providers, loaded on first use. */
export function credentialProviders(): typeof CredentialProvidersModule {
    silenceNodeVersionWarning();
    return require("@aws-sdk/credential-providers");
}
