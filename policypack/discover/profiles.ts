/**
 * The shared config and credentials files as one model, built the way the AWS SDK for Go v2
 * (config v1.33.19, LoadSharedConfigProfile) builds it for pulumi-aws: several files of each kind
 * merged in order, config sections renamed (`[profile x]` → `x`), credentials merged over config,
 * then one profile read with its source_profile chain linked and validated.
 */
import { IniSection, IniSections, equalFold, parseInt64, parseIni, sortedNames, toLower, trimSpace } from "./ini";

/**
 * A shared file as read: text undefined when it does not exist (Go skips it). The text is the
 * file decoded as UTF-8 with any byte order mark kept (Go keeps it, and then misreads the first
 * line). A path Go can open but not read, such as a directory, makes pulumi-aws fail outright:
 * the caller reports that itself.
 */
export interface SharedFile {
    path: string;
    text: string | undefined;
}

/** An `[sso-session name]` section linked from a profile's sso_session ("" for a missing key). */
export interface SsoSession {
    name: string;
    region: string;
    startUrl: string;
}

/**
 * The `endpoint_url` of the services the pack calls, from the profile's `services` section.
 * Go looks services up by their SDK id, lower-cased with blanks as "_": "SSO OIDC" is `sso_oidc`.
 */
export interface ServiceEndpointUrls {
    sts?: string;
    iam?: string;
    organizations?: string;
    sso?: string;
    ssoOidc?: string;
}

/** Static keys from a profile: present only when both the key id and the secret are non-empty. */
export interface ProfileCredentials {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
}

/**
 * One profile as Go's SharedConfig holds it after loading: empty strings read as absent, and the
 * options Go clears are cleared (a profile with source_profile loses its own credential options;
 * a profile met a second time in its own chain loses its role options).
 */
export interface SharedProfile {
    name: string;
    roleArn?: string;
    externalId?: string;
    mfaSerial?: string;
    roleSessionName?: string;
    /** duration_seconds as Go reads it (a value that is not an integer reads as 0), as a number. */
    durationSeconds?: number;
    /**
     * The DurationSeconds Go passes to sts:AssumeRole for this profile's role: duration_seconds
     * only when over 15 minutes, with Go's int64 nanosecond and int32 second arithmetic.
     */
    assumeRoleDurationSeconds?: number;
    sourceProfileName?: string;
    source?: SharedProfile;
    credentialSource?: string;
    credentialProcess?: string;
    webIdentityTokenFile?: string;
    staticCredentials?: ProfileCredentials;
    ssoSessionName?: string;
    ssoSession?: SsoSession;
    ssoRegion?: string;
    ssoStartUrl?: string;
    ssoAccountId?: string;
    ssoRoleName?: string;
    loginSession?: string;
    region?: string;
    /** Go's lenient Bool: "true"/"false" in any case, anything else false. */
    useFipsEndpoint?: boolean;
    useDualstackEndpoint?: boolean;
    endpointUrl?: string;
    ignoreConfiguredEndpointUrls?: boolean;
    servicesSectionName?: string;
    serviceEndpointUrls: ServiceEndpointUrls;
    ec2MetadataServiceEndpoint?: string;
    ec2MetadataServiceEndpointMode?: "IPv4" | "IPv6";
    ec2MetadataV1Disabled?: boolean;
    /** The file each key of the profile's section came from. */
    sourceFile: ReadonlyMap<string, string>;
}

/** Why a profile cannot be used: it is not defined, or Go rejects it. The message quotes no secret. */
export class ProfileError extends Error {
    constructor(
        readonly kind: "not-found" | "invalid",
        readonly profile: string,
        readonly files: string[],
        message: string,
    ) {
        super(message);
        this.name = "ProfileError";
    }
}

const PROFILE_PREFIX = "profile ";
const SSO_SESSION_PREFIX = "sso-session ";
const SERVICES_PREFIX = "services ";
const ACCESS_KEY = "aws_access_key_id";
const SECRET_KEY = "aws_secret_access_key";
const SESSION_TOKEN = "aws_session_token";

