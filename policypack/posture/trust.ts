/**
 * The trust boundary, in one place. The pack is imposed by an administrator on stacks whose authors
 * it does not trust, so what decides a verdict must come from sources the stack cannot choose:
 * the policy config, genuine AWS endpoints (and the machine's TLS trust store), and answers read
 * through them. This module decides which endpoint a request may go to, which endpoint overrides
 * a provider or the environment sets, and how an account (and so a shared answer) is keyed.
 * Everything else in the pipeline asks it; nothing else decides.
 */

import { createHash } from "node:crypto";
import { SecureContext, createSecureContext, rootCertificates } from "node:tls";
import type { ServiceEndpoints } from "../discover/settings";
import { FILE_LIMITS, readNamedFile } from "./files";
import { UnusableFileError } from "./failure";

/**
 * The AWS services the pack sends requests to (the SSO ones only while resolving credentials;
 * `container` and `imds` are the container and instance credential endpoints).
 */
export type AwsService = "sts" | "iam" | "organizations" | "sso" | "sso-oidc" | "container" | "imds";

/** Services an SDK client of the pack may reach: its own, or those of a credential chain. */
export type ServiceSet = readonly AwsService[];

/** Services a credential provider's own clients call (role chains, SSO portal, SSO token refresh). */
export const CREDENTIAL_SERVICES: ServiceSet = ["sts", "sso", "sso-oidc"];

const REGION = "[a-z]{2,4}(?:-[a-z]+)+-\\d{1,2}";
const REGIONAL_SUFFIX = "(?:amazonaws\\.com|amazonaws\\.com\\.cn|api\\.aws|api\\.amazonwebservices\\.com\\.cn)";
const VPCE = (service: string) => `vpce-[0-9a-z]+(?:-[0-9a-z]+)*\\.${service}(?:-fips)?\\.${REGION}\\.vpce\\.amazonaws\\.com(?:\\.cn)?`;

// Exact host names per service and partition (a suffix such as *.amazonaws.com is not enough:
// API Gateway, S3 websites and load balancers serve author-controlled content under it).
const GENUINE_HOSTS: Record<AwsService, RegExp> = {
    sts: new RegExp(`^(?:sts(?:-fips)?\\.amazonaws\\.com|sts(?:-fips)?\\.${REGION}\\.${REGIONAL_SUFFIX}|${VPCE("sts")})$`),
    iam: new RegExp(`^(?:iam(?:-fips)?\\.amazonaws\\.com|iam\\.global\\.api\\.aws|iam\\.us-gov\\.amazonaws\\.com|iam(?:-fips)?\\.${REGION}\\.amazonaws\\.com(?:\\.cn)?|${VPCE("iam")})$`),
    organizations: new RegExp(`^(?:organizations(?:-fips)?\\.${REGION}\\.${REGIONAL_SUFFIX}|${VPCE("organizations")})$`),
    sso: new RegExp(`^portal\\.sso\\.${REGION}\\.${REGIONAL_SUFFIX}$`),
    "sso-oidc": new RegExp(`^oidc\\.${REGION}\\.${REGIONAL_SUFFIX}$`),
    // Only over plain http on port 80, at the link-local addresses AWS documents (see below).
    container: /^(?:169\.254\.170\.2|169\.254\.170\.23|fd00:ec2::23)$/,
    imds: /^(?:169\.254\.169\.254|fd00:ec2::254)$/,
};

// Services AWS serves over plain http at fixed link-local addresses: ECS (169.254.170.2), EKS Pod
// Identity (169.254.170.23, fd00:ec2::23) and the instance metadata service. Loopback is not
// among them: any process on the machine, the stack's own included, can listen there.
const LINK_LOCAL_SERVICES: ReadonlySet<AwsService> = new Set(["container", "imds"]);

/** True when `hostname` is a genuine AWS endpoint of `service` (any partition). */
export function isGenuineAwsHost(service: AwsService, hostname: string): boolean {
    return GENUINE_HOSTS[service].test(hostname.toLowerCase());
}

/** `scheme://host:port` of a URL, the port always written out; undefined when it is no http(s) URL. */
export function originOf(url: string | URL): string | undefined {
    let u: URL;
    try {
        u = typeof url === "string" ? new URL(url) : url;
    } catch {
        return undefined;
    }
    if (u.protocol !== "https:" && u.protocol !== "http:") {
        return undefined;
    }
    const port = u.port || (u.protocol === "https:" ? "443" : "80");
    return `${u.protocol}//${u.hostname.toLowerCase()}:${port}`;
}

/** A request's destination, as the SDK's HttpRequest describes it. */
export interface Destination {
    protocol: string;
    hostname: string;
    port?: number;
}

