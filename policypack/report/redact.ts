/**
 * The last guard before text leaves the pack: removes from a message every secret value of the
 * providers it is about — their credentials, external ids and web identity tokens, and every value
 * the engine marked secret in their inputs — and the environment's keys. (Text that comes from AWS
 * or the SDK is also masked for key and token shapes where it enters a failure: posture/failure.ts.)
 */
import type { DiscoveredProvider, ProviderRef } from "../discover/providers";
import { noteSecret, removeSecrets, secretsOf } from "./secrets";

const REDACTED = "[redacted]";
const SECRET_ENV = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"];
// Longer messages are cut, after redaction (an error can echo a huge input).
const MAX_MESSAGE_LENGTH = 8000;

/** Removes the secrets of the providers a message is about. */
export type Redactor = (text: string, about: readonly ProviderRef[]) => string;

/** A redactor that knows the secrets of these providers and of the pack's environment. */
export function redactorFor(providers: readonly DiscoveredProvider[], env: NodeJS.ProcessEnv = process.env): Redactor {
    const byUrn = new Map<string, Set<string>>();
    for (const p of providers) {
        const secrets = new Set<string>();
        for (const value of [...p.provider.secrets, ...secretsOf(p.provider.urn)]) {
            noteSecret(value, secrets);
        }
        if (p.status === "ready") {
            p.settings.assumeRoles.forEach((role) => noteSecret(role.externalId, secrets));
            noteSecret(p.settings.webIdentity?.webIdentityToken, secrets);
        }
        byUrn.set(p.provider.urn, secrets);
    }
    const envSecrets = new Set<string>();
    for (const name of SECRET_ENV) {
        noteSecret(env[name], envSecrets);
    }
    return (text, about) => {
        // A provider's name is public (it is in its URN): a secret that is part of it is no secret there.
        const secrets = [...envSecrets, ...about.flatMap((p) => [...(byUrn.get(p.urn) ?? [])])]
            .filter((secret) => !about.some((p) => p.name.includes(secret)));
        const redacted = removeSecrets(text, secrets, REDACTED);
        return redacted.length > MAX_MESSAGE_LENGTH ? `${redacted.slice(0, MAX_MESSAGE_LENGTH - 3)}...` : redacted;
    };
}
