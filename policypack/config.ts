/**
 * Policy configuration: the JSON schema the Pulumi CLI validates `--policy-pack-config` against,
 * and a reader that applies the same rules inside the pack (an engine that skips validation must
 * not make the pack crash or check less).
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { Exemption } from "./verdict/exemptions";
import { DEFAULT_POSTURE_OPTIONS, PostureOptions } from "./posture/session";
import { EndpointTrust, originOf } from "./posture/trust";

/** Settings every policy of the pack takes. */
export interface CommonConfig {
    exemptions: Exemption[];
    posture: PostureOptions;
    /** The role to read an organization's centralized root access features through, if configured. */
    organizationRoleFor: (organizationId: string) => string | undefined;
    /** The organization role when one serves every organization (the string form). */
    singleOrganizationRole?: string;
    /** The audit role to read an account's posture through, if configured. */
    auditRoleFor: (account: { accountId: string; partition: string }) => string | undefined;
}

const DATE = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";
const ROLE_ARN = "^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$";
const ORGANIZATION_ID = "^o-[a-z0-9]{10,32}$";
// An http(s) URL without user info; a path is allowed and ignored (scheme, host and port must match).
const ENDPOINT_URL = "^https?://[^/?#@\\s]+(/[^\\s]*)?$";

/** JSON schema properties shared by the pack's policies (never `enforcementLevel`: the pack would exit). */
export const commonSchemaProperties: PolicyConfigSchema["properties"] = {
    exemptions: {
        type: "array",
        description: "Accounts this policy does not gate: not queried and not reported while the exemption applies.",
        default: [],
        items: {
            type: "object",
            additionalProperties: false,
            required: ["accountId", "reason"],
            properties: {
                accountId: { type: "string", pattern: "^[0-9]{12}$", description: "12-digit AWS account id." },
                reason: { type: "string", minLength: 1, description: "Why the account is exempt (shown when the exemption expires)." },
                expires: { type: "string", pattern: DATE, description: "Last day (UTC, YYYY-MM-DD) on which the exemption applies." },
            },
        },
    },
    organizationRoleArn: {
        description: "Role in the management account (or the IAM delegated administrator) through which iam:ListOrganizationsFeatures is read: one role ARN, or a map from organization id (o-…) to role ARN for several organizations. Assumed with the deployment's base credentials.",
        // `pattern` applies to the string form, the property rules to the map form.
        type: ["string", "object"],
        pattern: ROLE_ARN,
        additionalProperties: false,
        patternProperties: { [ORGANIZATION_ID]: { type: "string", pattern: ROLE_ARN } },
    },
    auditRoleArn: {
        type: "string",
        pattern: "^arn:(aws[a-z-]*|\\{partition\\}):iam::\\{accountId\\}:role/.+$",
        description: "Template of a role in each target account through which its posture is read instead of the deployment credentials, e.g. arn:{partition}:iam::{accountId}:role/RootMfaAudit. Assumed with the deployment's base credentials; the account itself is still found with the provider's own credentials.",
    },
    trustedEndpoints: {
        type: "array",
        default: [],
        items: { type: "string", pattern: ENDPOINT_URL },
        description: "Endpoints besides genuine AWS ones that the pack may send requests to, such as a private AWS-compatible endpoint (LocalStack): URLs whose scheme, host and port an endpoint override must match to be followed (provider endpoints, AWS_ENDPOINT_URL*, a profile's endpoint_url). An override that matches none gets no request: the providers that use it fail closed.",
    },
    trustedCaBundles: {
        type: "array",
        default: [],
        items: { type: "string", pattern: "^/" },
        description: "Absolute paths of PEM files of certificate authorities the pack trusts for TLS, besides Node's bundled roots: a TLS-inspecting corporate proxy's CA, the CA of a trusted private endpoint. Certificate authorities from the environment (AWS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, SSL_CERT_FILE) or the stack (a provider's customCaBundle) are never trusted. To trust the machine's own store, list its file (e.g. /etc/ssl/certs/ca-certificates.crt).",
    },
    timeoutSeconds: {
        type: "number",
        minimum: 1,
        maximum: 300,
        default: DEFAULT_POSTURE_OPTIONS.timeoutSeconds,
        description: "Time allowed to identify one provider's account, and again to read one account, before the check fails closed.",
    },
    concurrency: {
        type: "integer",
        minimum: 1,
        maximum: 256,
        default: DEFAULT_POSTURE_OPTIONS.concurrency,
        description: "Accounts queried at once (an account's reads are made together: its summary, its organization and, with aws-root-hardware-mfa, its virtual MFA devices).",
    },
};

/** A configuration the pack cannot use; the policy reports it instead of checking. */
export class ConfigError extends Error {
    constructor(readonly property: string, problem: string) {
        super(`policy config "${property}" ${problem}`);
        this.name = "ConfigError";
    }

    /** One error naming every problem found. */
    static all(problems: readonly ConfigError[]): ConfigError {
        if (problems.length === 1) {
            return problems[0];
        }
        const error = new ConfigError(problems.map((p) => p.property).join(", "), "");
        error.message = problems.map((p) => p.message).join("; ");
        return error;
    }
}

/**
 * Reads the shared settings from a policy's config (already merged over schema defaults by the
 * CLI). Every property that cannot be used is named at once, in one ConfigError.
 */
