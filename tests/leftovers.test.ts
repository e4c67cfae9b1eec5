/**
 * Tests leave no temporary files behind. Every test, and every pack or helper process a test
 * starts, gets a temporary directory of its own for the whole run (TMPDIR, which `os.tmpdir()`
 * reads and child processes inherit); after the last test it must be empty. A private directory,
 * rather than a before/after listing of the shared one, keeps other processes' files out of it.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

let suiteTmp: string | undefined;
let savedTmpdir: string | undefined;

// Root-level hooks: they run once, before the first test and after the last one of every file.
before(() => {
    savedTmpdir = process.env.TMPDIR;
    suiteTmp = mkdtempSync(path.join(tmpdir(), "aws-root-mfa-suite-"));
    process.env.TMPDIR = suiteTmp;
});

after(() => {
    if (savedTmpdir === undefined) {
        delete process.env.TMPDIR;
    } else {
        process.env.TMPDIR = savedTmpdir;
    }
    if (suiteTmp === undefined) {
        return;
    }
    // Caches of the runtime itself are not the tests' doing; they go with the directory: ts-node's
    // (v8-compile-cache, its ts-node-<hash> output directory for child processes started with it)
    // and Node's module compile cache (node-compile-cache, which @pulumi/pulumi enables on Node 22+).
    const left = readdirSync(suiteTmp).filter((name) => !/^(v8-compile-cache-|ts-node-[0-9a-f]{64}$|node-compile-cache$)/.test(name));
    rmSync(suiteTmp, { recursive: true, force: true });
    assert.deepEqual(left, [], `the tests left these in the temporary directory: ${left.join(", ")}`);
});
