import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { CredentialPlan, PlanFailure, ProviderCredentialInputs, decideCredentials } from "../../policypack/discover/credentialChain";
import { loadSharedSections } from "../../policypack/discover/profiles";
import { discoverAwsProviders, readProvider, DiscoveredProvider } from "../../policypack/discover/providers";
import { targetOf } from "../../policypack/discover/target";
import { regionOf } from "../../policypack/posture/calls";
import { awsProviderInputs } from "../support/awsProviderInputs";
import { providerView, resourceView } from "../support/policyView";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const ROLE_A = "arn:aws:iam::111111111111:role/Deploy";
const ROLE_B = "arn:aws:iam::222222222222:role/path/Audit";

function ready(p: DiscoveredProvider) {
    assert.equal(p.status, "ready", p.status === "invalid" ? p.error.message : p.status);
    return (p as Extract<DiscoveredProvider, { status: "ready" }>).settings;
}

/** The credential inputs of a provider that sets none of its own. */
const NO_CREDENTIAL_INPUTS: ProviderCredentialInputs = { staticKeys: undefined, webIdentity: undefined, profile: undefined, sharedConfigFiles: undefined, sharedCredentialsFiles: undefined };

/** The plan pulumi-aws would follow for these inputs (discover/credentialChain.ts), which must not fail. */
function planned(inputs: ProviderCredentialInputs, env: NodeJS.ProcessEnv, sections = loadSharedSections([], [])): CredentialPlan {
    const plan: CredentialPlan | PlanFailure = decideCredentials(inputs, env, sections);
    assert.ok(plan.ok, plan.ok ? "" : plan.reason);
    return plan as CredentialPlan;
}

function invalid(p: DiscoveredProvider): string {
    assert.equal(p.status, "invalid");
    return (p as Extract<DiscoveredProvider, { status: "invalid" }>).error.message;
}

