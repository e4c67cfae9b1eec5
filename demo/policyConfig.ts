/**
 * The one place the demo's policy config is written: what `npm run demo` passes, as
 * `pulumi preview --policy-pack-config` would, to every policy of the pack.
 */
import type { PolicyPackConfig } from "../tests/harness/engine";

/** The pack's policies the demo configures (the same settings for each). */
const POLICIES = ["aws-root-mfa-enabled", "aws-root-credentials-centralized", "aws-root-mfa-before-deploy"];

/** The demo's `--policy-pack-config`, trusting the local AWS-compatible endpoint at `endpointUrl`. */
export function demoPolicyConfig(endpointUrl: string): PolicyPackConfig {
    const shared = {
        timeoutSeconds: 10,
        // TRUSTED ENDPOINTS: the pack may send requests only to the endpoint overrides listed here
        // (issue 8). Until the config schema declares the property, the pack ignores it.
        trustedEndpoints: [endpointUrl],
    };
    return Object.fromEntries(POLICIES.map((name) => [name, { ...shared }]));
}
