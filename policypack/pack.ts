/**
 * The pack's identity and its policies, in one place for the Pulumi entry point (index.ts) and for
 * `aws-root-mfa check`, which runs the same policies outside Pulumi.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { rootCredentialsCentralized } from "./policies/rootCredentialsCentralized";
import { rootCredentialsRemoved } from "./policies/rootCredentialsRemoved";
import { rootHardwareMfa } from "./policies/rootHardwareMfa";
import { rootMfaBeforeDeploy } from "./policies/rootMfaBeforeDeploy";
import { rootMfaEnabled } from "./policies/rootMfaEnabled";
import { rootNoAccessKeys } from "./policies/rootNoAccessKeys";

/** The policy pack's name, as Pulumi shows it. */
export const PACK_NAME = "aws-root-mfa";

/** Every policy of the pack, in the order the pack declares them. */
export const policies: Array<StackValidationPolicy | ResourceValidationPolicy> = [
    rootMfaEnabled, rootCredentialsCentralized, rootNoAccessKeys, rootHardwareMfa, rootCredentialsRemoved, rootMfaBeforeDeploy,
];

/** The pack's version: package.json's, as @pulumi/policy reports it (the same file from policypack/ and from bin/). */
export function packVersion(): string {
    try {
        const pkg = JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as { version?: unknown };
        return typeof pkg.version === "string" ? pkg.version : "0.0.0";
    } catch {
        return "0.0.0";
    }
}
