import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { authenticate } from "./auth";
import { AwsError, commonError, notAuthorizedMessage, type Protocol } from "./errors";
import { FaultTable, type FaultSpec } from "./faults";
import { newRequestId } from "./ids";
import type { Operation, Params, ServiceName } from "./operation";
import { JSON_CONTENT_TYPE, ORGANIZATIONS_OPERATIONS, ORGANIZATIONS_TARGET_PREFIX, jsonErrorBody, parseJsonParams } from "./organizations";
import { QUERY_CONTENT_TYPE, QUERY_SERVICES, parseQueryParams, queryErrorResponse, queryResponse, type QueryService } from "./query";
import { headerValue, parseAuthorization, type SigV4Authorization, type SignedRequest } from "./sigv4";
import { FakeAwsState, type Principal } from "./state";

/** A call that passed authentication (or needed none) and so reached a service. */
export interface FakeCall {
    service: ServiceName;
    /** Bare action name, e.g. `GetAccountSummary`. */
    action: string;
    /** Caller's account; undefined for unsigned calls (AssumeRoleWithWebIdentity). */
    accountId?: string;
    principalArn?: string;
    /** Query form fields without Action/Version, or the JSON body's top-level members. */
    params: Params;
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
 */
export class FakeAws extends FakeAwsState {
    /** Every call that reached a service, in arrival order. */
    readonly calls: FakeCall[] = [];
    private readonly counters = new Map<string, number>();
    private readonly faults = new FaultTable();
    private readonly timers = new Set<NodeJS.Timeout>();
    private globalLatencyMs = 0;
    private baseUrl = "";

    private readonly server: Server = createServer((req, res) => void this.handle(req, res));

    private constructor() {
        super();
        this.server.keepAliveTimeout = 60_000;
    }

    /** Starts a server on 127.0.0.1 on a random free port. */
    static async start(): Promise<FakeAws> {
        const fake = new FakeAws();
        const server = fake.server;
        await new Promise<void>((resolve, reject) => {
            server.once("error", reject);
            server.listen({ host: "127.0.0.1", port: 0, backlog: 4096 }, () => {
                server.off("error", reject);
                resolve();
            });
        });
        fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        return fake;
    }

    /** `http://127.0.0.1:<port>`, the endpoint of every service. */
    get url(): string {
        return this.baseUrl;
    }

    /** Stops listening and drops every connection, including hung ones. Idempotent. */
    async close(): Promise<void> {
        for (const timer of this.timers) clearTimeout(timer);
        this.timers.clear();
        if (!this.server.listening) return;
        const closed = new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
        this.server.closeAllConnections();
        await closed;
    }

    /** Clears all state, faults, the global latency and the call log. */
    reset(): void {
        this.clearState();
        this.faults.clear();
        this.globalLatencyMs = 0;
        this.calls.length = 0;
        this.counters.clear();
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

    /** Number of logged calls, optionally of one action (bare name) and/or caller account. O(1). */
    count(action?: string, accountId?: string): number {
        return this.counters.get(counterKey(action, accountId)) ?? 0;
    }

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
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

    /** Authenticates, logs, applies latency/faults/denials and runs the operation. Undefined = never answer. */
    private async process(request: SignedRequest, requestId: string): Promise<Reply | undefined> {
        const protocol: Protocol = request.headers["x-amz-target"] !== undefined ? "json" : "query";
        let queryService: QueryService | undefined;
        let fault: FaultSpec | undefined;
        let reply: Reply;
        try {
            const authorization = headerValue(request.headers, "authorization");
            const auth = authorization === undefined ? undefined : parseAuthorization(authorization);
            const route = protocol === "json" ? jsonRoute(request, auth) : queryRoute(request, auth);
            queryService = route.queryService;
            const caller = authenticate(this, request, auth, protocol, route.unsigned);
            this.record(route, caller);
            if (this.globalLatencyMs > 0) await this.sleep(this.globalLatencyMs);
            fault = this.faults.take(route.action, caller?.accountId);
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
            }
            if (caller && this.isDenied(caller.accountId, `${route.service}:${route.action}`)) throw accessDenied(protocol, route, caller);
            const body = route.execute(this, caller, requestId);
            reply = { status: 200, contentType: protocol === "json" ? JSON_CONTENT_TYPE : QUERY_CONTENT_TYPE, body };
        } catch (e) {
            const error = e instanceof AwsError ? e : commonError("internal", protocol, e instanceof Error ? e.message : String(e));
            reply =
                protocol === "json"
                    ? { status: error.status, contentType: JSON_CONTENT_TYPE, body: jsonErrorBody(error), errorType: error.code }
                    : { status: error.status, contentType: QUERY_CONTENT_TYPE, body: queryErrorResponse(queryService, error, requestId) };
        }
        if (fault?.kind === "malformed") {
            return { status: 200, contentType: reply.contentType, body: reply.body.slice(0, Math.floor(reply.body.length / 2)) };
        }
        return reply;
    }

    private record(route: Route, caller: Principal | undefined): void {
        this.calls.push({
            service: route.service,
            action: route.action,
            accountId: caller?.accountId,
            principalArn: caller?.arn,
            params: route.params,
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
