/**
 * The last guard before text leaves the pack: removes every secret the run has seen, and anything
 * shaped like an AWS key or token, from a message.
 */
import type { DiscoveredProvider } from "../discover/providers";

const REDACTED = "[redacted]";
// Access key ids (long-term AKIA, temporary ASIA) and any long base64 run: secret keys are 40
// characters, session tokens hundreds.
const KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g;
const LONG_BASE64 = /[A-Za-z0-9+/=]{40,}/g;
const SECRET_ENV = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"];

/** Removes secrets from the text of a message. */
export type Redactor = (text: string) => string;

/** A redactor for the secrets of these providers and of the pack's environment. */
export function redactorFor(providers: readonly DiscoveredProvider[], env: NodeJS.ProcessEnv = process.env): Redactor {
    const secrets = new Set<string>();
    const add = (value: string | undefined) => {
        if (value && value.length >= 4) {
            secrets.add(value);
        }
    };
    for (const p of providers) {
        p.provider.secrets.forEach(add);
        if (p.status === "ready") {
            p.settings.assumeRoles.forEach((role) => add(role.externalId));
            add(p.settings.webIdentity?.webIdentityToken);
        }
    }
    for (const name of SECRET_ENV) {
        add(env[name]);
    }
    // Longest first, so a secret containing another is removed whole.
    const ordered = [...secrets].sort((a, b) => b.length - a.length);
    return (text) => {
        let out = text;
        for (const secret of ordered) {
            out = out.split(secret).join(REDACTED);
        }
        return out.replace(KEY_ID, REDACTED).replace(LONG_BASE64, REDACTED);
    };
}
