/**
 * Real provider input shapes: registers @pulumi/aws's own `Provider` under @pulumi/pulumi runtime
 * mocks and captures the inputs it sends to the engine, so an SDK change in how inputs are encoded
 * shows up in the tests.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as awsTypes from "@pulumi/aws";
import type * as awsNativeTypes from "@pulumi/aws-native";

const captured = new Map<string, { type: string; inputs: Record<string, unknown> }>();
let mocksSet = false;

/** Sets the runtime mocks (project "app", stack "dev", preview) once per process. */
export function ensureMocks(): void {
    if (mocksSet) {
        return;
    }
    mocksSet = true;
    pulumi.runtime.setMocks({
        newResource: (args) => {
            captured.set(args.name, { type: args.type, inputs: args.inputs });
            return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
    }, "app", "dev", true);
}

/** The inputs the engine receives for `new aws.Provider(name, args)`, secrets in their wire form. */
export async function awsProviderInputs(name: string, args: awsTypes.ProviderArgs): Promise<{ type: string; inputs: Record<string, unknown> }> {
    ensureMocks();
    // Loaded after the mocks, as the SDK reads runtime settings on first use.
    const aws: typeof awsTypes = require("@pulumi/aws");
    return registered(name, new aws.Provider(name, args));
}

/** The inputs the engine receives for `new awsnative.Provider(name, args)`, secrets in their wire form. */
export async function awsNativeProviderInputs(name: string, args: awsNativeTypes.ProviderArgs): Promise<{ type: string; inputs: Record<string, unknown> }> {
    ensureMocks();
    const awsNative: typeof awsNativeTypes = require("@pulumi/aws-native");
    return registered(name, new awsNative.Provider(name, args));
}

/** The type and inputs of the resource registered as `name` so far under the mocks, if any. */
export function capturedResource(name: string): { type: string; inputs: Record<string, unknown> } | undefined {
    return captured.get(name);
}

async function registered(name: string, provider: pulumi.ProviderResource): Promise<{ type: string; inputs: Record<string, unknown> }> {
    await new Promise<void>((resolve) => provider.urn.apply(() => resolve()));
    const entry = captured.get(name);
    if (!entry) {
        throw new Error(`provider ${name} was not registered`);
    }
    return entry;
}
