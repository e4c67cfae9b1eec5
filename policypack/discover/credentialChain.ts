/**
 * Which credentials a Pulumi AWS provider uses, decided exactly as pulumi-aws decides it
 * (terraform-provider-aws → hashicorp/aws-sdk-go-base v2 → AWS SDK for Go v2 config v1.33.19).
 * Pure: plain data in (provider inputs, environment, the shared files' sections), a plan out.
 *
 * The decision, in order:
 *
 * 1. The provider's `accessKey`/`secretKey`/`token`: if any is set, those static keys are the
 *    credentials and nothing else is considered (an incomplete pair fails). The shared config is
 *    still loaded, so its errors below still fail the provider.
 * 2. The provider's `sharedConfigFiles` / `sharedCredentialsFiles` (each expanded: `$VAR` and
 *    `${VAR}`, then a leading `~`) replace AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE (used as
 *    written), which replace `$HOME/.aws/config` / `$HOME/.aws/credentials`. Missing files are
 *    skipped; several files merge in order, later files winning key by key (an existing profile
 *    only takes the credential, role, SSO and endpoint-mode keys from a later file).
 * 3. Invalid values of the environment variables the Go SDK checks (AWS_USE_FIPS_ENDPOINT=yes …)
 *    fail the provider.
 * 4. The active profile is the provider's `profile`, else AWS_PROFILE, else AWS_DEFAULT_PROFILE,
 *    else `default`. A profile named by the provider or by AWS_PROFILE must exist; one named by
 *    AWS_DEFAULT_PROFILE, or `default`, may be missing. A profile Go rejects fails the provider:
 *    partial keys, source_profile / credential_source / web_identity_token_file without role_arn,
 *    more than one of those three plus credential_process, a source_profile that is missing or has
 *    no credentials, an sso_session without its `[sso-session]` section, invalid option values.
 * 5. The base credentials:
 *    - the provider's `profile` is set → that profile (below), even when AWS_ACCESS_KEY_ID is set;
 *    - else AWS_ACCESS_KEY_ID (or AWS_ACCESS_KEY) with AWS_SECRET_ACCESS_KEY (or AWS_SECRET_KEY),
 *      plus AWS_SESSION_TOKEN, even when AWS_PROFILE is set;
 *    - else AWS_WEB_IDENTITY_TOKEN_FILE, which needs AWS_ROLE_ARN (AWS_ROLE_SESSION_NAME optional);
 *    - else the active profile (or, when it is missing, an empty one).
 *    A profile gives, first match wins: its source_profile's credentials (recursively; a profile
 *    met again in its own chain only gives credentials) → its static keys → credential_source
 *    (Environment: the environment keys; EcsContainer: the container endpoint; Ec2InstanceMetadata:
 *    the instance metadata service; anything else fails) → web_identity_token_file with its
 *    role_arn (the role is the web identity role: no second assume-role) → SSO (sso_session or the
 *    legacy sso_* keys, chosen over credential_process) → login_session (the pack cannot follow
 *    it: unsupported) → credential_process → AWS_CONTAINER_CREDENTIALS_RELATIVE_URI →
 *    AWS_CONTAINER_CREDENTIALS_FULL_URI (over plain http only loopback, 169.254.170.2,
 *    169.254.170.23 and fd00:ec2::23) → the instance metadata service (off when
 *    AWS_EC2_METADATA_DISABLED=true: then there are no credentials).
 *    Then, if the profile has a role_arn, that role is assumed with those credentials (with its
 *    role_session_name, external_id, and duration_seconds when over 15 minutes). A role with
 *    mfa_serial fails: pulumi-aws sets no MFA token provider, so it cannot prompt for a code.
 *    Static keys and role_arn in one profile: the keys assume the role.
 * 6. The provider's `assumeRoleWithWebIdentity` (role ARN and a token or token file required)
 *    replaces whatever step 5 chose, but step 5's errors still fail the provider first.
 * 7. The provider's `assumeRoles` are then assumed in order (by the caller, not here).
 *
 * The provider's own instance metadata settings (`skipMetadataApiCheck`,
 * `ec2MetadataServiceEndpoint`, `ec2MetadataServiceEndpointMode`) come before the environment and
 * the profile in Go; the caller lays them over the `imds` step.
 */
import { IniSections, equalFold, parseInt64, toLower, trimSpace } from "./ini";
import { SharedProfile, endpointMode, hasLegacySso, hasSsoConfiguration, loadSharedProfile } from "./profiles";

/** The provider inputs that decide its credentials (before its `assumeRoles`). */
export interface ProviderCredentialInputs {
    staticKeys?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    webIdentity?: { roleArn: string; sessionName?: string; webIdentityToken?: string; webIdentityTokenFile?: string; durationSeconds?: number; policy?: string; policyArns?: string[] };
    profile?: string;
    sharedConfigFiles?: string[];
    sharedCredentialsFiles?: string[];
}

/** A shared file to read, with the setting that named it (for messages). */
export interface FileRef {
    path: string;
    from: string;
}

