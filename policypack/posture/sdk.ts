/**
 * The AWS SDK edge: loads SDK modules on first use (a stack without AWS providers never pays for
 * them) and builds clients whose every call has a timeout and bounded retries, and whose every
 * request passes the trust boundary (posture/trust.ts) before it leaves the process.
 */
import type * as IamModule from "@aws-sdk/client-iam";
import type * as OrganizationsModule from "@aws-sdk/client-organizations";
import type * as StsModule from "@aws-sdk/client-sts";
import type * as SsoModule from "@aws-sdk/nested-clients/sso";
import type * as NodeHttpHandlerModule from "@smithy/node-http-handler";
import type * as HttpsProxyAgentModule from "https-proxy-agent";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { PeerCertificate, SecureContext, checkServerIdentity } from "node:tls";
import { analyzerMessages } from "../analyzerMessages";
import { NotAwsAnswerError, ProxyTunnelError, RequestRoute, attachRoute } from "./failure";
import { ChosenProxy, NetworkSettings, networkSettings } from "./network";
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
    /** What the profile the credentials came from says about reaching AWS, when one was used. */
    profile?: ProfileClientSettings;
}

/** A shared config profile's settings that decide how clients reach AWS (the provider's inputs and the environment come first). */
export interface ProfileClientSettings {
    region?: string;
    useFipsEndpoint?: boolean;
    useDualstackEndpoint?: boolean;
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
 * that the request goes to a trusted endpoint. A request that would not is never sent. https is
 * verified against the trust's certificate authorities only (trust.ts `tlsContext`), through a
 * proxy or not; plain http always goes direct, never through a proxy the stack or the
 * environment chose. One inner handler per route (direct, or through a proxy), each with its own
 * keep-alive agents, all closed with this handler. A handler shared by a run's clients ignores
 * their `destroy()`: its connections serve the next account, and the run closes it.
 */
export class GuardedRequestHandler {
    private readonly routes = new Map<string, NodeHttpHandler>();
    private readonly updates: UpdateArgs[] = [];
    // Sends nothing: it answers the SDK's questions about the handler's configuration.
    private readonly describing: NodeHttpHandler;
    readonly metadata: NodeHttpHandler["metadata"];

    constructor(private readonly limits: CallLimits, private readonly guard: RequestGuard, private readonly shared = false) {
        this.describing = this.makeHandler({});
        this.metadata = this.describing.metadata;
    }

    async handle(request: HttpRequest, options?: Parameters<NodeHttpHandler["handle"]>[1]): ReturnType<NodeHttpHandler["handle"]> {
        const https = request.protocol.replace(/:$/, "") === "https";
        const port = request.port ?? (https ? 443 : 80);
        if (!this.guard.trust.allows({ protocol: request.protocol, hostname: request.hostname, port: request.port }, this.guard.services)) {
            const shown = request.port ? `:${request.port}` : "";
            const origin = originOf(`${request.protocol.replace(/:$/, "")}://${request.hostname}${shown}`) ?? `${request.protocol}//${request.hostname}${shown}`;
            throw new UntrustedEndpointError(origin, this.guard.services);
        }
        const proxy = https ? this.guard.network?.proxyFor(request.hostname, port) : undefined;
        // Plain http needs no certificate authorities: an unreadable trustedCaBundles fails https only.
        const inner = https ? this.route(proxy, await this.guard.trust.tlsContext()) : this.route(undefined, undefined);
        const route: RequestRoute = {
            destination: `${request.hostname}:${port}`,
            proxy: proxy && { address: `${proxy.url.hostname}:${proxy.url.port || (proxy.url.protocol === "https:" ? 443 : 80)}`, source: proxy.source },
            ignoredCaBundle: this.guard.network?.ignoredCaBundle,
        };
        loadReadersSoon();
        let r: Awaited<ReturnType<NodeHttpHandler["handle"]>>;
        try {
            r = await inner.handle(request, options);
        } catch (e) {
            attachRoute(e, route);
            throw e;
        }
        // On the response too: a 407, or a body that is not AWS's, fails later, in parsing.
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
    }

