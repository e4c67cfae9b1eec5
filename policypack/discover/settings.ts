/**
 * What an AWS provider resource says about where it deploys: its credential sources, the roles it
 * assumes, its region and endpoints — parsed from `pulumi:providers:aws` inputs into plain data.
 */
import { FORMATS, InputError, asObject, asStringList, checked, fieldString, readString, readStructured, describeType } from "./inputs";
import { parseRoleArn } from "./roleArn";
import { isUnknownValueError } from "./unknown";

/** One entry of the provider's `assumeRoles`, as sts:AssumeRole takes it. */
export interface AssumeRoleSpec {
    roleArn: string;
    sessionName?: string;
    externalId?: string;
    durationSeconds?: number;
    policy?: string;
    policyArns?: string[];
    tags?: Record<string, string>;
    transitiveTagKeys?: string[];
    sourceIdentity?: string;
}

/** The provider's `assumeRoleWithWebIdentity`: an OIDC token exchanged for a role's credentials. */
export interface WebIdentitySpec {
    roleArn: string;
    sessionName?: string;
    /** The token itself (a secret), or a file holding it; neither → AWS_WEB_IDENTITY_TOKEN_FILE. */
    webIdentityToken?: string;
    webIdentityTokenFile?: string;
    durationSeconds?: number;
    policy?: string;
    policyArns?: string[];
}

/** Static keys set on the provider itself. */
export interface StaticKeys {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
}

/** Endpoint overrides a provider sets for the services the pack calls. */
export interface ServiceEndpoints {
    sts?: string;
    iam?: string;
    organizations?: string;
}

/**
 * How a provider's requests travel: its proxy inputs (as written; each may hold a user and
 * password), its CA bundle (untrusted: the pack never adds it to what it trusts) and its FIPS and
 * dual-stack choices. An empty `httpsProxy` or `httpProxy` means "no proxy", as in the provider.
 */
export interface NetworkInputs {
    httpProxy?: string;
    httpsProxy?: string;
    noProxy?: string;
    customCaBundle?: string;
    useFipsEndpoint?: boolean;
    useDualstackEndpoint?: boolean;
}

/** Everything about a provider that decides which account it reaches, and how. */
export interface ProviderSettings {
    region?: string;
    profile?: string;
    staticKeys?: StaticKeys;
    sharedConfigFiles?: string[];
    sharedCredentialsFiles?: string[];
    assumeRoles: AssumeRoleSpec[];
    webIdentity?: WebIdentitySpec;
    endpoints: ServiceEndpoints;
    stsRegion?: string;
    allowedAccountIds?: string[];
    forbiddenAccountIds?: string[];
    network: NetworkInputs;
    /** Where the provider asks the instance metadata service for credentials, if at all. */
    instanceMetadata: InstanceMetadataInputs;
    /**
     * Inputs unknown during preview that do not decide the account (proxies, account id lists,
     * FIPS …): ignored in preview, a reason to fail closed in an update.
     */
    unknownInputs: string[];
}

/** The provider's instance metadata inputs: `skipMetadataApiCheck` turns it off. */
export interface InstanceMetadataInputs {
    disabled?: boolean;
    endpoint?: string;
    endpointMode?: string;
}

/**
 * The inputs that decide which account a provider deploys into, or how its credentials are
 * found: an unknown one makes the account unknown in preview. Any other input, unknown, is
 * ignored in preview.
 */
export const ACCOUNT_INPUTS: ReadonlySet<string> = new Set([
    "accessKey", "secretKey", "token", "profile", "sharedConfigFiles", "sharedCredentialsFiles", "sharedCredentialsFile",
    "assumeRoles", "assumeRole", "assumeRoleWithWebIdentity", "region", "stsRegion", "endpoints",
    "skipMetadataApiCheck", "ec2MetadataServiceEndpoint", "ec2MetadataServiceEndpointMode",
]);