/** Where the base credentials come from. */
export type BaseStep =
    | { kind: "static"; keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }; source: string }
    | { kind: "web-identity"; roleArn: string; sessionName?: string; token: { value: string } | { file: string; from: string }; durationSeconds?: number; policy?: string; policyArns?: string[]; source: string }
    /** IAM Identity Center: `region` is the region of the SSO client (the session's, else the profile's sso_region). */
    | { kind: "sso"; profile: string; file: string; accountId: string; roleName: string; startUrl: string; region: string; session?: { name: string; region: string; startUrl: string } }
    | { kind: "process"; profile: string; file: string; command: string }
    /**
     * A container credentials endpoint. `resolveHost`: an http URL naming a host, not an address;
     * Go resolves it and accepts it only when every address passes isAllowedContainerAddress.
     */
    | { kind: "container"; url: string; from: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" | "AWS_CONTAINER_CREDENTIALS_FULL_URI"; authorization?: { value: string } | { file: string }; resolveHost?: string }
    /** The instance metadata service; with `disabledBy` the step fails with no credentials. */
    | { kind: "imds"; endpoint?: { url: string; from: string }; mode?: "IPv4" | "IPv6"; v1Disabled: boolean; disabledBy?: string };

/** A role a profile assumes (sts:AssumeRole); durationSeconds only when Go passes one (over 15 minutes). */
export interface ProfileRole {
    roleArn: string;
    sessionName?: string;
    externalId?: string;
    durationSeconds?: number;
    profile: string;
    file: string;
}

/** The credential plan pulumi-aws would follow, before the provider's own assumeRoles. */
export interface CredentialPlan {
    ok: true;
    base: BaseStep;
    /** Profile roles, innermost first, applied before the provider's assumeRoles. */
    roles: ProfileRole[];
    /**
     * The active profile (the provider's, AWS_PROFILE/AWS_DEFAULT_PROFILE or default) when it
     * exists; the caller reads region, fips, dualstack, endpoint settings from it.
     */
    profile?: SharedProfile;
    profileName: string;
    files: { config: FileRef[]; credentials: FileRef[] };
}

/** Why pulumi-aws would fail, or why the pack cannot follow it. The reason quotes no secret. */
export interface PlanFailure {
    ok: false;
    reason: string;
    profile?: string;
    files: string[];
    /** True when pulumi-aws could use it but the pack cannot resolve it exactly (login_session, HOME unset). */
    unsupported?: boolean;
}

type Env = NodeJS.ProcessEnv;

function getenv(env: Env, name: string): string {
    return env[name] ?? "";
}

/** Go's os.ExpandEnv: `$NAME`, `${NAME}`, and the shell's one-character names; unset → "". */
function expandEnv(s: string, env: Env): string {
    const special = (c: string | undefined) => c !== undefined && "*#$@!?-0123456789".includes(c);
    const alnum = (c: string | undefined) => c !== undefined && /^[A-Za-z0-9_]$/.test(c);
    let out = "";
    let start = 0;
    for (let j = 0; j < s.length; j++) {
        if (s[j] !== "$" || j + 1 >= s.length) {
            continue;
        }
        out += s.slice(start, j);
        const rest = s.slice(j + 1);
        let name = "";
        let width = 0;
        if (rest[0] === "{") {
            if (rest.length > 2 && special(rest[1]) && rest[2] === "}") {
                [name, width] = [rest[1], 3];
            } else {
                const close = rest.indexOf("}", 1);
                // "${}" and an unclosed "${" are eaten.
                [name, width] = close === 1 ? ["", 2] : close < 0 ? ["", 1] : [rest.slice(1, close), close + 1];
            }
        } else if (special(rest[0])) {
            [name, width] = [rest[0], 1];
        } else {
            while (alnum(rest[width])) {
                width++;
            }
            name = rest.slice(0, width);
        }
        if (name !== "") {
            out += getenv(env, name);
        } else if (width === 0) {
            out += "$";
        }
        j += width;
        start = j + 1;
    }
    return start === 0 ? s : out + s.slice(start);
}

/** Go's path/filepath.Clean on a POSIX path. */
function cleanPath(path: string): string {
    if (path === "") {
        return ".";
    }
    const rooted = path.startsWith("/");
    const parts: string[] = [];
    for (const part of path.split("/")) {
        if (part === "" || part === ".") {
            continue;
        }
        if (part === ".." && parts.length > 0 && parts[parts.length - 1] !== "..") {
            parts.pop();
        } else if (part !== ".." || !rooted) {
            parts.push(part);
        }
    }
    const cleaned = (rooted ? "/" : "") + parts.join("/");
    return cleaned === "" ? "." : cleaned;
}

type Expanded = { path: string } | { error: string; unsupported?: boolean };

/** aws-sdk-go-base's path expansion: os.ExpandEnv, then go-homedir's "~" (HOME, joined and cleaned). */
function expandPath(raw: string, env: Env): Expanded {
    const path = expandEnv(raw, env);
    if (!path.startsWith("~")) {
        return { path };
    }
    if (path.length > 1 && path[1] !== "/" && path[1] !== "\\") {
        return { error: "cannot expand user-specific home dir" };
    }
    const home = getenv(env, "HOME");
    if (home === "") {
        return { error: "HOME is not set, so pulumi-aws would look the home directory up in the system's user database, which the pack does not read", unsupported: true };
    }
    return { path: cleanPath(`${home}/${path.slice(1)}`) };
}

interface FileProblem {
    reason: string;
    /** Go would not fail: it would find the home directory where the pack cannot look. */
    unsupported?: boolean;
}

/** The shared files of one kind, and why any named file cannot be used. */
function filesOfKind(provided: readonly string[] | undefined, setting: string, envVar: string, kind: "config" | "credentials", env: Env): { refs: FileRef[]; problems: FileProblem[] } {
    if (provided && provided.length > 0) {
        const refs: FileRef[] = [];
        const problems: FileProblem[] = [];
        provided.forEach((raw, i) => {
            const expanded = expandPath(raw, env);
            if ("path" in expanded) {
                refs.push({ path: expanded.path, from: `${setting}[${i}]` });
            } else {
                problems.push({ reason: `The provider's ${setting}[${i}] cannot be expanded (${expanded.error}).`, unsupported: expanded.unsupported });
            }
        });
        return { refs, problems };
    }
    const fromEnv = getenv(env, envVar);
    if (fromEnv !== "") {
        return { refs: [{ path: fromEnv, from: envVar }], problems: [] };
    }
    const home = getenv(env, "HOME");
    if (home === "") {
        return { refs: [], problems: [{ reason: `HOME is not set, so pulumi-aws would look for the default ${kind} file under the home directory from the system's user database, which the pack does not read; set HOME, ${envVar}, or the provider's ${setting}.`, unsupported: true }] };
    }
    return { refs: [{ path: cleanPath(`${home}/.aws/${kind}`), from: `the default ${kind} file` }], problems: [] };
}

/**
 * Which files a provider's credentials read (expanded as aws-sdk-go-base expands them:
 * os.ExpandEnv, then ~), each with the setting that named it for messages ("sharedConfigFiles[1]",
 * "AWS_CONFIG_FILE", "the default config file"). A path that cannot be expanded is left out
 * (decideCredentials reports it).
 */
export function sharedFilePaths(inputs: ProviderCredentialInputs, env: NodeJS.ProcessEnv): { config: FileRef[]; credentials: FileRef[] } {
    return {
        config: filesOfKind(inputs.sharedConfigFiles, "sharedConfigFiles", "AWS_CONFIG_FILE", "config", env).refs,
        credentials: filesOfKind(inputs.sharedCredentialsFiles, "sharedCredentialsFiles", "AWS_SHARED_CREDENTIALS_FILE", "credentials", env).refs,
    };
}

const isBool = (v: string) => equalFold(v, "true") || equalFold(v, "false");

/** The environment checks of Go's NewEnvConfig, in its order: each variable, when set, must hold one of these. */
const ENV_CHECKS: { name: string; ok: (v: string) => boolean; expected: string }[] = [
    { name: "AWS_DISABLE_REQUEST_COMPRESSION", ok: isBool, expected: "true or false" },
    { name: "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", ok: (v) => { const n = parseInt64(v, 10); return n !== undefined && n >= 0n && n <= 10485760n; }, expected: "an integer from 0 to 10485760" },
    { name: "AWS_DISABLE_CLOCK_SKEW_CORRECTION", ok: isBool, expected: "true or false" },
    { name: "AWS_ENABLE_ENDPOINT_DISCOVERY", ok: (v) => isBool(v) || equalFold(v, "auto"), expected: "true, false or auto" },
    { name: "AWS_S3_USE_ARN_REGION", ok: isBool, expected: "true or false" },
    { name: "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", ok: (v) => endpointMode(v) !== "invalid", expected: "IPv4 or IPv6" },
    { name: "AWS_EC2_METADATA_V1_DISABLED", ok: isBool, expected: "true or false" },
    { name: "AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS", ok: isBool, expected: "true or false" },
    { name: "AWS_USE_DUALSTACK_ENDPOINT", ok: isBool, expected: "true or false" },
    { name: "AWS_USE_FIPS_ENDPOINT", ok: isBool, expected: "true or false" },
    { name: "AWS_DEFAULTS_MODE", ok: (v) => ["auto", "cross-region", "in-region", "legacy", "mobile", "standard"].some((m) => equalFold(v, m)), expected: "auto, cross-region, in-region, legacy, mobile or standard" },
    { name: "AWS_MAX_ATTEMPTS", ok: (v) => parseInt64(v, 10) !== undefined, expected: "an integer" },
    { name: "AWS_RETRY_MODE", ok: (v) => v === "standard" || v === "adaptive", expected: "standard or adaptive" },
    { name: "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", ok: isBool, expected: "true or false" },
    { name: "AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", ok: isBool, expected: "true or false" },
    { name: "AWS_ACCOUNT_ID_ENDPOINT_MODE", ok: (v) => ["preferred", "required", "disabled"].includes(v), expected: "preferred, required or disabled" },
    { name: "AWS_REQUEST_CHECKSUM_CALCULATION", ok: (v) => ["when_supported", "when_required"].includes(toLower(v)), expected: "when_supported or when_required" },
    { name: "AWS_RESPONSE_CHECKSUM_VALIDATION", ok: (v) => ["when_supported", "when_required"].includes(toLower(v)), expected: "when_supported or when_required" },
    { name: "AWS_RESTRICT_FILE_PERMISSIONS", ok: (v) => ["user_read_write", "unrestricted"].includes(toLower(v)), expected: "user_read_write or unrestricted" },
];

function envProblem(env: Env): string | undefined {
    for (const check of ENV_CHECKS) {
        const value = getenv(env, check.name);
        if (value !== "" && !check.ok(value)) {
            return `The environment variable ${check.name} is "${value}" but must be ${check.expected}: pulumi-aws fails to load its configuration. Fix or unset it.`;
        }
    }
    return undefined;
}

/** The environment's static keys, as Go's NewEnvConfig reads them. */
function envCredentials(env: Env): { keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }; from: string } | undefined {
    const from = getenv(env, "AWS_ACCESS_KEY_ID") !== "" ? "AWS_ACCESS_KEY_ID" : "AWS_ACCESS_KEY";
    const accessKeyId = getenv(env, from);
    const secretAccessKey = getenv(env, "AWS_SECRET_ACCESS_KEY") || getenv(env, "AWS_SECRET_KEY");
    if (accessKeyId === "" || secretAccessKey === "") {
        return undefined;
    }
    const sessionToken = getenv(env, "AWS_SESSION_TOKEN");
    return { keys: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }, from };
}

