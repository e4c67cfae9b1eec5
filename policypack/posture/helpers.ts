/**
 * Credential helpers: a profile's `credential_process`, run and read as the AWS SDK for Go
 * (aws-sdk-go-v2 `credentials/processcreds`) runs and reads it, within the pack's bounds. The
 * stack's author writes the command, so it is hostile input: it runs with every process it starts
 * ended when it is done, when the check gives up, or when the pack exits (see ./processes), its
 * output is bounded, and no failure quotes its command line or anything it printed.
 */
import { spawnTracked, type TrackedProcess } from "./processes";

// What a helper may print: credentials JSON is well under a kilobyte.
const MAX_OUTPUT_BYTES = 1024 * 1024;

/** A credential helper that failed; its message never quotes the helper's command line or output. */
export class CredentialHelperError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CredentialHelperError";
    }
}

/**
 * Runs a profile's credential_process as the AWS SDK for Go does (`/bin/sh -c <command>`, the
 * pack's environment), with stdin at end of input (/dev/null) and stderr discarded, bounded:
 * resolves its stdout, or rejects with {@link CredentialHelperError} whose message never quotes
 * the command line or anything it printed. Every process it starts is ended before this settles:
 * when it exits (what it left running is ended before its output is read, since a leftover may
 * hold its stdout open), when `signal` aborts, or when it prints more than 1 MiB.
 */
export function runCredentialProcess(command: string, signal: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
        if (signal.aborted) {
            reject(new CredentialHelperError("it was not started: the check had already run out of time"));
            return;
        }
        let helper: TrackedProcess;
        try {
            helper = spawnTracked("/bin/sh", ["-c", command], ["ignore", "pipe", "ignore"]);
        } catch (e) {
            reject(new CredentialHelperError(`it could not be started (${(e as NodeJS.ErrnoException).code ?? "error"})`));
            return;
        }
        const { child } = helper;
        const stdout = child.stdout;
        const chunks: Buffer[] = [];
        let size = 0;
        let settled = false;
        const settle = (finish: () => void) => {
            if (!settled) {
                settled = true;
                signal.removeEventListener("abort", onAbort);
                finish();
            }
        };
        const fail = (message: string) =>
            settle(() => {
                stdout?.destroy();
                void helper.end().then(() => reject(new CredentialHelperError(message)));
            });
        const onAbort = () => fail("it did not finish in time and was ended");
        signal.addEventListener("abort", onAbort, { once: true });
        child.once("error", (e: NodeJS.ErrnoException) => fail(`it could not be started (${e.code ?? "error"})`));
        if (stdout === null) {
            // Node could not make the pipe (EMFILE, ENFILE): its 'error' follows.
            return;
        }
        const outputClosed = new Promise<void>((done) => stdout.once("close", done));
        stdout.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_OUTPUT_BYTES) {
                fail(`it printed more than ${MAX_OUTPUT_BYTES} bytes`);
            } else {
                chunks.push(chunk);
            }
        });
        child.once("exit", (code, killedBy) => {
            // The helper is done: anything still running is a leftover, ended before the output is
            // read to its end.
            void helper.end().then(async () => {
                if (code !== 0) {
                    fail(killedBy ? `it was ended by ${killedBy}` : `it exited with code ${code}`);
                    return;
                }
                await outputClosed;
                settle(() => resolve(Buffer.concat(chunks).toString("utf8")));
            });
        });
    });
}

