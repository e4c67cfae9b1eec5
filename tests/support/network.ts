/**
 * Network pieces for tests, all on 127.0.0.1: a forward proxy (CONNECT and plain HTTP) that logs
 * what passes through it and can answer as a misbehaving proxy or firewall would, and a TLS front
 * for the local AWS endpoint with a certificate authority made by the test.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { IncomingMessage, Server, ServerResponse, createServer, request as httpRequest } from "node:http";
import { AddressInfo, Socket, connect } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Server as TlsServer, createServer as createTlsServer } from "node:tls";

/** How the proxy answers. */
export type ProxyMode =
    /** Forward to 127.0.0.1 (anything else is logged and refused with a plain-text 502). */
    | "forward"
    /** 407 Proxy Authentication Required, unless the request carries the proxy's `auth`. */
    | "auth"
    /** An HTML block page with this status instead of forwarding. */
    | { page: number };

/** A running test proxy. */
export interface TestProxy {
    /** `http://127.0.0.1:<port>`. */
    url: string;
    port: number;
    /** What passed through: `CONNECT host:port` or `<METHOD> http://host:port/path`. */
    log: string[];
    close(): Promise<void>;
}

/** Starts a forward proxy on 127.0.0.1. `auth`: the user and password mode "auth" accepts. */
export async function startProxy(mode: ProxyMode = "forward", auth?: { user: string; password: string }): Promise<TestProxy> {
    const log: string[] = [];
    const sockets = new Set<Socket>();
    const expected = auth ? `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}` : undefined;
    // What the proxy does instead of forwarding; undefined: forward.
    const refusal = (target: string, authorization: string | undefined): { status: number; type: string; body: string } | undefined => {
        if (mode === "auth" && authorization !== expected) {
            return { status: 407, type: "text/html", body: "<html><body><h1>407 Proxy Authentication Required</h1></body></html>" };
        }
        if (typeof mode === "object") {
            return { status: mode.page, type: "text/html; charset=utf-8", body: "<!DOCTYPE html><html><head><title>Access blocked</title></head><body>This site is blocked by your organization's web filter.</body></html>" };
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
        const refused = refusal(target, req.headers["proxy-authorization"]);
        if (refused) {
            client.end(`HTTP/1.1 ${refused.status} Refused\r\ncontent-type: ${refused.type}\r\ncontent-length: ${Buffer.byteLength(refused.body)}\r\n${refused.status === 407 ? 'proxy-authenticate: Basic realm="test"\r\n' : ""}connection: close\r\n\r\n${refused.body}`);
            return;
        }
        const [host, port] = target.split(":");
        const upstream = connect(Number(port), host, () => {
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
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    return {
        url: `http://127.0.0.1:${port}`,
        port,
        log,
        close: async () => {
            const closed = new Promise<void>((resolve) => server.close(() => resolve()));
            sockets.forEach((s) => s.destroy());
            await closed;
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
    close(): Promise<void>;
}

/**
 * Serves `upstreamPort` over TLS on 127.0.0.1 with a certificate for IP 127.0.0.1 issued by a CA
 * made here (openssl, offline). The CA's files live in a temporary folder removed by close().
 */
export async function startTlsFront(upstreamPort: number): Promise<TlsFront> {
    const dir = mkdtempSync(path.join(tmpdir(), "aws-root-mfa-tls-"));
    try {
        const file = (name: string) => path.join(dir, name);
        const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", file("ca.key"), "-out", file("ca.pem"), "-days", "2", "-subj", "/CN=aws-root-mfa test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", file("leaf.key"), "-out", file("leaf.csr"), "-subj", "/CN=127.0.0.1");
        writeFileSync(file("leaf.ext"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
        openssl("x509", "-req", "-in", file("leaf.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-CAcreateserial", "-out", file("leaf.pem"), "-days", "2", "-extfile", file("leaf.ext"));
        const sockets = new Set<Socket>();
        const server: TlsServer = createTlsServer({ key: readFileSync(file("leaf.key")), cert: readFileSync(file("leaf.pem")) }, (client) => {
            const upstream = connect(upstreamPort, "127.0.0.1");
            sockets.add(upstream);
            upstream.on("close", () => sockets.delete(upstream));
            client.pipe(upstream).pipe(client);
            upstream.on("error", () => client.destroy());
            client.on("error", () => upstream.destroy());
        });
        server.on("connection", (s: Socket) => {
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
            caFile: file("ca.pem"),
            close: async () => {
                const closed = new Promise<void>((resolve) => server.close(() => resolve()));
                sockets.forEach((s) => s.destroy());
                await closed;
                rmSync(dir, { recursive: true, force: true });
            },
        };
    } catch (e) {
        rmSync(dir, { recursive: true, force: true });
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