/**
 * Reads an input: when it does not decide the account (not in ACCOUNT_INPUTS) and is unknown
 * during preview, it is noted in `unknown` and read as absent; an unknown deciding input makes
 * the whole provider unknown.
 */
function unlessUnknown<T>(input: string, unknown: string[], read: () => T): T | undefined {
    try {
        return read();
    } catch (e) {
        if (isUnknownValueError(e) && !ACCOUNT_INPUTS.has(input)) {
            unknown.push(input);
            return undefined;
        }
        throw e;
    }
}

/**
 * Parses the inputs of a `pulumi:providers:aws` resource. Throws InputError for a malformed input
 * and lets @pulumi/policy's UnknownValueError through for an input unknown during preview.
 */
export function parseAwsProviderInputs(props: Record<string, unknown>): ProviderSettings {
    const unknownInputs: string[] = [];
    const list = (input: string) => unlessUnknown(input, unknownInputs, () => asStringList(readStructured(props, input), input));
    return {
        region: checked(readString(props, "region"), "region", FORMATS.region),
        profile: readString(props, "profile"),
        staticKeys: parseStaticKeys(props),
        sharedConfigFiles: asStringList(readStructured(props, "sharedConfigFiles"), "sharedConfigFiles"),
        sharedCredentialsFiles: asStringList(readStructured(props, "sharedCredentialsFiles"), "sharedCredentialsFiles"),
        assumeRoles: parseAssumeRoles(props),
        webIdentity: parseWebIdentity(readStructured(props, "assumeRoleWithWebIdentity")),
        endpoints: parseEndpoints(readStructured(props, "endpoints")),
        stsRegion: checked(readString(props, "stsRegion"), "stsRegion", FORMATS.region),
        allowedAccountIds: list("allowedAccountIds"),
        forbiddenAccountIds: list("forbiddenAccountIds"),
        network: parseNetwork(props, unknownInputs),
        instanceMetadata: {
            disabled: readBoolean(props, "skipMetadataApiCheck"),
            endpoint: readString(props, "ec2MetadataServiceEndpoint"),
            endpointMode: readString(props, "ec2MetadataServiceEndpointMode"),
        },
        unknownInputs,
    };
}

/** The proxy, CA bundle, FIPS and dual-stack inputs of pulumi-aws (none decides the account). */
function parseNetwork(props: Record<string, unknown>, unknown: string[]): NetworkInputs {
    const text = (input: "httpProxy" | "httpsProxy" | "noProxy" | "customCaBundle") => unlessUnknown(input, unknown, () =>
        // Present but empty is a choice (no proxy), unlike absent.
        (input === "httpProxy" || input === "httpsProxy") && props[input] === "" ? "" : readString(props, input));
    const flag = (input: string) => unlessUnknown(input, unknown, () => readBoolean(props, input));
    const network: NetworkInputs = {
        httpProxy: text("httpProxy"),
        httpsProxy: text("httpsProxy"),
        noProxy: text("noProxy"),
        customCaBundle: text("customCaBundle"),
        useFipsEndpoint: flag("useFipsEndpoint"),
        useDualstackEndpoint: flag("useDualstackEndpoint"),
    };
    for (const input of ["httpProxy", "httpsProxy"] as const) {
        const url = network[input];
        if (url && !parseProxyUrl(url)) {
            throw new InputError(input, "is not a proxy URL such as http://proxy.example.com:3128 (http or https)");
        }
    }
    return Object.fromEntries(Object.entries(network).filter(([, v]) => v !== undefined)) as NetworkInputs;
}

/**
 * A proxy URL as the provider reads one: a bare `host:port` means http. Undefined when it is no
 * http(s) URL (the message never quotes it: it may hold a password).
 */
export function parseProxyUrl(text: string): URL | undefined {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
    try {
        const url = new URL(withScheme);
        return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "" ? url : undefined;
    } catch {
        return undefined;
    }
}