/** The fields of processcreds' CredentialProcessResponse, by their JSON names. */
const FIELDS = ["Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "AccountId"] as const;
type Field = (typeof FIELDS)[number];

// Go's JSON scanner fails past this depth of objects and arrays.
const MAX_NESTING_DEPTH = 10000;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The credentials JSON of a credential_process, validated as aws-sdk-go-v2's processcreds does:
 * Version must be 1; AccessKeyId and SecretAccessKey are required; SessionToken, Expiration
 * (RFC 3339, as Go's `time.Time` reads it) and AccountId are optional. Field names match as Go's
 * encoding/json matches them (an exact name first, else one equal under Unicode case folding),
 * members apply in order (a later duplicate wins; `null` leaves a string or number as it was and
 * clears Expiration), and a value of the wrong type fails the whole output. Throws
 * {@link CredentialHelperError} naming what is wrong, never a value.
 */
export function parseProcessCredentials(stdout: string): { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date } {
    let top: unknown;
    try {
        top = JSON.parse(stdout);
    } catch {
        throw unusable("its output is not JSON");
    }
    let version = 0n;
    const strings = new Map<Field, string>();
    let expiration: Date | undefined;
    // A top-level null decodes to nothing, as in Go: every field keeps its zero value.
    if (top !== null) {
        if (typeof top !== "object" || Array.isArray(top)) {
            throw unusable("its output is not a JSON object");
        }
        for (const [key, raw] of objectMembers(stdout)) {
            const field = FIELDS.find((f) => f === key) ?? FIELDS.find((f) => f.toUpperCase() === foldName(key));
            if (field === undefined) {
                continue;
            }
            if (raw === "null") {
                // Go leaves a non-pointer field as it was, and sets the pointer Expiration to nil.
                if (field === "Expiration") {
                    expiration = undefined;
                }
            } else if (field === "Version") {
                // An int: a number literal with no fraction or exponent, within int64.
                const n = /^-?[0-9]+$/.test(raw) ? BigInt(raw) : undefined;
                if (n === undefined || n < INT64_MIN || n > INT64_MAX) {
                    throw unusable("Version is not an integer");
                }
                version = n;
            } else if (!raw.startsWith('"')) {
                throw unusable(`${field} is not a string`);
            } else if (field === "Expiration") {
                // Go's time.Time reads the string as written, escapes and all.
                expiration = parseGoRfc3339(raw.slice(1, -1));
                if (expiration === undefined) {
                    throw unusable("Expiration is not an RFC 3339 time");
                }
            } else {
                strings.set(field, JSON.parse(raw) as string);
            }
        }
    }
    if (version !== 1n) {
        throw unusable("Version is not 1");
    }
    const accessKeyId = strings.get("AccessKeyId") ?? "";
    const secretAccessKey = strings.get("SecretAccessKey") ?? "";
    const sessionToken = strings.get("SessionToken") ?? "";
    if (accessKeyId === "") {
        throw unusable("AccessKeyId is missing or empty");
    }
    if (secretAccessKey === "") {
        throw unusable("SecretAccessKey is missing or empty");
    }
    return { accessKeyId, secretAccessKey, ...(sessionToken !== "" && { sessionToken }), ...(expiration && { expiration }) };
}

function unusable(what: string): CredentialHelperError {
    return new CredentialHelperError(`it printed no credentials the AWS SDK could use: ${what}`);
}

/**
 * A JSON object member name as Go's encoding/json folds it to match a field: ASCII letters to
 * upper case, every other rune to the smallest of its case-folding set. Of the non-ASCII runes
 * only KELVIN SIGN and LATIN SMALL LETTER LONG S fold to ASCII letters; any other stays non-ASCII
 * and so matches no field name, whatever it folds to.
 */
function foldName(name: string): string {
    return name.replace(/[a-z\u017f\u212a]/g, (c) => (c === "\u212a" ? "K" : c === "\u017f" ? "S" : c.toUpperCase()));
}

/** The members of the top-level object of `text`, known to be valid JSON, in order, each value as written. */
function objectMembers(text: string): Array<[string, string]> {
    const members: Array<[string, string]> = [];
    const space = (i: number) => {
        while (i < text.length && " \t\n\r".includes(text[i])) {
            i++;
        }
        return i;
    };
    let i = space(text.indexOf("{") + 1);
    while (text[i] !== "}") {
        const keyEnd = stringEnd(text, i);
        const key = JSON.parse(text.slice(i, keyEnd)) as string;
        const start = space(space(keyEnd) + 1);
        const end = valueEnd(text, start);
        members.push([key, text.slice(start, end)]);
        i = space(end);
        if (text[i] === ",") {
            i = space(i + 1);
        }
    }
    return members;
}

/** Just past the closing quote of the JSON string that starts at `i`. */
function stringEnd(text: string, i: number): number {
    for (i++; text[i] !== '"'; i++) {
        if (text[i] === "\\") {
            i++;
        }
    }
    return i + 1;
}

/** Just past the JSON value that starts at `i`. */
function valueEnd(text: string, i: number): number {
    let depth = 0;
    do {
        const c = text[i];
        if (c === '"') {
            i = stringEnd(text, i);
            continue;
        }
        if (c === "{" || c === "[") {
            // One more for the top-level object.
            if (++depth + 1 > MAX_NESTING_DEPTH) {
                throw unusable(`its output nests objects and arrays more than ${MAX_NESTING_DEPTH} deep`);
            }
        } else if (c === "}" || c === "]") {
            depth--;
        } else if (depth === 0) {
            // A number, true, false or null: it runs to the next delimiter.
            while (i < text.length && !" \t\n\r,}]".includes(text[i])) {
                i++;
            }
            return i;
        }
        i++;
    } while (depth > 0);
    return i;
}

/**
 * A time as Go's `time.Parse(time.RFC3339, s)` reads it, which is what `time.Time` unmarshals a
 * JSON string with (its strict RFC 3339 checks are disabled): a one- or two-digit hour, a
 * fraction after "." or ",", a zone offset of up to 24 hours and 60 minutes; no leap second.
 */
function parseGoRfc3339(s: string): Date | undefined {
    const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:[.,]([0-9]+))?(?:Z|([+-])([0-9]{2}):([0-9]{2}))$/.exec(s);
    if (!m) {
        return undefined;
    }
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
    const [offsetHours, offsetMinutes] = [Number(m[9] ?? 0), Number(m[10] ?? 0)];
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59 || offsetHours > 24 || offsetMinutes > 60) {
        return undefined;
    }
    const date = new Date(0);
    // setUTCFullYear, unlike Date.UTC, takes years 0-99 as written.
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hour, minute, second, Number((m[7] ?? "").slice(0, 3).padEnd(3, "0")));
    const offsetMs = (offsetHours * 60 + offsetMinutes) * 60_000 * (m[8] === "-" ? -1 : 1);
    return new Date(date.getTime() - offsetMs);
}