describe("provider inputs as @pulumi/aws sends them", () => {
    it("explicit provider with a chain of assumeRoles", async () => {
        const { type, inputs } = await awsProviderInputs("chain", {
            region: "eu-west-1",
            assumeRoles: [
                { roleArn: ROLE_A, sessionName: "first", externalId: "ext-123", duration: "1h30m", policy: "{\"Version\":\"2012-10-17\"}", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], tags: { team: "platform" }, transitiveTagKeys: ["team"], sourceIdentity: "alice" },
                { roleArn: ROLE_B },
            ],
        });
        assert.equal(type, "pulumi:providers:aws");
        const s = ready(readProvider(providerView("chain", inputs)));
        assert.equal(s.region, "eu-west-1");
        assert.deepEqual(s.assumeRoles[0], {
            roleArn: ROLE_A, sessionName: "first", externalId: "ext-123", durationSeconds: 5400,
            policy: "{\"Version\":\"2012-10-17\"}", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
            tags: { team: "platform" }, transitiveTagKeys: ["team"], sourceIdentity: "alice",
        });
        assert.equal(s.assumeRoles[1].roleArn, ROLE_B);
        const t = targetOf(s, {});
        assert.deepEqual(t.knownAccount, { accountId: "222222222222", partition: "aws", roleArn: ROLE_B });
        assert.deepEqual(t.assumeRoles, s.assumeRoles);
        assert.equal(t.region, "eu-west-1");
        assert.equal(t.defaultRegion, "us-east-1");
        assert.equal(t.stsRegion, undefined);
        // No credential input of its own: the base credentials are pulumi-aws's default chain,
        // decided from the environment and the shared files (the environment's keys, else … the
        // instance metadata service), and the provider's roles are assumed over them.
        assert.deepEqual(t.credentialInputs, NO_CREDENTIAL_INPUTS);
        assert.deepEqual(planned(t.credentialInputs, { HOME: "/home/u", AWS_ACCESS_KEY_ID: "AKIAENVIRONMENT00000", AWS_SECRET_ACCESS_KEY: "env-secret" }).base,
            { kind: "static", keys: { accessKeyId: "AKIAENVIRONMENT00000", secretAccessKey: "env-secret" }, source: "the environment (AWS_ACCESS_KEY_ID)" });
        assert.equal(planned(t.credentialInputs, { HOME: "/home/u" }).base.kind, "imds");
    });

    it("static keys (secrets) and a session token", async () => {
        const { inputs } = await awsProviderInputs("keys", { region: "us-west-2", accessKey: "AKIAKEYS00000000000", secretKey: "s3cr3t-value", token: "tok-value" });
        const s = ready(readProvider(providerView("keys", inputs)));
        assert.deepEqual(s.staticKeys, { accessKeyId: "AKIAKEYS00000000000", secretAccessKey: "s3cr3t-value", sessionToken: "tok-value" });
        const t = targetOf(s, {});
        assert.deepEqual(t.credentialInputs, { ...NO_CREDENTIAL_INPUTS, staticKeys: s.staticKeys });
        // The provider's static keys win over everything else, the environment's keys included.
        assert.deepEqual(planned(t.credentialInputs, { HOME: "/home/u", AWS_ACCESS_KEY_ID: "AKIAENVIRONMENT00000", AWS_SECRET_ACCESS_KEY: "env-secret" }).base,
            { kind: "static", keys: { accessKeyId: "AKIAKEYS00000000000", secretAccessKey: "s3cr3t-value", sessionToken: "tok-value" }, source: "the provider's static keys" });
    });

    it("profile with shared files (every one listed, not just the first) and endpoints", async () => {
        const { inputs } = await awsProviderInputs("prof", {
            region: "us-east-2", profile: "audit", sharedConfigFiles: ["/tmp/cfg", "/tmp/cfg2"], sharedCredentialsFiles: ["/tmp/creds", "/tmp/creds2"],
            endpoints: [{ iam: "http://127.0.0.1:4566", sts: "http://127.0.0.1:4567" }], stsRegion: "us-east-1",
            allowedAccountIds: ["111111111111"],
        });
        const s = ready(readProvider(providerView("prof", inputs)));
        const t = targetOf(s, {});
        assert.deepEqual(t.credentialInputs, { ...NO_CREDENTIAL_INPUTS, profile: "audit", sharedConfigFiles: ["/tmp/cfg", "/tmp/cfg2"], sharedCredentialsFiles: ["/tmp/creds", "/tmp/creds2"] });
        // pulumi-aws reads every listed file, in order: here the profile is only in the second
        // config file and its keys only in the second credentials file (the first of each is missing).
        const sections = loadSharedSections(
            [{ path: "/tmp/cfg", text: undefined }, { path: "/tmp/cfg2", text: "[profile audit]\nregion = eu-north-1\n" }],
            [{ path: "/tmp/creds", text: undefined }, { path: "/tmp/creds2", text: "[audit]\naws_access_key_id = AKIAAUDITPROFILE0000\naws_secret_access_key = audit-secret\n" }],
        );
        const plan = planned(t.credentialInputs, { HOME: "/home/u", AWS_PROFILE: "other" }, sections);
        assert.equal(plan.profileName, "audit");
        assert.equal(plan.base.kind, "static");
        assert.deepEqual(plan.base.kind === "static" && plan.base.keys, { accessKeyId: "AKIAAUDITPROFILE0000", secretAccessKey: "audit-secret" });
        assert.deepEqual(plan.files, {
            config: [{ path: "/tmp/cfg", from: "sharedConfigFiles[0]" }, { path: "/tmp/cfg2", from: "sharedConfigFiles[1]" }],
            credentials: [{ path: "/tmp/creds", from: "sharedCredentialsFiles[0]" }, { path: "/tmp/creds2", from: "sharedCredentialsFiles[1]" }],
        });
        assert.equal(t.region, "us-east-2");
        assert.deepEqual(t.endpoints, { iam: "http://127.0.0.1:4566", sts: "http://127.0.0.1:4567" });
        assert.equal(t.stsRegion, "us-east-1");
        assert.equal(regionOf(t, "sts", undefined), "us-east-1");
        assert.equal(regionOf(t, "iam", { region: "eu-north-1" }), "us-east-2");
        assert.deepEqual(s.allowedAccountIds, ["111111111111"]);
    });

    it("providers with the same credentials share a target key; other secrets do not", async () => {
        const a = ready(readProvider(providerView("a", (await awsProviderInputs("a", { region: "us-east-1", accessKey: "AKIAAAAAAAAAAAAAAAAA", secretKey: "x1" })).inputs)));
        const b = ready(readProvider(providerView("b", (await awsProviderInputs("b", { region: "us-east-1", accessKey: "AKIAAAAAAAAAAAAAAAAA", secretKey: "x1" })).inputs)));
        const c = ready(readProvider(providerView("c", (await awsProviderInputs("c", { region: "us-east-1", accessKey: "AKIAAAAAAAAAAAAAAAAA", secretKey: "x2" })).inputs)));
        assert.equal(targetOf(a, {}).key, targetOf(b, {}).key);
        assert.notEqual(targetOf(a, {}).key, targetOf(c, {}).key);
    });

    it("a target key means nothing outside the process: the same credentials give another key in another process", () => {
        // Were the key an unsalted hash, anyone who saw it could test guesses of the secret key offline.
        const settings = { region: "us-east-1", accessKey: "AKIAAAAAAAAAAAAAAAAA", secretKey: "x1" };
        const keyOf = `const { readProvider } = require("./policypack/discover/providers");
            const { targetOf } = require("./policypack/discover/target");
            const p = readProvider({ type: "pulumi:providers:aws", urn: "urn:pulumi:dev::app::pulumi:providers:aws::a", name: "a", props: ${JSON.stringify(settings)} });
            process.stdout.write(targetOf(p.settings, {}).key);`;
        const elsewhere = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", keyOf], { cwd: path.resolve(__dirname, "../.."), encoding: "utf8" });
        const here = targetOf(ready(readProvider(providerView("a", settings))), {}).key;
        assert.match(elsewhere, /^[0-9a-f]{64}$/);
        assert.notEqual(elsewhere, here);
    });
});