/**
 * Where the pack may send requests: genuine AWS endpoints over https, and the endpoints the
 * policy config lists in `trustedEndpoints` (scheme, host and port must match).
 */
export class EndpointTrust {
    private readonly trusted: ReadonlySet<string>;
    private readonly urls = new Map<string, boolean>();
    private tls?: Promise<SecureContext>;

    /** `trustedEndpoints` and `trustedCaBundles` from the policy config, as written there. */
    constructor(readonly trustedEndpoints: readonly string[] = [], readonly trustedCaBundles: readonly string[] = []) {
        this.trusted = new Set(trustedEndpoints.map((e) => originOf(e)).filter((o): o is string => o !== undefined));
    }

    /** True when an endpoint override URL may be used for requests to any of `services`. */
    allowsUrl(url: string, services: ServiceSet): boolean {
        // Every provider of every policy asks about the same few URLs: each is parsed once.
        const key = `${services.join(" ")} ${url}`;
        let allowed = this.urls.get(key);
        if (allowed === undefined) {
            let u: URL | undefined;
            try {
                u = new URL(url);
            } catch {
                u = undefined;
            }
            allowed = u !== undefined && this.allows({ protocol: u.protocol, hostname: u.hostname, port: u.port === "" ? undefined : Number(u.port) }, services);
            this.urls.set(key, allowed);
        }
        return allowed;
    }

    /** True when a request to `to` for one of `services` may be sent. */
    allows(to: Destination, services: ServiceSet): boolean {
        const protocol = to.protocol.endsWith(":") ? to.protocol : `${to.protocol}:`;
        const hostname = to.hostname.replace(/^\[|\]$/g, "").toLowerCase();
        const port = to.port ?? (protocol === "https:" ? 443 : 80);
        if (this.trusted.has(`${protocol}//${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`)) {
            return true;
        }
        return services.some((s) => LINK_LOCAL_SERVICES.has(s)
            ? protocol === "http:" && port === 80 && isGenuineAwsHost(s, hostname)
            : protocol === "https:" && port === 443 && isGenuineAwsHost(s, hostname));
    }

    /** A key for the trust settings, so sessions with different trust never share answers. */
    get key(): string {
        return [...[...this.trusted].sort(), "ca:", ...this.trustedCaBundles].join(" ");
    }

    /**
     * The certificate authorities that verify TLS: Node's bundled roots (the same on every
     * machine) and the PEM files of `trustedCaBundles`. Nothing from the environment or the stack
     * adds to them: not AWS_CA_BUNDLE, NODE_EXTRA_CA_CERTS (which Node adds to its default
     * store, and which an explicit list leaves out), SSL_CERT_FILE, nor a provider's
     * customCaBundle. Read once per trust; an unusable bundle fails every https request.
     */
    tlsContext(): Promise<SecureContext> {
        this.tls ??= secureContextOf(this.trustedCaBundles);
        return this.tls;
    }
}

// Building a context from Node's ~150 roots costs milliseconds: one per set of bundle contents.
const contexts = new Map<string, SecureContext>();

async function secureContextOf(bundles: readonly string[]): Promise<SecureContext> {
    const pems = await Promise.all(bundles.map(async (path, i) => {
        const from = `trustedCaBundles[${i}] in the policy config`;
        const text = await readNamedFile(path, from, FILE_LIMITS.caBundle);
        if (text === undefined) {
            throw new UnusableFileError(path, from, "does not exist");
        }
        if (!text.includes("-----BEGIN CERTIFICATE-----")) {
            throw new UnusableFileError(path, from, "holds no PEM certificate");
        }
        return text;
    }));
    const key = createHash("sha256").update(pems.join("\n")).digest("hex");
    let context = contexts.get(key);
    if (!context) {
        try {
            context = createSecureContext({ ca: [...rootCertificates, ...pems] });
        } catch {
            throw new UnusableFileError(bundles.join(", "), "trustedCaBundles in the policy config", "holds a certificate that could not be parsed");
        }
        contexts.set(key, context);
    }
    return context;
}

/** An endpoint override that decides where requests for a service go. */
export interface EndpointOverride {
    /** What set it, as the user knows it: `endpoints[0].iam`, `AWS_ENDPOINT_URL_IAM`. */
    source: string;
    /** The services it affects among those the pack calls. */
    services: ServiceSet;
    url: string;
}

// The SDK's service-specific variables for the services the pack calls (AWS_ENDPOINT_URL_<ID>).
const ENV_SERVICE_VARIABLES: Record<string, AwsService> = {
    AWS_ENDPOINT_URL_STS: "sts",
    AWS_ENDPOINT_URL_IAM: "iam",
    AWS_ENDPOINT_URL_ORGANIZATIONS: "organizations",
    AWS_ENDPOINT_URL_SSO: "sso",
    AWS_ENDPOINT_URL_SSO_OIDC: "sso-oidc",
};

