import * as assert from "assert";
import * as path from "path";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import {
    PackProcess,
    UNKNOWN,
    encodeProperties,
    providerResource,
    providerUrn,
    resourceUsing,
    secret,
    startPack,
} from "./harness/engine";

const NOOP_PACK = path.join(__dirname, "fixtures", "noop-pack");
const ECHO_PACK = path.join(__dirname, "fixtures", "echo-pack");

/** The pack's own decoder, to prove the harness encodes properties the way the pack reads them. */
const { deserializeProperties } = require("@pulumi/policy/deserialize") as {
    deserializeProperties(props: Struct, proxySecrets: boolean): Record<string, unknown>;
};

/** True while a process with `pid` exists. */
function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (err) {
        return (err as NodeJS.ErrnoException).code !== "ESRCH";
    }
}

describe("harness: property encoding", () => {
    it("marshals secrets, unknowns and internal keys the way the pack decodes them", () => {
        const encoded = encodeProperties({
            region: "us-east-1",
            secretKey: secret("s3cr3t"),
            nested: { token: secret({ a: [1, null] }), __internal: true, gone: undefined },
            accountId: UNKNOWN,
            list: [1, undefined, "x"],
            __defaults: ["region"],
        });
        assert.deepStrictEqual(encoded.toJavaScript(), {
            region: "us-east-1",
            secretKey: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s3cr3t" },
            nested: { token: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: { a: [1, null] } } },
            accountId: UNKNOWN,
            list: [1, null, "x"],
        });
        assert.deepStrictEqual(deserializeProperties(encoded, false), {
            region: "us-east-1",
            secretKey: "s3cr3t",
            nested: { token: { a: [1, null] } },
            accountId: UNKNOWN,
            list: [1, null, "x"],
        });
    });

    it("rejects values the engine could not carry", () => {
        assert.throws(() => encodeProperties({ when: new Date(0) }), /when: object .* is not a plain JSON value/);
        assert.throws(() => encodeProperties({ n: NaN }), /n: NaN cannot be marshalled/);
    });

    it("builds provider and resource URNs in the dev stack of project app", () => {
        const provider = providerResource("main", { region: "eu-west-1" });
        assert.strictEqual(provider.urn, "urn:pulumi:dev::app::pulumi:providers:aws::main");
        assert.strictEqual(providerUrn("p", "pulumi:providers:aws-native"), "urn:pulumi:dev::app::pulumi:providers:aws-native::p");
        const bucket = resourceUsing(provider, "logs");
        assert.deepStrictEqual(bucket, {
            urn: "urn:pulumi:dev::app::aws:s3/bucket:Bucket::logs",
            type: "aws:s3/bucket:Bucket",
            name: "logs",
            properties: {},
            provider: { urn: provider.urn, type: "pulumi:providers:aws", name: "main", properties: { region: "eu-west-1" } },
        });
    });
});

