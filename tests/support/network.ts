/**
 * Network pieces for tests, all on 127.0.0.1: a forward proxy (CONNECT and plain HTTP) that logs
 * what passes through it and can answer as a misbehaving proxy or firewall would, a TLS front
 * for the local AWS endpoint with a certificate authority made by the test, and a liar: a server
 * that records every connection and request it gets and answers as an attacker would (forged
 * credentials, a compliant root user), as an endpoint, a credentials server, or a proxy that
 * intercepts TLS with its own CA or forges answers to CONNECT.
 */
import { randomBytes } from "node:crypto";
import { IncomingMessage, Server, ServerResponse, createServer, request as httpRequest } from "node:http";
import { AddressInfo, Socket, connect } from "node:net";
import { makeTestCertificates } from "../fake-aws/tls";
import { Server as TlsServer, TLSSocket, createServer as createTlsServer } from "node:tls";

/** How the proxy answers. */
export type ProxyMode =
    /** Forward to 127.0.0.1 (anything else is logged and refused with a plain-text 502). */
    | "forward"
    /** 407 Proxy Authentication Required, unless the request carries the proxy's `auth`. */
    | "auth"
    /**
     * An HTML block page with this status instead of forwarding (to CONNECT too). With `inspect`,
     * CONNECT is answered 200 and the proxy speaks TLS itself with a certificate from its own CA
     * ({@link TestProxy.caFile}), as a TLS-inspecting firewall does, and answers every request
     * inside with the page.
     */
    | { page: number; inspect?: boolean };

const BLOCK_PAGE = "<!DOCTYPE html><html><head><title>Access blocked</title></head><body>This site is blocked by your organization's web filter.</body></html>";

/** A running test proxy. */
export interface TestProxy {
    /** `http://127.0.0.1:<port>`. */
    url: string;
    port: number;
    /** What passed through: `CONNECT host:port` or `<METHOD> http://host:port/path`. */
    log: string[];
    /**
     * The local port of every connection the proxy opened to a CONNECT's destination: a server on
     * 127.0.0.1 sees it as the peer's port, so a connection it got can be told to come through here.
     */
    tunnels: number[];
    /** The peer port of every TCP connection the proxy accepted, whatever came over it. */
    connections: number[];
    /** A `{ page, inspect }` proxy's CA (PEM file; exists until close). */
    caFile?: string;
    close(): Promise<void>;
}

