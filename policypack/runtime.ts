/**
 * Whether the engine is running a preview, as @pulumi/pulumi's runtime says. The module is loaded
 * on first use: inside a Pulumi run it is already loaded (by @pulumi/policy), and
 * `aws-root-mfa check` — where every input is known and nothing is a preview — never needs it
 * (it is 70 MB and half a second to load).
 */
export function isPreview(): boolean {
    return (require("@pulumi/pulumi") as typeof import("@pulumi/pulumi")).runtime.isDryRun();
}