/** The keys Go copies from a later file into a section an earlier file already defined. */
const MERGED_KEYS = [
    "role_arn", "source_profile", "credential_source", "external_id", "mfa_serial", "role_session_name", "region",
    "endpoint_discovery_enabled", "credential_process", "web_identity_token_file", "s3_use_arn_region",
    "s3_disable_multiregion_access_points", "ec2_metadata_service_endpoint_mode", "ec2_metadata_service_endpoint",
    "ec2_metadata_v1_disabled", "use_dualstack_endpoint", "use_fips_endpoint", "defaults_mode", "retry_mode", "ca_bundle",
    "duration_seconds", "max_attempts", "sso_session", "sso_account_id", "sso_region", "sso_role_name", "sso_start_url",
    "auth_scheme_preference", "login_session",
];

/**
 * LoadSharedConfigProfile's file part: config files in order (later wins), their sections
 * renamed/dropped as Go does, credentials files likewise, credentials merged over config
 * (whitelisted keys only, partial credentials as section errors). Throws IniPanicError for a
 * file Go's parser crashes on.
 */
export function loadSharedSections(configFiles: readonly SharedFile[], credentialsFiles: readonly SharedFile[]): IniSections {
    const config = loadFiles(configFiles);
    renameConfigSections(config);
    const credentials = loadFiles(credentialsFiles);
    for (const name of sortedNames(credentials)) {
        // A "profile " prefix is wrong in a credentials file: Go drops the section.
        if (name.startsWith(PROFILE_PREFIX)) {
            credentials.delete(name);
        }
    }
    mergeSections(config, credentials);
    return config;
}

function loadFiles(files: readonly SharedFile[]): IniSections {
    const merged: IniSections = new Map();
    for (const file of files) {
        if (file.text !== undefined) {
            mergeSections(merged, parseIni(file.text, file.path));
        }
    }
    return merged;
}

/**
 * In config files only `default`, `profile x` (renamed `x`, replacing any `[x]`), `sso-session x`
 * and `services x` sections count; Go visits names in sorted order and drops the rest.
 */
function renameConfigSections(sections: IniSections): void {
    const renamed = new Set<string>();
    for (const name of sortedNames(sections)) {
        if (renamed.has(name)) {
            continue;
        }
        if (name.startsWith(PROFILE_PREFIX)) {
            const section = sections.get(name)!;
            sections.delete(name);
            const newName = name.slice(PROFILE_PREFIX.length);
            sections.delete(newName);
            sections.set(newName, { ...section, name: newName });
            renamed.add(newName);
        } else if (!name.startsWith(SSO_SESSION_PREFIX) && !name.startsWith(SERVICES_PREFIX) && !equalFold(name, "default")) {
            sections.delete(name);
        }
    }
}

function has(section: IniSection, key: string): boolean {
    return section.values.has(key);
}

function str(section: IniSection, key: string): string {
    return section.values.get(key)?.str ?? "";
}

/** Go's mergeSections: a new section is taken whole; an existing one takes only the whitelisted keys. */
function mergeSections(dst: IniSections, src: IniSections): void {
    for (const name of sortedNames(src)) {
        const section = src.get(name)!;
        let errors = section.errors;
        if (has(section, ACCESS_KEY) !== has(section, SECRET_KEY)) {
            const [present, missing] = has(section, ACCESS_KEY) ? [ACCESS_KEY, SECRET_KEY] : [SECRET_KEY, ACCESS_KEY];
            errors = [...errors, `sets ${present} without ${missing} in ${section.sourceFile.get(present)}`];
        }
        const target = dst.get(name);
        if (!target) {
            dst.set(name, { ...section, errors });
            continue;
        }
        // Go replaces the errors: complete keys in a later file clear an earlier file's partial ones.
        target.errors = errors;
        const copy = (key: string) => {
            if (has(section, key)) {
                target.values.set(key, { str: str(section, key) });
                target.sourceFile.set(key, section.sourceFile.get(key)!);
            }
        };
        if (has(section, ACCESS_KEY) && has(section, SECRET_KEY)) {
            copy(ACCESS_KEY);
            copy(SECRET_KEY);
            // Without a token beside the new keys, an earlier file's token stays (as in Go).
            copy(SESSION_TOKEN);
        }
        MERGED_KEYS.forEach(copy);
    }
}