/** An IP address as Go's net.ParseIP reads it (no zone), as 16 bytes; undefined otherwise. */
function parseIP(s: string): number[] | undefined {
    const v4 = (t: string): number[] | undefined => {
        const fields = t.split(".");
        if (fields.length !== 4 || fields.some((f) => !/^(0|[1-9][0-9]{0,2})$/.test(f) || Number(f) > 255)) {
            return undefined;
        }
        return fields.map(Number);
    };
    const dot = s.indexOf(".");
    const colon = s.indexOf(":");
    if (dot >= 0 && (colon < 0 || dot < colon)) {
        const b = v4(s);
        return b && [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...b];
    }
    if (colon < 0 || s.includes("%")) {
        return undefined;
    }
    const [head, tail, extra] = s.split("::");
    if (extra !== undefined) {
        return undefined;
    }
    const groups = (part: string, last: boolean): number[] | undefined => {
        if (part === "") {
            return [];
        }
        const out: number[] = [];
        const items = part.split(":");
        for (let i = 0; i < items.length; i++) {
            const item = items[i];
            if (last && i === items.length - 1 && item.includes(".")) {
                const b = v4(item);
                if (!b) {
                    return undefined;
                }
                out.push((b[0] << 8) | b[1], (b[2] << 8) | b[3]);
            } else if (/^[0-9A-Fa-f]{1,4}$/.test(item)) {
                out.push(parseInt(item, 16));
            } else {
                return undefined;
            }
        }
        return out;
    };
    const left = groups(head, tail === undefined);
    const right = tail === undefined ? [] : groups(tail, true);
    if (!left || !right) {
        return undefined;
    }
    const zeros = 8 - left.length - right.length;
    if ((tail === undefined && zeros !== 0) || (tail !== undefined && zeros < 1)) {
        return undefined;
    }
    return [...left, ...new Array<number>(zeros).fill(0), ...right].flatMap((g) => [g >> 8, g & 0xff]);
}