function readBoolean(props: Record<string, unknown>, input: string): boolean | undefined {
    const value = readStructured(props, input);
    if (value === undefined || typeof value === "boolean") {
        return value;
    }
    throw new InputError(input, `must be true or false, got ${describeType(value)}`);
}

/** `accessKey`, `secretKey` and `token`: both keys or neither. */
function parseStaticKeys(props: Record<string, unknown>): StaticKeys | undefined {
    const accessKeyId = checked(readString(props, "accessKey"), "accessKey", FORMATS.credential);
    const secretAccessKey = checked(readString(props, "secretKey"), "secretKey", FORMATS.credential);
    const sessionToken = checked(readString(props, "token"), "token", FORMATS.credential);
    if (accessKeyId === undefined || secretAccessKey === undefined) {
        if (accessKeyId !== secretAccessKey) {
            throw new InputError(accessKeyId === undefined ? "accessKey" : "secretKey",
                "is missing: static credentials need both accessKey and secretKey");
        }
        return undefined;
    }
    return { accessKeyId, secretAccessKey, sessionToken };
}

/** The `roleArn` field of a role input: present, and an IAM role ARN. */
function requiredRoleArn(obj: Record<string, unknown>, input: string): string {
    const roleArn = fieldString(obj, "roleArn", input);
    if (roleArn === undefined) {
        throw new InputError(`${input}.roleArn`, "is missing");
    }
    if (!parseRoleArn(roleArn)) {
        throw new InputError(`${input}.roleArn`, "is not an IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<name>)");
    }
    return roleArn;
}

/**
 * Parses the inputs of a `pulumi:providers:aws-native` resource: a single JSON-string `assumeRole`
 * (durationSeconds as a number), one `sharedCredentialsFile`, endpoints for sts only. Its `roleArn`
 * is the Cloud Control role for resource operations and does not change the provider's credentials.
 */
export function parseAwsNativeProviderInputs(props: Record<string, unknown>): ProviderSettings {
    const unknownInputs: string[] = [];
    const list = (input: string) => unlessUnknown(input, unknownInputs, () => asStringList(readStructured(props, input), input));
    const assumeRole = readStructured(props, "assumeRole");
    const credentialsFile = readString(props, "sharedCredentialsFile");
    return {
        region: checked(readString(props, "region"), "region", FORMATS.region),
        profile: readString(props, "profile"),
        staticKeys: parseStaticKeys(props),
        sharedCredentialsFiles: credentialsFile ? [credentialsFile] : undefined,
        assumeRoles: assumeRole === undefined ? [] : [parseAssumeRole(assumeRole, "assumeRole")],
        endpoints: parseEndpoints(readStructured(props, "endpoints")),
        allowedAccountIds: list("allowedAccountIds"),
        forbiddenAccountIds: list("forbiddenAccountIds"),
        network: {},
        instanceMetadata: {},
        unknownInputs,
    };
}

function parseWebIdentity(value: unknown): WebIdentitySpec | undefined {
    if (value === undefined || value === null) {
        return undefined;
    }
    const input = "assumeRoleWithWebIdentity";
    const obj = asObject(value, input);
    const roleArn = requiredRoleArn(obj, input);
    return {
        roleArn,
        sessionName: checked(fieldString(obj, "sessionName", input), `${input}.sessionName`, FORMATS.sessionName),
        webIdentityToken: checked(fieldString(obj, "webIdentityToken", input), `${input}.webIdentityToken`, FORMATS.credential),
        webIdentityTokenFile: fieldString(obj, "webIdentityTokenFile", input),
        durationSeconds: parseDuration(obj, input),
        policy: fieldString(obj, "policy", input),
        policyArns: asStringList(obj.policyArns ?? undefined, `${input}.policyArns`),
    };
}

