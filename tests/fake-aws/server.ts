import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { authenticate } from "./auth";
import { CONTAINER_CREDENTIALS_PREFIX, containerCredentials } from "./container";
import { AwsError, commonError, notAuthorizedMessage, type Protocol } from "./errors";
import { FaultTable, type FaultSpec } from "./faults";
import { newRequestId } from "./ids";
import type { Operation, Params, ServiceName } from "./operation";
import { JSON_CONTENT_TYPE, ORGANIZATIONS_OPERATIONS, ORGANIZATIONS_TARGET_PREFIX, jsonErrorBody, parseJsonParams } from "./organizations";
import { QUERY_CONTENT_TYPE, QUERY_SERVICES, parseQueryParams, queryErrorResponse, queryResponse, type QueryService } from "./query";
import { rootTaskDenial } from "./rootTasks";
import { headerValue, parseAuthorization, type SigV4Authorization, type SignedRequest } from "./sigv4";
import { SSO_CREDENTIALS_PATH, SSO_TOKEN_HEADER, getRoleCredentials } from "./sso";
import { FakeAwsState, type FakeContainerOptions, type Principal } from "./state";
import { makeTestCertificates, type TestCertificates } from "./tls";

/**
 * A call that passed SigV4 authentication (or needed none) and so reached a service. SSO
 * (`sso`/`GetRoleCredentials`) and container (`container`/`GetCredentials`) calls are
 * logged whether or not their bearer/authorization token is valid.
 */
export interface FakeCall {
    service: ServiceName;
    /** Bare action name, e.g. `GetAccountSummary`. */
    action: string;
    /** Caller's account; undefined for unsigned calls (AssumeRoleWithWebIdentity, SSO, container). */
    accountId?: string;
    principalArn?: string;
    /**
     * Query form fields without Action/Version, the JSON body's top-level members, the URL
     * query of SSO calls (`account_id`, `role_name`), or `{id}` of container calls.
     */
    params: Params;
    /** Region of the SigV4 credential scope (what the client signed for); undefined for unsigned calls. */
    region?: string;
    /** The `Host` header, e.g. `127.0.0.1:<port>`. */
    host?: string;
    /** `Date.now()` on arrival. */
    at: number;
}

/** A request resolved to a service operation. */
interface Route {
    service: ServiceName;
    action: string;
    params: Params;
    /** May be called without a signature. */
    unsigned: boolean;
    /** Carries its own bearer/authorization token (checked by `execute`), never SigV4: no caller. */
    ownAuth?: boolean;
    /** The Query service (for the error namespace); undefined for JSON. */
    queryService?: QueryService;
    /** Runs the operation; returns the success body. Throws AwsError. */
    execute(state: FakeAwsState, caller: Principal | undefined, requestId: string): string;
}

interface Reply {
    status: number;
    contentType: string;
    body: string;
    /** JSON protocol error code, sent as `x-amzn-errortype`. */
    errorType?: string;
}

/**
 * A local AWS endpoint for STS, IAM (Query protocol) and Organizations (JSON 1.1) on
 * 127.0.0.1 that the real AWS SDK v3 clients talk to unchanged (`endpoint` or
 * `AWS_ENDPOINT_URL`). Requests are SigV4-verified against the stored secrets; the
 * service is taken from the credential scope (or `X-Amz-Target`), the caller from the
 * access key. State, faults and latency are settable per test; see {@link FakeAwsState}.
 *
 * The same server answers the IAM Identity Center portal's GetRoleCredentials
 * (`GET /federation/credentials`, see {@link FakeAwsState.addSsoAccessToken} and `ssoProfileFiles`)
 * and container credentials endpoints (`GET /container-credentials/<id>`, see
 * {@link FakeAws.addContainerCredentials}); faults and latency apply to them too (actions
 * `GetRoleCredentials` and `GetCredentials`, matched as unsigned calls).
 */
