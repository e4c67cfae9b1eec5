import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/** The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header. */
export interface SigV4Authorization {
    accessKeyId: string;
    /** Credential scope date, `YYYYMMDD`. */
    date: string;
    region: string;
    /** Signing name: `sts`, `iam`, `organizations`, … */
    service: string;
    /** Lowercase header names, in the order given (SigV4 requires them sorted). */
    signedHeaders: string[];
    /** Hex signature. */
    signature: string;
}

/** What SigV4 covers of an HTTP request, as received. */
export interface SignedRequest {
    method: string;
    /** Raw request target: path plus optional `?query`, still percent-encoded. */
    url: string;
    headers: IncomingHttpHeaders;
    body: Buffer;
}

const AUTHORIZATION =
    /^AWS4-HMAC-SHA256 +Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request, *SignedHeaders=([a-z0-9;._-]+), *Signature=([0-9a-f]{64})$/;

/** Parses a SigV4 Authorization header; undefined when it is not a well-formed HMAC-SHA256 one. */
export function parseAuthorization(header: string): SigV4Authorization | undefined {
    const m = AUTHORIZATION.exec(header.trim());
    if (!m) return undefined;
    return { accessKeyId: m[1], date: m[2], region: m[3], service: m[4], signedHeaders: m[5].split(";"), signature: m[6] };
}

/**
 * Recomputes the signature of `request` with `secretAccessKey` per the SigV4 spec
 * (canonical request → string to sign → HMAC chain) and compares it in constant time.
 */
export function signatureMatches(request: SignedRequest, auth: SigV4Authorization, secretAccessKey: string): boolean {
    const amzDate = headerValue(request.headers, "x-amz-date");
    if (amzDate === undefined || !amzDate.startsWith(auth.date)) return false;
    const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
    const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest(request, auth.signedHeaders))].join("\n");
    let key: Buffer = hmac(`AWS4${secretAccessKey}`, auth.date);
    for (const part of [auth.region, auth.service, "aws4_request"]) key = hmac(key, part);
    const expected = hmac(key, stringToSign);
    const given = Buffer.from(auth.signature, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Parses an `x-amz-date` (`YYYYMMDDTHHMMSSZ`) header value; undefined when malformed. */
export function parseAmzDate(value: string): Date | undefined {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
    return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

/** A header as one string (Node already joins most repeated headers with ", "). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
    const value = headers[name];
    return Array.isArray(value) ? value.join(",") : value;
}

function canonicalRequest(request: SignedRequest, signedHeaders: string[]): string {
    const queryStart = request.url.indexOf("?");
    const path = queryStart < 0 ? request.url : request.url.slice(0, queryStart);
    const query = queryStart < 0 ? "" : request.url.slice(queryStart + 1);
    const headers = signedHeaders.map((name) => `${name}:${(headerValue(request.headers, name) ?? "").trim().replace(/\s+/g, " ")}\n`);
    // Always the hash of the body received: a (signed) x-amz-content-sha256 header that no longer
    // matches the body must fail, as it does on AWS for non-S3 services.
    const payloadHash = sha256Hex(request.body);
    return [request.method, canonicalPath(path), canonicalQuery(query), headers.join(""), signedHeaders.join(";"), payloadHash].join("\n");
}

/** Non-S3 services: dot segments removed, then each (already encoded) segment encoded again. */
function canonicalPath(path: string): string {
    const segments: string[] = [];
    for (const segment of path.split("/")) {
        if (segment === "" || segment === ".") continue;
        if (segment === "..") segments.pop();
        else segments.push(uriEscape(segment));
    }
    const trailing = segments.length > 0 && path.endsWith("/") ? "/" : "";
    return `/${segments.join("/")}${trailing}`;
}

function canonicalQuery(query: string): string {
    if (query === "") return "";
    return query
        .split("&")
        .filter((pair) => pair !== "")
        .map((pair) => {
            const eq = pair.indexOf("=");
            const [key, value] = eq < 0 ? [pair, ""] : [pair.slice(0, eq), pair.slice(eq + 1)];
            return [uriEscape(percentDecode(key)), uriEscape(percentDecode(value))] as const;
        })
        .sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0))
        .map(([key, value]) => `${key}=${value}`)
        .join("&");
}

/** decodeURIComponent that leaves malformed escapes as they are (they then fail the signature check). */
function percentDecode(s: string): string {
    try {
        return decodeURIComponent(s);
    } catch {
        return s;
    }
}

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent plus `!'()*`). */
function uriEscape(s: string): string {
    return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(data: string | Buffer): string {
    return createHash("sha256").update(data).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
    return createHmac("sha256", key).update(data).digest();
}
