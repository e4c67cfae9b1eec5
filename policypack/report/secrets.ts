/**
 * Every value the engine marked secret in an AWS provider's inputs, by provider URN: @pulumi/policy unwraps secrets
 * before a policy sees them (so a secret role ARN, profile or region looks like any other string),
 * which leaves the pack no way to know what must never be printed. This collector notes each
 * secret as the engine sent it, before @pulumi/policy (pinned at 1.21.0) unwraps it.
 */
import { analyzerMessages } from "../analyzerMessages";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
// Shorter values cannot be removed from a message without mangling it; they are no real secret.
const MIN_SECRET_LENGTH = 4;

/**
 * How many distinct secret values, and characters in all, the pack keeps for one provider (a
 * hostile stack can send megabytes). Both are above what a message is checked against for other
 * providers (report/redact.ts), so a provider that had values dropped always has more than that.
 */
export const MAX_KEPT_VALUES = 40_000;
/** See {@link MAX_KEPT_VALUES}. */
export const MAX_KEPT_CHARS = 16_000_000;

/** Where {@link noteSecret} puts what it finds: a plain set, or a provider's bounded notes. */
export interface SecretSink {
    add(secret: string): unknown;
}

/**
 * The secret values noted for one provider, kept up to {@link MAX_KEPT_VALUES} and
 * {@link MAX_KEPT_CHARS}. What does not fit is counted, never forgotten: a message that would
 * have to be checked against it is withheld instead.
 */
export class SecretNotes implements SecretSink {
    private readonly values = new Set<string>();
    /** The values kept, each at least 4 characters long. */
    readonly kept: ReadonlySet<string> = this.values;
    private keptChars = 0;
    /** How many values were not kept (Infinity when some could not even be counted). */
    dropped = 0;
    /** Their characters (Infinity when not known). */
    droppedChars = 0;

    /** Keeps `secret` if it fits, else counts it. */
    add(secret: string): void {
        if (this.values.has(secret)) {
            return;
        }
        if (this.values.size >= MAX_KEPT_VALUES || this.keptChars + secret.length > MAX_KEPT_CHARS) {
            this.dropped += 1;
            this.droppedChars += secret.length;
            return;
        }
        this.values.add(secret);
        this.keptChars += secret.length;
    }

    /** Adds every value `other` kept, and counts what it did not keep. */
    absorb(other: SecretNotes): void {
        for (const secret of other.kept) {
            this.add(secret);
        }
        this.dropped += other.dropped;
        this.droppedChars += other.droppedChars;
    }

    /** Records that the provider's inputs could not be walked to the end: what was missed is unknown. */
    markIncomplete(): void {
        this.dropped = Number.POSITIVE_INFINITY;
        this.droppedChars = Number.POSITIVE_INFINITY;
    }
}

// The secrets of each provider, by URN, as last sent by the engine.
const byUrn = new Map<string, SecretNotes>();

/**
 * Every AWS provider's secrets the engine has sent during this run, by URN: a message about one
 * provider can carry text read with another's credentials (an answer shared across providers).
 */
export function notedSecrets(): ReadonlyMap<string, SecretNotes> {
    return byUrn;
}

/** Forgets the secrets noted so far: a new stack analysis sends every provider again. */
export function forgetNotedSecrets(): void {
    byUrn.clear();
}

/** Adds a secret value, and every string inside it when it is JSON text, a list or an object, to `into`. */
export function noteSecret(value: unknown, into: SecretSink): void {
    // A loop, not recursion: secret JSON nested ever so deep must not overflow the stack.
    const pending: unknown[] = [value];
    while (pending.length > 0) {
        const v = pending.pop();
        if (typeof v === "string") {
            if (v.length >= MIN_SECRET_LENGTH) {
                into.add(v);
            }
            const text = v.trim();
            if (text.startsWith("{") || text.startsWith("[") || text.startsWith("\"")) {
                try {
                    pending.push(JSON.parse(text));
                } catch {
                    // Not JSON: the whole string is already noted.
                }
            }
        } else if (typeof v === "number" && Number.isFinite(v)) {
            pending.push(String(v));
        } else if (Array.isArray(v)) {
            for (const item of v) {
                pending.push(item);
            }
        } else if (v !== null && typeof v === "object") {
            for (const item of Object.values(v)) {
                pending.push(item);
            }
        }
    }
}

/** The form an error message gives a secret once its white space is folded (posture/failure.ts folds it). */
function folded(secret: string): string {
    return secret.replace(/\s+/g, " ").trim();
}

// A secret is filed under its last characters, a long one under more of them: the fewer secrets
// share a bucket, the fewer are compared at each position of a message.
const SHORT_KEY = MIN_SECRET_LENGTH;
const LONG_KEY = 8;

/**
 * Finds every occurrence of any of many secrets in a text in one pass over the text: each window
 * of the text is looked up among the secrets that end with it, so the cost grows with the text,
 * not with the number of secrets (unless many of them end alike).
 */
export class SecretMatcher {
    private readonly forms = new Set<string>();
    private readonly short = new Map<string, string[]>();
    private readonly long = new Map<string, string[]>();

