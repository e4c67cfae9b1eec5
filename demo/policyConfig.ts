/**
 * The one place the demo's policy config is written: what `npm run demo` passes, as
 * `pulumi preview --policy-pack-config` would, to every policy of the pack.
 */
import type { PolicyPackConfig } from "../tests/harness/engine";

/** The pack's policies the demo configures (the same settings for each). */
const POLICIES = ["aws-root-mfa-enabled", "aws-root-credentials-centralized", "aws-root-mfa-before-deploy"];

/**
 * The demo's `--policy-pack-config`, trusting the local AWS-compatible endpoint at `endpointUrl`
 * and, when it serves https, the CA in `caFile` that signed its certificate.
 */
export function demoPolicyConfig(endpointUrl: string, caFile?: string): PolicyPackConfig {
    const shared = {
        timeoutSeconds: 10,
        // The pack sends requests only to genuine AWS endpoints and to those listed here.
        trustedEndpoints: [endpointUrl],
        // And verifies TLS against Node's root CAs plus these files (never the environment's).
        ...(caFile ? { trustedCaBundles: [caFile] } : {}),
    };
    return Object.fromEntries(POLICIES.map((name) => [name, { ...shared }]));
}
