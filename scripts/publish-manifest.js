#!/usr/bin/env node
"use strict";
/**
 * What a published pack installs. The Pulumi CLI unpacks the `npm pack` tarball and runs plain
 * `npm install` in it, which would install devDependencies and run the root package's own
 * lifecycle scripts. So, around `npm pack` (prepack/postpack):
 *
 *   strip    keeps package.json aside, writes it without devDependencies and scripts, and writes
 *            npm-shrinkwrap.json: package-lock.json without the dev-only packages, so the
 *            installed versions are the tested ones.
 *   restore  puts package.json back and removes npm-shrinkwrap.json.
 *
 * npm reads the manifest's scripts before prepack, so postpack still runs after a strip.
 */
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const manifestFile = path.join(root, "package.json");
const backupFile = path.join(root, ".package.json.unpublished");
const lockFile = path.join(root, "package-lock.json");
const shrinkwrapFile = path.join(root, "npm-shrinkwrap.json");

function fail(message) {
    process.stderr.write(`scripts/publish-manifest.js: ${message}\n`);
    process.exit(1);
}

function readJson(file) {
    return JSON.parse(fs.readFileSync(file, "utf8"));
}

function writeJson(file, value) {
    fs.writeFileSync(file, JSON.stringify(value, null, 2) + "\n");
}

function strip() {
    if (fs.existsSync(backupFile)) {
        fail(`${path.basename(backupFile)} exists: an earlier pack did not finish; run \`node scripts/publish-manifest.js restore\` first`);
    }
    const manifest = readJson(manifestFile);
    const lock = readJson(lockFile);
    const missing = Object.keys(manifest.dependencies ?? {}).filter((name) => !lock.packages?.[`node_modules/${name}`]);
    if (lock.lockfileVersion < 2 || missing.length > 0) {
        fail(`package-lock.json does not match package.json (missing: ${missing.join(", ") || "lockfile v2+"}); run \`npm install\``);
    }
    fs.copyFileSync(manifestFile, backupFile);

    const published = { ...manifest };
    delete published.devDependencies;
    delete published.scripts;
    writeJson(manifestFile, published);

    const packages = {};
    for (const [key, entry] of Object.entries(lock.packages)) {
        if (key === "") {
            const rootEntry = { ...entry };
            delete rootEntry.devDependencies;
            packages[key] = rootEntry;
        } else if (!entry.dev) {
            packages[key] = entry;
        }
    }
    writeJson(shrinkwrapFile, { ...lock, packages });
}

function restore() {
    if (fs.existsSync(backupFile)) {
        fs.renameSync(backupFile, manifestFile);
    }
    fs.rmSync(shrinkwrapFile, { force: true });
}

const command = process.argv[2];
if (command === "strip") {
    strip();
} else if (command === "restore") {
    restore();
} else {
    fail("usage: publish-manifest.js strip|restore");
}
