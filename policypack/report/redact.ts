/**
 * The last guard before text leaves the pack. Every message is cleaned of the secrets of every
 * provider in the stack — their credentials, external ids and web identity tokens, and every value
 * the engine marked secret in their inputs — and of the environment's keys, whichever provider it
 * is about. Only then is text that came from AWS, the SDK or a file (marked with {@link quoted})
 * masked for the shapes of keys and tokens: masking first would cut a secret in half and leave
 * the other half to be printed. A message that could hold more secrets of other providers than the
 * pack checks it against, or secrets the pack could not keep, is withheld: the violation stays,
 * its text says why.
 */
import type { DiscoveredProvider, ProviderRef } from "../discover/providers";
import { parseProxyUrl } from "../discover/settings";
import { describeProviders } from "./messages";
import { SecretMatcher, SecretNotes, SecretSink, noteSecret, notedSecrets } from "./secrets";

const REDACTED = "[redacted]";
const SECRET_ENV = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ACCESS_KEY", "AWS_SECRET_KEY"];
const PROXY_ENV = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"];
// Longer messages are cut, after redaction (an error can echo a huge input).
const MAX_MESSAGE_LENGTH = 8000;
// A message is checked against at most this many distinct secret values of the providers it is not
// about, and characters of them; beyond, it is withheld. Cleaning is one pass over the message
// whatever their number: these bound the index each policy run builds and holds.
const MAX_CHECKED_VALUES = 10_000;
const MAX_CHECKED_CHARS = 4_000_000;

// Private-use characters around quoted text: they never occur in the pack's own words.
const OPEN = "\uE000";
const CLOSE = "\uE001";
const QUOTED = /\uE000([^\uE000\uE001]*)\uE001/g;

// Access key ids (long-term AKIA, temporary ASIA) and any long base64 run (secret keys are 40
// characters, session tokens hundreds).
const KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g;
const LONG_BASE64 = /[A-Za-z0-9+/=]{40,}/g;

/**
 * Marks text the pack did not write (AWS's or the SDK's words, a file's contents): once secrets
 * are removed, the report masks key and token shapes in it.
 */
export function quoted(text: string): string {
    return `${OPEN}${text.replace(/[\uE000\uE001]/g, "")}${CLOSE}`;
}

/** A proxy URL's user and password (as written and decoded), so no message can print them. */
function noteProxyCredentials(proxy: string | undefined, secrets: SecretSink): void {
    const url = proxy ? parseProxyUrl(proxy) : undefined;
    if (!url || (url.username === "" && url.password === "")) {
        return;
    }
    for (const part of [url.password, url.username]) {
        noteSecret(part, secrets);
        noteSecret(safeDecode(part), secrets);
    }
}

function safeDecode(text: string): string {
    try {
        return decodeURIComponent(text);
    } catch {
        return text;
    }
}

/**
 * Removes every secret, or withholds a message that cannot be checked for all of them, then masks
 * key shapes in quoted text, then drops the quote marks.
 */
export type Redactor = (text: string, about: readonly ProviderRef[]) => string;

/**
 * A redactor that knows the secrets of these providers, of every provider the engine has sent so
 * far (a resource check sees one provider, but a shared answer may come from another's reader),
 * and of the pack's environment. The providers a message is about must be among `providers`.
 */
export function redactorFor(providers: readonly DiscoveredProvider[], env: NodeJS.ProcessEnv = process.env): Redactor {
    // Learnt at the first message: most checks report none, and a failure here is the reporter's to catch.
    let known: KnownSecrets | undefined;
    return (text, about) => {
        known ??= knowSecrets(providers, env);
        const body = known.checkable(about) ? text : withheldMessage(text, about);
        // A provider's name is public (it is in its URN): a secret that is part of a name the
        // message prints is no secret there, and removing it would garble the name.
        const cleaned = known.matcher.remove(body, REDACTED, (secret) => about.some((p) => p.name.includes(secret)));
        const masked = cleaned
            .replace(QUOTED, (_, inner: string) => inner.replace(KEY_ID, REDACTED).replace(LONG_BASE64, REDACTED))
            .replace(/[\uE000\uE001]/g, "");
        return masked.length > MAX_MESSAGE_LENGTH ? `${masked.slice(0, MAX_MESSAGE_LENGTH - 3)}...` : masked;
    };
}

