/**
 * aws-root-mfa: a Pulumi CrossGuard policy pack that keeps deployments out of AWS accounts whose
 * root user is unprotected. Loading it needs no stack, config or AWS credentials, writes nothing
 * to stdout, and loads no AWS SDK module until a stack with AWS providers is checked.
 */
import { PolicyPack } from "@pulumi/policy";
import { isAwsProviderType } from "./discover/providers";
import { installRunBoundaries } from "./posture/session";
import { forgetNotedSecrets, installSecretCollector } from "./report/secrets";
import { rootCredentialsCentralized } from "./policies/rootCredentialsCentralized";
import { rootCredentialsRemoved } from "./policies/rootCredentialsRemoved";
import { rootHardwareMfa } from "./policies/rootHardwareMfa";
import { rootMfaBeforeDeploy } from "./policies/rootMfaBeforeDeploy";
import { rootMfaEnabled } from "./policies/rootMfaEnabled";
import { rootNoAccessKeys } from "./policies/rootNoAccessKeys";

installSecretCollector(isAwsProviderType);
// A stack analysis sends every provider again: the secrets noted before it are forgotten.
installRunBoundaries(forgetNotedSecrets);

new PolicyPack("aws-root-mfa", {
    policies: [rootMfaEnabled, rootCredentialsCentralized, rootNoAccessKeys, rootHardwareMfa, rootCredentialsRemoved, rootMfaBeforeDeploy],
});