/**
 * Whether Go accepts an address of a container credentials host reached over plain http:
 * loopback, 169.254.170.2 (ECS), 169.254.170.23 or fd00:ec2::23 (EKS). Use it on each address a
 * `resolveHost` name resolves to.
 */
export function isAllowedContainerAddress(address: string): boolean {
    const ip = parseIP(address);
    if (!ip) {
        return false;
    }
    const key = ip.join(".");
    const mapped = ip.slice(0, 12).join(".") === "0.0.0.0.0.0.0.0.0.0.255.255";
    return (mapped && ip[12] === 127) || key === "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1" ||
        key === "0.0.0.0.0.0.0.0.0.0.255.255.169.254.170.2" || key === "0.0.0.0.0.0.0.0.0.0.255.255.169.254.170.23" ||
        key === "253.0.14.194.0.0.0.0.0.0.0.0.0.0.0.35";
}

/** The ASCII characters Go's net/url accepts in a host (or an IPv6 zone) besides letters and digits. */
const HOST_CHARS = "!\"$&'()*+,-.:;<=>[]_~";

const hostChar = (c: string) => /^[A-Za-z0-9]$/.test(c) || HOST_CHARS.includes(c);

/** Go's url.unescape: the % escapes, and in a host or zone the characters, are checked. */
function unescapeProblem(s: string, mode: "path" | "host" | "zone"): string | undefined {
    for (let i = 0; i < s.length; i++) {
        const c = s[i];
        if (c === "%") {
            if (!/^%[0-9A-Fa-f]{2}/.test(s.slice(i))) {
                return "invalid URL escape";
            }
            const escape = s.slice(i, i + 3);
            const byte = parseInt(escape.slice(1), 16);
            if (mode === "host" && byte < 0x80 && escape !== "%25") {
                return "invalid URL escape in host";
            }
            if (mode === "zone" && escape !== "%25" && byte !== 0x20 && !(byte < 0x80 && hostChar(String.fromCharCode(byte)))) {
                return "invalid URL escape in zone";
            }
            i += 2;
        } else if (mode !== "path" && c < "\u0080" && !hostChar(c)) {
            return "invalid character in host name";
        }
    }
    return undefined;
}

/** Percent-decoding as Go does it: bytes, then read as UTF-8. */
function unescape(s: string): string {
    if (!s.includes("%")) {
        return s;
    }
    const bytes: number[] = [];
    for (let i = 0; i < s.length; i++) {
        if (s[i] === "%") {
            bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
            i += 2;
        } else {
            bytes.push(...Buffer.from(s[i], "utf8"));
        }
    }
    return Buffer.from(bytes).toString("utf8");
}

