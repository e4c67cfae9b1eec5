/**
 * Through which proxy the pack's https requests travel: pulumi-aws's precedence, read from
 * aws-sdk-go-base `HTTPTransportOptions`. A proxy only carries traffic: the destination is checked
 * by the trust boundary, and TLS through a proxy is verified end to end against the certificate
 * authorities the policy config trusts (trust.ts). Plain-http requests never use a proxy: nothing
 * would vouch for what a proxy the stack or the environment chose answers over them.
 */
import type { NetworkInputs } from "../discover/settings";
import { parseProxyUrl } from "../discover/settings";

/** A proxy chosen for a request: its URL, and where it was set (never the URL: it may hold a password). */
export interface ChosenProxy {
    url: URL;
    /** `HTTPS_PROXY`, `the provider's httpsProxy` … */
    source: string;
}

/** What a request's route depends on. */
export interface NetworkSettings {
    /** The proxy for an https request to `hostname:port`, or undefined to go direct. */
    proxyFor(hostname: string, port: number): ChosenProxy | undefined;
    /** The provider's customCaBundle, which the pack does not use (named when TLS then fails). */
    ignoredCaBundle?: string;
}

interface ProxySetting {
    value: string;
    source: string;
}

function fromEnv(env: NodeJS.ProcessEnv, upper: string): ProxySetting | undefined {
    // Upper case first, as Go's httpproxy.FromEnvironment reads them.
    for (const name of [upper, upper.toLowerCase()]) {
        const value = env[name];
        if (value) {
            return { value, source: name };
        }
    }
    return undefined;
}

/**
 * The route settings of a provider in this environment, for https: the provider's httpsProxy,
 * else HTTPS_PROXY, else the provider's httpProxy (HTTP_PROXY never serves https). The
 * provider's noProxy replaces NO_PROXY.
 */
export function networkSettings(inputs: NetworkInputs, env: NodeJS.ProcessEnv = process.env): NetworkSettings {
    const provided = (input: "httpProxy" | "httpsProxy"): ProxySetting | undefined =>
        inputs[input] === undefined ? undefined : { value: inputs[input]!, source: `the provider's ${input}` };
    const https = provided("httpsProxy") ?? fromEnv(env, "HTTPS_PROXY") ?? provided("httpProxy");
    const noProxy = inputs.noProxy !== undefined
        ? { value: inputs.noProxy, source: "the provider's noProxy" }
        : fromEnv(env, "NO_PROXY");
    const bypass = noProxyMatcher(noProxy?.value ?? "");
    return {
        proxyFor(hostname, port) {
            if (!https?.value || bypass(hostname, port)) {
                return undefined;
            }
            const url = parseProxyUrl(https.value);
            if (!url) {
                throw new ProxySettingError(https.source);
            }
            return { url, source: https.source };
        },
        ignoredCaBundle: inputs.customCaBundle,
    };
}

/** A proxy setting that is no http(s) proxy URL. */
export class ProxySettingError extends Error {
    constructor(readonly source: string) {
        super(`the proxy set in ${source} is not an http(s) proxy URL such as http://proxy.example.com:3128`);
        this.name = "ProxySettingError";
    }
}

/**
 * NO_PROXY as Go's x/net/http/httpproxy reads it: comma-separated; `*` bypasses every host; an IP
 * or CIDR matches addresses; `example.com` matches it and its subdomains, `.example.com` (or
 * `*.example.com`) only subdomains; `host:port` only that port. Unlike Go, loopback addresses
 * are not bypassed implicitly (list them to bypass them).
 */
export function noProxyMatcher(value: string): (hostname: string, port: number) => boolean {
    const entries = value.split(",").map((e) => e.trim().toLowerCase()).filter((e) => e !== "");
    if (entries.includes("*")) {
        return () => true;
    }
    return (rawHost, port) => {
        const host = rawHost.replace(/^\[|\]$/g, "").toLowerCase();
        return entries.some((entry) => {
            const cidr = /^([0-9a-f.:]+)\/(\d{1,3})$/.exec(entry);
            if (cidr) {
                return inCidr(host, cidr[1], Number(cidr[2]));
            }
            let name = entry;
            let entryPort: number | undefined;
            const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
            if (withPort) {
                name = withPort[1].replace(/^\[|\]$/g, "");
                entryPort = Number(withPort[2]);
            }
            if (entryPort !== undefined && entryPort !== port) {
                return false;
            }
            if (name.startsWith("*.")) {
                name = name.slice(1);
            }
            if (name.startsWith(".")) {
                return host.endsWith(name);
            }
            return host === name || host.endsWith(`.${name}`);
        });
    };
}

function inCidr(host: string, network: string, bits: number): boolean {
    const a = ipBytes(host);
    const b = ipBytes(network);
    if (!a || !b || a.length !== b.length || bits > a.length * 8) {
        return false;
    }
    for (let i = 0; i < bits; i++) {
        const mask = 0x80 >> (i % 8);
        if ((a[i >> 3] & mask) !== (b[i >> 3] & mask)) {
            return false;
        }
    }
    return true;
}

function ipBytes(text: string): number[] | undefined {
    const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
    if (v4) {
        const bytes = v4.slice(1).map(Number);
        return bytes.every((n) => n <= 255) ? bytes : undefined;
    }
    if (!text.includes(":")) {
        return undefined;
    }
    const halves = text.split("::");
    if (halves.length > 2) {
        return undefined;
    }
    const groups = (part: string) => (part === "" ? [] : part.split(":"));
    const head = groups(halves[0]);
    const tail = halves.length === 2 ? groups(halves[1]) : [];
    const fill = 8 - head.length - tail.length;
    if (fill < 0 || (halves.length === 1 && fill !== 0)) {
        return undefined;
    }
    const all = [...head, ...Array<string>(fill).fill("0"), ...tail];
    if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) {
        return undefined;
    }
    return all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
}