describe("default providers (inputs from aws:* stack config)", () => {
    it("reads JSON text set with --path and the environment's region", () => {
        const s = ready(readProvider(providerView("default_7_48_0", {
            version: "7.48.0",
            assumeRoles: JSON.stringify([{ roleArn: ROLE_A, externalId: "ext-1" }]),
            skipCredentialsValidation: "false",
        })));
        const t = targetOf(s, { AWS_REGION: "ap-south-1" });
        assert.equal(t.region, "ap-south-1");
        assert.equal(t.assumeRoles[0].externalId, "ext-1");
    });

    it("without a region anywhere, the profile's region applies, else the partition's", () => {
        const s = ready(readProvider(providerView("default", { assumeRoles: JSON.stringify([{ roleArn: "arn:aws-us-gov:iam::111111111111:role/R" }]) })));
        const t = targetOf(s, {});
        assert.equal(t.region, undefined);
        assert.equal(t.defaultRegion, "us-gov-west-1");
        assert.equal(regionOf(t, "iam", undefined), "us-gov-west-1");
        assert.equal(regionOf(t, "sts", undefined), "us-gov-west-1");
        assert.equal(regionOf(t, "iam", { region: "us-gov-east-1" }), "us-gov-east-1");
        // The environment's region comes before the profile's.
        const fromEnv = targetOf(s, { AWS_DEFAULT_REGION: "us-gov-east-1" });
        assert.equal(fromEnv.region, "us-gov-east-1");
        assert.equal(regionOf(fromEnv, "iam", { region: "us-gov-west-1" }), "us-gov-east-1");
    });

    it("accepts object forms (other SDKs, older state) and the single assumeRole", () => {
        const s = ready(readProvider(providerView("obj", { assumeRole: { roleArn: ROLE_A, durationSeconds: 900 }, endpoints: [{ sts: "https://sts.example.test" }] })));
        assert.equal(s.assumeRoles[0].durationSeconds, 900);
        assert.equal(s.endpoints.sts, "https://sts.example.test");
    });
});

describe("malformed inputs fail closed, without quoting values", () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
        ["assumeRoles not JSON", { assumeRoles: "not json" }, /input "assumeRoles" is not valid JSON/],
        ["assumeRoles not a list", { assumeRoles: "{\"roleArn\":\"x\"}" }, /assumeRoles" must be a list/],
        ["roleArn missing", { assumeRoles: "[{\"sessionName\":\"s\"}]" }, /assumeRoles\[0\]\.roleArn" is missing/],
        ["roleArn not a role ARN", { assumeRoles: "[{\"roleArn\":\"arn:aws:iam::12:user/x\"}]" }, /is not an IAM role ARN/],
        ["roleArn a number", { assumeRoles: "[{\"roleArn\":42}]" }, /must be a string, got a number/],
        ["bad duration", { assumeRoles: JSON.stringify([{ roleArn: ROLE_A, duration: "forever" }]) }, /duration" is not a duration/],
        ["accessKey without secretKey", { accessKey: "AKIAONLY" }, /"secretKey" is missing/],
        ["secretKey not a string", { accessKey: "AKIA1", secretKey: 12345678 }, /"secretKey" must be a string, got a number/],
        ["endpoints not URLs", { endpoints: "[{\"iam\":\"ftp://x\"}]" }, /endpoints\[0\]\.iam" is not an http\(s\) URL/],
        ["region an object", { region: { a: 1 } }, /"region" must be a string, got an object/],
    ];
    for (const [name, inputs, expected] of cases) {
        it(name, () => {
            const message = invalid(readProvider(providerView("bad", inputs)));
            assert.match(message, expected);
            assert.ok(!message.includes("12345678") && !message.includes("not json"), message);
        });
    }
});

describe("unknown inputs during preview", () => {
    it("names the unknown input and keeps @pulumi/policy's error", () => {
        const p = readProvider(providerView("later", { region: "us-east-1", assumeRoles: UNKNOWN }));
        assert.equal(p.status, "unknown");
        if (p.status === "unknown") {
            assert.equal(p.input, "assumeRoles");
            assert.equal(p.error.constructor.name, "UnknownValueError");
        }
    });

    it("an unknown input the pack does not read does not matter", () => {
        ready(readProvider(providerView("tags", { region: "us-east-1", defaultTags: UNKNOWN })));
    });
});

describe("discovering providers in a stack", () => {
    it("finds providers as resources and through resources' provider field, once each", () => {
        const listed = providerView("listed", { region: "us-east-1" });
        const onlyReferenced = providerView("referenced", { region: "us-east-1" });
        const found = discoverAwsProviders([
            resourceView(listed),
            resourceView(listed, "bucket1"),
            resourceView(onlyReferenced, "bucket2"),
            resourceView(onlyReferenced, "bucket3"),
            resourceView(providerView("native", {}, "pulumi:providers:kubernetes")),
        ]);
        assert.deepEqual(found.map((p) => p.provider.name), ["listed", "referenced"]);
        assert.equal(found[0].provider.isDefault, false);
    });

    it("marks default providers", () => {
        const found = discoverAwsProviders([resourceView(providerView("default_7_48_0", {}))]);
        assert.equal(found[0].provider.isDefault, true);
    });
});
