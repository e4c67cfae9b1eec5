/**
 * Reading provider inputs as the analyzer sees them.
 *
 * pulumi-aws 7.x sends complex and boolean inputs as JSON text (`assumeRoles: "[{…}]"`), other SDKs
 * and older state send objects; both are accepted. Reads go one field at a time through
 * @pulumi/policy's unknown-checking proxy, so an input that is unknown during preview throws its
 * `UnknownValueError` here and the caller can tell "unknown" from "malformed".
 */

/** A provider input that is present but unusable. The message never quotes the value. */
export class InputError extends Error {
    constructor(readonly input: string, readonly problem: string) {
        super(`input "${input}" ${problem}`);
        this.name = "InputError";
    }
}

/** The raw value of one input; undefined, null and "" count as absent. */
function readRaw(props: Record<string, unknown>, input: string): unknown {
    const value = props[input];
    return value === null || value === "" ? undefined : value;
}

/** A plain string input (region, profile, keys). */
export function readString(props: Record<string, unknown>, input: string): string | undefined {
    const value = readRaw(props, input);
    if (value === undefined) {
        return undefined;
    }
    if (typeof value !== "string") {
        throw new InputError(input, `must be a string, got ${describeType(value)}`);
    }
    return wellFormed(value, input);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A string that can travel in a request: no lone UTF-16 surrogate. */
function wellFormed(value: string, input: string): string {
    if (LONE_SURROGATE.test(value)) {
        throw new InputError(input, "holds characters that are not valid text (a lone UTF-16 surrogate)");
    }
    return value;
}

/** A complex input sent either as JSON text or as a value. */
export function readStructured(props: Record<string, unknown>, input: string): unknown {
    const value = readRaw(props, input);
    if (typeof value !== "string") {
        return value;
    }
    const text = value.trim();
    if (text === "" || text === "null") {
        return undefined;
    }
    try {
        return JSON.parse(text);
    } catch {
        throw new InputError(input, "is not valid JSON");
    }
}

/** A list of strings (allowedAccountIds, sharedConfigFiles, policyArns …). */
export function asStringList(value: unknown, input: string): string[] | undefined {
    if (value === undefined || value === null) {
        return undefined;
    }
    if (!Array.isArray(value)) {
        throw new InputError(input, `must be a list of strings, got ${describeType(value)}`);
    }
    return value.map((item, i) => {
        if (typeof item !== "string") {
            throw new InputError(`${input}[${i}]`, `must be a string, got ${describeType(item)}`);
        }
        return wellFormed(item, `${input}[${i}]`);
    });
}

/** An object whose fields are read one by one. */
export function asObject(value: unknown, input: string): Record<string, unknown> {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new InputError(input, `must be an object, got ${describeType(value)}`);
    }
    return value as Record<string, unknown>;
}

/** An optional string field of an object input. */
export function fieldString(obj: Record<string, unknown>, field: string, input: string): string | undefined {
    const value = obj[field];
    if (value === undefined || value === null || value === "") {
        return undefined;
    }
    if (typeof value !== "string") {
        throw new InputError(`${input}.${field}`, `must be a string, got ${describeType(value)}`);
    }
    return wellFormed(value, `${input}.${field}`);
}

/** Names a value's type without quoting the value, which may be a secret. */
export function describeType(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "a list";
    }
    return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Formats AWS accepts, checked up front so a bad value is reported as the input it is. */
export const FORMATS = {
    /** Keys and tokens travel in HTTP headers: printable ASCII only. */
    credential: { pattern: /^[\x21-\x7e]+$/, what: "holds characters an AWS credential cannot (only printable ASCII without spaces)" },
    // A region is one host name label: at most 63 characters.
    region: { pattern: /^(?=.{1,63}$)[a-z0-9]+(-[a-z0-9]+)*$/, what: "is not an AWS region name (such as us-east-1)" },
    sessionName: { pattern: /^[\w+=,.@-]{2,64}$/, what: "is not a valid role session name (2–64 of letters, digits and +=,.@_-)" },
    externalId: { pattern: /^[\w+=,.@:/-]{2,1224}$/, what: "is not a valid external id (2–1224 of letters, digits and +=,.@:/_-)" },
    sourceIdentity: { pattern: /^[\w+=,.@-]{2,64}$/, what: "is not a valid source identity (2–64 of letters, digits and +=,.@_-)" },
} as const;

/** Returns `value` when it has the format, else throws an InputError that does not quote it. */
export function checked(value: string | undefined, input: string, format: { pattern: RegExp; what: string }): string | undefined {
    if (value !== undefined && !format.pattern.test(value)) {
        throw new InputError(input, format.what);
    }
    return value;
}