/** `assumeRoles` (a list, pulumi-aws ≥ 6) or the older single `assumeRole` object. */
function parseAssumeRoles(props: Record<string, unknown>): AssumeRoleSpec[] {
    const list = readStructured(props, "assumeRoles");
    if (list !== undefined) {
        if (!Array.isArray(list)) {
            throw new InputError("assumeRoles", `must be a list of roles, got ${describeType(list)}`);
        }
        return list.map((entry, i) => parseAssumeRole(entry, `assumeRoles[${i}]`));
    }
    const single = readStructured(props, "assumeRole");
    return single === undefined ? [] : [parseAssumeRole(single, "assumeRole")];
}

function parseAssumeRole(value: unknown, input: string): AssumeRoleSpec {
    const obj = asObject(value, input);
    const roleArn = requiredRoleArn(obj, input);
    return {
        roleArn,
        sessionName: checked(fieldString(obj, "sessionName", input), `${input}.sessionName`, FORMATS.sessionName),
        externalId: checked(fieldString(obj, "externalId", input), `${input}.externalId`, FORMATS.externalId),
        durationSeconds: parseDuration(obj, input),
        policy: fieldString(obj, "policy", input),
        policyArns: asStringList(obj.policyArns ?? undefined, `${input}.policyArns`),
        tags: parseTags(obj.tags, `${input}.tags`),
        transitiveTagKeys: asStringList(obj.transitiveTagKeys ?? undefined, `${input}.transitiveTagKeys`),
        sourceIdentity: checked(fieldString(obj, "sourceIdentity", input), `${input}.sourceIdentity`, FORMATS.sourceIdentity),
    };
}

const DURATION_PART = /(\d+(?:\.\d+)?)(h|ms|m|s)/g;
const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };

/** `duration` as the provider takes it ("1h", "15m30s") or a numeric `durationSeconds`. */
function parseDuration(obj: Record<string, unknown>, input: string): number | undefined {
    const seconds = obj.durationSeconds;
    if (seconds !== undefined && seconds !== null && seconds !== "") {
        const n = typeof seconds === "number" ? seconds : typeof seconds === "string" ? Number(seconds) : NaN;
        if (!Number.isInteger(n) || n <= 0) {
            throw new InputError(`${input}.durationSeconds`, "must be a whole number of seconds");
        }
        return n;
    }
    const text = fieldString(obj, "duration", input);
    if (text === undefined) {
        return undefined;
    }
    const compact = text.replace(/\s+/g, "");
    let total = 0;
    let matched = "";
    for (const m of compact.matchAll(DURATION_PART)) {
        total += Number(m[1]) * UNIT_SECONDS[m[2]];
        matched += m[0];
    }
    if (matched === "" || matched !== compact || total < 1) {
        throw new InputError(`${input}.duration`, 'is not a duration such as "1h" or "15m"');
    }
    return Math.floor(total);
}

function parseTags(value: unknown, input: string): Record<string, string> | undefined {
    if (value === undefined || value === null) {
        return undefined;
    }
    const obj = asObject(value, input);
    const tags: Record<string, string> = {};
    for (const key of Object.keys(obj)) {
        const v = fieldString(obj, key, input);
        if (v !== undefined) {
            tags[key] = v;
        }
    }
    return tags;
}

/** `endpoints` is a list of `{<service>: url}` objects; only sts, iam and organizations matter here. */
function parseEndpoints(value: unknown): ServiceEndpoints {
    if (value === undefined || value === null) {
        return {};
    }
    const entries = Array.isArray(value) ? value : [value];
    const endpoints: ServiceEndpoints = {};
    entries.forEach((entry, i) => {
        const obj = asObject(entry, `endpoints[${i}]`);
        for (const service of ["sts", "iam", "organizations"] as const) {
            const url = fieldString(obj, service, `endpoints[${i}]`);
            if (url !== undefined) {
                if (!/^https?:\/\/[^\s]+$/.test(url)) {
                    throw new InputError(`endpoints[${i}].${service}`, "is not an http(s) URL");
                }
                endpoints[service] = url;
            }
        }
    });
    return endpoints;
}
