/**
 * Real provider input shapes: registers @pulumi/aws's own `Provider` under @pulumi/pulumi runtime
 * mocks and captures the inputs it sends to the engine, so an SDK change in how inputs are encoded
 * shows up in the tests.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as awsTypes from "@pulumi/aws";

const captured = new Map<string, { type: string; inputs: Record<string, unknown> }>();
let mocksSet = false;

function ensureMocks(): void {
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

/** The inputs the engine receives for `new aws.Provider(name, args)`, secrets unwrapped as the analyzer sees them. */
export async function awsProviderInputs(name: string, args: awsTypes.ProviderArgs): Promise<{ type: string; inputs: Record<string, unknown> }> {
    ensureMocks();
    // Loaded after the mocks, as @pulumi/aws reads runtime settings on first use.
    const aws: typeof awsTypes = require("@pulumi/aws");
    const provider = new aws.Provider(name, args);
    await new Promise<void>((resolve) => provider.urn.apply(() => resolve()));
    const entry = captured.get(name);
    if (!entry) {
        throw new Error(`provider ${name} was not registered`);
    }
    return entry;
}
