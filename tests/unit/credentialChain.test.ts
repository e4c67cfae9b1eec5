import { strict as assert } from "node:assert";
import { BaseStep, CredentialPlan, PlanFailure, ProfileRole, ProviderCredentialInputs, decideCredentials, isAllowedContainerAddress, sharedFilePaths } from "../../policypack/discover/credentialChain";
import { SharedProfile, loadSharedProfile, loadSharedSections } from "../../policypack/discover/profiles";

/*
 * Every row was run through a throwaway Go program (under /tmp, not in this repository) built
 * against aws-sdk-go-v2/config v1.33.19: "profile" rows call config.LoadSharedConfigProfile;
 * "chain" rows replay aws-sdk-go-base's GetAwsConfig (static keys, or LoadDefaultConfig with the
 * provider's profile and expanded files, then its assumeRoleWithWebIdentity) in a process with the
 * row's environment and files, and unwrap the credentials provider Go built (retrieving only when
 * its base keys are empty, which fails before any request). `oracle` records the outcome:
 * "confirmed" means Go built the same chain, active profile included (or failed for the same
 * cause where the row fails); otherwise it says why Go cannot confirm the row.
 */

const HOME = "/home/u";
const CONFIG = `${HOME}/.aws/config`;
const CREDS = `${HOME}/.aws/credentials`;

const AK = "AKIDPROFILE";
const SK = "secret-profile";
const TOK = "token-profile";
const ENV_AK = "AKIDENV";
const ENV_SK = "secret-env";
const ENV_TOK = "token-env";
const EXT = "external-id-secret";
/** Values no failure reason may quote. */
const SECRETS = [AK, SK, TOK, ENV_AK, ENV_SK, ENV_TOK, EXT, "provider-secret", "web-token-secret", "container-token-secret"];

const ROLE_A = "arn:aws:iam::111111111111:role/A";
const ROLE_B = "arn:aws:iam::222222222222:role/B";
const ROLE_C = "arn:aws:iam::333333333333:role/C";

type Oracle = "confirmed" | `not confirmed: ${string}`;

/** A plan as the rows state it: the base step, the profile roles, and optionally the active profile. */
interface PlanExpectation {
    base: BaseStep;
    roles?: ProfileRole[];
    profileName?: string;
    /** Fields of the active profile (undefined: no such profile). */
    activeProfile?: Partial<SharedProfile> | undefined;
}

interface FailureExpectation {
    failure: RegExp;
    unsupported?: boolean;
    profile?: string;
}

/** One decision: files (path → text; others do not exist), environment and provider inputs. */
export interface ChainRow {
    name: string;
    files?: Record<string, string>;
    env?: Record<string, string>;
    inputs?: ProviderCredentialInputs;
    expect: PlanExpectation | FailureExpectation;
    oracle: Oracle;
}

const staticProfile = (profile: string, file = CREDS, sessionToken?: string): BaseStep => ({
    kind: "static", keys: { accessKeyId: AK, secretAccessKey: SK, ...(sessionToken ? { sessionToken } : {}) }, source: `profile "${profile}" (${file})`,
});
const envStatic = (from = "AWS_ACCESS_KEY_ID", sessionToken?: string): BaseStep => ({
    kind: "static", keys: { accessKeyId: ENV_AK, secretAccessKey: ENV_SK, ...(sessionToken ? { sessionToken } : {}) }, source: `the environment (${from})`,
});
const imds = (extra: Partial<Extract<BaseStep, { kind: "imds" }>> = {}): BaseStep => ({ kind: "imds", v1Disabled: false, ...extra });
const role = (roleArn: string, profile: string, extra: Partial<ProfileRole> = {}, file = CONFIG): ProfileRole => ({ roleArn, ...extra, profile, file });
const ENV_KEYS = { AWS_ACCESS_KEY_ID: ENV_AK, AWS_SECRET_ACCESS_KEY: ENV_SK };
const KEYS = `aws_access_key_id = ${AK}\naws_secret_access_key = ${SK}\n`;