export class FakeAws extends FakeAwsState {
    /** Every call that reached a service, in arrival order. */
    readonly calls: FakeCall[] = [];
    private readonly counters = new Map<string, number>();
    private readonly faults = new FaultTable();
    private readonly timers = new Set<NodeJS.Timeout>();
    private globalLatencyMs = 0;
    private baseUrl = "";
    private active = 0;
    private peak = 0;
    private echoing = false;

    private readonly server: Server;
    private readonly certificates?: TestCertificates;

    private constructor(tls: boolean) {
        super();
        const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
        if (tls) {
            this.certificates = makeTestCertificates();
            this.server = createHttpsServer({ key: this.certificates.key, cert: this.certificates.cert }, handler);
            // A client that rejects the certificate aborts the handshake: that is the client's verdict, not an error here.
            this.server.on("tlsClientError", () => undefined);
        } else {
            this.server = createServer(handler);
        }
        this.server.keepAliveTimeout = 60_000;
    }

    /**
     * Starts a server on 127.0.0.1 on a random free port: plain http, or with `tls` https under a
     * certificate from a CA made for this server (its PEM file is `caFile`).
     */
    static async start(opts: { tls?: boolean } = {}): Promise<FakeAws> {
        const fake = new FakeAws(opts.tls === true);
        const server = fake.server;
        await new Promise<void>((resolve, reject) => {
            server.once("error", reject);
            server.listen({ host: "127.0.0.1", port: 0, backlog: 4096 }, () => {
                server.off("error", reject);
                resolve();
            });
        });
        fake.baseUrl = `${opts.tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;
        return fake;
    }

    /** `http://127.0.0.1:<port>` (or `https://` with `tls`), the endpoint of every service. */
    get url(): string {
        return this.baseUrl;
    }

    /** With `tls`: the PEM file of the CA that signed the server's certificate (exists until close). */
    get caFile(): string | undefined {
        return this.certificates?.caFile;
    }

    /** Stops listening and drops every connection, including hung ones. Idempotent. */
    async close(): Promise<void> {
        for (const timer of this.timers) clearTimeout(timer);
        this.timers.clear();
        if (!this.server.listening) {
            this.certificates?.remove();
            return;
        }
        const closed = new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
        this.server.closeAllConnections();
        await closed;
        this.certificates?.remove();
    }

    /** Clears all state, faults, the global latency and the call log. */
    reset(): void {
        this.clearState();
        this.faults.clear();
        this.globalLatencyMs = 0;
        this.calls.length = 0;
        this.counters.clear();
        this.peak = this.active;
        this.echoing = false;
    }

    /** Injects a fault into matching calls (first registered match wins). */
    fault(spec: FaultSpec): void {
        this.faults.add(spec);
    }

    /** Delays every call by `ms` before answering (timers, so calls wait concurrently); 0 disables. */
    latency(ms: number): void {
        if (!(ms >= 0)) throw new Error("latency must be >= 0");
        this.globalLatencyMs = ms;
    }

    /**
     * A container credentials endpoint handing out temporary credentials of the role `roleName`
     * in the account (the role of {@link addRole} if it exists, else one created that no account
     * may AssumeRole; a later addRole of that name then throws). Each fetch issues a fresh
     * 1-hour session `arn:<p>:sts::<acct>:assumed-role/<roleName>/<sessionName>`.
     * Use it as `AWS_CONTAINER_CREDENTIALS_FULL_URI=<fullUri>` (loopback http is allowed).
     */
    addContainerCredentials(accountId: string, roleName: string, opts: FakeContainerOptions = {}): { fullUri: string; roleArn: string } {
        const endpoint = this.addContainerEndpoint(accountId, roleName, opts);
        return { fullUri: `${this.baseUrl}${CONTAINER_CREDENTIALS_PREFIX}${endpoint.id}`, roleArn: endpoint.role.arn };
    }

    /**
     * Whether every error answer quotes the request it answers: the caller's access key id, its
     * session token and the request's parameters, as a misbehaving proxy or a hostile endpoint
     * might. For tests that what the pack quotes of an error never carries a secret.
     */
    echoRequests(on: boolean): void {
        this.echoing = on;
    }

    /** Requests received and not yet answered (hung ones included, until their connection closes). */
    get inFlight(): number {
        return this.active;
    }

    /** The most requests that were in flight at once since start or {@link resetMaxInFlight}. */
    get maxInFlight(): number {
        return this.peak;
    }

    /** Starts measuring {@link maxInFlight} afresh, from the requests in flight now. */
    resetMaxInFlight(): void {
        this.peak = this.active;
    }

    /** Number of logged calls, optionally of one action (bare name) and/or caller account. O(1). */
    count(action?: string, accountId?: string): number {
        return this.counters.get(counterKey(action, accountId)) ?? 0;
    }

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        this.active += 1;
        this.peak = Math.max(this.peak, this.active);
        res.once("close", () => (this.active -= 1));
        const requestId = newRequestId();
        const chunks: Buffer[] = [];
        try {
            for await (const chunk of req) chunks.push(chunk as Buffer);
        } catch {
            return; // the client went away while sending the body
        }
        const request = { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks) };
        const reply = await this.process(request, requestId);
        if (reply === undefined || res.destroyed) return; // hang fault, or the client aborted meanwhile
        const headers: Record<string, string | number> = {
            "content-type": reply.contentType,
            "content-length": Buffer.byteLength(reply.body),
            "x-amzn-RequestId": requestId,
        };
        if (reply.errorType !== undefined) headers["x-amzn-errortype"] = reply.errorType;
        res.writeHead(reply.status, headers).end(reply.body);
    }

    /** Authenticates, logs, applies latency/faults/denials (deny(), AssumeRoot task policies) and runs the operation. Undefined = never answer. */
    private async process(request: SignedRequest, requestId: string): Promise<Reply | undefined> {
        const protocol = protocolOf(request);
        let queryService: QueryService | undefined;
        let fault: FaultSpec | undefined;
        let reply: Reply;
        let echo = "";
        try {
            const authorization = headerValue(request.headers, "authorization");
            const auth = authorization === undefined ? undefined : parseAuthorization(authorization);
            if (this.echoing) echo = `access key ${auth?.accessKeyId}, token ${headerValue(request.headers, "x-amz-security-token")}`;
            const route = routeOf(protocol, request, auth);
            // Values as received: an endpoint can always encode what it echoes beyond recognition, so only verbatim echoes are fair.
            if (this.echoing) echo += `, parameters ${Object.entries(route.params).map(([k, v]) => `${k}=${v}`).join(", ")}`;
            queryService = route.queryService;
            const caller = route.ownAuth ? undefined : authenticate(this, request, auth, protocol, route.unsigned);
            this.record(route, caller, request, route.ownAuth ? undefined : auth);
            if (this.globalLatencyMs > 0) await this.sleep(this.globalLatencyMs);
            fault = this.faults.take(route.action, caller?.accountId, route.params);
            switch (fault?.kind) {
                case "hang":
                    return undefined;
                case "latency":
                    await this.sleep(fault.ms ?? 0);
                    break;
                case "throttle":
                    throw commonError("throttle", protocol);
                case "error5xx":
                    throw commonError("unavailable", protocol);
                case "accessDenied":
                    throw accessDenied(protocol, route, caller);
                case "error":
                    throw new AwsError(fault.code ?? "", fault.message ?? "", fault.status ?? 400);
            }
            if (caller && this.isDenied(caller.accountId, `${route.service}:${route.action}`)) throw accessDenied(protocol, route, caller);
            const taskDenial = caller && rootTaskDenial(caller, `${route.service}:${route.action}`, route.params);
            if (taskDenial) throw commonError("accessDenied", protocol, taskDenial);
            const body = route.execute(this, caller, requestId);
            reply = { status: 200, contentType: CONTENT_TYPES[protocol], body };
        } catch (e) {
            let error = e instanceof AwsError ? e : commonError("internal", protocol, e instanceof Error ? e.message : String(e));
            if (this.echoing) error = new AwsError(error.code, `${error.message} (request: ${echo})`, error.status, error.details);
            reply = errorReply(protocol, error, queryService, requestId);
        }
        if (fault?.kind === "malformed") {
            return { status: 200, contentType: reply.contentType, body: reply.body.slice(0, Math.floor(reply.body.length / 2)) };
        }
        return reply;
    }

    private record(route: Route, caller: Principal | undefined, request: SignedRequest, auth: SigV4Authorization | undefined): void {
        this.calls.push({
            service: route.service,
            action: route.action,
            accountId: caller?.accountId,
            principalArn: caller?.arn,
            params: route.params,
            region: auth?.region,
            host: headerValue(request.headers, "host"),
            at: Date.now(),
        });
        const accounts = caller ? [undefined, caller.accountId] : [undefined];
        for (const action of [undefined, route.action]) {
            for (const accountId of accounts) {
                const key = counterKey(action, accountId);
                this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
            }
        }
    }

    private sleep(ms: number): Promise<void> {
        return new Promise((resolve) => {
            const timer = setTimeout(() => {
                this.timers.delete(timer);
                resolve();
            }, ms);
            this.timers.add(timer);
        });
    }
}

