/**
 * The last guard before text leaves the pack. Every message is cleaned of the secrets of every
 * provider in the stack — their credentials, external ids and web identity tokens, and every value
 * the engine marked secret in their inputs — and of the environment's keys, whichever provider it
 * is about. Only then is text that came from AWS, the SDK or a file (marked with {@link quoted})
 * masked for the shapes of keys and tokens: masking first would cut a secret in half and leave
 * the other half to be printed.
 */
import type { DiscoveredProvider, ProviderRef } from "../discover/providers";
import { parseProxyUrl } from "../discover/settings";
import { allNotedSecrets, noteSecret, removeSecrets, secretsOf } from "./secrets";

const REDACTED = "[redacted]";
const SECRET_ENV = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ACCESS_KEY", "AWS_SECRET_KEY"];
const PROXY_ENV = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"];
// Longer messages are cut, after redaction (an error can echo a huge input).
const MAX_MESSAGE_LENGTH = 8000;

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
function noteProxyCredentials(proxy: string | undefined, secrets: Set<string>): void {
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

/** Removes every secret, then masks key shapes in quoted text, then drops the quote marks. */
export type Redactor = (text: string, about: readonly ProviderRef[]) => string;

/**
 * A redactor that knows the secrets of these providers, of every provider the engine has sent so
 * far (a resource check sees one provider, but a shared answer may come from another's reader),
 * and of the pack's environment.
 */
export function redactorFor(providers: readonly DiscoveredProvider[], env: NodeJS.ProcessEnv = process.env): Redactor {
    const secrets = new Set<string>();
    for (const value of allNotedSecrets()) {
        noteSecret(value, secrets);
    }
    for (const p of providers) {
        for (const value of [...p.provider.secrets, ...secretsOf(p.provider.urn)]) {
            noteSecret(value, secrets);
        }
        if (p.status === "ready") {
            p.settings.assumeRoles.forEach((role) => noteSecret(role.externalId, secrets));
            noteSecret(p.settings.webIdentity?.webIdentityToken, secrets);
            noteProxyCredentials(p.settings.network.httpProxy, secrets);
            noteProxyCredentials(p.settings.network.httpsProxy, secrets);
        }
    }
    for (const name of SECRET_ENV) {
        noteSecret(env[name], secrets);
    }
    for (const name of PROXY_ENV) {
        noteProxyCredentials(env[name], secrets);
    }
    return (text, about) => {
        // A provider's name is public (it is in its URN): a secret that is part of a name the
        // message prints is no secret there, and removing it would garble the name.
        const applicable = [...secrets].filter((secret) => !about.some((p) => p.name.includes(secret)));
        const cleaned = removeSecrets(text, applicable, REDACTED);
        const masked = cleaned
            .replace(QUOTED, (_, inner: string) => inner.replace(KEY_ID, REDACTED).replace(LONG_BASE64, REDACTED))
            .replace(/[\uE000\uE001]/g, "");
        return masked.length > MAX_MESSAGE_LENGTH ? `${masked.slice(0, MAX_MESSAGE_LENGTH - 3)}...` : masked;
    };
}
