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
const MAX_SECRETS = 10_000;
const MAX_SECRET_LENGTH = 1024 * 1024;

// The secrets of each provider, by URN, as last sent by the engine.
const byUrn = new Map<string, string[]>();

/** The secret values the engine sent in this provider's inputs (and the string parts of secret JSON text). */
export function secretsOf(urn: string): readonly string[] {
    return byUrn.get(urn) ?? [];
}

/**
 * Every secret the engine has sent in any AWS provider's inputs during this run: a message about
 * one provider can carry text read with another's credentials (an answer shared across providers).
 */
export function allNotedSecrets(): readonly string[] {
    return [...byUrn.values()].flat();
}

/** Forgets the secrets noted so far: a new stack analysis sends every provider again. */
export function forgetNotedSecrets(): void {
    byUrn.clear();
}

/** Adds a secret value, and every string inside it when it is JSON text, a list or an object, to `into`. */
export function noteSecret(value: unknown, into: Set<string>): void {
    if (into.size >= MAX_SECRETS) {
        return;
    }
    if (typeof value === "string") {
        if (value.length >= MIN_SECRET_LENGTH && value.length <= MAX_SECRET_LENGTH) {
            into.add(value);
        }
        const text = value.trim();
        if (text.startsWith("{") || text.startsWith("[") || text.startsWith("\"")) {
            try {
                noteParts(JSON.parse(text), into);
            } catch {
                // Not JSON: the whole string is already noted.
            }
        }
    } else if (typeof value === "number" && Number.isFinite(value)) {
        noteSecret(String(value), into);
    } else {
        noteParts(value, into);
    }
}

function noteParts(value: unknown, into: Set<string>): void {
    if (Array.isArray(value)) {
        value.forEach((v) => noteSecret(v, into));
    } else if (value !== null && typeof value === "object") {
        Object.values(value).forEach((v) => noteSecret(v, into));
    } else if (typeof value === "string" || typeof value === "number") {
        noteSecret(value, into);
    }
}

/**
 * Removes every one of `secrets` from `text`, longest first, also in the form an error message
 * gives them once its white space is folded to single spaces (posture/failure.ts folds it).
 */
export function removeSecrets(text: string, secrets: Iterable<string>, replacement: string): string {
    const forms = new Set<string>();
    for (const secret of secrets) {
        forms.add(secret);
        forms.add(secret.replace(/\s+/g, " ").trim());
    }
    let out = text;
    for (const form of [...forms].sort((a, b) => b.length - a.length)) {
        if (form.length >= MIN_SECRET_LENGTH && form.length <= out.length && out.includes(form)) {
            out = out.split(form).join(replacement);
        }
    }
    return out;
}

/** Walks engine-encoded properties and notes the value of every secret wrapper. */
function collect(value: unknown, into: Set<string>): void {
    if (Array.isArray(value)) {
        value.forEach((v) => collect(v, into));
    } else if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SIG_KEY] === SECRET_SIG) {
            noteSecret(obj.value, into);
            return;
        }
        Object.values(obj).forEach((v) => collect(v, into));
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
                        const found = new Set<string>();
                        collect((struct as { toJavaScript(): unknown }).toJavaScript(), found);
                        byUrn.set(this.getUrn(), [...found]);
                    }
                } catch {
                    // Never let the collector break analysis.
                }
            }
            return struct;
        };
    }
}