/** Go's url.Parse, as far as the scheme and Hostname() of a container credentials URL. */
function parseUrl(raw: string): { scheme: string; hostname: string } | { error: string } {
    const hash = raw.indexOf("#");
    const u = hash < 0 ? raw : raw.slice(0, hash);
    if (/[\u0000-\u001f\u007f]/.test(u)) {
        return { error: "invalid control character in URL" };
    }
    let scheme = "";
    let rest = u;
    for (let i = 0; i < u.length; i++) {
        const c = u[i];
        if (/[A-Za-z]/.test(c) || (i > 0 && /[0-9+\-.]/.test(c))) {
            continue;
        }
        if (c === ":") {
            if (i === 0) {
                return { error: "missing protocol scheme" };
            }
            [scheme, rest] = [u.slice(0, i).toLowerCase(), u.slice(i + 1)];
        }
        break;
    }
    if (rest.endsWith("?") && rest.indexOf("?") === rest.length - 1) {
        rest = rest.slice(0, -1);
    } else if (rest.includes("?")) {
        rest = rest.slice(0, rest.indexOf("?"));
    }
    let host = "";
    if (!rest.startsWith("/")) {
        if (scheme === "" && rest.split("/")[0].includes(":")) {
            return { error: "first path segment in URL cannot contain colon" };
        }
    } else if ((scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
        const slash = rest.indexOf("/", 2);
        const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
        rest = slash < 0 ? "" : rest.slice(slash);
        const at = authority.lastIndexOf("@");
        const parsed = parseHost(scheme, at < 0 ? authority : authority.slice(at + 1));
        if ("error" in parsed) {
            return parsed;
        }
        const userinfo = at < 0 ? "" : authority.slice(0, at);
        if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) {
            return { error: "invalid userinfo" };
        }
        const problem = unescapeProblem(userinfo, "path");
        if (problem) {
            return { error: problem };
        }
        host = parsed.host;
    }
    const problem = unescapeProblem(scheme !== "" && !rest.startsWith("/") ? "" : rest, "path") ?? (hash < 0 ? undefined : unescapeProblem(raw.slice(hash + 1), "path"));
    if (problem) {
        return { error: problem };
    }
    // Hostname(): without the port and the IPv6 brackets.
    const colon = host.lastIndexOf(":");
    if (colon >= 0 && /^:[0-9]*$/.test(host.slice(colon))) {
        host = host.slice(0, colon);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
        host = host.slice(1, -1);
    }
    return { scheme, hostname: host };
}

function parseHost(scheme: string, host: string): { host: string } | { error: string } {
    const open = host.lastIndexOf("[");
    if (open > 0) {
        return { error: "invalid IP-literal" };
    }
    if (open === 0) {
        const close = host.lastIndexOf("]");
        if (close < 0) {
            return { error: "missing ']' in host" };
        }
        const port = host.slice(close + 1);
        if (!/^(:[0-9]*)?$/.test(port)) {
            return { error: "invalid port after host" };
        }
        const literal = host.slice(1, close);
        const zone = literal.indexOf("%25");
        const address = zone < 0 ? literal : literal.slice(0, zone);
        const problem = unescapeProblem(address, "host") ?? (zone < 0 ? undefined : unescapeProblem(literal.slice(zone), "zone"));
        if (problem) {
            return { error: problem };
        }
        // netip.ParseAddr reads an IPv4 address when a "." comes before any ":"; brackets need IPv6.
        const v4 = address.search(/[.:%]/) >= 0 && address[address.search(/[.:%]/)] === ".";
        if (!parseIP(address) || (zone >= 0 && (v4 || literal.length === zone + 3))) {
            return { error: "invalid host" };
        }
        if (v4) {
            return { error: "invalid IP-literal" };
        }
        return { host: `[${unescape(literal)}]${port}` };
    }
    const first = host.indexOf(":");
    if (first >= 0) {
        // Go ≥ 1.26 rejects a second colon in http(s) hosts; other schemes split at the last one.
        const at = scheme === "http" || scheme === "https" ? first : host.lastIndexOf(":");
        if (!/^:[0-9]*$/.test(host.slice(at))) {
            return { error: "invalid port after host" };
        }
    }
    const problem = unescapeProblem(host, "host");
    if (problem) {
        return { error: problem };
    }
    return { host: unescape(host) };
}

/** What a profile (or its source chain) resolves to; `login` is a base the pack cannot follow. */
type ChainBase = BaseStep | { kind: "login"; profile: string; file: string };
type Chain = { ok: true; base: ChainBase; roles: ProfileRole[] };

interface Context {
    env: Env;
    /** The active profile: Go's IMDS client reads its endpoint settings from it, not from the source profile. */
    active?: SharedProfile;
    files: string[];
}

function where(p: SharedProfile, ...keys: string[]): string {
    const files = [...new Set(keys.map((k) => p.sourceFile.get(k)).filter((f): f is string => !!f))];
    return `profile "${p.name}"${files.length > 0 ? ` (${files.join(", ")})` : ""}`;
}

function fileOf(p: SharedProfile, ...keys: string[]): string {
    return keys.map((k) => p.sourceFile.get(k)).find((f) => !!f) ?? "";
}

function failure(reason: string, files: string[], extra: { profile?: string; unsupported?: boolean } = {}): PlanFailure {
    return { ok: false, reason, files, ...extra };
}