/** Starts a forward proxy on 127.0.0.1. `auth`: the user and password mode "auth" accepts. */
export async function startProxy(mode: ProxyMode = "forward", auth?: { user: string; password: string }): Promise<TestProxy> {
    const log: string[] = [];
    const tunnels: number[] = [];
    const connections: number[] = [];
    const sockets = new Set<Socket>();
    const inspecting = typeof mode === "object" && mode.inspect === true ? makeTestCertificates("IP:127.0.0.1", "aws-root-mfa-inspect-") : undefined;
    const page = (res: ServerResponse, status: number) => res.writeHead(status, { "content-type": "text/html; charset=utf-8" }).end(BLOCK_PAGE);
    // Inside the TLS an inspecting proxy terminates: every request gets the block page.
    const inside: Server = createServer((req, res) => {
        req.resume();
        page(res, (mode as { page: number }).page);
    });
    const expected = auth ? `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}` : undefined;
    // What the proxy does instead of forwarding; undefined: forward.
    const refusal = (target: string, authorization: string | undefined): { status: number; type: string; body: string } | undefined => {
        if (mode === "auth" && authorization !== expected) {
            return { status: 407, type: "text/html", body: "<html><body><h1>407 Proxy Authentication Required</h1></body></html>" };
        }
        if (typeof mode === "object") {
            return { status: mode.page, type: "text/html; charset=utf-8", body: BLOCK_PAGE };
        }
        if (!/^127\.0\.0\.1:\d+$/.test(target)) {
            return { status: 502, type: "text/plain", body: "the test proxy only forwards to 127.0.0.1" };
        }
        return undefined;
    };

    const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
        log.push(`${req.method} ${req.url}`);
        let target: URL;
        try {
            target = new URL(req.url ?? "");
        } catch {
            res.writeHead(400).end();
            return;
        }
        const refused = refusal(target.host, req.headers["proxy-authorization"]);
        if (refused) {
            res.writeHead(refused.status, { "content-type": refused.type, ...(refused.status === 407 ? { "proxy-authenticate": 'Basic realm="test"' } : {}) }).end(refused.body);
            return;
        }
        const headers = { ...req.headers };
        delete headers["proxy-authorization"];
        delete headers["proxy-connection"];
        const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: `${target.pathname}${target.search}`, headers }, (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
        });
        upstream.on("error", () => res.headersSent ? res.destroy() : res.writeHead(502).end());
        req.pipe(upstream);
    });
    server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
        const target = req.url ?? "";
        log.push(`CONNECT ${target}`);
        if (inspecting) {
            client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
            if (head.length > 0) {
                client.unshift(head);
            }
            const tls = new TLSSocket(client, { isServer: true, key: inspecting.key, cert: inspecting.cert });
            tls.on("error", () => tls.destroy());
            sockets.add(tls);
            tls.on("close", () => sockets.delete(tls));
            inside.emit("connection", tls);
            return;
        }
        const refused = refusal(target, req.headers["proxy-authorization"]);
        if (refused) {
            client.end(`HTTP/1.1 ${refused.status} Refused\r\ncontent-type: ${refused.type}\r\ncontent-length: ${Buffer.byteLength(refused.body)}\r\n${refused.status === 407 ? 'proxy-authenticate: Basic realm="test"\r\n' : ""}connection: close\r\n\r\n${refused.body}`);
            return;
        }
        const [host, port] = target.split(":");
        const upstream = connect(Number(port), host, () => {
            tunnels.push(upstream.localPort ?? -1);
            client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
            upstream.write(head);
            upstream.pipe(client);
            client.pipe(upstream);
        });
        sockets.add(upstream);
        upstream.on("close", () => sockets.delete(upstream));
        upstream.on("error", () => client.destroy());
        client.on("error", () => upstream.destroy());
    });
    server.on("connection", (s: Socket) => {
        connections.push(s.remotePort ?? -1);
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    return {
        url: `http://127.0.0.1:${port}`,
        port,
        log,
        tunnels,
        connections,
        caFile: inspecting?.caFile,
        close: async () => {
            const closed = new Promise<void>((resolve) => server.close(() => resolve()));
            sockets.forEach((s) => s.destroy());
            await closed;
            inspecting?.remove();
        },
    };
}

/** A TLS front of a local http endpoint, with its own certificate authority. */
export interface TlsFront {
    /** `https://127.0.0.1:<port>`. */
    url: string;
    port: number;
    /** The PEM file of the test's certificate authority (exists until close). */
    caFile: string;
    /** The peer port of every TCP connection the front accepted (compare with {@link TestProxy.tunnels}). */
    peers: number[];
    /** The peer port of every connection whose TLS handshake completed: only those reach the endpoint. */
    secured: number[];
    close(): Promise<void>;
}

/**
 * Serves `upstreamPort` over TLS on 127.0.0.1 with a certificate for IP 127.0.0.1 issued by a CA
 * made here (openssl, offline). The CA's files live in a temporary folder removed by close().
 */
export async function startTlsFront(upstreamPort: number): Promise<TlsFront> {
    const certificates = makeTestCertificates("IP:127.0.0.1", "aws-root-mfa-tls-");
    try {
        const sockets = new Set<Socket>();
        const peers: number[] = [];
        const secured: number[] = [];
        const server: TlsServer = createTlsServer({ key: certificates.key, cert: certificates.cert }, (client) => {
            secured.push(client.remotePort ?? -1);
            const upstream = connect(upstreamPort, "127.0.0.1");
            sockets.add(upstream);
            upstream.on("close", () => sockets.delete(upstream));
            client.pipe(upstream).pipe(client);
            upstream.on("error", () => client.destroy());
            client.on("error", () => upstream.destroy());
        });
        server.on("connection", (s: Socket) => {
            peers.push(s.remotePort ?? -1);
            sockets.add(s);
            s.on("close", () => sockets.delete(s));
        });
        // A client that rejects the certificate aborts the handshake: not the front's concern.
        server.on("tlsClientError", () => undefined);
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as AddressInfo).port;
        return {
            url: `https://127.0.0.1:${port}`,
            port,
            caFile: certificates.caFile,
            peers,
            secured,
            close: async () => {
                const closed = new Promise<void>((resolve) => server.close(() => resolve()));
                sockets.forEach((s) => s.destroy());
                await closed;
                certificates.remove();
            },
        };
    } catch (e) {
        certificates.remove();
        throw e;
    }
}

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
export async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}

/** One request as a {@link Liar} read it. */
export interface RecordedRequest {
    method: string;
    /** As sent: a path, or an absolute URL when the liar was used as a plain-http proxy. */
    url: string;
    headers: Record<string, string | string[] | undefined>;
    body: string;
}

