/**
 * The AWS SDK edge: loads SDK modules on first use (a stack without AWS providers never pays for
 * them) and builds clients whose every call has a timeout and bounded retries, and whose every
 * request passes the trust boundary (posture/trust.ts) before it leaves the process.
 */
import type * as IamModule from "@aws-sdk/client-iam";
import type * as OrganizationsModule from "@aws-sdk/client-organizations";
import type * as StsModule from "@aws-sdk/client-sts";
import type * as CredentialProvidersModule from "@aws-sdk/credential-providers";
import type * as NodeHttpHandlerModule from "@smithy/node-http-handler";
import { EndpointTrust, ServiceSet, UntrustedEndpointError, originOf } from "./trust";

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

/** Where a client's requests may go: the trust settings and the services the client calls. */
export interface RequestGuard {
    trust: EndpointTrust;
    services: ServiceSet;
}

type NodeHttpHandler = InstanceType<typeof NodeHttpHandlerModule.NodeHttpHandler>;
type HttpRequest = Parameters<NodeHttpHandler["handle"]>[0];

/**
 * The request handler of every client the pack makes: the SDK's own Node handler, behind a check
 * that the request goes to a trusted endpoint. A request that would not is never sent.
 */
class GuardedRequestHandler {
    private readonly inner: NodeHttpHandler;
    readonly metadata: NodeHttpHandler["metadata"];

    constructor(limits: CallLimits, private readonly guard: RequestGuard) {
        this.inner = new (nodeHttpHandler().NodeHttpHandler)({
            connectionTimeout: limits.connectTimeoutMs,
            requestTimeout: limits.requestTimeoutMs,
            // Without it a stalled socket only logs a warning (@smithy/node-http-handler).
            throwOnRequestTimeout: true,
        });
        this.metadata = this.inner.metadata;
    }

    handle(request: HttpRequest, options?: Parameters<NodeHttpHandler["handle"]>[1]): ReturnType<NodeHttpHandler["handle"]> {
        if (!this.guard.trust.allows({ protocol: request.protocol, hostname: request.hostname, port: request.port }, this.guard.services)) {
            const port = request.port ? `:${request.port}` : "";
            const origin = originOf(`${request.protocol.replace(/:$/, "")}://${request.hostname}${port}`) ?? `${request.protocol}//${request.hostname}${port}`;
            return Promise.reject(new UntrustedEndpointError(origin, this.guard.services));
        }
        return this.inner.handle(request, options);
    }

    updateHttpClientConfig(key: Parameters<NodeHttpHandler["updateHttpClientConfig"]>[0], value: Parameters<NodeHttpHandler["updateHttpClientConfig"]>[1]): void {
        this.inner.updateHttpClientConfig(key, value);
    }

    httpHandlerConfigs(): ReturnType<NodeHttpHandler["httpHandlerConfigs"]> {
        return this.inner.httpHandlerConfigs();
    }

    destroy(): void {
        this.inner.destroy();
    }
}

/** A request handler that sends only to endpoints `guard` trusts; destroy it when done. */
export function guardedRequestHandler(limits: CallLimits, guard: RequestGuard): GuardedRequestHandler {
    return new GuardedRequestHandler(limits, guard);
}

/**
 * The SDK client configuration shared by every client the pack makes. `endpoint` is an override
 * the trust boundary has already accepted; without one the SDK resolves the genuine endpoint (or
 * a trusted AWS_ENDPOINT_URL*), and the guard checks the result either way.
 */
export function clientConfig(limits: CallLimits, region: string, credentials: Credentials | undefined, endpoint: string | undefined, guard: RequestGuard) {
    return {
        region,
        credentials,
        ...(endpoint ? { endpoint } : {}),
        maxAttempts: limits.maxAttempts,
        retryMode: "standard",
        requestHandler: guardedRequestHandler(limits, guard),
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

/** The part of `@smithy/core/config` the pack uses: the shared-file parser and the SDK's external-data hook. */
export interface SmithyConfig {
    parseKnownFiles(init: { filepath: string; configFilepath: string }): Promise<Record<string, Record<string, string | undefined>>>;
    externalDataInterceptor?: { interceptToken?(id: string, value: unknown): void };
}

/**
 * `@smithy/core/config` as the SDK's credential providers load it: the same module instance, so
 * that its file cache and its `exec` hook are the ones they use.
 */
export function smithyConfig(): SmithyConfig {
    const { dirname } = require("node:path") as typeof import("node:path");
    try {
        const providers = dirname(require.resolve("@aws-sdk/credential-providers"));
        const processProvider = dirname(require.resolve("@aws-sdk/credential-provider-process", { paths: [providers] }));
        return require(require.resolve("@smithy/core/config", { paths: [processProvider] }));
    } catch {
        return require("@smithy/core/config");
    }
}

function nodeHttpHandler(): typeof NodeHttpHandlerModule {
    return require("@smithy/node-http-handler");
}
