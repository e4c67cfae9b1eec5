/**
 * Which AWS providers a stack uses: provider resources in the stack's resource list, and every
 * resource's `provider` reference (the snapshot-based `pulumi policy analyze` can leave provider
 * resources out of the list).
 */
import type { PolicyProviderResource, PolicyResource } from "@pulumi/policy";
import { InputError } from "./inputs";
import { ProviderSettings, parseAwsNativeProviderInputs, parseAwsProviderInputs } from "./settings";
import { UnknownValueError, isUnknownValueError } from "./unknown";

/** Resource type of pulumi-aws provider resources, explicit and default alike. */
export const AWS_PROVIDER_TYPE = "pulumi:providers:aws";

/** Resource type of pulumi-aws-native provider resources. */
export const AWS_NATIVE_PROVIDER_TYPE = "pulumi:providers:aws-native";

const PARSERS: Record<string, (props: Record<string, unknown>) => ProviderSettings> = {
    [AWS_PROVIDER_TYPE]: parseAwsProviderInputs,
    [AWS_NATIVE_PROVIDER_TYPE]: parseAwsNativeProviderInputs,
};

/** True for the provider types whose accounts the pack checks. */
export function isAwsProviderType(type: string): boolean {
    return Object.prototype.hasOwnProperty.call(PARSERS, type);
}

/** A provider resource, named the way the user knows it. */
export interface ProviderRef {
    urn: string;
    name: string;
    /** The provider resource type (aws or aws-native). */
    type: string;
    /** Default providers are made by the engine from `aws:*` stack config. */
    isDefault: boolean;
    /** Its secret inputs that could be read, kept only so that no message can repeat them. */
    secrets: string[];
}

/** A provider whose inputs are known and well formed. */
export interface ReadyProvider {
    status: "ready";
    provider: ProviderRef;
    settings: ProviderSettings;
}

/** A provider with a malformed input: it cannot be checked, so it fails closed. */
export interface InvalidProvider {
    status: "invalid";
    provider: ProviderRef;
    error: InputError;
}

/** A provider with an input unknown during preview. */
export interface UnknownProvider {
    status: "unknown";
    provider: ProviderRef;
    /** The path of the unknown input, e.g. "assumeRoles". */
    input: string;
    /** @pulumi/policy's own error, rethrown later so its server reports "can't run during preview". */
    error: UnknownValueError;
}

/** One discovered provider. */
export type DiscoveredProvider = ReadyProvider | InvalidProvider | UnknownProvider;

/** Every AWS provider the stack's resources use, deduplicated by URN, in a stable order. */
export function discoverAwsProviders(resources: PolicyResource[]): DiscoveredProvider[] {
    const byUrn = new Map<string, PolicyProviderResource>();
    for (const r of resources) {
        if (isAwsProviderType(r.type) && !byUrn.has(r.urn)) {
            byUrn.set(r.urn, r);
        }
        const p = r.provider;
        if (p && isAwsProviderType(p.type) && !byUrn.has(p.urn)) {
            byUrn.set(p.urn, p);
        }
    }
    return [...byUrn.values()]
        .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0))
        .map(readProvider);
}

/** Parses one provider resource; never throws. */
export function readProvider(r: PolicyProviderResource): DiscoveredProvider {
    const provider: ProviderRef = { urn: r.urn, name: r.name, type: r.type, isDefault: isDefaultProviderName(r.name), secrets: secretsOf(r.props) };
    try {
        return { status: "ready", provider, settings: PARSERS[r.type](r.props) };
    } catch (e) {
        if (isUnknownValueError(e)) {
            return { status: "unknown", provider, input: unknownInputPath(e), error: e };
        }
        if (e instanceof InputError) {
            return { status: "invalid", provider, error: e };
        }
        return {
            status: "invalid",
            provider,
            error: new InputError("(provider inputs)", `could not be read (${e instanceof Error ? e.name : typeof e})`),
        };
    }
}

const SECRET_INPUTS = ["accessKey", "secretKey", "token"];

/** The provider's secret inputs, read one by one so that an unknown or odd one is just skipped. */
function secretsOf(props: Record<string, unknown>): string[] {
    const secrets: string[] = [];
    for (const input of SECRET_INPUTS) {
        try {
            const value = props[input];
            if (typeof value === "string" && value !== "") {
                secrets.push(value);
            }
        } catch {
            // Unknown during preview: there is nothing to hide yet.
        }
    }
    return secrets;
}

/** The engine names default providers `default` or `default_<version>`. */
function isDefaultProviderName(name: string): boolean {
    return name === "default" || name.startsWith("default_");
}

function unknownInputPath(e: UnknownValueError): string {
    return Array.isArray(e.props) && e.props.length > 0 ? e.props.map(String).join(".") : "(an input)";
}