describe("harness: noop policy pack", () => {
    let pack: PackProcess;

    before(async () => {
        pack = await startPack({ packDir: NOOP_PACK, stackConfig: { "aws:region": "us-east-1" } });
    });

    after(async () => {
        await pack?.close();
    });

    it("starts and prints its gRPC port", () => {
        assert.ok(pack.port > 0 && pack.port < 65536, `port ${pack.port}`);
        assert.ok(pack.startupMs > 0 && pack.startupMs < 30_000);
        console.log(`      noop pack startupMs = ${pack.startupMs.toFixed(0)}`);
    });

    it("describes its policies", async () => {
        const info = await pack.getAnalyzerInfo();
        assert.deepStrictEqual(info, {
            name: "noop",
            version: "0.0.1",
            policies: [
                { name: "noop-stack", description: "does nothing", enforcementLevel: "advisory", severity: "unspecified", policyType: "stack" },
                { name: "noop-resource", description: "does nothing", enforcementLevel: "advisory", severity: "unspecified", policyType: "resource" },
            ],
        });
    });

    it("accepts a valid policy configuration, reconciled like the CLI", async () => {
        const sent = await pack.configure({ all: { enforcementLevel: "mandatory" }, "noop-resource": { enforcementLevel: "disabled", threshold: 3 } });
        assert.deepStrictEqual(sent, {
            "noop-stack": { enforcementLevel: "mandatory" },
            "noop-resource": { enforcementLevel: "disabled", properties: { threshold: 3 } },
            all: { enforcementLevel: "mandatory" },
        });
        await pack.configure({});
    });

    it("rejects an invalid enforcement level before calling the pack", async () => {
        await assert.rejects(pack.configure({ "noop-stack": { enforcementLevel: "blocking" } }), /"blocking" is not a valid enforcement level/);
    });

    it("analyzes a stack whose provider carries a secret and an unknown", async () => {
        const provider = providerResource("root", {
            region: "us-east-1",
            secretKey: secret("AKIA-not-a-real-key"),
            assumeRole: { roleArn: UNKNOWN },
            __defaults: [],
        });
        const bucket = resourceUsing(provider, "logs", "aws:s3/bucket:Bucket", { bucket: UNKNOWN, tags: { owner: secret("me") } });
        assert.deepStrictEqual(await pack.analyzeStack([provider, { ...bucket, parent: provider.urn }]), []);
    });

    it("analyzes a single resource", async () => {
        const bucket = resourceUsing(providerResource("root", { region: secret("us-east-1") }), "logs");
        assert.deepStrictEqual(await pack.analyze(bucket), []);
    });

    it("wrote nothing to stdout or stderr", () => {
        assert.strictEqual(pack.stdout(), "");
        assert.strictEqual(pack.stderr(), "");
    });

    it("leaves no child process after close", async () => {
        const pid = pack.pid;
        assert.ok(alive(pid));
        await pack.close();
        assert.ok(!alive(pid), `pack ${pid} still running`);
        await pack.close();
    });
});

describe("harness: what the pack learns of its stack", () => {
    let pack: PackProcess;

    before(async () => {
        pack = await startPack({ packDir: ECHO_PACK, dryRun: false, stackConfig: { "aws:region": "eu-central-1" } });
    });

    after(async () => {
        await pack?.close();
    });

    /** What the echo pack's stack policy reports. */
    async function seen(): Promise<Record<string, unknown>> {
        const ds = await pack.analyzeStack([]);
        assert.strictEqual(ds.length, 1);
        // @pulumi/policy puts the policy's description on the line before the violation.
        return JSON.parse(ds[0].message.split("\n").slice(1).join("\n"));
    }

    it("the stack, project, dry-run flag and stack config from its start, and the tags ConfigureStack sends", async () => {
        assert.deepStrictEqual(await seen(), { tags: {}, stack: "dev", project: "app", dryRun: false, region: "eu-central-1" });
        await pack.configureStack({ team: "platform", "pulumi:project": "app" });
        assert.deepStrictEqual((await seen()).tags, { team: "platform", "pulumi:project": "app" });
    });
});

describe("harness: start-up failures", () => {
    it("fails with the pack's stderr when it exits before printing a port", async () => {
        await assert.rejects(
            startPack({ packDir: NOOP_PACK, env: { NODE_OPTIONS: "--require=./does-not-exist.js" } }),
            /exited \(code 1, signal null\) before printing its port[\s\S]*--- stderr ---[\s\S]*does-not-exist/,
        );
    });

    it("removes variables set to undefined from the pack's environment", async () => {
        const saved = process.env.NODE_OPTIONS;
        process.env.NODE_OPTIONS = "--require=./does-not-exist.js";
        try {
            const pack = await startPack({ packDir: NOOP_PACK, dryRun: false, env: { NODE_OPTIONS: undefined } });
            await pack.close();
        } finally {
            if (saved === undefined) {
                delete process.env.NODE_OPTIONS;
            } else {
                process.env.NODE_OPTIONS = saved;
            }
        }
    });
});
