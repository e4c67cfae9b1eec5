/**
 * What `pulumi policy publish` ships and what a consumer's CLI then installs: `npm pack` in the
 * checkout (prepack/postpack run), the tarball unpacked and plain `npm install` run in it, as the
 * CLI does. Needs the npm registry, as `npm ci` does.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { policies } from "../policypack/pack";
import { startPack } from "./harness/engine";
import { PACK_DIR } from "./support/world";

/** Issue 10's limit on what a published pack installs, in MB of 10^6 bytes (the stricter reading). */
const INSTALLED_SIZE_LIMIT_MB = 60;

/** Sum of file sizes under `node_modules` (symlinks not followed) and the packages installed there, as lockfile keys. */
function measure(nodeModules: string): { bytes: number; packages: string[] } {
    let bytes = 0;
    const packages: string[] = [];
    for (const entry of readdirSync(nodeModules, { withFileTypes: true, recursive: true })) {
        if (entry.isFile()) {
            const file = path.join(entry.parentPath, entry.name);
            bytes += lstatSync(file).size;
            const key = path.relative(path.dirname(nodeModules), path.dirname(file)).split(path.sep).join("/");
            if (entry.name === "package.json" && /(^|\/)node_modules\/(@[^/]+\/)?[^/@][^/]*$/.test(key)) {
                packages.push(key);
            }
        }
    }
    return { bytes, packages: packages.sort() };
}

/** Runs a command to completion, collecting both streams. */
function run(command: string, args: string[], cwd: string): Promise<{ status: number | null; output: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (d) => (output += d));
        child.stderr.on("data", (d) => (output += d));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, output }));
    });
}

describe("packaging", function () {
    this.timeout(240_000);

    let tmp: string;
    let packageDir: string;
    let files: string[];

    before(() => {
        tmp = mkdtempSync(path.join(os.tmpdir(), "aws-root-mfa-pack-"));
        const manifestBefore = readFileSync(path.join(PACK_DIR, "package.json"), "utf8");
        execFileSync("npm", ["pack", "--loglevel=error", "--pack-destination", tmp], { cwd: PACK_DIR, stdio: "ignore" });
        assert.equal(readFileSync(path.join(PACK_DIR, "package.json"), "utf8"), manifestBefore, "postpack restores package.json");
        assert.ok(!readdirSync(PACK_DIR).includes("npm-shrinkwrap.json"), "postpack removes npm-shrinkwrap.json from the checkout");
        const tarball = readdirSync(tmp).find((f) => f.endsWith(".tgz"));
        assert.ok(tarball, "npm pack wrote no tarball");
        files = execFileSync("tar", ["tzf", path.join(tmp, tarball)], { encoding: "utf8" }).trim().split("\n").map((f) => f.replace(/^package\//, ""));
        execFileSync("tar", ["xzf", path.join(tmp, tarball), "-C", tmp]);
        packageDir = path.join(tmp, "package");
    });

    after(() => {
        if (tmp) rmSync(tmp, { recursive: true, force: true });
    });

    it("npm pack ships the compiled pack, its sources, metadata, licence and shrinkwrap, never tests", () => {
        for (const required of ["bin/index.js", "policypack/index.ts", "PulumiPolicy.yaml", "package.json", "npm-shrinkwrap.json", "README.md", "LICENSE"]) {
            assert.ok(files.includes(required), `${required} missing from the package`);
        }
        assert.deepEqual(files.filter((f) => /^(tests|bench|scripts|\.ci)\//.test(f) || f.includes("fixtures")), []);
    });

    it("the published package.json has no devDependencies and no scripts; the shrinkwrap pins the tested versions", () => {
        const published = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8"));
        assert.equal(published.devDependencies, undefined);
        assert.equal(published.scripts, undefined);
        const shrinkwrap = JSON.parse(readFileSync(path.join(packageDir, "npm-shrinkwrap.json"), "utf8"));
        const lock = JSON.parse(readFileSync(path.join(PACK_DIR, "package-lock.json"), "utf8"));
        for (const [key, entry] of Object.entries<{ version?: string; dev?: boolean }>(shrinkwrap.packages)) {
            assert.ok(!entry.dev, `${key} is dev-only`);
            assert.equal(entry.version, lock.packages[key]?.version, `${key} differs from package-lock.json`);
        }
        for (const name of Object.keys(published.dependencies)) {
            assert.ok(shrinkwrap.packages[`node_modules/${name}`], `${name} not pinned`);
        }
    });

    it("plain npm install in the unpacked pack installs only what it runs, quietly, and the pack starts", async () => {
        const started = performance.now();
        const install = await run("npm", ["install"], packageDir);
        const seconds = (performance.now() - started) / 1000;
        assert.equal(install.status, 0, install.output);
        const { bytes, packages } = measure(path.join(packageDir, "node_modules"));
        const mb = bytes / 1e6;
        console.log(`      published pack: npm install took ${seconds.toFixed(1)} s, installed ${packages.length} packages, ${mb.toFixed(1)} MB = ${(bytes / 2 ** 20).toFixed(1)} MiB (limit ${INSTALLED_SIZE_LIMIT_MB} MB)`);
        assert.doesNotMatch(install.output, /error/i, "npm install printed an error");
        const shrinkwrap = JSON.parse(readFileSync(path.join(packageDir, "npm-shrinkwrap.json"), "utf8"));
        assert.deepEqual(packages, Object.keys(shrinkwrap.packages).filter((k) => k !== "").sort(), "installed packages differ from the shrinkwrap");
        for (const [key, entry] of Object.entries<{ version?: string }>(shrinkwrap.packages)) {
            if (key === "") continue;
            const installed = JSON.parse(readFileSync(path.join(packageDir, key, "package.json"), "utf8")).version;
            assert.equal(installed.replace(/^v/, ""), entry.version, `${key}: installed ${installed}, shrinkwrap ${entry.version}`);
        }
        for (const devOnly of ["mocha", "typescript", "ts-node", "fast-check", "@pulumi/aws", "@pulumi/aws-native"]) {
            assert.ok(!packages.includes(`node_modules/${devOnly}`), `${devOnly} installed`);
        }
        const pack = await startPack({ packDir: packageDir, dryRun: true, env: { HOME: "/nonexistent" } });
        try {
            assert.match(String(pack.port), /^\d+$/);
            const info = await pack.getAnalyzerInfo();
            assert.deepEqual(info.policies.map((p) => p.name).sort(), policies.map((p) => p.name).sort());
        } finally {
            await pack.close();
        }
        assert.ok(mb < INSTALLED_SIZE_LIMIT_MB, `installed ${mb.toFixed(1)} MB, limit ${INSTALLED_SIZE_LIMIT_MB} MB`);
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