/** A problem found while loading a profile, before it is worded for the requested profile. */
interface Fault {
    notFound?: boolean;
    text: string;
    files: string[];
}

function fault(text: string, ...files: (string | undefined)[]): Fault {
    return { text, files: [...new Set(files.filter((f): f is string => !!f))] };
}

function allFiles(section: IniSection): string[] {
    return [...new Set(section.sourceFile.values())].sort();
}

function quoted(name: string): string {
    // Not JSON.stringify: an escaped secret no longer matches the redactor.
    return `"${name}"`;
}

/**
 * The SharedConfig of one profile, with its source_profile chain linked and validated as
 * setFromIniSections does; or why not (not found vs. invalid), naming the profile and the file(s).
 */
export function loadSharedProfile(sections: IniSections, profile: string): { ok: true; profile: SharedProfile } | { ok: false; error: ProfileError } {
    const result = linkProfile(new Set(), profile, sections);
    if (!("text" in result)) {
        return { ok: true, profile: result };
    }
    if (result.notFound) {
        const files = [...new Set([...sections.values()].flatMap(allFiles))].sort();
        const where = files.length > 0 ? `in ${files.join(", ")}` : "in any shared config or credentials file (none defines a profile)";
        return { ok: false, error: new ProfileError("not-found", profile, files, `The AWS profile ${quoted(profile)} is not defined ${where}.`) };
    }
    return { ok: false, error: new ProfileError("invalid", profile, result.files, `The AWS profile ${quoted(profile)} cannot be used: ${result.text}`) };
}

/** setFromIniSections: `seen` holds the profiles already visited along the chain. */
function linkProfile(seen: Set<string>, name: string, sections: IniSections): SharedProfile | Fault {
    const section = sections.get(name);
    if (!section) {
        return { notFound: true, text: `profile ${quoted(name)} is not defined`, files: [] };
    }
    const p = readSection(name, section);
    if ("text" in p) {
        return p;
    }
    if (seen.has(name)) {
        // The profile's second visit in its own chain only provides credentials.
        clearRoleOptions(p);
    } else {
        const needsRole = p.sourceProfileName ? "source_profile" : p.credentialSource ? "credential_source" : p.webIdentityTokenFile ? "web_identity_token_file" : undefined;
        if (needsRole && !p.roleArn) {
            return fault(`profile ${quoted(name)} sets ${needsRole} but no role_arn (${section.sourceFile.get(needsRole)}); add the role_arn to assume.`, section.sourceFile.get(needsRole));
        }
    }
    // A source profile with static keys ends the chain there.
    if (seen.size !== 0 && p.staticCredentials) {
        return p;
    }
    seen.add(name);

    const types = (["source_profile", "credential_source", "credential_process", "web_identity_token_file"] as const)
        .filter((key) => !!{ source_profile: p.sourceProfileName, credential_source: p.credentialSource, credential_process: p.credentialProcess, web_identity_token_file: p.webIdentityTokenFile }[key]);
    if (types.length > 1) {
        const files = types.map((key) => section.sourceFile.get(key));
        return fault(`profile ${quoted(name)} sets ${types.join(" and ")} (${[...new Set(files)].join(", ")}); only one credential type may be set per profile.`, ...files);
    }

    if (p.sourceProfileName) {
        clearCredentialOptions(p);
        const source = linkProfile(seen, p.sourceProfileName, sections);
        if ("text" in source) {
            if (source.notFound) {
                return fault(`profile ${quoted(name)} takes its credentials from source_profile ${quoted(p.sourceProfileName)}, which is not defined; define it or change source_profile (${section.sourceFile.get("source_profile")}).`, section.sourceFile.get("source_profile"));
            }
            return source;
        }
        if (!hasCredentials(source)) {
            const sourceSection = sections.get(p.sourceProfileName)!;
            return fault(`profile ${quoted(name)} takes its credentials from source_profile ${quoted(p.sourceProfileName)}, but that profile has no credentials (${[section.sourceFile.get("source_profile"), ...allFiles(sourceSection)].join(", ")}).`, section.sourceFile.get("source_profile"), ...allFiles(sourceSection));
        }
        p.source = source;
    }

    if (p.ssoSessionName) {
        const sessionSection = sections.get(SSO_SESSION_PREFIX + trimSpace(p.ssoSessionName));
        if (!sessionSection) {
            const file = section.sourceFile.get("sso_session");
            return fault(`profile ${quoted(name)} names sso_session ${quoted(p.ssoSessionName)} (${file}), but no [sso-session ${trimSpace(p.ssoSessionName)}] section is defined in the config files.`, file);
        }
        p.ssoSession = { name: p.ssoSessionName, region: str(sessionSection, "sso_region"), startUrl: str(sessionSection, "sso_start_url") };
    }

    if (p.servicesSectionName) {
        const services = sections.get(SERVICES_PREFIX + p.servicesSectionName);
        if (services) {
            const url = (id: string) => services.values.get(id)?.map?.get("endpoint_url");
            p.serviceEndpointUrls = { sts: url("sts"), iam: url("iam"), organizations: url("organizations"), sso: url("sso"), ssoOidc: url("sso_oidc") };
        }
    }
    return p;
}