/** How a liar answers CONNECT (it records every one). */
export type LiarConnectMode =
    /**
     * "200 Connection Established", then it speaks TLS itself with a certificate for 127.0.0.1,
     * localhost and *.amazonaws.com from its own CA ({@link Liar.caFile}): a TLS-intercepting proxy.
     * What it decrypts goes to {@link Liar.decrypted} and is answered with forgeries.
     */
    | "intercept"
    /**
     * An answer with this status (not 200) whose body is a forged AWS answer (credentials and a
     * compliant root user, for every Query action at once), without any tunnel or TLS.
     */
    | { forge: number };

/**
 * A server on 127.0.0.1 that records every connection and request it gets and answers as an
 * attacker would: forged credentials (STS, IAM Identity Center, container and instance metadata
 * endpoints), a root user with MFA (GetAccountSummary: {@link Liar.summary}), no organization.
 * As a plain-http proxy it answers itself instead of forwarding. A pack that followed it would
 * clear an account; a test asserts it got nothing.
 */
export interface Liar {
    /** `http://127.0.0.1:<port>`. */
    url: string;
    port: number;
    /** The peer port of every TCP connection it accepted, whatever came over it. */
    connections: number[];
    /** Plain-http requests (as an endpoint, a credentials server, or a proxy). */
    requests: RecordedRequest[];
    /** `CONNECT host:port` lines. */
    connects: string[];
    /** Requests read inside TLS it intercepted ("intercept" mode). */
    decrypted: RecordedRequest[];
    /** TLS handshakes it completed, and those the client broke off, in "intercept" mode. */
    handshakes: { completed: number; failed: number };
    /** "intercept" mode: the PEM file of its CA (exists until close). */
    caFile?: string;
    /** The SummaryMap it hands out for GetAccountSummary (default: root MFA on). */
    summary: Record<string, number>;
    close(): Promise<void>;
}

const STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";
const IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/";

