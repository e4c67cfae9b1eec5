/**
 * The engine's analyzer messages, as @pulumi/policy loads them (the same module instance, so that
 * a method wrapped here is the one its server calls). Undefined when they are not where expected.
 */
import { dirname } from "node:path";

/** A generated protobuf message class, as far as the pack touches it. */
export interface MessageClass {
    prototype: Record<string, unknown> & { getProperties?: () => unknown; getType?: () => string; getUrn?: () => string; getResourcesList?: () => unknown };
}

/** `@pulumi/pulumi/proto/analyzer_pb`, resolved from @pulumi/policy's own location. */
export function analyzerMessages(): Record<string, MessageClass | undefined> | undefined {
    try {
        const policyDir = dirname(require.resolve("@pulumi/policy"));
        return require(require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [policyDir] }));
    } catch {
        return undefined;
    }
}
