/**
 * What `pulumi policy publish` ships and loads: the npm package's files, and an import of the
 * compiled pack with no stack, no config and no credentials.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { PACK_DIR } from "./support/world";

describe("packaging", function () {
    this.timeout(60_000);

    it("npm pack ships the compiled pack, its sources, metadata and licence, never tests", () => {
        const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: PACK_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
        const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
        for (const required of ["bin/index.js", "policypack/index.ts", "PulumiPolicy.yaml", "package.json", "README.md", "LICENSE"]) {
            assert.ok(files.includes(required), `${required} missing from the package`);
        }
        assert.deepEqual(files.filter((f) => /^(tests|bench|\.ci)\//.test(f) || f.includes("fixtures")), []);
    });

    it("loading the pack needs no stack, config or credentials, prints only its port and loads no AWS SDK", () => {
        const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: "/nonexistent" };
        const script = "require('./bin'); setTimeout(() => { process.stderr.write(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('@aws-sdk')))); process.exit(0); }, 500)";
        const result = spawnSync(process.execPath, ["-e", script], { cwd: PACK_DIR, env, encoding: "utf8", timeout: 30_000 });
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /^\d+\n$/, "stdout must hold the gRPC port alone: the engine reads it from the first line");
        assert.deepEqual(JSON.parse(result.stderr), [], "no AWS SDK module may load before a stack with AWS providers is checked");
    });
});