function containerStep(ctx: Context, relative: boolean): BaseStep | PlanFailure {
    const { env } = ctx;
    const tokenFile = getenv(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const token = getenv(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    // The token file, read at each request, wins over the token itself.
    const authorization = tokenFile !== "" ? { authorization: { file: tokenFile } } : token !== "" ? { authorization: { value: token } } : {};
    if (relative) {
        return { kind: "container", url: `http://169.254.170.2${getenv(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")}`, from: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", ...authorization };
    }
    const url = getenv(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    const parsed = parseUrl(url);
    const bad = (why: string) => failure(`AWS_CONTAINER_CREDENTIALS_FULL_URI ${why}: pulumi-aws fails to set up container credentials. Fix or unset it.`, []);
    if ("error" in parsed) {
        return bad(`is not a valid URL (${parsed.error})`);
    }
    if (parsed.hostname === "") {
        return bad("has no host");
    }
    let resolveHost: string | undefined;
    if (parsed.scheme === "http") {
        if (parseIP(parsed.hostname)) {
            if (!isAllowedContainerAddress(parsed.hostname)) {
                return bad(`names ${parsed.hostname} over plain http; only loopback, 169.254.170.2, 169.254.170.23 and fd00:ec2::23 are allowed`);
            }
        } else {
            resolveHost = parsed.hostname;
        }
    }
    return { kind: "container", url, from: "AWS_CONTAINER_CREDENTIALS_FULL_URI", ...authorization, ...(resolveHost ? { resolveHost } : {}) };
}

function imdsStep(ctx: Context): BaseStep {
    const { env, active } = ctx;
    let endpoint: { url: string; from: string } | undefined;
    if (getenv(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT") !== "") {
        endpoint = { url: getenv(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT"), from: "AWS_EC2_METADATA_SERVICE_ENDPOINT" };
    } else if (getenv(env, "AWS_METADATA_URL") !== "") {
        // aws-sdk-go-base copies the deprecated variable into AWS_EC2_METADATA_SERVICE_ENDPOINT.
        endpoint = { url: getenv(env, "AWS_METADATA_URL"), from: "AWS_METADATA_URL" };
    } else if (active?.ec2MetadataServiceEndpoint) {
        endpoint = { url: active.ec2MetadataServiceEndpoint, from: where(active, "ec2_metadata_service_endpoint") };
    }
    const envMode = endpointMode(getenv(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"));
    const mode = (envMode === "invalid" ? undefined : envMode) ?? active?.ec2MetadataServiceEndpointMode;
    const v1 = getenv(env, "AWS_EC2_METADATA_V1_DISABLED");
    const v1Disabled = v1 !== "" ? equalFold(v1, "true") : active?.ec2MetadataV1Disabled ?? false;
    const disabled = equalFold(getenv(env, "AWS_EC2_METADATA_DISABLED"), "true");
    return { kind: "imds", ...(endpoint ? { endpoint } : {}), ...(mode ? { mode } : {}), v1Disabled, ...(disabled ? { disabledBy: "AWS_EC2_METADATA_DISABLED" } : {}) };
}

/** resolveCredsFromSource: a profile's credential_source. */
function fromCredentialSource(p: SharedProfile, ctx: Context): BaseStep | PlanFailure {
    const named = `named by credential_source in ${where(p, "credential_source")}`;
    switch (p.credentialSource) {
        case "Ec2InstanceMetadata":
            return imdsStep(ctx);
        case "Environment": {
            const envKeys = envCredentials(ctx.env);
            if (!envKeys) {
                return failure(`${where(p, "credential_source")} sets credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set: pulumi-aws would find no credentials. Set them, or change credential_source.`, ctx.files, { profile: p.name });
            }
            return { kind: "static", keys: envKeys.keys, source: `the environment (${envKeys.from}), ${named}` };
        }
        case "EcsContainer":
            if (getenv(ctx.env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") !== "") {
                return containerStep(ctx, true);
            }
            if (getenv(ctx.env, "AWS_CONTAINER_CREDENTIALS_FULL_URI") !== "") {
                return containerStep(ctx, false);
            }
            return failure(`${where(p, "credential_source")} sets credential_source = EcsContainer, but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set: pulumi-aws fails. Run where the container endpoint is set, or change credential_source.`, ctx.files, { profile: p.name });
        default:
            return failure(`${where(p, "credential_source")} sets credential_source = "${p.credentialSource}"; pulumi-aws accepts only EcsContainer, Ec2InstanceMetadata or Environment (exactly so spelled).`, ctx.files, { profile: p.name });
    }
}

/** resolveSSOCredentials: validateSSOConfiguration, then the SSO client's settings. */
function ssoStep(p: SharedProfile, ctx: Context): BaseStep | PlanFailure {
    const missing: string[] = [];
    // Loading linked the [sso-session] section of any sso_session (or failed).
    const session = p.ssoSession;
    if (session) {
        if (!session.region) {
            missing.push("sso_region");
        }
        if (!session.startUrl) {
            missing.push("sso_start_url");
        }
    } else if (hasLegacySso(p)) {
        for (const [key, value] of [["sso_region", p.ssoRegion], ["sso_start_url", p.ssoStartUrl], ["sso_account_id", p.ssoAccountId], ["sso_role_name", p.ssoRoleName]] as const) {
            if (!value) {
                missing.push(key);
            }
        }
    }
    const keys = ["sso_session", "sso_account_id", "sso_role_name", "sso_start_url", "sso_region"];
    if (missing.length > 0) {
        const of = session ? `${where(p, ...keys)} and its [sso-session ${trimSpace(session.name)}] section` : where(p, ...keys);
        return failure(`${of} configure SSO without ${missing.join(", ")}: pulumi-aws fails. Add them (aws configure sso writes them).`, ctx.files, { profile: p.name });
    }
    if (session && p.ssoRegion && p.ssoRegion !== session.region) {
        return failure(`${where(p, "sso_region")} sets an sso_region that differs from its [sso-session ${trimSpace(session.name)}] section's: pulumi-aws fails. Remove one or make them equal.`, ctx.files, { profile: p.name });
    }
    if (session && p.ssoStartUrl && p.ssoStartUrl !== session.startUrl) {
        return failure(`${where(p, "sso_start_url")} sets an sso_start_url that differs from its [sso-session ${trimSpace(session.name)}] section's: pulumi-aws fails. Remove one or make them equal.`, ctx.files, { profile: p.name });
    }
    return {
        kind: "sso",
        profile: p.name,
        file: fileOf(p, ...keys),
        accountId: p.ssoAccountId ?? "",
        roleName: p.ssoRoleName ?? "",
        startUrl: p.ssoStartUrl ?? "",
        region: session ? session.region : p.ssoRegion ?? "",
        ...(session ? { session: { ...session } } : {}),
    };
}

/** resolveCredsFromProfile. */
function resolveProfile(p: SharedProfile, ctx: Context): Chain | PlanFailure {
    const { env } = ctx;
    let base: ChainBase | PlanFailure;
    let roles: ProfileRole[] = [];
    if (p.source) {
        const inner = resolveProfile(p.source, ctx);
        if (!inner.ok) {
            return inner;
        }
        base = inner.base;
        roles = inner.roles;
    } else if (p.staticCredentials) {
        base = { kind: "static", keys: { ...p.staticCredentials }, source: where(p, "aws_access_key_id") };
    } else if (p.credentialSource) {
        base = fromCredentialSource(p, ctx);
    } else if (p.webIdentityTokenFile) {
        const source = where(p, "web_identity_token_file", "role_arn");
        // The profile's role is the web identity role itself: Go returns without a second assume-role.
        // (Loading requires role_arn beside web_identity_token_file.)
        return { ok: true, base: { kind: "web-identity", roleArn: p.roleArn!, ...(p.roleSessionName ? { sessionName: p.roleSessionName } : {}), token: { file: p.webIdentityTokenFile, from: where(p, "web_identity_token_file") }, source }, roles: [] };
    } else if (hasSsoConfiguration(p)) {
        base = ssoStep(p, ctx);
    } else if (p.loginSession) {
        base = { kind: "login", profile: p.name, file: fileOf(p, "login_session") };
    } else if (p.credentialProcess) {
        base = { kind: "process", profile: p.name, file: fileOf(p, "credential_process"), command: p.credentialProcess };
    } else if (getenv(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") !== "") {
        base = containerStep(ctx, true);
    } else if (getenv(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI") !== "") {
        base = containerStep(ctx, false);
    } else {
        base = imdsStep(ctx);
    }
    if ("ok" in base) {
        return base;
    }
    if (p.roleArn) {
        if (p.mfaSerial) {
            return failure(`${where(p, "mfa_serial", "role_arn")} assumes its role with mfa_serial: pulumi-aws cannot prompt for an MFA code (it sets no token provider) and fails, and the pack cannot either. Use credentials that need no MFA code, such as an SSO profile or a session token obtained beforehand.`, ctx.files, { profile: p.name });
        }
        const durationSeconds = p.assumeRoleDurationSeconds;
        roles = [...roles, {
            roleArn: p.roleArn,
            ...(p.roleSessionName ? { sessionName: p.roleSessionName } : {}),
            ...(p.externalId ? { externalId: p.externalId } : {}),
            ...(durationSeconds !== undefined ? { durationSeconds } : {}),
            profile: p.name,
            file: fileOf(p, "role_arn"),
        }];
    }
    return { ok: true, base, roles };
}

/** The credential plan pulumi-aws would follow, before the provider's own assumeRoles. */
export function decideCredentials(inputs: ProviderCredentialInputs, env: NodeJS.ProcessEnv, sections: IniSections): CredentialPlan | PlanFailure {
    const config = filesOfKind(inputs.sharedConfigFiles, "sharedConfigFiles", "AWS_CONFIG_FILE", "config", env);
    const credentials = filesOfKind(inputs.sharedCredentialsFiles, "sharedCredentialsFiles", "AWS_SHARED_CREDENTIALS_FILE", "credentials", env);
    const files = { config: config.refs, credentials: credentials.refs };
    const paths = [...files.config, ...files.credentials].map((f) => f.path);

    // aws-sdk-go-base retrieves the provider's static keys before it loads anything else.
    const keys = inputs.staticKeys;
    const providerStatic = !!keys && !!(keys.accessKeyId || keys.secretAccessKey || keys.sessionToken);
    if (providerStatic && !(keys.accessKeyId && keys.secretAccessKey)) {
        return failure("The provider sets only part of its static keys (accessKey, secretKey, token): pulumi-aws fails with \"static credentials are empty\". Set both accessKey and secretKey, or none of them.", []);
    }
    // aws-sdk-go-base expands the credentials files, then the config files, then Go reads the environment.
    const problems = [...credentials.problems, ...config.problems];
    const badPath = problems.find((p) => !p.unsupported);
    if (badPath) {
        return failure(`${badPath.reason} pulumi-aws fails; write the path without ~user.`, paths);
    }
    const badEnv = envProblem(env);
    if (badEnv) {
        return failure(badEnv, []);
    }
    if (problems.length > 0) {
        return failure(problems[0].reason, paths, { unsupported: true });
    }

    const profileName = inputs.profile || getenv(env, "AWS_PROFILE") || getenv(env, "AWS_DEFAULT_PROFILE") || "default";
    const namedBy = inputs.profile ? "the provider's profile setting" : getenv(env, "AWS_PROFILE") !== "" ? "AWS_PROFILE" : undefined;
    const loaded = loadSharedProfile(sections, profileName);
    let profile: SharedProfile | undefined;
    if (loaded.ok) {
        profile = loaded.profile;
    } else if (loaded.error.kind === "not-found" && namedBy) {
        const searched = paths.length > 0 ? paths.join(", ") : "no file";
        return failure(`The AWS profile "${profileName}", named by ${namedBy}, is not defined in ${searched}: pulumi-aws fails. Define it there, or fix the name.`, paths, { profile: profileName });
    } else if (loaded.error.kind === "invalid") {
        return failure(`${loaded.error.message} pulumi-aws fails to load it; fix the profile.`, loaded.error.files.length > 0 ? loaded.error.files : paths, { profile: profileName });
    }

    const plan = (base: BaseStep, roles: ProfileRole[]): CredentialPlan => ({ ok: true, base, roles, ...(profile ? { profile } : {}), profileName, files });
    if (providerStatic) {
        return plan({ kind: "static", keys: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, ...(keys.sessionToken ? { sessionToken: keys.sessionToken } : {}) }, source: "the provider's static keys" }, []);
    }

    const ctx: Context = { env, active: profile, files: paths };
    const empty: SharedProfile = { name: profileName, serviceEndpointUrls: {}, sourceFile: new Map() };
    const envKeys = envCredentials(env);
    const envTokenFile = getenv(env, "AWS_WEB_IDENTITY_TOKEN_FILE");
    let chain: Chain | PlanFailure;
    if (inputs.profile) {
        chain = resolveProfile(profile!, ctx);
    } else if (envKeys) {
        chain = { ok: true, base: { kind: "static", keys: envKeys.keys, source: `the environment (${envKeys.from})` }, roles: [] };
    } else if (envTokenFile !== "") {
        const roleArn = getenv(env, "AWS_ROLE_ARN");
        if (roleArn === "") {
            return failure("AWS_WEB_IDENTITY_TOKEN_FILE is set without AWS_ROLE_ARN: pulumi-aws fails (\"role ARN is not set\"). Set AWS_ROLE_ARN, or unset AWS_WEB_IDENTITY_TOKEN_FILE.", []);
        }
        const sessionName = getenv(env, "AWS_ROLE_SESSION_NAME");
        chain = { ok: true, base: { kind: "web-identity", roleArn, ...(sessionName ? { sessionName } : {}), token: { file: envTokenFile, from: "AWS_WEB_IDENTITY_TOKEN_FILE" }, source: "the environment (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)" }, roles: [] };
    } else {
        chain = resolveProfile(profile ?? empty, ctx);
    }
    if (!chain.ok) {
        return chain;
    }

    const web = inputs.webIdentity;
    if (web) {
        if (!web.roleArn) {
            return failure("The provider's assumeRoleWithWebIdentity has no roleArn: pulumi-aws fails (\"Role ARN was not set\"). Set it.", []);
        }
        let token: { value: string } | { file: string; from: string };
        if (web.webIdentityToken) {
            token = { value: web.webIdentityToken };
        } else if (web.webIdentityTokenFile) {
            const expanded = expandPath(web.webIdentityTokenFile, env);
            if ("error" in expanded) {
                return failure(`The provider's assumeRoleWithWebIdentity.webIdentityTokenFile cannot be expanded (${expanded.error}).${expanded.unsupported ? "" : " pulumi-aws fails; write the path without ~user."}`, [], expanded.unsupported ? { unsupported: true } : {});
            }
            token = { file: expanded.path, from: "the provider's assumeRoleWithWebIdentity.webIdentityTokenFile" };
        } else {
            return failure("The provider's assumeRoleWithWebIdentity has neither webIdentityToken nor webIdentityTokenFile: pulumi-aws fails. Set one.", []);
        }
        return plan({
            kind: "web-identity",
            roleArn: web.roleArn,
            ...(web.sessionName ? { sessionName: web.sessionName } : {}),
            token,
            ...(web.durationSeconds ? { durationSeconds: web.durationSeconds } : {}),
            ...(web.policy ? { policy: web.policy } : {}),
            ...(web.policyArns && web.policyArns.length > 0 ? { policyArns: [...web.policyArns] } : {}),
            source: "the provider's assumeRoleWithWebIdentity",
        }, []);
    }
    if (chain.base.kind === "login") {
        return failure(`Profile "${chain.base.profile}" (${chain.base.file}) uses login_session (credentials from "aws login"): pulumi-aws can use them, but the pack cannot read that login cache exactly. Use another profile for the check, or run the check where other credentials are configured.`, paths, { profile: chain.base.profile, unsupported: true });
    }
    return plan(chain.base, chain.roles);
}
