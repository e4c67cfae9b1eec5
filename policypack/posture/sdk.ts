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
import type * as HttpProxyAgentModule from "http-proxy-agent";
import type * as HttpsProxyAgentModule from "https-proxy-agent";
import type { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { PeerCertificate, checkServerIdentity } from "node:tls";
import { NotAwsAnswerError, RequestRoute, attachRoute } from "./failure";
import { ChosenProxy, NetworkSettings, TlsTrust, tlsTrust } from "./network";
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

/** Where a client's requests may go, and how they travel there. */
export interface RequestGuard {
    trust: EndpointTrust;
    services: ServiceSet;
    /** Proxies and CA settings; without it requests go direct with Node's default CAs. */
    network?: NetworkSettings;
}

type NodeHttpHandler = InstanceType<typeof NodeHttpHandlerModule.NodeHttpHandler>;
type HttpRequest = Parameters<NodeHttpHandler["handle"]>[0];
type UpdateArgs = Parameters<NodeHttpHandler["updateHttpClientConfig"]>;

/**
 * The request handler of every client the pack makes: the SDK's own Node handler, behind a check
 * that the request goes to a trusted endpoint. A request that would not is never sent. One inner
 * handler per route (direct, or through a proxy), each with its own keep-alive agents, all
 * destroyed with this handler.
 */
class GuardedRequestHandler {
    private readonly routes = new Map<string, NodeHttpHandler>();
    private readonly updates: UpdateArgs[] = [];
    private readonly direct: NodeHttpHandler;
    readonly metadata: NodeHttpHandler["metadata"];

    constructor(private readonly limits: CallLimits, private readonly guard: RequestGuard) {
        this.direct = this.makeHandler({});
        this.routes.set("direct", this.direct);
        this.metadata = this.direct.metadata;
    }

    handle(request: HttpRequest, options?: Parameters<NodeHttpHandler["handle"]>[1]): ReturnType<NodeHttpHandler["handle"]> {
        const port = request.port ?? (request.protocol.replace(/:$/, "") === "https" ? 443 : 80);
        if (!this.guard.trust.allows({ protocol: request.protocol, hostname: request.hostname, port: request.port }, this.guard.services)) {
            const shown = request.port ? `:${request.port}` : "";
            const origin = originOf(`${request.protocol.replace(/:$/, "")}://${request.hostname}${shown}`) ?? `${request.protocol}//${request.hostname}${shown}`;
            return Promise.reject(new UntrustedEndpointError(origin, this.guard.services));
        }
        let proxy: ChosenProxy | undefined;
        let inner: NodeHttpHandler;
        try {
            proxy = this.guard.network?.proxyFor(request.protocol, request.hostname, port);
            inner = this.route(proxy);
        } catch (e) {
            return Promise.reject(e);
        }
        const route: RequestRoute = {
            destination: `${request.hostname}:${port}`,
            proxy: proxy && { address: `${proxy.url.hostname}:${proxy.url.port || (proxy.url.protocol === "https:" ? 443 : 80)}`, source: proxy.source },
            ignoredCaBundle: this.guard.network?.ignoredCaBundle,
        };
        // On the response too: a 407, or a body that is not AWS's, fails later, in parsing.
        return inner.handle(request, options).then((r) => {
            attachRoute(r.response, route);
            const type = String(r.response.headers["content-type"] ?? "");
            // AWS's APIs never answer with a web page; a proxy's or firewall's block page can come
            // with any status, 200 included, and would otherwise parse as an empty answer.
            if (/html/i.test(type) && r.response.statusCode !== 407) {
                (r.response.body as { destroy?: () => void } | undefined)?.destroy?.();
                const error = new NotAwsAnswerError(r.response.statusCode, type);
                attachRoute(error, route);
                throw error;
            }
            return r;
        }, (e: unknown) => {
            attachRoute(e, route);
            throw e;
        });
    }

    /**
     * The inner handler for a route, made on first use: its agents go through `proxy` or direct,
     * verifying TLS with AWS_CA_BUNDLE's CAs when it is set (reading it may throw).
     */
    private route(proxy: ChosenProxy | undefined): NodeHttpHandler {
        const trust = tlsTrust();
        const key = proxy ? `proxy ${proxy.url.href}` : trust ? "direct with CA bundle" : "direct";
        let handler = this.routes.get(key);
        if (!handler) {
            handler = this.makeHandler(proxy
                ? {
                    httpAgent: new (httpProxyAgent().HttpProxyAgent)(proxy.url, { keepAlive: true }),
                    httpsAgent: tunnelAgent(proxy.url, trust),
                }
                : { httpsAgent: new HttpsAgent({ keepAlive: true, ...trust }) });
            this.routes.set(key, handler);
        }
        return handler;
    }

    private makeHandler(agents: { httpAgent?: HttpAgent; httpsAgent?: HttpsAgent }): NodeHttpHandler {
        const handler = new (nodeHttpHandler().NodeHttpHandler)({
            connectionTimeout: this.limits.connectTimeoutMs,
            requestTimeout: this.limits.requestTimeoutMs,
            // Without it a stalled socket only logs a warning (@smithy/node-http-handler).
            throwOnRequestTimeout: true,
            ...agents,
        });
        this.updates.forEach(([k, v]) => handler.updateHttpClientConfig(k, v));
        return handler;
    }

    updateHttpClientConfig(key: UpdateArgs[0], value: UpdateArgs[1]): void {
        this.updates.push([key, value]);
        this.routes.forEach((h) => h.updateHttpClientConfig(key, value));
    }

    httpHandlerConfigs(): ReturnType<NodeHttpHandler["httpHandlerConfigs"]> {
        return this.direct.httpHandlerConfigs();
    }

    destroy(): void {
        this.routes.forEach((h) => h.destroy());
    }
}

/** A request handler that sends only to endpoints `guard` trusts; destroy it when done. */
export function guardedRequestHandler(limits: CallLimits, guard: RequestGuard): GuardedRequestHandler {
    return new GuardedRequestHandler(limits, guard);
}

/** The endpoint variants a provider asks for (the SDK also reads AWS_USE_FIPS_ENDPOINT itself). */
export interface EndpointVariants {
    useFipsEndpoint?: boolean;
    useDualstackEndpoint?: boolean;
}

/**
 * The SDK client configuration shared by every client the pack makes. `endpoint` is an override
 * the trust boundary has already accepted; without one the SDK resolves the genuine endpoint (or
 * a trusted AWS_ENDPOINT_URL*), and the guard checks the result either way.
 */
export function clientConfig(limits: CallLimits, region: string, credentials: Credentials | undefined, endpoint: string | undefined, guard: RequestGuard, variants: EndpointVariants = {}) {
    return {
        region,
        credentials,
        ...(endpoint ? { endpoint } : {}),
        // Only a `true` is passed: false is the provider's default, and then the SDK's own
        // AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT still apply, as in the provider.
        ...(variants.useFipsEndpoint ? { useFipsEndpoint: true } : {}),
        ...(variants.useDualstackEndpoint ? { useDualstackEndpoint: true } : {}),
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

function httpProxyAgent(): typeof HttpProxyAgentModule {
    return require("http-proxy-agent");
}

type TunnelArgs = Parameters<HttpsProxyAgentModule.HttpsProxyAgent<string>["connect"]>;

/**
 * An agent that tunnels https through a proxy (CONNECT) and verifies the destination's certificate
 * against the destination's own name, with the CA bundle's trust when set. https-proxy-agent passes its options to
 * the proxy connection only, and leaves the host out of the tunnel's TLS options, so a destination
 * named by IP address would be checked as "localhost".
 */
function tunnelAgent(proxy: URL, trust: TlsTrust | undefined): HttpsAgent {
    const { HttpsProxyAgent } = require("https-proxy-agent") as typeof HttpsProxyAgentModule;
    class VerifyingTunnel extends HttpsProxyAgent<string> {
        override connect(req: TunnelArgs[0], opts: TunnelArgs[1]) {
            if (!opts.secureEndpoint) {
                return super.connect(req, opts);
            }
            const host = opts.host ?? "";
            return super.connect(req, {
                ...opts,
                ...trust,
                checkServerIdentity: (_: string, cert: PeerCertificate) => checkServerIdentity(host, cert),
            });
        }
    }
    return new VerifyingTunnel(proxy, { keepAlive: true, ...trust });
}