const CONTENT_TYPES: Record<Protocol, string> = {
    query: QUERY_CONTENT_TYPE,
    json: JSON_CONTENT_TYPE,
    restJson: "application/json",
    container: "application/json",
};

/** JSON 1.1 by `X-Amz-Target`, SSO and container endpoints by method and path, else Query. */
function protocolOf(request: SignedRequest): Protocol {
    if (request.headers["x-amz-target"] !== undefined) return "json";
    if (request.method === "GET") {
        const path = requestPath(request);
        if (path === SSO_CREDENTIALS_PATH) return "restJson";
        if (path.startsWith(CONTAINER_CREDENTIALS_PREFIX)) return "container";
    }
    return "query";
}

/** The request's path without the query, repeated slashes collapsed (an endpoint URL ending in `/`). */
function requestPath(request: SignedRequest): string {
    const queryStart = request.url.indexOf("?");
    return (queryStart < 0 ? request.url : request.url.slice(0, queryStart)).replace(/\/{2,}/g, "/");
}

function routeOf(protocol: Protocol, request: SignedRequest, auth: SigV4Authorization | undefined): Route {
    switch (protocol) {
        case "json":
            return jsonRoute(request, auth);
        case "restJson":
            return ssoRoute(request);
        case "container":
            return containerRoute(request);
        case "query":
            return queryRoute(request, auth);
    }
}

