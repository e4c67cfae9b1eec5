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
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { PeerCertificate, checkServerIdentity } from "node:tls";
import { analyzerMessages } from "../analyzerMessages";
import { NotAwsAnswerError, RequestRoute, attachRoute } from "./failure";
import { ChosenProxy, NetworkSettings, TlsTrust, networkSettings, tlsTrust } from "./network";
import type { NetworkInputs } from "../discover/settings";
import { AwsService, EndpointTrust, ServiceSet, UntrustedEndpointError, originOf } from "./trust";

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

/** Credentials already resolved to keys (the pack resolves them once per source and roles). */
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
 * closed with this handler. A handler shared by a run's clients ignores their `destroy()`: its
 * connections serve the next account, and the run closes it.
 */
export class GuardedRequestHandler {
    private readonly routes = new Map<string, NodeHttpHandler>();
    private readonly updates: UpdateArgs[] = [];
    private readonly direct: NodeHttpHandler;
    readonly metadata: NodeHttpHandler["metadata"];

    constructor(private readonly limits: CallLimits, private readonly guard: RequestGuard, private readonly shared = false) {
        // Node's own agents have no socket cap: the sessions' concurrency bounds the requests.
        this.direct = this.makeHandler({ httpAgent: new HttpAgent({ keepAlive: true }), httpsAgent: new HttpsAgent({ keepAlive: true }) });
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
        const sent = inner.handle(request, options);
        loadReadersSoon();
        // On the response too: a 407, or a body that is not AWS's, fails later, in parsing.
        return sent.then((r) => {
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
                : { httpAgent: new HttpAgent({ keepAlive: true }), httpsAgent: new HttpsAgent({ keepAlive: true, ...trust }) });
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

    /** Closes the handler's connections, unless the handler is shared (then {@link close} does). */
    destroy(): void {
        if (!this.shared) {
            this.close();
        }
    }

    close(): void {
        this.routes.forEach((h) => h.destroy());
    }
}

/** The endpoint variants a provider asks for (the SDK also reads AWS_USE_FIPS_ENDPOINT itself). */
export interface EndpointVariants {
    useFipsEndpoint?: boolean;
    useDualstackEndpoint?: boolean;
}

/**
 * Settings every SDK client reads from the environment, then the shared config file: the SDK's own
 * loaders, made once per run and shared by its clients, instead of once per client (each miss
 * costs an error with a stack trace, and hundreds of accounts make thousands of clients).
 */
export interface RunLoaders {
    useFipsEndpoint: () => Promise<boolean>;
    useDualstackEndpoint: () => Promise<boolean>;
    userAgentAppId: () => Promise<string | undefined>;
    authSchemePreference: () => Promise<string[]>;
}

/**
 * The SDK client configuration shared by every client the pack makes. `endpoint` is an override
 * the trust boundary has already accepted; without one the SDK resolves the genuine endpoint (or
 * a trusted AWS_ENDPOINT_URL*), and the request handler's guard checks the result either way.
 */
export function clientConfig(limits: CallLimits, region: string, credentials: Credentials | undefined, endpoint: string | undefined, requestHandler: GuardedRequestHandler, variants: EndpointVariants = {}, loaders?: RunLoaders) {
    return {
        region,
        credentials,
        ...(endpoint ? { endpoint } : {}),
        // A provider's `true` wins; its false is the default, and then the SDK's own
        // AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT (and profile settings) apply, as in
        // the provider — read by the run's loaders when given, else by each client's own.
        ...(variants.useFipsEndpoint ? { useFipsEndpoint: true } : loaders ? { useFipsEndpoint: loaders.useFipsEndpoint } : {}),
        ...(variants.useDualstackEndpoint ? { useDualstackEndpoint: true } : loaders ? { useDualstackEndpoint: loaders.useDualstackEndpoint } : {}),
        ...(loaders ? { userAgentAppId: loaders.userAgentAppId, authSchemePreference: loaders.authSchemePreference } : {}),
        maxAttempts: limits.maxAttempts,
        retryMode: "standard",
        requestHandler,
    };
}

/**
 * What the SDK clients of one run share: request handlers, so that connections opened for one
 * account serve the next, and the SDK's loaders of the settings every client reads. Clients
 * themselves are made per account (their credentials are the account's) and per AssumeRole (the
 * SDK's retry budget is per client); {@link close} ends the run's connections.
 */
export class ClientPool {
    private readonly handlers = new Map<string, GuardedRequestHandler>();
    private loaders?: RunLoaders;

    constructor(private readonly trust: EndpointTrust) {}

    /**
     * The configuration of a client of the run: the run's request handler for the service, and
     * the endpoint variants read once per run (each client would otherwise read the environment
     * and shared config again, at a cost that adds up over hundreds of accounts).
     */
    config(service: AwsService, limits: CallLimits, region: string, credentials: Credentials | undefined, endpoint: string | undefined, network: NetworkInputs) {
        this.loaders ??= runLoaders();
        return clientConfig(limits, region, credentials, endpoint, this.requestHandler(limits, [service], network), network, this.loaders);
    }

    /** The run's request handler for these services and the provider's network inputs. */
    requestHandler(limits: CallLimits, services: ServiceSet, network: NetworkInputs): GuardedRequestHandler {
        // In memory only: the inputs may hold a proxy password, and this key is never shown.
        const key = JSON.stringify([limits, services, network]);
        let handler = this.handlers.get(key);
        if (!handler) {
            handler = new GuardedRequestHandler(limits, { trust: this.trust, services, network: networkSettings(network) }, true);
            this.handlers.set(key, handler);
        }
        return handler;
    }

    /** Ends every connection of the run's handlers. */
    close(): void {
        this.handlers.forEach((h) => h.close());
        this.handlers.clear();
    }
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

/**
 * Starts loading the SDK clients in the gap between the engine's ConfigureStack and the first
 * Analyze, while the user's program runs, when the stack's config sets the AWS provider up (an
 * `aws:` or `aws-native:` key, as `pulumi config set aws:region` writes): the first account's
 * check then does not wait for them. Other stacks load them only once an AWS provider is checked.
 * Idempotent.
 */
export function installSdkWarmUp(): void {
    const request = analyzerMessages()?.AnalyzerStackConfigureRequest?.prototype as { getTagsMap?: () => unknown; getConfigMap?: () => unknown } | undefined;
    const original = request?.getTagsMap;
    if (!request || typeof original !== "function" || (original as { warmUp?: boolean }).warmUp) {
        return;
    }
    const wrapped = function (this: { getConfigMap?: () => unknown }) {
        try {
            let aws = false;
            (this.getConfigMap?.() as { forEach(f: (value: unknown, key: string) => void): void } | undefined)?.forEach((_, key) => {
                aws ||= key.startsWith("aws:") || key.startsWith("aws-native:");
            });
            if (aws) {
                setImmediate(() => {
                    quietly(sts);
                    loadReadersSoon();
                    setImmediate(() => quietly(rehearse));
                });
            }
        } catch {
            // Only an optimisation: the clients then load when first needed.
        }
        return original.call(this);
    };
    request.getTagsMap = Object.assign(wrapped, { warmUp: true });
}

/**
 * Runs each kind of call the pack makes once, with placeholder keys, to an endpoint the request
 * guard refuses: the SDK builds, signs and routes the request and nothing leaves the process. A
 * fresh process runs code the first time slowly (it is compiled on first use); this first time
 * then falls in the gap rather than on the first accounts' checks.
 */
function rehearse(): void {
    const limits = { ...DEFAULT_CALL_LIMITS, maxAttempts: 1 };
    // A guard for no service at all refuses every destination, genuine AWS hosts included.
    const refuseAll = new GuardedRequestHandler(limits, { trust: new EndpointTrust([]), services: [] });
    const keys: Credentials = { accessKeyId: "AKIAREHEARSALNOTAKEY", secretAccessKey: "rehearsal-not-a-secret" };
    // Fixed settings: the rehearsal reads no file (the shared config is checked before any real call reads it).
    const settings: RunLoaders = { useFipsEndpoint: async () => false, useDualstackEndpoint: async () => false, userAgentAppId: async () => undefined, authSchemePreference: async () => [] };
    const config = () => clientConfig(limits, "us-east-1", keys, "https://rehearsal.invalid", refuseAll, {}, settings);
    const calls: Array<() => Promise<unknown>> = [
        () => new (sts().STSClient)(config()).send(new (sts().AssumeRoleCommand)({ RoleArn: "arn:aws:iam::000000000000:role/rehearsal", RoleSessionName: "rehearsal" })),
        () => new (iam().IAMClient)(config()).send(new (iam().GetAccountSummaryCommand)({})),
        () => new (organizations().OrganizationsClient)(config()).send(new (organizations().DescribeOrganizationCommand)({})),
    ];
    // Each call ends in the guard's refusal (or, were a module missing, any error): all are ignored.
    void calls.reduce((previous, call) => previous.then(() => call()).catch(() => undefined), Promise.resolve<unknown>(undefined))
        .finally(() => refuseAll.close());
}

/** Runs `work`, which only makes later work faster: whatever it throws is ignored. */
function quietly(work: () => unknown): void {
    try {
        work();
    } catch {
        // The work it would have saved is done when needed, and reports its own errors then.
    }
}

/** The SDK's loaders of {@link RunLoaders}, from the modules its clients use. */
function runLoaders(): RunLoaders {
    const { loadConfig, NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS, NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS } = smithyConfig();
    const { dirname } = require("node:path") as typeof import("node:path");
    const fromClients = (id: string) => require(require.resolve(id, { paths: [dirname(require.resolve("@aws-sdk/client-sts"))] }));
    const { NODE_APP_ID_CONFIG_OPTIONS } = fromClients("@aws-sdk/core/client") as { NODE_APP_ID_CONFIG_OPTIONS: ConfigLoaderOptions<string | undefined> };
    const { NODE_AUTH_SCHEME_PREFERENCE_OPTIONS } = fromClients("@aws-sdk/core/httpAuthSchemes") as { NODE_AUTH_SCHEME_PREFERENCE_OPTIONS: ConfigLoaderOptions<string[]> };
    return {
        useFipsEndpoint: loadConfig(NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS),
        useDualstackEndpoint: loadConfig(NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS),
        userAgentAppId: loadConfig(NODE_APP_ID_CONFIG_OPTIONS),
        authSchemePreference: loadConfig(NODE_AUTH_SCHEME_PREFERENCE_OPTIONS),
    };
}

let readersLoading = false;

/**
 * Loads the IAM and Organizations clients in the background, one per turn of the event loop, once
 * the first request is on its way: loading them then overlaps that round trip (the AssumeRole an
 * account's reads wait for) instead of following it.
 */
function loadReadersSoon(): void {
    if (!readersLoading) {
        readersLoading = true;
        setImmediate(() => {
            quietly(iam);
            setImmediate(() => quietly(organizations));
        });
    }
}

/** @aws-sdk/credential-providers, loaded on first use. */
export function credentialProviders(): typeof CredentialProvidersModule {
    silenceNodeVersionWarning();
    return require("@aws-sdk/credential-providers");
}

/** The part of `@smithy/core/config` the pack uses: the shared-file parser, config loaders and the SDK's external-data hook. */
export interface SmithyConfig {
    parseKnownFiles(init: { filepath: string; configFilepath: string }): Promise<Record<string, Record<string, string | undefined>>>;
    loadConfig<T>(options: ConfigLoaderOptions<T>): () => Promise<T>;
    NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS: ConfigLoaderOptions<boolean>;
    NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS: ConfigLoaderOptions<boolean>;
    externalDataInterceptor?: { interceptToken?(id: string, value: unknown): void };
}

/** What the SDK's `loadConfig` takes: where a setting is read from; opaque to the pack. */
export type ConfigLoaderOptions<T> = { default: T | (() => T) } & Record<string, unknown>;

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