function hasCredentials(p: SharedProfile): boolean {
    return !!(p.sourceProfileName || p.credentialSource || p.credentialProcess || p.webIdentityTokenFile || hasSsoConfiguration(p) || p.staticCredentials);
}

/** An sso_session, or any of the legacy sso_* keys. */
export function hasSsoConfiguration(p: SharedProfile): boolean {
    return !!(p.ssoSessionName || hasLegacySso(p));
}

/** Any of sso_region, sso_account_id, sso_start_url, sso_role_name in the profile itself. */
export function hasLegacySso(p: SharedProfile): boolean {
    return !!(p.ssoRegion || p.ssoAccountId || p.ssoStartUrl || p.ssoRoleName);
}

function clearRoleOptions(p: SharedProfile): void {
    delete p.roleArn;
    delete p.externalId;
    delete p.mfaSerial;
    delete p.roleSessionName;
    delete p.sourceProfileName;
}

function clearCredentialOptions(p: SharedProfile): void {
    delete p.credentialSource;
    delete p.credentialProcess;
    delete p.webIdentityTokenFile;
    delete p.staticCredentials;
    delete p.ssoAccountId;
    delete p.ssoRegion;
    delete p.ssoRoleName;
    delete p.ssoStartUrl;
}

/** Value checks Go makes while reading a profile (setFromIniSection), in Go's order. */
const CHECKED_VALUES: { key: string; ok: (v: string) => boolean; expected: string }[] = [
    { key: "ec2_metadata_service_endpoint_mode", ok: (v) => endpointMode(v) !== "invalid", expected: "IPv4 or IPv6" },
    { key: "defaults_mode", ok: (v) => v === "" || ["auto", "cross-region", "in-region", "legacy", "mobile", "standard"].some((m) => equalFold(v, m)), expected: "auto, cross-region, in-region, legacy, mobile or standard" },
    { key: "max_attempts", ok: (v) => parseInt64(v, 0) !== undefined, expected: "an integer" },
    { key: "retry_mode", ok: (v) => v === "standard" || v === "adaptive", expected: "standard or adaptive" },
    { key: "disable_request_compression", ok: (v) => v === "true" || v === "false", expected: "true or false" },
    { key: "disable_clock_skew_correction", ok: (v) => v === "true" || v === "false", expected: "true or false" },
    { key: "request_min_compression_size_bytes", ok: (v) => { const n = parseInt64(v, 0); return n !== undefined && n >= 0n && n <= 10485760n; }, expected: "an integer from 0 to 10485760" },
    { key: "account_id_endpoint_mode", ok: (v) => ["preferred", "required", "disabled"].includes(v), expected: "preferred, required or disabled" },
    { key: "request_checksum_calculation", ok: (v) => ["when_supported", "when_required"].includes(toLower(v)), expected: "when_supported or when_required" },
    { key: "response_checksum_validation", ok: (v) => ["when_supported", "when_required"].includes(toLower(v)), expected: "when_supported or when_required" },
];