/** An error as the protocol renders it. */
function errorReply(protocol: Protocol, error: AwsError, queryService: QueryService | undefined, requestId: string): Reply {
    switch (protocol) {
        case "query":
            return { status: error.status, contentType: QUERY_CONTENT_TYPE, body: queryErrorResponse(queryService, error, requestId) };
        case "json":
            return { status: error.status, contentType: JSON_CONTENT_TYPE, body: jsonErrorBody(error), errorType: error.code };
        case "restJson":
            // The SSO portal: the code only in `x-amzn-errortype`, the body just `{"message"}`.
            return { status: error.status, contentType: CONTENT_TYPES.restJson, body: JSON.stringify({ message: error.message }), errorType: error.code };
        case "container":
            return { status: error.status, contentType: CONTENT_TYPES.container, body: JSON.stringify({ Code: error.code, Message: error.message }) };
    }
}

function counterKey(action: string | undefined, accountId: string | undefined): string {
    return `${action ?? "*"}\n${accountId ?? "*"}`;
}

/** AccessDenied for the route's action; the resource is the RoleArn param when there is one. */
function accessDenied(protocol: Protocol, route: Route, caller: Principal | undefined): AwsError {
    const action = `${route.service}:${route.action}`;
    const message = caller ? notAuthorizedMessage(caller.arn, action, route.params.RoleArn) : `Not authorized to perform ${action}`;
    return commonError("accessDenied", protocol, message);
}