    /** Adds a secret, as written and with its white space folded. */
    add(secret: string): void {
        for (const form of [secret, folded(secret)]) {
            if (form.length < MIN_SECRET_LENGTH || this.forms.has(form)) {
                continue;
            }
            this.forms.add(form);
            const [index, keyLength] = form.length >= LONG_KEY ? [this.long, LONG_KEY] : [this.short, SHORT_KEY];
            const key = form.slice(-keyLength);
            const bucket = index.get(key);
            if (bucket) {
                bucket.push(form);
            } else {
                index.set(key, [form]);
            }
        }
    }

    /**
     * `text` with every occurrence of every secret replaced, except the secrets `spare` accepts.
     * Occurrences that overlap become one replacement, so no part of a longer secret survives a
     * shorter one inside it (the same as removing the longest first).
     */
    remove(text: string, replacement: string, spare: (secret: string) => boolean = () => false): string {
        const spans: Array<[number, number]> = [];
        const find = (index: Map<string, string[]>, keyLength: number, end: number) => {
            const bucket = index.size > 0 ? index.get(text.slice(end - keyLength, end)) : undefined;
            if (bucket === undefined) {
                return;
            }
            for (const form of bucket) {
                const start = end - form.length;
                if (start >= 0 && text.startsWith(form, start) && !spare(form)) {
                    spans.push([start, end]);
                }
            }
        };
        for (let end = SHORT_KEY; end <= text.length; end++) {
            find(this.short, SHORT_KEY, end);
            if (end >= LONG_KEY) {
                find(this.long, LONG_KEY, end);
            }
        }
        if (spans.length === 0) {
            return text;
        }
        spans.sort((a, b) => a[0] - b[0]);
        let out = "";
        let at = 0;
        let [start, end] = spans[0];
        for (const [s, e] of spans.slice(1)) {
            if (s < end) {
                end = Math.max(end, e);
            } else {
                out += text.slice(at, start) + replacement;
                at = end;
                [start, end] = [s, e];
            }
        }
        return out + text.slice(at, start) + replacement + text.slice(end);
    }
}

/**
 * Removes every one of `secrets` from `text` (longest first: no part of a longer secret survives a
 * shorter one inside it), also in the form an error message gives them once its white space is
 * folded to single spaces.
 */
export function removeSecrets(text: string, secrets: Iterable<string>, replacement: string): string {
    const matcher = new SecretMatcher();
    for (const secret of secrets) {
        matcher.add(secret);
    }
    return matcher.remove(text, replacement);
}

/** Walks engine-encoded properties and notes the value of every secret wrapper. */
function collect(value: unknown, into: SecretSink): void {
    const pending: unknown[] = [value];
    while (pending.length > 0) {
        const v = pending.pop();
        if (Array.isArray(v)) {
            for (const item of v) {
                pending.push(item);
            }
        } else if (v !== null && typeof v === "object") {
            const obj = v as Record<string, unknown>;
            if (obj[SIG_KEY] === SECRET_SIG) {
                noteSecret(obj.value, into);
            } else {
                for (const item of Object.values(obj)) {
                    pending.push(item);
                }
            }
        }
    }
}

let installed = false;

/** The engine's messages whose properties @pulumi/policy deserializes, and that name a resource type. */
const RESOURCE_MESSAGES = ["AnalyzeRequest", "AnalyzerResource", "AnalyzerProviderResource"];

/**
 * Wraps `getProperties` of the engine's resource messages, as @pulumi/policy loads them, so that
 * every secret in an AWS provider's inputs is noted before @pulumi/policy unwraps it. Only provider
 * resources are walked: their inputs are the only stack values a message of the pack can contain.
 * Idempotent; if the messages are not where expected, the field-based redaction still applies.
 */
export function installSecretCollector(isProviderType: (type: string) => boolean): void {
    if (installed) {
        return;
    }
    installed = true;
    const proto = analyzerMessages();
    if (!proto) {
        return;
    }
    // The same message is read again by every policy of a run: walk each one once.
    const walked = new WeakSet<object>();
    for (const name of RESOURCE_MESSAGES) {
        const prototype = proto[name]?.prototype;
        const original = prototype?.getProperties;
        if (!prototype || typeof original !== "function" || typeof prototype.getType !== "function" || typeof prototype.getUrn !== "function") {
            continue;
        }
        prototype.getProperties = function (this: { getType(): string; getUrn(): string }) {
            const struct = original.call(this);
            if (struct !== null && typeof struct === "object" && !walked.has(struct)) {
                walked.add(struct);
                try {
                    if (isProviderType(this.getType())) {
                        // Noted before the walk: a walk that fails leaves the provider marked, not unknown.
                        const notes = new SecretNotes();
                        byUrn.set(this.getUrn(), notes);
                        try {
                            collect((struct as { toJavaScript(): unknown }).toJavaScript(), notes);
                        } catch {
                            notes.markIncomplete();
                        }
                    }
                } catch {
                    // Never let the collector break analysis.
                }
            }
            return struct;
        };
    }
}