export const chainRows: ChainRow[] = [
    // The provider's own settings.
    {
        name: "provider static keys win over environment keys and the profile's role",
        files: { [CONFIG]: `[default]\nrole_arn = ${ROLE_A}\ncredential_source = Environment\nregion = eu-west-1\n` },
        env: ENV_KEYS,
        inputs: { staticKeys: { accessKeyId: "AKIDPROVIDER", secretAccessKey: "provider-secret", sessionToken: "" } },
        expect: { base: { kind: "static", keys: { accessKeyId: "AKIDPROVIDER", secretAccessKey: "provider-secret" }, source: "the provider's static keys" }, roles: [], profileName: "default", activeProfile: { name: "default", region: "eu-west-1" } },
        oracle: "confirmed",
    },
    {
        name: "provider static keys with only the access key fail before anything else",
        inputs: { staticKeys: { accessKeyId: "AKIDPROVIDER", secretAccessKey: "" } },
        env: { AWS_USE_FIPS_ENDPOINT: "yes" },
        expect: { failure: /only part of its static keys/ },
        oracle: "confirmed",
    },
    {
        name: "provider static keys still need the provider's profile to exist",
        inputs: { staticKeys: { accessKeyId: "AKIDPROVIDER", secretAccessKey: "provider-secret" }, profile: "missing" },
        files: { [CONFIG]: "[default]\nregion = us-east-1\n" },
        expect: { failure: /"missing", named by the provider's profile setting, is not defined in \/home\/u\/\.aws\/config, \/home\/u\/\.aws\/credentials/, profile: "missing" },
        oracle: "confirmed",
    },
    {
        name: "provider static keys still need AWS_PROFILE's profile to exist",
        inputs: { staticKeys: { accessKeyId: "AKIDPROVIDER", secretAccessKey: "provider-secret" } },
        env: { AWS_PROFILE: "missing" },
        expect: { failure: /"missing", named by AWS_PROFILE, is not defined/, profile: "missing" },
        oracle: "confirmed",
    },
    {
        name: "provider static keys still fail on an invalid active profile (partial keys)",
        inputs: { staticKeys: { accessKeyId: "AKIDPROVIDER", secretAccessKey: "provider-secret" } },
        files: { [CREDS]: `[default]\naws_access_key_id = ${AK}\n` },
        expect: { failure: /profile "default" sets aws_access_key_id without aws_secret_access_key in \/home\/u\/\.aws\/credentials/, profile: "default" },
        oracle: "confirmed",
    },
    {
        name: "provider static keys skip the profile's credential resolution (its mfa_serial does not matter)",
        inputs: { staticKeys: { accessKeyId: "AKIDPROVIDER", secretAccessKey: "provider-secret" } },
        files: { [CONFIG]: `[default]\nrole_arn = ${ROLE_A}\nmfa_serial = arn:aws:iam::111111111111:mfa/u\ncredential_source = Bogus\n` },
        expect: { base: { kind: "static", keys: { accessKeyId: "AKIDPROVIDER", secretAccessKey: "provider-secret" }, source: "the provider's static keys" }, roles: [] },
        oracle: "confirmed",
    },
    {
        name: "provider static keys win over the provider's assumeRoleWithWebIdentity",
        inputs: { staticKeys: { accessKeyId: "AKIDPROVIDER", secretAccessKey: "provider-secret", sessionToken: "provider-token" }, webIdentity: { roleArn: ROLE_A, webIdentityToken: "web-token-secret" } },
        expect: { base: { kind: "static", keys: { accessKeyId: "AKIDPROVIDER", secretAccessKey: "provider-secret", sessionToken: "provider-token" }, source: "the provider's static keys" }, roles: [] },
        oracle: "confirmed",
    },
    {
        name: "the provider's profile beats environment keys",
        files: { [CREDS]: `[p]\n${KEYS}` },
        env: ENV_KEYS,
        inputs: { profile: "p" },
        expect: { base: staticProfile("p"), roles: [], profileName: "p" },
        oracle: "confirmed",
    },
    {
        name: "the provider's profile must exist",
        files: { [CREDS]: `[default]\n${KEYS}` },
        inputs: { profile: "p" },
        expect: { failure: /"p", named by the provider's profile setting, is not defined/, profile: "p" },
        oracle: "confirmed",
    },
    {
        name: "the provider's profile beats AWS_PROFILE",
        files: { [CREDS]: `[p]\n${KEYS}[q]\naws_access_key_id = other\naws_secret_access_key = other\n` },
        env: { AWS_PROFILE: "q" },
        inputs: { profile: "p" },
        expect: { base: staticProfile("p"), roles: [], profileName: "p" },
        oracle: "confirmed",
    },

    // The environment.
    {
        name: "environment keys beat AWS_PROFILE (its role is not assumed, but it is loaded)",
        files: { [CONFIG]: `[profile p]\nrole_arn = ${ROLE_A}\nsource_profile = q\nregion = ap-south-1\n`, [CREDS]: `[q]\n${KEYS}` },
        env: { ...ENV_KEYS, AWS_PROFILE: "p", AWS_SESSION_TOKEN: ENV_TOK },
        expect: { base: envStatic("AWS_ACCESS_KEY_ID", ENV_TOK), roles: [], profileName: "p", activeProfile: { name: "p", region: "ap-south-1", roleArn: ROLE_A } },
        oracle: "confirmed",
    },
    {
        name: "AWS_ACCESS_KEY and AWS_SECRET_KEY are read when the usual names are unset",
        env: { AWS_ACCESS_KEY: ENV_AK, AWS_SECRET_KEY: ENV_SK },
        expect: { base: envStatic("AWS_ACCESS_KEY"), roles: [], profileName: "default", activeProfile: undefined },
        oracle: "confirmed",
    },
    {
        name: "an environment key id without a secret is ignored (AWS_SESSION_TOKEN alone too)",
        files: { [CREDS]: `[default]\n${KEYS}` },
        env: { AWS_ACCESS_KEY_ID: ENV_AK, AWS_SESSION_TOKEN: ENV_TOK },
        expect: { base: staticProfile("default"), roles: [] },
        oracle: "confirmed",
    },
    {
        name: "AWS_PROFILE naming a missing profile fails, even with environment keys",
        files: { [CREDS]: `[default]\n${KEYS}` },
        env: { ...ENV_KEYS, AWS_PROFILE: "nope" },
        expect: { failure: /"nope", named by AWS_PROFILE, is not defined/, profile: "nope" },
        oracle: "confirmed",
    },
    {
        name: "AWS_DEFAULT_PROFILE naming a missing profile falls through to the instance metadata service",
        files: { [CREDS]: `[default]\n${KEYS}` },
        env: { AWS_DEFAULT_PROFILE: "nope" },
        expect: { base: imds(), roles: [], profileName: "nope", activeProfile: undefined },
        oracle: "confirmed",
    },
    {
        name: "AWS_PROFILE beats AWS_DEFAULT_PROFILE",
        files: { [CREDS]: `[a]\n${KEYS}` },
        env: { AWS_PROFILE: "a", AWS_DEFAULT_PROFILE: "b" },
        expect: { base: staticProfile("a"), roles: [], profileName: "a" },
        oracle: "confirmed",
    },
    {
        name: "no files and no environment: the instance metadata service",
        expect: { base: imds(), roles: [], profileName: "default", activeProfile: undefined },
        oracle: "confirmed",
    },
    {
        name: "a missing default profile falls to the container endpoint (relative URI, with a token)",
        env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/abc", AWS_CONTAINER_AUTHORIZATION_TOKEN: "container-token-secret" },
        expect: { base: { kind: "container", url: "http://169.254.170.2/v2/credentials/abc", from: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", authorization: { value: "container-token-secret" } }, roles: [] },
        oracle: "confirmed",
    },
    {
        name: "the relative URI beats the full URI; a token file beats a token",
        env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/creds", AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://10.0.0.1/creds", AWS_CONTAINER_AUTHORIZATION_TOKEN: "container-token-secret", AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/var/run/token" },
        expect: { base: { kind: "container", url: "http://169.254.170.2/creds", from: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", authorization: { file: "/var/run/token" } }, roles: [] },
        oracle: "confirmed",
    },
    {
        name: "full URI on the EKS pod identity address",
        env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.23/v1/credentials", AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token" },
        expect: { base: { kind: "container", url: "http://169.254.170.23/v1/credentials", from: "AWS_CONTAINER_CREDENTIALS_FULL_URI", authorization: { file: "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token" } }, roles: [] },
        oracle: "confirmed",
    },
    {
        name: "full URI on the EKS IPv6 address, bracketed with a port",
        env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://[fd00:ec2::23]:80/v1/credentials" },
        expect: { base: { kind: "container", url: "http://[fd00:ec2::23]:80/v1/credentials", from: "AWS_CONTAINER_CREDENTIALS_FULL_URI" }, roles: [] },
        oracle: "confirmed",
    },
    {
        name: "full URI over http naming a host: Go resolves it (localhost is loopback)",
        env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://localhost:8080/creds" },
        expect: { base: { kind: "container", url: "http://localhost:8080/creds", from: "AWS_CONTAINER_CREDENTIALS_FULL_URI", resolveHost: "localhost" }, roles: [] },
        oracle: "confirmed",
    },
    {
        name: "full URI over http on another address fails",
        env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://10.0.0.1/creds" },
        expect: { failure: /names 10\.0\.0\.1 over plain http/ },
        oracle: "confirmed",
    },
    {
        name: "full URI over https may name any host",
        env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "https://creds.example.com/x" },
        expect: { base: { kind: "container", url: "https://creds.example.com/x", from: "AWS_CONTAINER_CREDENTIALS_FULL_URI" }, roles: [] },
        oracle: "confirmed",
    },
    {
        name: "full URI without a host fails",
        env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http:/creds" },
        expect: { failure: /AWS_CONTAINER_CREDENTIALS_FULL_URI has no host/ },
        oracle: "confirmed",
    },
    {
        name: "full URI that does not parse fails",
        env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://[::1/creds" },
        expect: { failure: /is not a valid URL \(missing '\]' in host\)/ },
        oracle: "confirmed",
    },
    {
        name: "AWS_EC2_METADATA_DISABLED=true: the metadata step has no credentials",
        env: { AWS_EC2_METADATA_DISABLED: "TRUE" },
        expect: { base: imds({ disabledBy: "AWS_EC2_METADATA_DISABLED" }), roles: [] },
        oracle: "confirmed",
    },
    {
        name: "instance metadata settings from the environment (AWS_METADATA_URL copied over, IPv6 mode, v1 off)",
        files: { [CONFIG]: "[default]\nec2_metadata_service_endpoint = http://profile-imds\nec2_metadata_v1_disabled = false\n" },
        env: { AWS_METADATA_URL: "http://169.254.169.254:1338", AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: " ipv6 ", AWS_EC2_METADATA_V1_DISABLED: "true" },
        expect: { base: imds({ endpoint: { url: "http://169.254.169.254:1338", from: "AWS_METADATA_URL" }, mode: "IPv6", v1Disabled: true }), roles: [] },
        oracle: "confirmed",
    },
    {
        name: "instance metadata settings from the active profile (not from a source profile)",
        files: { [CONFIG]: `[profile p]\nrole_arn = ${ROLE_A}\nsource_profile = s\nec2_metadata_service_endpoint = http://[fd00:ec2::254]\nec2_metadata_service_endpoint_mode = IPv6\nec2_metadata_v1_disabled = yes\n[profile s]\ncredential_source = Ec2InstanceMetadata\nrole_arn = ${ROLE_B}\nec2_metadata_service_endpoint = http://ignored\n` },
        env: { AWS_PROFILE: "p" },
        expect: { base: imds({ endpoint: { url: "http://[fd00:ec2::254]", from: `profile "p" (${CONFIG})` }, mode: "IPv6" }), roles: [role(ROLE_B, "s"), role(ROLE_A, "p")] },
        oracle: "confirmed",
    },
    {
        name: "environment web identity (AWS_PROFILE is still loaded but not used)",
        files: { [CREDS]: `[p]\n${KEYS}` },
        env: { AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token", AWS_ROLE_ARN: ROLE_A, AWS_ROLE_SESSION_NAME: "ci", AWS_PROFILE: "p" },
        expect: { base: { kind: "web-identity", roleArn: ROLE_A, sessionName: "ci", token: { file: "/var/run/token", from: "AWS_WEB_IDENTITY_TOKEN_FILE" }, source: "the environment (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)" }, roles: [], profileName: "p" },
        oracle: "confirmed",
    },
    {
        name: "environment web identity needs AWS_ROLE_ARN",
        files: { [CREDS]: `[default]\n${KEYS}` },
        env: { AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token" },
        expect: { failure: /AWS_WEB_IDENTITY_TOKEN_FILE is set without AWS_ROLE_ARN/ },
        oracle: "confirmed",
    },
    {
        name: "environment keys beat environment web identity",
        env: { ...ENV_KEYS, AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token" },
        expect: { base: envStatic(), roles: [] },
        oracle: "confirmed",
    },
    {
        name: "an invalid AWS_USE_FIPS_ENDPOINT fails the provider",
        env: { ...ENV_KEYS, AWS_USE_FIPS_ENDPOINT: "yes" },
        expect: { failure: /AWS_USE_FIPS_ENDPOINT is "yes" but must be true or false/ },
        oracle: "confirmed",
    },
    {
        name: "an invalid AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE fails the provider",
        env: { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: "IPv5" },
        expect: { failure: /AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE is "IPv5" but must be IPv4 or IPv6/ },
        oracle: "confirmed",
    },

    // Profile shapes.
    {
        name: "static keys and role_arn in one profile: the keys assume the role",
        files: { [CONFIG]: `[default]\nrole_arn = ${ROLE_A}\n`, [CREDS]: `[default]\n${KEYS}aws_session_token = ${TOK}\n` },
        expect: { base: staticProfile("default", CREDS, TOK), roles: [role(ROLE_A, "default")] },
        oracle: "confirmed",
    },
    {
        name: "source_profile chain: innermost role first, with session name, external id and duration",
        files: {
            [CONFIG]: `[profile a]\nrole_arn = ${ROLE_A}\nsource_profile = b\nrole_session_name = sa\nexternal_id = ${EXT}\nduration_seconds = 3600\n` +
                `[profile b]\nrole_arn = ${ROLE_B}\nsource_profile = c\nduration_seconds = 900\n[profile c]\nregion = us-east-1\n`,
            [CREDS]: `[c]\n${KEYS}`,
        },
        inputs: { profile: "a" },
        expect: { base: staticProfile("c"), roles: [role(ROLE_B, "b"), role(ROLE_A, "a", { sessionName: "sa", externalId: EXT, durationSeconds: 3600 })] },
        oracle: "confirmed",
    },
    {
        name: "duration_seconds: 0x3C0 is 960 s (passed); a non-number reads as 0 (not passed)",
        files: { [CONFIG]: `[profile a]\nrole_arn = ${ROLE_A}\nsource_profile = b\nduration_seconds = 0x3C0\n[profile b]\nrole_arn = ${ROLE_B}\nsource_profile = c\nduration_seconds = 1h\n`, [CREDS]: `[c]\n${KEYS}` },
        inputs: { profile: "a" },
        expect: { base: staticProfile("c"), roles: [role(ROLE_B, "b"), role(ROLE_A, "a", { durationSeconds: 960 })] },
        oracle: "confirmed",
    },
    {
        name: "source_profile naming itself: its own keys assume its role",
        files: { [CONFIG]: `[default]\nrole_arn = ${ROLE_A}\nsource_profile = default\n`, [CREDS]: `[default]\n${KEYS}` },
        expect: { base: staticProfile("default"), roles: [role(ROLE_A, "default")] },
        oracle: "confirmed",
    },
    {
        name: "source_profile cycle a → b → a: a's keys, then b's role, then a's role",
        files: { [CONFIG]: `[profile a]\nrole_arn = ${ROLE_A}\nsource_profile = b\n[profile b]\nrole_arn = ${ROLE_B}\nsource_profile = a\n`, [CREDS]: `[a]\n${KEYS}` },
        env: { AWS_PROFILE: "a" },
        expect: { base: staticProfile("a"), roles: [role(ROLE_B, "b"), role(ROLE_A, "a")] },
        oracle: "confirmed",
    },
    {
        name: "source_profile cycle without keys fails",
        files: { [CONFIG]: `[profile a]\nrole_arn = ${ROLE_A}\nsource_profile = b\n[profile b]\nrole_arn = ${ROLE_B}\nsource_profile = a\n` },
        env: { AWS_PROFILE: "a" },
        expect: { failure: /profile "b" takes its credentials from source_profile "a", but that profile has no credentials/, profile: "a" },
        oracle: "confirmed",
    },
    {
        name: "a missing source_profile fails (even for the default profile)",
        files: { [CONFIG]: `[default]\nrole_arn = ${ROLE_A}\nsource_profile = gone\n` },
        expect: { failure: /takes its credentials from source_profile "gone", which is not defined/, profile: "default" },
        oracle: "confirmed",
    },
    {
        name: "source_profile without role_arn fails",
        files: { [CONFIG]: "[default]\nsource_profile = b\n[profile b]\nregion = x\n", [CREDS]: `[b]\n${KEYS}` },
        expect: { failure: /profile "default" sets source_profile but no role_arn/ },
        oracle: "confirmed",
    },
    {
        name: "credential_source without role_arn fails",
        files: { [CONFIG]: "[default]\ncredential_source = Environment\n" },
        env: ENV_KEYS,
        expect: { failure: /sets credential_source but no role_arn/ },
        oracle: "confirmed",
    },
    {
        name: "credential_source = Environment: the environment keys assume the role",
        files: { [CONFIG]: `[profile p]\nrole_arn = ${ROLE_A}\ncredential_source = Environment\n` },
        env: ENV_KEYS,
        inputs: { profile: "p" },
        expect: { base: { kind: "static", keys: { accessKeyId: ENV_AK, secretAccessKey: ENV_SK }, source: `the environment (AWS_ACCESS_KEY_ID), named by credential_source in profile "p" (${CONFIG})` }, roles: [role(ROLE_A, "p")] },
        oracle: "confirmed",
    },
    {
        name: "credential_source = Environment without environment keys fails",
        files: { [CONFIG]: `[default]\nrole_arn = ${ROLE_A}\ncredential_source = Environment\n` },
        expect: { failure: /credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set/, profile: "default" },
        // Go builds this chain and fails when it retrieves credentials ("static credentials are empty").
        oracle: "confirmed",
    },
    {
        name: "credential_source = EcsContainer uses the container endpoint",
        files: { [CONFIG]: `[default]\nrole_arn = ${ROLE_A}\ncredential_source = EcsContainer\n` },
        env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:9911/creds" },
        expect: { base: { kind: "container", url: "http://127.0.0.1:9911/creds", from: "AWS_CONTAINER_CREDENTIALS_FULL_URI" }, roles: [role(ROLE_A, "default")] },
        oracle: "confirmed",
    },
    {
        name: "credential_source = EcsContainer without a container endpoint fails",
        files: { [CONFIG]: `[default]\nrole_arn = ${ROLE_A}\ncredential_source = EcsContainer\n` },
        expect: { failure: /neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set/ },
        oracle: "confirmed",
    },
    {
        name: "credential_source = Ec2InstanceMetadata uses the instance metadata service",
        files: { [CONFIG]: `[default]\nrole_arn = ${ROLE_A}\ncredential_source = Ec2InstanceMetadata\n` },
        expect: { base: imds(), roles: [role(ROLE_A, "default")] },
        oracle: "confirmed",
    },
    {
        name: "credential_source must be spelled exactly",
        files: { [CONFIG]: `[default]\nrole_arn = ${ROLE_A}\ncredential_source = environment\n` },
        env: ENV_KEYS,
        inputs: { profile: "default" },
        expect: { failure: /credential_source = "environment"; pulumi-aws accepts only EcsContainer, Ec2InstanceMetadata or Environment/ },
        oracle: "confirmed",
    },
    {
        name: "credential_source and source_profile together: only one credential type",
        files: { [CONFIG]: `[default]\nrole_arn = ${ROLE_A}\ncredential_source = Environment\nsource_profile = b\n`, [CREDS]: `[b]\n${KEYS}` },
        expect: { failure: /sets source_profile and credential_source .*only one credential type/ },
        oracle: "confirmed",
    },
    {
        name: "credential_process and web_identity_token_file together: only one credential type",
        files: { [CONFIG]: `[default]\nrole_arn = ${ROLE_A}\ncredential_process = /bin/creds\nweb_identity_token_file = /t\n` },
        expect: { failure: /sets credential_process and web_identity_token_file/ },
        oracle: "confirmed",
    },
    {
        name: "web_identity_token_file: its role_arn is the web identity role (no second assume-role)",
        files: { [CONFIG]: `[default]\nrole_arn = ${ROLE_A}\nweb_identity_token_file = /var/run/token\nrole_session_name = wi\n` },
        expect: { base: { kind: "web-identity", roleArn: ROLE_A, sessionName: "wi", token: { file: "/var/run/token", from: `profile "default" (${CONFIG})` }, source: `profile "default" (${CONFIG})` }, roles: [] },
        oracle: "confirmed",
    },
    {
        name: "a role on top of a web identity source profile",
        files: { [CONFIG]: `[default]\nrole_arn = ${ROLE_B}\nsource_profile = wi\n[profile wi]\nrole_arn = ${ROLE_A}\nweb_identity_token_file = /var/run/token\n` },
        expect: { base: { kind: "web-identity", roleArn: ROLE_A, token: { file: "/var/run/token", from: `profile "wi" (${CONFIG})` }, source: `profile "wi" (${CONFIG})` }, roles: [role(ROLE_B, "default")] },
        oracle: "confirmed",
    },
    {
        name: "legacy SSO keys",
        files: { [CONFIG]: "[default]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 111111111111\nsso_role_name = Admin\nregion = us-east-1\n" },
        expect: { base: { kind: "sso", profile: "default", file: CONFIG, accountId: "111111111111", roleName: "Admin", startUrl: "https://x.awsapps.com/start", region: "eu-west-1" }, roles: [] },
        oracle: "confirmed",
    },
    {
        name: "legacy SSO keys incomplete fail when resolved",
        files: { [CONFIG]: "[default]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 111111111111\n" },
        expect: { failure: /configure SSO without sso_role_name/ },
        oracle: "confirmed",
    },
    {
        name: "SSO session: the session's region is the SSO client's",
        files: { [CONFIG]: "[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\n[sso-session corp]\nsso_region = us-west-2\nsso_start_url = https://corp.awsapps.com/start\n" },
        env: { AWS_PROFILE: "dev" },
        expect: { base: { kind: "sso", profile: "dev", file: CONFIG, accountId: "111111111111", roleName: "Admin", startUrl: "", region: "us-west-2", session: { name: "corp", region: "us-west-2", startUrl: "https://corp.awsapps.com/start" } }, roles: [] },
        oracle: "confirmed",
    },
    {
        name: "SSO session section missing fails when the profile loads (provider static keys too)",
        files: { [CONFIG]: "[default]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n" },
        inputs: { staticKeys: { accessKeyId: "AKIDPROVIDER", secretAccessKey: "provider-secret" } },
        expect: { failure: /names sso_session "corp" .* but no \[sso-session corp\] section is defined/ },
        oracle: "confirmed",
    },
    {
        name: "SSO session section without sso_start_url fails when resolved",
        files: { [CONFIG]: "[default]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n[sso-session corp]\nsso_region = us-west-2\n" },
        expect: { failure: /configure SSO without sso_start_url/ },
        oracle: "confirmed",
    },
    {
        name: "sso_region in the profile must match its session's",
        files: { [CONFIG]: "[default]\nsso_session = corp\nsso_region = eu-west-1\nsso_account_id = 1\nsso_role_name = r\n[sso-session corp]\nsso_region = us-west-2\nsso_start_url = https://corp.awsapps.com/start\n" },
        expect: { failure: /sets an sso_region that differs from its \[sso-session corp\] section's/ },
        oracle: "confirmed",
    },
    {
        name: "SSO and credential_process in one profile: SSO",
        files: { [CONFIG]: "[default]\ncredential_process = /bin/creds\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 111111111111\nsso_role_name = Admin\n" },
        expect: { base: { kind: "sso", profile: "default", file: CONFIG, accountId: "111111111111", roleName: "Admin", startUrl: "https://x.awsapps.com/start", region: "eu-west-1" }, roles: [] },
        oracle: "confirmed",
    },
    {
        name: "static keys and credential_process in one profile: the keys",
        files: { [CONFIG]: `[default]\ncredential_process = /bin/creds\n${KEYS}` },
        expect: { base: staticProfile("default", CONFIG), roles: [] },
        oracle: "confirmed",
    },
    {
        name: "credential_process with a role",
        files: { [CONFIG]: `[default]\ncredential_process = "/opt/bin/creds --profile x"\nrole_arn = ${ROLE_A}\n` },
        expect: { base: { kind: "process", profile: "default", file: CONFIG, command: "/opt/bin/creds --profile x" }, roles: [role(ROLE_A, "default")] },
        oracle: "confirmed",
    },
    {
        name: "login_session: pulumi-aws could use it, the pack cannot",
        files: { [CONFIG]: "[default]\nlogin_session = arn:aws:iam::111111111111:user/u\ncredential_process = /bin/creds\n" },
        expect: { failure: /uses login_session/, unsupported: true, profile: "default" },
        oracle: "confirmed",
    },
    {
        name: "login_session replaced by the provider's assumeRoleWithWebIdentity",
        files: { [CONFIG]: "[default]\nlogin_session = arn:aws:iam::111111111111:user/u\n" },
        inputs: { webIdentity: { roleArn: ROLE_A, webIdentityTokenFile: "$HOME/token", sessionName: "s", durationSeconds: 1800, policy: "{}", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] } },
        expect: { base: { kind: "web-identity", roleArn: ROLE_A, sessionName: "s", token: { file: "/home/u/token", from: "the provider's assumeRoleWithWebIdentity.webIdentityTokenFile" }, durationSeconds: 1800, policy: "{}", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], source: "the provider's assumeRoleWithWebIdentity" }, roles: [] },
        oracle: "confirmed",
    },
    {
        name: "mfa_serial fails: pulumi-aws cannot prompt for a code",
        files: { [CONFIG]: `[default]\nrole_arn = ${ROLE_A}\nsource_profile = b\nmfa_serial = arn:aws:iam::111111111111:mfa/u\n`, [CREDS]: `[b]\n${KEYS}` },
        expect: { failure: /mfa_serial: pulumi-aws cannot prompt for an MFA code/, profile: "default" },
        oracle: "confirmed",
    },
    {
        name: "mfa_serial fails even when the provider's assumeRoleWithWebIdentity would replace the chain",
        files: { [CONFIG]: `[default]\nrole_arn = ${ROLE_A}\ncredential_source = Ec2InstanceMetadata\nmfa_serial = arn:aws:iam::111111111111:mfa/u\n` },
        inputs: { webIdentity: { roleArn: ROLE_B, webIdentityToken: "web-token-secret" } },
        expect: { failure: /cannot prompt for an MFA code/ },
        oracle: "confirmed",
    },
    {
        name: "partial keys in the credentials file fail",
        files: { [CREDS]: `[default]\naws_secret_access_key = ${SK}\n` },
        expect: { failure: /sets aws_secret_access_key without aws_access_key_id/, profile: "default" },
        oracle: "confirmed",
    },
    {
        name: "partial keys in the config file are forgiven when the credentials file has the profile",
        files: { [CONFIG]: `[default]\naws_access_key_id = ${AK}\n`, [CREDS]: "[default]\nregion = us-east-1\n" },
        expect: { base: imds(), roles: [], activeProfile: { name: "default", region: "us-east-1", staticCredentials: undefined } },
        oracle: "confirmed",
    },

    // Files.
    {
        name: "credentials file keys override the config file's; the config's token stays when the credentials have none",
        files: { [CONFIG]: `[default]\naws_access_key_id = old\naws_secret_access_key = old\naws_session_token = ${TOK}\n`, [CREDS]: `[default]\n${KEYS}` },
        expect: { base: staticProfile("default", CREDS, TOK), roles: [] },
        oracle: "confirmed",
    },
    {
        name: "two sharedConfigFiles: the later wins key by key, but only for the keys Go merges",
        files: {
            "/etc/aws/base": `[profile p]\nregion = us-east-1\nendpoint_url = http://first\n${KEYS}`,
            "/etc/aws/override": "[profile p]\nregion = eu-central-1\nendpoint_url = http://second\nuse_fips_endpoint = true\n",
        },
        inputs: { profile: "p", sharedConfigFiles: ["/etc/aws/base", "/etc/aws/override"] },
        expect: { base: staticProfile("p", "/etc/aws/base"), roles: [], activeProfile: { name: "p", region: "eu-central-1", endpointUrl: "http://first", useFipsEndpoint: true } },
        oracle: "confirmed",
    },
    {
        name: "sharedConfigFiles paths expand $VAR, ${VAR} and ~; a missing file is skipped",
        files: { "/srv/cfg/config": "[profile p]\nregion = us-west-1\n", [`${HOME}/extra`]: `[profile p]\nrole_arn = ${ROLE_A}\ncredential_source = Ec2InstanceMetadata\n` },
        env: { CFG_DIR: "/srv/cfg" },
        inputs: { profile: "p", sharedConfigFiles: ["$CFG_DIR/config", "${CFG_DIR}/missing", "~/extra"], sharedCredentialsFiles: ["$NOPE/creds"] },
        expect: { base: imds(), roles: [role(ROLE_A, "p", {}, `${HOME}/extra`)], activeProfile: { name: "p", region: "us-west-1" } },
        oracle: "confirmed",
    },
    {
        name: "a ~user path fails",
        inputs: { sharedCredentialsFiles: ["~root/.aws/credentials"] },
        expect: { failure: /sharedCredentialsFiles\[0\] cannot be expanded \(cannot expand user-specific home dir\)/ },
        oracle: "confirmed",
    },
    {
        name: "AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE are used as written (no expansion)",
        files: { "/opt/$HOME/config": "[profile p]\nregion = x\n", "/opt/creds": `[p]\n${KEYS}`, [CREDS]: "[p]\naws_access_key_id = other\naws_secret_access_key = other\n" },
        env: { AWS_CONFIG_FILE: "/opt/$HOME/config", AWS_SHARED_CREDENTIALS_FILE: "/opt/creds", AWS_PROFILE: "p" },
        expect: { base: staticProfile("p", "/opt/creds"), roles: [], activeProfile: { name: "p", region: "x" } },
        oracle: "confirmed",
    },
    {
        name: "HOME unset with the default files: unsupported",
        env: { HOME: "", ...ENV_KEYS },
        expect: { failure: /HOME is not set/, unsupported: true },
        oracle: "not confirmed: Go would read the home directory from the user database; the oracle runs as a different user",
    },
    {
        name: "a config section without the profile prefix is ignored",
        files: { [CONFIG]: `[p]\nregion = x\n`, [CREDS]: `[profile p]\n${KEYS}` },
        env: { AWS_PROFILE: "p" },
        expect: { failure: /"p", named by AWS_PROFILE, is not defined/ },
        oracle: "confirmed",
    },
    {
        name: "[profile default] replaces [default] in the config file",
        files: { [CONFIG]: `[default]\nregion = us-east-1\n${KEYS}[profile default]\nregion = eu-west-3\n` },
        expect: { base: imds(), roles: [], activeProfile: { name: "default", region: "eu-west-3" } },
        oracle: "confirmed",
    },
    {
        name: "profiles named like Object.prototype members",
        files: { [CONFIG]: "[profile __proto__]\nregion = x\n", [CREDS]: `[constructor]\n${KEYS}` },
        inputs: { profile: "constructor" },
        expect: { base: staticProfile("constructor"), roles: [] },
        oracle: "confirmed",
    },
    {
        name: "an invalid profile value fails (retry_mode)",
        files: { [CONFIG]: "[default]\nretry_mode = fast\n" },
        env: ENV_KEYS,
        expect: { failure: /sets retry_mode = "fast" .*it must be standard or adaptive/ },
        oracle: "confirmed",
    },

    // The provider's assumeRoleWithWebIdentity.
    {
        name: "the provider's web identity replaces the profile chain",
        files: { [CREDS]: `[default]\n${KEYS}`, [CONFIG]: `[default]\nrole_arn = ${ROLE_C}\n` },
        inputs: { webIdentity: { roleArn: ROLE_A, webIdentityToken: "web-token-secret", webIdentityTokenFile: "/ignored" } },
        expect: { base: { kind: "web-identity", roleArn: ROLE_A, token: { value: "web-token-secret" }, source: "the provider's assumeRoleWithWebIdentity" }, roles: [] },
        oracle: "confirmed",
    },
    {
        name: "the provider's web identity does not hide a chain error",
        files: { [CONFIG]: `[default]\nrole_arn = ${ROLE_A}\ncredential_source = Bogus\n` },
        inputs: { webIdentity: { roleArn: ROLE_A, webIdentityToken: "web-token-secret" } },
        expect: { failure: /credential_source = "Bogus"/ },
        oracle: "confirmed",
    },
    {
        name: "the provider's web identity needs a role ARN",
        inputs: { webIdentity: { roleArn: "", webIdentityToken: "web-token-secret" } },
        expect: { failure: /assumeRoleWithWebIdentity has no roleArn/ },
        oracle: "confirmed",
    },
    {
        name: "the provider's web identity needs a token or a token file",
        inputs: { webIdentity: { roleArn: ROLE_A } },
        expect: { failure: /neither webIdentityToken nor webIdentityTokenFile/ },
        oracle: "confirmed",
    },
];

/** One profile as LoadSharedConfigProfile returns it. */
export interface ProfileRow {
    name: string;
    config: [string, string][];
    credentials: [string, string][];
    profile: string;
    expect: { fields: Partial<SharedProfile> } | { error: "not-found" | "invalid"; message: RegExp; files: string[] };
    oracle: Oracle;
}

export const profileRows: ProfileRow[] = [
    {
        name: "endpoint, FIPS, dual-stack and metadata settings",
        config: [[CONFIG, "[default]\nregion = eu-north-1\nuse_fips_endpoint = TRUE\nuse_dualstack_endpoint = yes\nendpoint_url = https://gw.example\nignore_configured_endpoint_urls = false\nec2_metadata_service_endpoint_mode = ipv4\nec2_metadata_v1_disabled = true\n"]],
        credentials: [],
        profile: "default",
        expect: { fields: { name: "default", region: "eu-north-1", useFipsEndpoint: true, useDualstackEndpoint: false, endpointUrl: "https://gw.example", ignoreConfiguredEndpointUrls: false, ec2MetadataServiceEndpointMode: "IPv4", ec2MetadataV1Disabled: true, staticCredentials: undefined } },
        oracle: "confirmed",
    },
    {
        name: "the services section gives per-service endpoint_url (sso_oidc for SSO OIDC)",
        config: [[CONFIG, "[default]\nservices = local\n[services local]\nsts =\n  endpoint_url = http://sts.local\niam =\n  Endpoint_URL = http://iam.local\nsso_oidc =\n  endpoint_url = http://oidc.local\norganizations = not-a-map\n"]],
        credentials: [],
        profile: "default",
        expect: { fields: { servicesSectionName: "local", serviceEndpointUrls: { sts: "http://sts.local", iam: "http://iam.local", organizations: undefined, sso: undefined, ssoOidc: "http://oidc.local" } } },
        oracle: "confirmed",
    },
    {
        name: "a services section that does not exist is ignored",
        config: [[CONFIG, "[default]\nservices = nowhere\n"]],
        credentials: [],
        profile: "default",
        expect: { fields: { servicesSectionName: "nowhere", serviceEndpointUrls: {} } },
        oracle: "confirmed",
    },
    {
        name: "duration_seconds non-numeric reads as 0",
        config: [[CONFIG, "[default]\nduration_seconds = soon\n"]],
        credentials: [],
        profile: "default",
        expect: { fields: { durationSeconds: 0 } },
        oracle: "confirmed",
    },
    {
        name: "a source profile with keys keeps them; the profile naming it loses its own",
        config: [[CONFIG, `[default]\nrole_arn = ${ROLE_A}\nsource_profile = s\nregion = r\n`]],
        credentials: [[CREDS, `[default]\n${KEYS}[s]\naws_access_key_id = sk\naws_secret_access_key = ss\n`]],
        profile: "default",
        expect: { fields: { roleArn: ROLE_A, sourceProfileName: "s", staticCredentials: undefined, region: "r", source: { name: "s", staticCredentials: { accessKeyId: "sk", secretAccessKey: "ss" } } as SharedProfile } },
        oracle: "confirmed",
    },
    {
        name: "sso-session linked with its name, region and start URL",
        config: [[CONFIG, "[default]\nsso_session = corp\n[sso-session corp]\nsso_region = us-west-2\nsso_start_url = https://corp.awsapps.com/start\n"]],
        credentials: [],
        profile: "default",
        expect: { fields: { ssoSessionName: "corp", ssoSession: { name: "corp", region: "us-west-2", startUrl: "https://corp.awsapps.com/start" } } },
        oracle: "confirmed",
    },
    {
        name: "later config files merge only Go's whitelisted keys into an existing profile",
        config: [["/a", "[profile p]\nregion = one\nendpoint_url = http://one\nservices = s1\n"], ["/b", "[profile p]\nregion = two\nendpoint_url = http://two\nservices = s2\ncredential_process = cp\n"]],
        credentials: [],
        profile: "p",
        expect: { fields: { region: "two", endpointUrl: "http://one", servicesSectionName: "s1", credentialProcess: "cp" } },
        oracle: "confirmed",
    },
    {
        name: "a section only in a later file is taken whole",
        config: [["/a", "[default]\nregion = one\n"], ["/b", "[profile p]\nregion = two\nendpoint_url = http://two\n"]],
        credentials: [],
        profile: "p",
        expect: { fields: { region: "two", endpointUrl: "http://two" } },
        oracle: "confirmed",
    },
    {
        name: "a credentials-file profile only merges whitelisted keys over the config's",
        config: [[CONFIG, "[default]\nregion = cfg\nendpoint_url = http://cfg\n"]],
        credentials: [[CREDS, `[default]\nregion = cred\nendpoint_url = http://cred\n${KEYS}`]],
        profile: "default",
        expect: { fields: { region: "cred", endpointUrl: "http://cfg", staticCredentials: { accessKeyId: AK, secretAccessKey: SK } } },
        oracle: "confirmed",
    },
    {
        name: "not found names the files read",
        config: [[CONFIG, "[default]\nregion = x\n"]],
        credentials: [[CREDS, `[other]\n${KEYS}`]],
        profile: "p",
        expect: { error: "not-found", message: /The AWS profile "p" is not defined in \/home\/u\/\.aws\/config, \/home\/u\/\.aws\/credentials\./, files: [CONFIG, CREDS] },
        oracle: "confirmed",
    },
    {
        name: "invalid: web_identity_token_file without role_arn",
        config: [[CONFIG, "[default]\nweb_identity_token_file = /t\n"]],
        credentials: [],
        profile: "default",
        expect: { error: "invalid", message: /profile "default" sets web_identity_token_file but no role_arn \(\/home\/u\/\.aws\/config\)/, files: [CONFIG] },
        oracle: "confirmed",
    },
    {
        name: "invalid: an unknown ec2_metadata_service_endpoint_mode",
        config: [[CONFIG, "[default]\nec2_metadata_service_endpoint_mode = IPv5\n"]],
        credentials: [],
        profile: "default",
        expect: { error: "invalid", message: /ec2_metadata_service_endpoint_mode = "IPv5" .*it must be IPv4 or IPv6/, files: [CONFIG] },
        oracle: "confirmed",
    },
];

/** Files as the row gives them: every path the provider reads, present or not. */
function decide(row: ChainRow): CredentialPlan | PlanFailure {
    const env = { HOME, ...row.env };
    const inputs = row.inputs ?? {};
    const files = sharedFilePaths(inputs, env);
    const read = (refs: { path: string }[]) => refs.map((r) => ({ path: r.path, text: row.files?.[r.path] }));
    return decideCredentials(inputs, env, loadSharedSections(read(files.config), read(files.credentials)));
}

/** The fields of `actual` that `expected` names, recursively (Maps and arrays compared whole). */
function pick(actual: unknown, expected: unknown): unknown {
    if (!expected || typeof expected !== "object" || Array.isArray(expected) || expected instanceof Map || !actual || typeof actual !== "object") {
        return actual;
    }
    return Object.fromEntries(Object.keys(expected).map((k) => [k, pick((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k])]));
}

describe("decideCredentials (pulumi-aws's credential chain)", () => {
    for (const row of chainRows) {
        it(row.name, () => {
            const result = decide(row);
            if ("failure" in row.expect) {
                assert.equal(result.ok, false, JSON.stringify(result));
                const failure = result as PlanFailure;
                assert.match(failure.reason, row.expect.failure);
                assert.equal(failure.unsupported ?? false, row.expect.unsupported ?? false);
                if (row.expect.profile !== undefined) {
                    assert.equal(failure.profile, row.expect.profile);
                }
                for (const secret of SECRETS) {
                    assert.ok(!failure.reason.includes(secret), `the reason quotes ${secret}`);
                }
                return;
            }
            assert.equal(result.ok, true, JSON.stringify(result));
            const plan = result as CredentialPlan;
            assert.deepEqual(plan.base, row.expect.base);
            assert.deepEqual(plan.roles, row.expect.roles ?? []);
            if (row.expect.profileName !== undefined) {
                assert.equal(plan.profileName, row.expect.profileName);
            }
            if ("activeProfile" in row.expect) {
                const expected = row.expect.activeProfile;
                assert.deepEqual(expected === undefined ? plan.profile : pick(plan.profile, expected), expected);
            }
        });
    }

    it("sharedFilePaths names the setting each file came from", () => {
        const env = { HOME: "/home/u/", XDG: "/x" };
        assert.deepEqual(sharedFilePaths({ sharedConfigFiles: ["${XDG}/a", "~"], sharedCredentialsFiles: [] }, env), {
            config: [{ path: "/x/a", from: "sharedConfigFiles[0]" }, { path: "/home/u", from: "sharedConfigFiles[1]" }],
            credentials: [{ path: "/home/u/.aws/credentials", from: "the default credentials file" }],
        });
        assert.deepEqual(sharedFilePaths({}, { HOME: "/h", AWS_CONFIG_FILE: "~/c" }).config, [{ path: "~/c", from: "AWS_CONFIG_FILE" }]);
    });

    it("isAllowedContainerAddress accepts exactly loopback and the ECS/EKS addresses", () => {
        const allowed = ["127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1", "169.254.170.2", "169.254.170.23", "::ffff:169.254.170.2", "fd00:ec2::23", "FD00:EC2:0:0:0:0:0:23"];
        const denied = ["10.0.0.1", "169.254.170.3", "0.0.0.0", "::", "fd00:ec2::24", "localhost", "127.0.0.01", "fe80::1%eth0", ""];
        assert.deepEqual(allowed.filter((a) => !isAllowedContainerAddress(a)), []);
        assert.deepEqual(denied.filter((a) => isAllowedContainerAddress(a)), []);
    });
});

describe("loadSharedProfile (Go's LoadSharedConfigProfile)", () => {
    for (const row of profileRows) {
        it(row.name, () => {
            const files = (list: [string, string][]) => list.map(([path, text]) => ({ path, text }));
            const result = loadSharedProfile(loadSharedSections(files(row.config), files(row.credentials)), row.profile);
            if ("error" in row.expect) {
                assert.equal(result.ok, false);
                const { error } = result as Extract<typeof result, { ok: false }>;
                assert.equal(error.kind, row.expect.error);
                assert.equal(error.profile, row.profile);
                assert.match(error.message, row.expect.message);
                assert.deepEqual(error.files, row.expect.files);
                return;
            }
            assert.equal(result.ok, true, result.ok ? "" : result.error.message);
            const { profile } = result as Extract<typeof result, { ok: true }>;
            assert.deepEqual(pick(profile, row.expect.fields), row.expect.fields);
        });
    }
});