/** Runs an operation; signed ones get the caller that authentication guaranteed. */
function run<R>(operation: Operation<R>, state: FakeAwsState, caller: Principal | undefined, params: Params): R {
    if (operation.auth === "none") return operation.run({ state, params });
    if (!caller) throw new Error("signed operation reached without an authenticated caller");
    return operation.run({ state, caller, params });
}

/** Query requests: the service is the credential scope's (unsigned requests can only be STS's). */
function queryRoute(request: SignedRequest, auth: SigV4Authorization | undefined): Route {
    const { Action: action = "", Version: _version, ...params } = parseQueryParams(request.body);
    const serviceName = auth?.service ?? "sts";
    if (serviceName !== "sts" && serviceName !== "iam") {
        throw new AwsError("InvalidAction", `Service ${serviceName} is not served over the Query protocol by this endpoint`);
    }
    const service = QUERY_SERVICES[serviceName];
    const operation = service.operations.get(action);
    return {
        service: serviceName,
        action,
        params,
        unsigned: operation?.auth === "none",
        queryService: service,
        execute: (state, caller, requestId) => {
            if (!operation) throw new AwsError("InvalidAction", `Could not find operation ${action} for version ${service.version}`);
            return queryResponse(service, action, run(operation, state, caller, params), requestId);
        },
    };
}

/** JSON 1.1 requests: `X-Amz-Target: AWSOrganizationsV20161128.<Action>`. */
function jsonRoute(request: SignedRequest, auth: SigV4Authorization | undefined): Route {
    const target = headerValue(request.headers, "x-amz-target") ?? "";
    if (!target.startsWith(ORGANIZATIONS_TARGET_PREFIX) || (auth !== undefined && auth.service !== "organizations")) {
        throw new AwsError("UnknownOperationException", `Unknown operation ${target}`);
    }
    const action = target.slice(ORGANIZATIONS_TARGET_PREFIX.length);
    const params = parseJsonParams(request.body);
    const operation = ORGANIZATIONS_OPERATIONS.get(action);
    return {
        service: "organizations",
        action,
        params,
        unsigned: operation?.auth === "none",
        execute: (state, caller) => {
            if (!operation) throw new AwsError("UnknownOperationException", `Unknown operation ${target}`);
            return JSON.stringify(run(operation, state, caller, params));
        },
    };
}

/** SSO portal GetRoleCredentials: `GET /federation/credentials?account_id=…&role_name=…`, token in `x-amz-sso_bearer_token`. */
function ssoRoute(request: SignedRequest): Route {
    const queryStart = request.url.indexOf("?");
    const params: Params = Object.fromEntries(new URLSearchParams(queryStart < 0 ? "" : request.url.slice(queryStart + 1)));
    return {
        service: "sso",
        action: "GetRoleCredentials",
        params,
        unsigned: true,
        ownAuth: true,
        execute: (state) => JSON.stringify(getRoleCredentials(state, params, headerValue(request.headers, SSO_TOKEN_HEADER))),
    };
}

/** Container credentials: `GET /container-credentials/<id>`, optional `Authorization` token. */
function containerRoute(request: SignedRequest): Route {
    const id = requestPath(request).slice(CONTAINER_CREDENTIALS_PREFIX.length);
    return {
        service: "container",
        action: "GetCredentials",
        params: { id },
        unsigned: true,
        ownAuth: true,
        execute: (state) => JSON.stringify(containerCredentials(state, id, headerValue(request.headers, "authorization"))),
    };
}
