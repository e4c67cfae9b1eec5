/**
 * Provider resources as a policy sees them: secrets unwrapped and the props behind @pulumi/policy's
 * unknown-checking proxy, exactly as its server hands them to validateStack.
 */
import type { PolicyProviderResource, PolicyResource } from "@pulumi/policy";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const { unknownCheckingProxy } = require("@pulumi/policy") as { unknownCheckingProxy: <T>(v: T) => T };

/** Unwraps engine-encoded secrets, as @pulumi/policy does (keepSecrets = false). */
export function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SIG_KEY] === SECRET_SIG) {
            return unwrapSecrets(obj.value);
        }
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/** A provider resource with the given engine-encoded inputs. */
export function providerView(name: string, inputs: Record<string, unknown>, type = "pulumi:providers:aws"): PolicyProviderResource {
    return {
        type,
        name,
        urn: `urn:pulumi:dev::app::${type}::${name}`,
        props: unknownCheckingProxy(unwrapSecrets(inputs) as Record<string, unknown>),
    };
}

/** A stack resource list entry for a provider, or for a resource that uses one. */
export function resourceView(p: PolicyProviderResource, using?: string): PolicyResource {
    if (!using) {
        return { ...p, opts: {} as PolicyResource["opts"], dependencies: [], propertyDependencies: {}, isType: () => false, asType: () => undefined } as PolicyResource;
    }
    return {
        type: "aws:s3/bucket:Bucket",
        name: using,
        urn: `urn:pulumi:dev::app::aws:s3/bucket:Bucket::${using}`,
        props: unknownCheckingProxy({}),
        opts: {} as PolicyResource["opts"],
        provider: p,
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    } as PolicyResource;
}
