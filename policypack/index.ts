/**
 * aws-root-mfa: a Pulumi CrossGuard policy pack that keeps deployments out of AWS accounts whose
 * root user is unprotected. Loading it needs no stack, config or AWS credentials, writes nothing
 * to stdout, and loads no AWS SDK module until a stack configures or uses the AWS provider.
 */
import { PolicyPack } from "@pulumi/policy";
import { isAwsProviderType } from "./discover/providers";
import { installRunBoundaries } from "./posture/session";
import { installSdkWarmUp } from "./posture/sdk";
import { forgetNotedSecrets, installSecretCollector } from "./report/secrets";
import { PACK_NAME, policies } from "./pack";
import { installPackConfigWatcher } from "./sharedConfig";

installSecretCollector(isAwsProviderType);
// Shared settings are set once: every policy's config is noted at Configure.
installPackConfigWatcher();
// A stack analysis sends every provider again: the secrets noted before it are forgotten.
installRunBoundaries(forgetNotedSecrets);
// A stack whose config sets the AWS provider up loads the SDK while its program runs.
installSdkWarmUp();

new PolicyPack(PACK_NAME, { policies });
