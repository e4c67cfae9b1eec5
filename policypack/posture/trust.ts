/**
 * The trust boundary, in one place. The pack is imposed by an administrator on stacks whose authors
 * it does not trust, so what decides a verdict must come from sources the stack cannot choose:
 * the policy config, genuine AWS endpoints (and the machine's TLS trust store), and answers read
 * through them. This module decides which endpoint a request may go to, which endpoint overrides
 * a provider or the environment sets, and how an account (and so a shared answer) is keyed.
 * Everything else in the pipeline asks it; nothing else decides.
 */

import type { ServiceEndpoints } from "../discover/settings";

/** The AWS services the pack sends requests to (the SSO ones only while resolving credentials). */
export type AwsService = "sts" | "iam" | "organizations" | "sso" | "sso-oidc";

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
};

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

    /** `trustedEndpoints` from the policy config, as written there. */
    constructor(readonly trustedEndpoints: readonly string[] = []) {
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
        return protocol === "https:" && port === 443 && services.some((s) => isGenuineAwsHost(s, hostname));
    }

    /** A key for the trust settings, so sessions with different trust never share answers. */
    get key(): string {
        return [...this.trusted].sort().join(" ");
    }
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

/**
 * The override, if any, that would send one of a provider's requests somewhere the pack may not
 * go: for each service the provider's own `endpoints` input wins, then AWS_ENDPOINT_URL_<SERVICE>,
 * then AWS_ENDPOINT_URL, as in the SDKs. Such a provider gets no request at all.
 */
export function refusedOverride(endpoints: ServiceEndpoints, env: NodeJS.ProcessEnv, trust: EndpointTrust): EndpointOverride | undefined {
    const fromEnv = environmentOverrides(env);
    for (const service of ["sts", "iam", "organizations"] as const) {
        const input = endpoints[service];
        const effective: EndpointOverride | undefined = input
            ? { source: `the provider's endpoints input (${service})`, services: [service], url: input }
            : fromEnv.find((o) => o.services.includes(service));
        if (effective && !trust.allowsUrl(effective.url, [service])) {
            return effective;
        }
    }
    return undefined;
}

/**
 * The key of an account: partition and id. The same twelve digits in another partition are
 * another account, and an answer about one never serves the other.
 */
export function accountKey(account: { partition: string; accountId: string }): string {
    return `${account.partition}:${account.accountId}`;
}

/** The error a request to an untrusted endpoint ends in: the pack sent nothing. */
export class UntrustedEndpointError extends Error {
    constructor(readonly origin: string, readonly services: ServiceSet) {
        super(`the pack refused to send a request to ${origin}: it is neither a genuine AWS endpoint of ${services.join("/")} nor listed in the policy config's trustedEndpoints`);
        this.name = "UntrustedEndpointError";
    }
}
