/**
 * One configuration, not several that drift. The settings every policy shares (trusted endpoints and CAs,
 * the organization and audit roles, time limits, concurrency, exemptions) are set once: a policy
 * that leaves one at its default takes the value another policy of the pack sets. When two
 * policies set different values, each keeps its own and the policies that set them say so.
 *
 * The pack learns every policy's config from the engine's Configure request (as @pulumi/policy
 * loads it), or from `aws-root-mfa check`, which reads the same file.
 */
import { analyzerMessages } from "./analyzerMessages";
import { commonSchemaProperties } from "./config";

/** The settings every policy of the pack shares. */
export const SHARED_SETTINGS = ["trustedEndpoints", "trustedCaBundles", "organizationRoleArn", "auditRoleArn", "timeoutSeconds", "concurrency", "exemptions"] as const;

/** Each policy's config properties, as last configured. */
let packConfig: ReadonlyMap<string, Record<string, unknown>> = new Map();

/** Records every policy's config properties (the Configure request, or a config file). */
export function notePackConfig(configs: ReadonlyMap<string, Record<string, unknown>>): void {
    packConfig = configs;
}

/** A shared setting set differently by several policies. */
export interface SharedSettingDisagreement {
    setting: string;
    policies: string[];
}

/**
 * A policy's config with the shared settings it leaves at their defaults taken from the one other
 * policy that sets them, and the disagreements this policy is part of (those it sets itself).
 */
export function withSharedSettings(raw: Record<string, unknown>): { raw: Record<string, unknown>; disagreements: SharedSettingDisagreement[] } {
    const merged: Record<string, unknown> = { ...raw };
    const disagreements: SharedSettingDisagreement[] = [];
    for (const setting of SHARED_SETTINGS) {
        const setters = [...packConfig.entries()].filter(([, props]) => isSet(setting, props[setting]));
        const values = new Set(setters.map(([, props]) => JSON.stringify(props[setting])));
        if (values.size > 1) {
            if (isSet(setting, raw[setting])) {
                disagreements.push({ setting, policies: setters.map(([name]) => name).sort() });
            }
            continue;
        }
        if (values.size === 1 && !isSet(setting, raw[setting])) {
            merged[setting] = setters[0][1][setting];
        }
    }
    return { raw: merged, disagreements };
}

/** A setting counts as set when present and not its schema default. */
function isSet(setting: string, value: unknown): boolean {
    if (value === undefined || value === null || value === "") {
        return false;
    }
    const fallback = (commonSchemaProperties?.[setting] as { default?: unknown } | undefined)?.default;
    return fallback === undefined || JSON.stringify(value) !== JSON.stringify(fallback);
}

let installed = false;

/** Wraps the engine's Configure request so every policy's config is noted as @pulumi/policy reads it. Idempotent. */
export function installPackConfigWatcher(): void {
    if (installed) {
        return;
    }
    installed = true;
    const request = analyzerMessages()?.ConfigureAnalyzerRequest?.prototype as { getPolicyconfigMap?: () => unknown } | undefined;
    const original = request?.getPolicyconfigMap;
    if (!request || typeof original !== "function") {
        return;
    }
    request.getPolicyconfigMap = function (this: unknown) {
        const map = original.call(this);
        try {
            const configs = new Map<string, Record<string, unknown>>();
            for (const [name, policyConfig] of (map as { entries(): Iterable<[string, { getProperties(): { toJavaScript(): Record<string, unknown> } | undefined }]> }).entries()) {
                configs.set(name, policyConfig.getProperties()?.toJavaScript() ?? {});
            }
            notePackConfig(configs);
        } catch {
            // Never let the watcher break Configure: each policy then keeps its own settings.
        }
        return map;
    };
}
