import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { discoverAwsProviders, readProvider, DiscoveredProvider } from "../../policypack/discover/providers";
import { targetOf } from "../../policypack/discover/target";
import { awsProviderInputs } from "../support/awsProviderInputs";
import { providerView, resourceView } from "../support/policyView";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const ROLE_A = "arn:aws:iam::111111111111:role/Deploy";
const ROLE_B = "arn:aws:iam::222222222222:role/path/Audit";

function ready(p: DiscoveredProvider) {
    assert.equal(p.status, "ready", p.status === "invalid" ? p.error.message : p.status);
    return (p as Extract<DiscoveredProvider, { status: "ready" }>).settings;
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
        assert.equal(t.base.source, "default-chain");
    });

    it("static keys (secrets) and a session token", async () => {
        const { inputs } = await awsProviderInputs("keys", { region: "us-west-2", accessKey: "AKIAKEYS00000000000", secretKey: "s3cr3t-value", token: "tok-value" });
        const s = ready(readProvider(providerView("keys", inputs)));
        assert.deepEqual(s.staticKeys, { accessKeyId: "AKIAKEYS00000000000", secretAccessKey: "s3cr3t-value", sessionToken: "tok-value" });
        assert.equal(targetOf(s, {}).base.source, "static");
    });

    it("profile with shared files and endpoints", async () => {
        const { inputs } = await awsProviderInputs("prof", {
            region: "us-east-2", profile: "audit", sharedConfigFiles: ["/tmp/cfg"], sharedCredentialsFiles: ["/tmp/creds"],
            endpoints: [{ iam: "http://127.0.0.1:4566", sts: "http://127.0.0.1:4567" }], stsRegion: "us-east-1",
            allowedAccountIds: ["111111111111"],
        });
        const s = ready(readProvider(providerView("prof", inputs)));
        const t = targetOf(s, {});
        assert.deepEqual(t.base, { source: "profile", profile: "audit" });
        assert.deepEqual(t.files, { configFile: "/tmp/cfg", credentialsFile: "/tmp/creds" });
        assert.deepEqual(t.endpoints, { iam: "http://127.0.0.1:4566", sts: "http://127.0.0.1:4567" });
        assert.equal(t.stsRegion, "us-east-1");
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

    it("falls back to the partition's region", () => {
        const s = ready(readProvider(providerView("default", { assumeRoles: JSON.stringify([{ roleArn: "arn:aws-us-gov:iam::111111111111:role/R" }]) })));
        assert.equal(targetOf(s, {}).region, "us-gov-west-1");
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