/** Go's imds EndpointModeState.SetFromString. */
export function endpointMode(value: string): "IPv4" | "IPv6" | undefined | "invalid" {
    const v = trimSpace(value);
    return v === "" ? undefined : equalFold(v, "ipv6") ? "IPv6" : equalFold(v, "ipv4") ? "IPv4" : "invalid";
}

/** Go's lenient Bool: anything but "true"/"false" (any case) reads as false. */
function lenientBool(section: IniSection, key: string): boolean | undefined {
    return has(section, key) ? equalFold(str(section, key), "true") : undefined;
}

/** setFromIniSection: the profile's own section, before any linking. */
function readSection(name: string, section: IniSection): SharedProfile | Fault {
    if (section.name === "") {
        return fault(`a section has no name after the files were merged (${allFiles(section).join(", ")}).`, ...allFiles(section));
    }
    if (section.errors.length > 0) {
        // Go records the same problem once per merge the section goes through.
        return fault(`profile ${quoted(name)} ${[...new Set(section.errors)].join("; ")}: set both aws_access_key_id and aws_secret_access_key, or neither.`, ...allFiles(section));
    }
    for (const check of CHECKED_VALUES) {
        if (has(section, check.key) && !check.ok(str(section, check.key))) {
            const file = section.sourceFile.get(check.key);
            return fault(`profile ${quoted(name)} sets ${check.key} = ${quoted(str(section, check.key))} (${file}); it must be ${check.expected}.`, file);
        }
    }
    const text = (key: string) => str(section, key) || undefined;
    let durationSeconds: number | undefined;
    let assumeRoleDurationSeconds: number | undefined;
    if (has(section, "duration_seconds")) {
        const seconds = parseInt64(str(section, "duration_seconds"), 0) ?? 0n;
        durationSeconds = Number(seconds);
        const ns = BigInt.asIntN(64, seconds * 1_000_000_000n);
        if (ns / 60_000_000_000n > 15n) {
            assumeRoleDurationSeconds = Number(BigInt.asIntN(32, ns / 1_000_000_000n));
        }
    }
    const accessKeyId = str(section, ACCESS_KEY);
    const secretAccessKey = str(section, SECRET_KEY);
    const mode = endpointMode(str(section, "ec2_metadata_service_endpoint_mode"));
    const sessionToken = text(SESSION_TOKEN);
    const profile: SharedProfile = {
        name,
        roleArn: text("role_arn"),
        externalId: text("external_id"),
        mfaSerial: text("mfa_serial"),
        roleSessionName: text("role_session_name"),
        durationSeconds,
        assumeRoleDurationSeconds,
        sourceProfileName: text("source_profile"),
        credentialSource: text("credential_source"),
        credentialProcess: text("credential_process"),
        webIdentityTokenFile: text("web_identity_token_file"),
        staticCredentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } : undefined,
        ssoSessionName: text("sso_session"),
        ssoRegion: text("sso_region"),
        ssoStartUrl: text("sso_start_url"),
        ssoAccountId: text("sso_account_id"),
        ssoRoleName: text("sso_role_name"),
        loginSession: text("login_session"),
        region: text("region"),
        useFipsEndpoint: lenientBool(section, "use_fips_endpoint"),
        useDualstackEndpoint: lenientBool(section, "use_dualstack_endpoint"),
        endpointUrl: text("endpoint_url"),
        ignoreConfiguredEndpointUrls: lenientBool(section, "ignore_configured_endpoint_urls"),
        servicesSectionName: text("services"),
        serviceEndpointUrls: {},
        ec2MetadataServiceEndpoint: text("ec2_metadata_service_endpoint"),
        ec2MetadataServiceEndpointMode: mode === "invalid" ? undefined : mode,
        ec2MetadataV1Disabled: lenientBool(section, "ec2_metadata_v1_disabled"),
        sourceFile: section.sourceFile,
    };
    // Absent settings are left out rather than present as undefined.
    for (const key of Object.keys(profile) as (keyof SharedProfile)[]) {
        if (profile[key] === undefined) {
            delete profile[key];
        }
    }
    return profile;
}