function forgedKeys(): { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string } {
    return {
        accessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`,
        secretAccessKey: randomBytes(30).toString("base64"),
        sessionToken: randomBytes(64).toString("base64"),
        expiration: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
}

/** `<Result>` bodies of the Query actions a liar forges; `roleArn`: the role asked for, when known. */
function forgedResults(liar: Liar, roleArn = "arn:aws:iam::000000000000:role/Deploy", session = "deploy"): Record<string, string> {
    const [, partition, , , account, resource] = roleArn.split(":");
    const k = forgedKeys();
    const creds = `<Credentials><AccessKeyId>${k.accessKeyId}</AccessKeyId><SecretAccessKey>${k.secretAccessKey}</SecretAccessKey><SessionToken>${k.sessionToken}</SessionToken><Expiration>${k.expiration}</Expiration></Credentials>`;
    const user = `<AssumedRoleUser><AssumedRoleId>AROAFORGEDFORGED:${session}</AssumedRoleId><Arn>arn:${partition}:sts::${account}:assumed-role/${(resource ?? "role/x").replace(/^role\//, "")}/${session}</Arn></AssumedRoleUser>`;
    const entries = Object.entries(liar.summary).map(([key, value]) => `<entry><key>${key}</key><value>${value}</value></entry>`).join("");
    return {
        AssumeRole: creds + user,
        AssumeRoleWithWebIdentity: `${creds}${user}<SubjectFromWebIdentityToken>forged</SubjectFromWebIdentityToken>`,
        GetCallerIdentity: `<UserId>AROAFORGEDFORGED:${session}</UserId><Account>${account}</Account><Arn>arn:${partition}:sts::${account}:assumed-role/Deploy/${session}</Arn>`,
        GetAccountSummary: `<SummaryMap>${entries}</SummaryMap>`,
        ListVirtualMFADevices: "<VirtualMFADevices/><IsTruncated>false</IsTruncated>",
    };
}

/** The liar's answer to a plain-http request, by what it asks for. */
function forgedAnswer(liar: Liar, req: RecordedRequest): { status: number; type: string; body: string; headers?: Record<string, string> } {
    const json = (body: unknown) => ({ status: 200, type: "application/json", body: JSON.stringify(body) });
    const k = forgedKeys();
    const urlPath = new URL(req.url, "http://liar.invalid").pathname;
    if (req.headers["x-amz-target"] !== undefined) {
        return {
            status: 400,
            type: "application/x-amz-json-1.1",
            headers: { "x-amzn-errortype": "AWSOrganizationsNotInUseException" },
            body: JSON.stringify({ __type: "AWSOrganizationsNotInUseException", message: "Your account is not a member of an organization." }),
        };
    }
    // The instance metadata service (IMDSv2 token, the role's name, its credentials).
    if (urlPath === "/latest/api/token") {
        return { status: 200, type: "text/plain", body: "forged-imds-session-token" };
    }
    if (urlPath === "/latest/meta-data/iam/security-credentials/") {
        return { status: 200, type: "text/plain", body: "forged-role" };
    }
    if (urlPath.startsWith("/latest/meta-data/iam/security-credentials/")) {
        return json({ Code: "Success", Type: "AWS-HMAC", AccessKeyId: k.accessKeyId, SecretAccessKey: k.secretAccessKey, Token: k.sessionToken, Expiration: k.expiration });
    }
    // IAM Identity Center's GetRoleCredentials.
    if (urlPath === "/federation/credentials") {
        return json({ roleCredentials: { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey, sessionToken: k.sessionToken, expiration: Date.now() + 3600_000 } });
    }
    const params = new URLSearchParams(req.body);
    const action = params.get("Action") ?? "";
    if (action === "") {
        // Any other GET: a container credentials endpoint.
        return json({ AccessKeyId: k.accessKeyId, SecretAccessKey: k.secretAccessKey, Token: k.sessionToken, Expiration: k.expiration });
    }
    const result = forgedResults(liar, params.get("RoleArn") ?? undefined, params.get("RoleSessionName") ?? undefined)[action];
    if (result === undefined) {
        return { status: 400, type: "text/xml", body: `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>no ${action}</Message></Error><RequestId>0</RequestId></ErrorResponse>` };
    }
    const namespace = action === "GetAccountSummary" || action === "ListVirtualMFADevices" ? IAM_NS : STS_NS;
    return {
        status: 200,
        type: "text/xml",
        headers: { "x-amzn-requestid": "00000000-0000-0000-0000-000000000000" },
        body: `<${action}Response xmlns="${namespace}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></${action}Response>`,
    };
}

/** A forged Query answer that every STS and IAM action the pack calls parses as its own. */
function forgedForEveryAction(liar: Liar): string {
    const results = Object.entries(forgedResults(liar)).map(([action, result]) => `<${action}Result>${result}</${action}Result>`).join("");
    return `<ForgedResponse xmlns="${STS_NS}">${results}<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></ForgedResponse>`;
}

/** Starts a {@link Liar} on 127.0.0.1; `connect` decides how it answers CONNECT. */
export async function startLiar(opts: { connect?: LiarConnectMode } = {}): Promise<Liar> {
    const certificates = opts.connect === "intercept" ? makeTestCertificates("IP:127.0.0.1,DNS:localhost,DNS:*.amazonaws.com,DNS:*.us-east-1.amazonaws.com", "aws-root-mfa-intercept-") : undefined;
    const liar: Liar = {
        url: "",
        port: 0,
        connections: [],
        requests: [],
        connects: [],
        decrypted: [],
        handshakes: { completed: 0, failed: 0 },
        caFile: certificates?.caFile,
        summary: { AccountMFAEnabled: 1, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0 },
        close: async () => undefined,
    };
    const answering = (into: RecordedRequest[]) => (req: IncomingMessage, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const recorded: RecordedRequest = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
            into.push(recorded);
            const answer = forgedAnswer(liar, recorded);
            res.writeHead(answer.status, { "content-type": answer.type, ...answer.headers }).end(answer.body);
        });
    };
    const sockets = new Set<Socket>();
    const track = (s: Socket) => {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
    };
    const server: Server = createServer(answering(liar.requests));
    // What is read inside intercepted TLS; it never listens itself.
    const inner: Server = createServer(answering(liar.decrypted));
    server.on("connection", (s: Socket) => {
        liar.connections.push(s.remotePort ?? -1);
        track(s);
    });
    server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
        liar.connects.push(`CONNECT ${req.url ?? ""}`);
        client.on("error", () => client.destroy());
        const mode = opts.connect;
        if (mode === "intercept" && certificates) {
            client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
            if (head.length > 0) {
                client.unshift(head);
            }
            const tls = new TLSSocket(client, { isServer: true, key: certificates.key, cert: certificates.cert });
            let secure = false;
            tls.on("secure", () => {
                secure = true;
                liar.handshakes.completed += 1;
            });
            tls.on("error", () => tls.destroy());
            tls.on("close", () => {
                if (!secure) {
                    liar.handshakes.failed += 1;
                }
            });
            track(tls);
            inner.emit("connection", tls);
            return;
        }
        if (typeof mode === "object") {
            const body = forgedForEveryAction(liar);
            client.end(`HTTP/1.1 ${mode.forge} OK\r\ncontent-type: text/xml\r\nx-amzn-requestid: 00000000-0000-0000-0000-000000000000\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
            return;
        }
        client.end("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    liar.port = (server.address() as AddressInfo).port;
    liar.url = `http://127.0.0.1:${liar.port}`;
    liar.close = async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        sockets.forEach((s) => s.destroy());
        server.closeAllConnections();
        await closed;
        certificates?.remove();
    };
    return liar;
}
