/**
 * aws-root-mfa: a Pulumi CrossGuard policy pack that keeps deployments out of AWS accounts whose
 * root user is unprotected. Loading it needs no stack, config or AWS credentials, writes nothing
 * to stdout, and loads no AWS SDK module until a stack with AWS providers is checked.
 */
import { PolicyPack } from "@pulumi/policy";
import { isAwsProviderType } from "./discover/providers";
import { installRunBoundaries } from "./posture/session";
import { forgetNotedSecrets, installSecretCollector } from "./report/secrets";
import { PACK_NAME, policies } from "./pack";
import { installPackConfigWatcher } from "./sharedConfig";

installSecretCollector(isAwsProviderType);
// Shared settings are set once: every policy's config is noted at Configure.
installPackConfigWatcher();
// A stack analysis sends every provider again: the secrets noted before it are forgotten.
installRunBoundaries(forgetNotedSecrets);

new PolicyPack(PACK_NAME, { policies });