export function readCommonConfig(raw: Record<string, unknown>): CommonConfig {
    const problems: ConfigError[] = [];
    const read = <T>(reader: () => T, fallback: T): T => {
        try {
            return reader();
        } catch (e) {
            if (e instanceof ConfigError) {
                problems.push(e);
                return fallback;
            }
            throw e;
        }
    };
    const config: CommonConfig = {
        exemptions: read(() => readExemptions(raw.exemptions), []),
        organizationRoleFor: read(() => readOrganizationRole(raw.organizationRoleArn), () => undefined),
        singleOrganizationRole: typeof raw.organizationRoleArn === "string" && raw.organizationRoleArn !== "" ? raw.organizationRoleArn : undefined,
        auditRoleFor: read(() => readAuditRole(raw.auditRoleArn), () => undefined),
        posture: {
            ...DEFAULT_POSTURE_OPTIONS,
            trust: read(() => new EndpointTrust(readTrustedEndpoints(raw.trustedEndpoints), readCaBundles(raw.trustedCaBundles)), DEFAULT_POSTURE_OPTIONS.trust),
            timeoutSeconds: read(() => readNumber(raw, "timeoutSeconds", DEFAULT_POSTURE_OPTIONS.timeoutSeconds, 1, 300, false), 0),
            concurrency: read(() => readNumber(raw, "concurrency", DEFAULT_POSTURE_OPTIONS.concurrency, 1, 256, true), 0),
        },
    };
    if (problems.length > 0) {
        throw ConfigError.all(problems);
    }
    return config;
}

function readNumber(raw: Record<string, unknown>, key: string, fallback: number, min: number, max: number, integer: boolean): number {
    const v = raw[key];
    if (v === undefined || v === null) {
        return fallback;
    }
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
        throw new ConfigError(key, `must be ${integer ? "a whole number" : "a number"} from ${min} to ${max}`);
    }
    return v;
}

function readTrustedEndpoints(v: unknown): string[] {
    if (v === undefined || v === null) {
        return [];
    }
    if (!Array.isArray(v)) {
        throw new ConfigError("trustedEndpoints", "must be a list of http(s) URLs");
    }
    v.forEach((url, i) => {
        if (typeof url !== "string" || !new RegExp(ENDPOINT_URL).test(url) || originOf(url) === undefined) {
            throw new ConfigError(`trustedEndpoints[${i}]`, "must be an http(s) URL without user name or password, e.g. http://127.0.0.1:4566");
        }
    });
    return v as string[];
}

function readCaBundles(v: unknown): string[] {
    if (v === undefined || v === null) {
        return [];
    }
    if (!Array.isArray(v)) {
        throw new ConfigError("trustedCaBundles", "must be a list of absolute paths of PEM files");
    }
    v.forEach((path, i) => {
        if (typeof path !== "string" || !path.startsWith("/")) {
            throw new ConfigError(`trustedCaBundles[${i}]`, "must be the absolute path of a PEM file, e.g. /etc/ssl/certs/corporate-ca.pem");
        }
    });
    return v as string[];
}

function readExemptions(v: unknown): Exemption[] {
    if (v === undefined || v === null) {
        return [];
    }
    if (!Array.isArray(v)) {
        throw new ConfigError("exemptions", "must be a list");
    }
    return v.map((item, i) => {
        const where = `exemptions[${i}]`;
        if (typeof item !== "object" || item === null || Array.isArray(item)) {
            throw new ConfigError(where, "must be an object with accountId and reason");
        }
        const { accountId, reason, expires } = item as Record<string, unknown>;
        if (typeof accountId !== "string" || !/^[0-9]{12}$/.test(accountId)) {
            throw new ConfigError(`${where}.accountId`, "must be a 12-digit AWS account id");
        }
        if (typeof reason !== "string" || reason.trim() === "") {
            throw new ConfigError(`${where}.reason`, "must say why the account is exempt");
        }
        if (expires !== undefined && (typeof expires !== "string" || !new RegExp(DATE).test(expires))) {
            throw new ConfigError(`${where}.expires`, "must be a date YYYY-MM-DD");
        }
        return { accountId, reason, expires: expires as string | undefined };
    });
}

function readOrganizationRole(v: unknown): (organizationId: string) => string | undefined {
    const roleArn = new RegExp(ROLE_ARN);
    if (v === undefined || v === null || v === "") {
        return () => undefined;
    }
    if (typeof v === "string") {
        if (!roleArn.test(v)) {
            throw new ConfigError("organizationRoleArn", "must be an IAM role ARN, or a map from organization id to role ARN");
        }
        return () => v;
    }
    if (typeof v !== "object" || Array.isArray(v)) {
        throw new ConfigError("organizationRoleArn", "must be an IAM role ARN, or a map from organization id to role ARN");
    }
    const map = new Map<string, string>();
    for (const [orgId, arn] of Object.entries(v as Record<string, unknown>)) {
        if (!new RegExp(ORGANIZATION_ID).test(orgId)) {
            throw new ConfigError(`organizationRoleArn.${orgId}`, "is not an organization id (o-…)");
        }
        if (typeof arn !== "string" || !roleArn.test(arn)) {
            throw new ConfigError(`organizationRoleArn.${orgId}`, "must be an IAM role ARN");
        }
        map.set(orgId, arn);
    }
    return (organizationId) => map.get(organizationId);
}

function readAuditRole(v: unknown): (account: { accountId: string; partition: string }) => string | undefined {
    if (v === undefined || v === null || v === "") {
        return () => undefined;
    }
    const sample = typeof v === "string" ? v.replace(/\{partition\}/g, "aws").replace(/\{accountId\}/g, "123456789012") : undefined;
    if (typeof v !== "string" || !sample || !new RegExp(ROLE_ARN).test(sample) || !v.includes("{accountId}")) {
        throw new ConfigError("auditRoleArn", "must be a role ARN template naming {accountId}, e.g. arn:{partition}:iam::{accountId}:role/RootMfaAudit");
    }
    return ({ accountId, partition }) => v.replace(/\{partition\}/g, partition).replace(/\{accountId\}/g, accountId);
}