/** Every secret a redactor knows, and whether a message about some providers can be checked for them all. */
interface KnownSecrets {
    matcher: SecretMatcher;
    checkable(about: readonly ProviderRef[]): boolean;
}

function knowSecrets(providers: readonly DiscoveredProvider[], env: NodeJS.ProcessEnv): KnownSecrets {
    const byUrn = new Map<string, SecretNotes>();
    const notesOf = (urn: string) => {
        let notes = byUrn.get(urn);
        if (notes === undefined) {
            notes = new SecretNotes();
            byUrn.set(urn, notes);
        }
        return notes;
    };
    for (const [urn, noted] of notedSecrets()) {
        notesOf(urn).absorb(noted);
    }
    for (const p of providers) {
        const notes = notesOf(p.provider.urn);
        p.provider.secrets.forEach((value) => noteSecret(value, notes));
        if (p.status === "ready") {
            p.settings.assumeRoles.forEach((role) => noteSecret(role.externalId, notes));
            noteSecret(p.settings.webIdentity?.webIdentityToken, notes);
            noteProxyCredentials(p.settings.network.httpProxy, notes);
            noteProxyCredentials(p.settings.network.httpsProxy, notes);
        }
    }
    const matcher = new SecretMatcher();
    // How many providers hold each distinct value, and the characters of them all.
    const holders = new Map<string, number>();
    let chars = 0;
    for (const notes of byUrn.values()) {
        for (const secret of notes.kept) {
            const n = holders.get(secret) ?? 0;
            if (n === 0) {
                matcher.add(secret);
                chars += secret.length;
            }
            holders.set(secret, n + 1);
        }
    }
    const envSecrets = new Set<string>();
    for (const name of SECRET_ENV) {
        noteSecret(env[name], envSecrets);
    }
    for (const name of PROXY_ENV) {
        noteProxyCredentials(env[name], envSecrets);
    }
    envSecrets.forEach((secret) => matcher.add(secret));
    // By the URNs of the providers a message is about: every policy reports on the same few sets.
    const verdicts = new Map<string, boolean>();
    return {
        matcher,
        checkable(about) {
            const own = new Set(about.map((p) => p.urn));
            const key = [...own].sort().join("\n");
            let verdict = verdicts.get(key);
            if (verdict === undefined) {
                verdict = withinLimits(own);
                verdicts.set(key, verdict);
            }
            return verdict;
        },
    };

    function withinLimits(own: ReadonlySet<string>): boolean {
        let values = holders.size;
        let otherChars = chars;
        // The values only the providers it is about hold are theirs: a message is cleaned of
        // those however many there are, as long as none was dropped.
        const held = new Map<string, number>();
        for (const urn of own) {
            const notes = byUrn.get(urn);
            if (notes === undefined) {
                continue;
            }
            if (notes.dropped > 0) {
                return false;
            }
            notes.kept.forEach((secret) => held.set(secret, (held.get(secret) ?? 0) + 1));
        }
        for (const [secret, n] of held) {
            if (n === holders.get(secret)) {
                values -= 1;
                otherChars -= secret.length;
            }
        }
        // Another provider's dropped values count: what the pack did not keep, it cannot check.
        for (const [urn, notes] of byUrn) {
            if (!own.has(urn)) {
                values += notes.dropped;
                otherChars += notes.droppedChars;
            }
        }
        return values <= MAX_CHECKED_VALUES && otherChars <= MAX_CHECKED_CHARS;
    }
}

const ACCOUNT_FIRST = /^Account (\d{12})\b/;

/**
 * What a message says instead of its own text when it cannot be checked for every secret it may
 * hold: the account it names and the providers it is about, why, and what to do. Secret-free by
 * construction but for the account id and provider names, and cleaned like any message.
 */
function withheldMessage(text: string, about: readonly ProviderRef[]): string {
    const account = ACCOUNT_FIRST.exec(text)?.[1];
    const providers = about.length > 0 ? describeProviders(about) : undefined;
    const subject = account !== undefined
        ? `Account ${account}${providers ? ` (${providers})` : ""}: the details of this violation were`
        : providers ? `The AWS account of ${providers}: the details of this violation were` : "The details of this violation were";
    return `${subject} withheld because the stack's AWS providers carry more secret values than the policy pack can check a message against, so the message could not be made safe to print; the policy fails closed.\nWhat to do: give the stack's AWS providers fewer secret inputs (every string inside a secret list or JSON value counts, e.g. in defaultTags or ignoreTags), then run the check again.`;
}