    /**
     * The inner handler for a route, made on first use: its agents go through `proxy` (https only)
     * or direct, and verify TLS with the trusted certificate authorities.
     */
    private route(proxy: ChosenProxy | undefined, secureContext: SecureContext | undefined): NodeHttpHandler {
        const key = !secureContext ? "plain" : proxy ? `proxy ${proxy.url.href}` : "direct";
        let handler = this.routes.get(key);
        if (!handler) {
            handler = this.makeHandler(!secureContext
                ? { httpAgent: new HttpAgent({ keepAlive: true }) }
                : { httpsAgent: proxy ? tunnelAgent(proxy.url, secureContext) : new HttpsAgent({ keepAlive: true, secureContext }) });
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
        return this.describing.httpHandlerConfigs();
    }

    /** Closes the handler's connections, unless the handler is shared (then {@link close} does). */
    destroy(): void {
        if (!this.shared) {
            this.close();
        }
    }

    close(): void {
        this.routes.forEach((h) => h.destroy());
        this.describing.destroy();
    }
}

/**
 * How a client reaches its service: the endpoint variants (FIPS, dual-stack) as the provider
 * resolves them (its inputs, then the environment, then its profile: see posture/credentials.ts),
 * and an endpoint override the trust boundary has accepted.
 */
export interface ClientRoute {
    useFipsEndpoint: boolean;
    useDualstackEndpoint: boolean;
    endpoint?: string;
}

/**
 * The SDK client configuration shared by every client the pack makes. Every setting the SDK
 * would otherwise load from the environment or the shared config files is given: the pack has
 * already decided each the provider's way, and no SDK loader then reads a file the stack or the
 * environment names (a FIFO there would block one of Node's file threads) or follows an
 * endpoint override the trust boundary has not seen (`ignoreConfiguredEndpointUrls`).
 */
export function clientConfig(limits: CallLimits, region: string, credentials: Credentials | undefined, route: ClientRoute, requestHandler: GuardedRequestHandler) {
    return {
        region,
        credentials,
        ...(route.endpoint ? { endpoint: route.endpoint } : {}),
        ignoreConfiguredEndpointUrls: true,
        useFipsEndpoint: route.useFipsEndpoint,
        useDualstackEndpoint: route.useDualstackEndpoint,
        defaultsMode: "legacy" as const,
        userAgentAppId: async () => undefined,
        authSchemePreference: async () => [] as string[],
        sigv4aSigningRegionSet: async () => undefined,
        maxAttempts: limits.maxAttempts,
        retryMode: "standard",
        requestHandler,
    };
}

/**
 * What the SDK clients of one run share: request handlers, so that connections opened for one
 * account serve the next. Clients themselves are made per account (their credentials are the
 * account's) and per AssumeRole (the SDK's retry budget is per client); {@link close} ends the
 * run's connections.
 */
export class ClientPool {
    private readonly handlers = new Map<string, GuardedRequestHandler>();

    constructor(readonly trust: EndpointTrust) {}

    /** The configuration of a client of the run: the run's request handler for the service. */
    config(service: AwsService, limits: CallLimits, region: string, credentials: Credentials | undefined, route: ClientRoute, network: NetworkInputs) {
        return clientConfig(limits, region, credentials, route, this.requestHandler(limits, [service], network));
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
    const config = () => clientConfig(limits, "us-east-1", keys, { useFipsEndpoint: false, useDualstackEndpoint: false, endpoint: "https://rehearsal.invalid" }, refuseAll);
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

/** The IAM Identity Center (SSO) portal client of the AWS SDK, loaded on first use. */
export function sso(): typeof SsoModule {
    silenceNodeVersionWarning();
    return require("@aws-sdk/nested-clients/sso");
}

function nodeHttpHandler(): typeof NodeHttpHandlerModule {
    return require("@smithy/node-http-handler");
}

type TunnelArgs = Parameters<HttpsProxyAgentModule.HttpsProxyAgent<string>["connect"]>;

/**
 * An agent that tunnels https through a proxy (CONNECT) and verifies the destination's certificate
 * against the destination's own name and the trusted certificate authorities. https-proxy-agent
 * passes its options to the proxy connection only, and leaves the host out of the tunnel's TLS
 * options, so a destination named by IP address would be checked as "localhost". And when the
 * proxy answers CONNECT with anything but 200, https-proxy-agent replays that answer to the
 * request as if the destination had sent it, without TLS: a proxy could forge AWS's answers. Here
 * such an answer ends the request instead, and nothing the proxy sent is read.
 */
function tunnelAgent(proxy: URL, secureContext: SecureContext): HttpsAgent {
    const { HttpsProxyAgent } = require("https-proxy-agent") as typeof HttpsProxyAgentModule;
    class VerifyingTunnel extends HttpsProxyAgent<string> {
        override async connect(req: TunnelArgs[0], opts: TunnelArgs[1]) {
            let answer: { statusCode: number; statusText: string } | undefined;
            const noteAnswer = (connect: { statusCode: number; statusText: string }) => {
                answer = connect;
            };
            req.once("proxyConnect", noteAnswer);
            try {
                const host = opts.host ?? "";
                const socket = await super.connect(req, opts.secureEndpoint ? {
                    ...opts,
                    secureContext,
                    checkServerIdentity: (_: string, cert: PeerCertificate) => checkServerIdentity(host, cert),
                } : opts);
                if (answer === undefined || answer.statusCode !== 200) {
                    socket.destroy();
                    throw new ProxyTunnelError(answer?.statusCode, answer?.statusText);
                }
                return socket;
            } finally {
                req.off("proxyConnect", noteAnswer);
            }
        }
    }
    return new VerifyingTunnel(proxy, { keepAlive: true, secureContext });
}