/**
 * Endpoint overrides in the environment that affect the pack's calls. The environment is not the
 * administrator's (a stack's ESC environment can set it), so each must be trusted to be followed.
 */
export function environmentOverrides(env: NodeJS.ProcessEnv): EndpointOverride[] {
    if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? "").toLowerCase() === "true") {
        return [];
    }
    const overrides: EndpointOverride[] = [];
    for (const [variable, service] of Object.entries(ENV_SERVICE_VARIABLES)) {
        const url = env[variable];
        if (url) {
            overrides.push({ source: variable, services: [service], url });
        }
    }
    if (env.AWS_ENDPOINT_URL) {
        overrides.push({ source: "AWS_ENDPOINT_URL", services: ["sts", "iam", "organizations", "sso", "sso-oidc"], url: env.AWS_ENDPOINT_URL });
    }
    return overrides;
}

/** The override that decides where a provider's requests for `service` go, if any (as the SDKs rank them). */
export function effectiveOverride(service: AwsService, endpoints: ServiceEndpoints, env: NodeJS.ProcessEnv): EndpointOverride | undefined {
    const input = service === "sts" || service === "iam" || service === "organizations" ? endpoints[service] : undefined;
    return input
        ? { source: `the provider's endpoints input (${service})`, services: [service], url: input }
        : environmentOverrides(env).find((o) => o.services.includes(service));
}

/**
 * The override, if any, that would send one of a provider's requests somewhere the pack may not
 * go: for each service the provider's own `endpoints` input wins, then AWS_ENDPOINT_URL_<SERVICE>,
 * then AWS_ENDPOINT_URL, as in the SDKs. Such a provider gets no request at all.
 */
export function refusedOverride(endpoints: ServiceEndpoints, env: NodeJS.ProcessEnv, trust: EndpointTrust): EndpointOverride | undefined {
    for (const service of ["sts", "iam", "organizations"] as const) {
        const effective = effectiveOverride(service, endpoints, env);
        if (effective && !trust.allowsUrl(effective.url, [service])) {
            return effective;
        }
    }
    return undefined;
}

/**
 * Whose answers a target may share: answers read from the same endpoints (genuine AWS, or the
 * same trusted overrides), over https. An answer read over plain http is the reader's alone: no
 * TLS vouches for it, so it never serves another provider. Targets of different sources never
 * share an account's answers, even for the same twelve digits: an account read through a private
 * endpoint is not the account AWS serves.
 */
export function answerSource(endpoints: ServiceEndpoints, env: NodeJS.ProcessEnv, readerKey: () => string): string {
    const parts: string[] = [];
    let plainHttp = false;
    for (const service of ["sts", "iam", "organizations"] as const) {
        const override = effectiveOverride(service, endpoints, env);
        if (override) {
            const origin = originOf(override.url) ?? override.url;
            plainHttp ||= origin.startsWith("http:");
            parts.push(`${service}=${origin}`);
        }
    }
    if (plainHttp) {
        parts.push(`reader=${readerKey()}`);
    }
    return parts.length === 0 ? "aws" : parts.join(" ");
}

/**
 * The key of an account: partition and id, and the source its answers come from (see
 * {@link answerSource}). The same twelve digits in another partition, or read from another
 * endpoint, are another account, and an answer about one never serves the other.
 */
export function accountKey(account: { partition: string; accountId: string; source?: string }): string {
    return `${account.partition}:${account.accountId}${account.source === undefined || account.source === "aws" ? "" : ` ${account.source}`}`;
}

/** The error a request to an untrusted endpoint ends in: the pack sent nothing. */
export class UntrustedEndpointError extends Error {
    /** `setting`: what named the endpoint, when the pack knows (`AWS_CONTAINER_CREDENTIALS_FULL_URI` …). */
    constructor(readonly origin: string, readonly services: ServiceSet, setting?: string) {
        super(`the pack refused to send a request to ${origin}${setting ? ` (set by ${setting})` : ""}: it is neither ${describeServices(services)} nor listed in the policy config's trustedEndpoints`);
        this.name = "UntrustedEndpointError";
    }
}

function describeServices(services: ServiceSet): string {
    if (services.length === 1 && services[0] === "container") {
        return "a container credentials address AWS documents (http://169.254.170.2, http://169.254.170.23, http://[fd00:ec2::23])";
    }
    if (services.length === 1 && services[0] === "imds") {
        return "the instance metadata service (http://169.254.169.254, http://[fd00:ec2::254])";
    }
    return `a genuine AWS endpoint of ${services.join("/")}`;
}
