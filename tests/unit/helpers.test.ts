/**
 * Credential helpers run through runCredentialProcess end with every process they start, however
 * those processes try to outlive them, and fail without quoting their command line or output;
 * parseProcessCredentials reads their JSON as the AWS SDK for Go does.
 *
 * Each test's helpers run programs by paths under a directory named with a marker of the test's
 * own, so every process a helper starts names the marker in its command line and a scan of
 * /proc/<pid>/cmdline finds whatever is left.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { CredentialHelperError, parseProcessCredentials, runCredentialProcess } from "../../policypack/posture/helpers";

const REPO = path.resolve(__dirname, "../..");
const HELPERS = path.join(REPO, "policypack/posture/helpers.ts");
const SLEEP = execFileSync("/bin/sh", ["-c", "command -v sleep"], { encoding: "utf8" }).trim();
const CREDENTIALS = '{"Version":1,"AccessKeyId":"AKIDVALUE","SecretAccessKey":"SECRETVALUE"}';
// Well under the 300 s the helpers' leftovers would run: only a leftover holding the output open
// could make a helper take this long.
const PROMPTLY_MS = 10_000;
// For a killed process to leave /proc (its command line empties as it exits).
const REAP_MS = 1000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pids of processes (other than this one) whose command line holds `marker`. */
function processesWith(marker: string): number[] {
    const found: number[] = [];
    for (const name of readdirSync("/proc")) {
        if (/^[0-9]+$/.test(name) && Number(name) !== process.pid) {
            try {
                if (readFileSync(`/proc/${name}/cmdline`, "latin1").includes(marker)) {
                    found.push(Number(name));
                }
            } catch {
                // Gone while listing.
            }
        }
    }
    return found;
}

function commandLine(pid: number): string {
    try {
        return readFileSync(`/proc/${pid}/cmdline`, "latin1").replace(/\0/g, " ");
    } catch {
        return "(gone)";
    }
}

/** Waits until `done()` holds, for at most `ms`; returns whether it did. */
async function waitUntil(done: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!done()) {
        if (Date.now() > deadline) {
            return false;
        }
        await pause(20);
    }
    return true;
}

async function assertNoneLeft(marker: string): Promise<void> {
    await waitUntil(() => processesWith(marker).length === 0, REAP_MS);
    assert.deepEqual(processesWith(marker).map(commandLine), [], "processes the helper started outlived it");
}

/** `promise`, or a failure if it has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms);
    });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function rejection(promise: Promise<unknown>): Promise<CredentialHelperError> {
    const e = await within(promise, PROMPTLY_MS).then(
        () => assert.fail("the helper succeeded"),
        (error: unknown) => error,
    );
    assert.ok(e instanceof CredentialHelperError, String(e));
    return e;
}

describe("credential helpers", () => {
    let marker = "";
    let dir = "";
    let ready = "";
    let sleep = "";

    /** Writes an executable helper script; returns its path. */
    function script(name: string, body: string): string {
        const file = path.join(dir, name);
        writeFileSync(file, `#!/bin/sh\n${body}\n`);
        chmodSync(file, 0o755);
        return file;
    }

    /** Shell lines: start a sleeper in a session of its own, then wait until it has left the helper's. */
    function setsidSleeper(): string {
        return [
            `setsid /bin/sh -c 'touch "$0"; exec "$1" 300' ${ready} ${sleep} &`,
            `until [ -e ${ready} ]; do ${sleep} 0.01; done`,
        ].join("\n");
    }

    beforeEach(() => {
        marker = `helpers-test-${randomBytes(6).toString("hex")}`;
        dir = mkdtempSync(path.join(tmpdir(), `${marker}-`));
        ready = path.join(dir, "ready");
        // A sleep by a path in `dir`: its command line names the marker.
        sleep = path.join(dir, "sleep");
        symlinkSync(SLEEP, sleep);
    });

    afterEach(() => {
        for (const pid of processesWith(marker)) {
            try {
                process.kill(pid, "SIGKILL");
            } catch {
                // Already gone.
            }
        }
        rmSync(dir, { recursive: true, force: true });
    });

    describe("runCredentialProcess ends every process a helper starts", () => {
        it("a helper that exits 0 leaving a child that holds its stdout: its output promptly, the child ended", async () => {
            const helper = script("helper.sh", `echo '${CREDENTIALS}'\n(${sleep} 300; echo late) &\nexit 0`);
            const stdout = await within(runCredentialProcess(helper, new AbortController().signal), PROMPTLY_MS);
            assert.equal(stdout, `${CREDENTIALS}\n`);
            assert.equal(parseProcessCredentials(stdout).accessKeyId, "AKIDVALUE");
            await assertNoneLeft(marker);
        });

        it("a child that left the helper's session and process group (setsid) is ended when the helper exits 0", async () => {
            const helper = script("helper.sh", `${setsidSleeper()}\necho '${CREDENTIALS}'`);
            assert.equal(await within(runCredentialProcess(helper, new AbortController().signal), PROMPTLY_MS), `${CREDENTIALS}\n`);
            await assertNoneLeft(marker);
        });

        it("a double-forked daemon, reparented to init before the helper exits, is ended", async () => {
            const helper = script("helper.sh", [`( ( touch ${ready}; exec ${sleep} 300 ) & ) &`, `until [ -e ${ready} ]; do ${sleep} 0.01; done`, `echo '${CREDENTIALS}'`].join("\n"));
            assert.equal(await within(runCredentialProcess(helper, new AbortController().signal), PROMPTLY_MS), `${CREDENTIALS}\n`);
            await assertNoneLeft(marker);
        });

        it("a child that left the session and cleared its environment while the helper ran is ended (tracked by the poll)", async () => {
            const helper = script(
                "helper.sh",
                [
                    `setsid env -i /bin/sh -c 'touch "$0"; exec "$1" 300' ${ready} ${sleep} &`,
                    `until [ -e ${ready} ]; do ${sleep} 0.01; done`,
                    // Time for polls (every 25 ms) to see the child while its parent lives: once the
                    // helper exits, nothing else links the child to it.
                    `${sleep} 0.5`,
                    `echo '${CREDENTIALS}'`,
                ].join("\n"),
            );
            assert.equal(await within(runCredentialProcess(helper, new AbortController().signal), PROMPTLY_MS), `${CREDENTIALS}\n`);
            await assertNoneLeft(marker);
        });

        it("a helper that never exits is ended with its children and grandchildren when the signal aborts", async () => {
            const helper = script("helper.sh", [`( ${setsidSleeper()}\n${sleep} 300 & wait ) &`, `until [ -e ${ready} ]; do ${sleep} 0.01; done`, `${sleep} 300`].join("\n"));
            const deadline = new AbortController();
            const running = runCredentialProcess(helper, deadline.signal);
            assert.ok(await waitUntil(() => existsSync(ready), PROMPTLY_MS), "the helper did not start its grandchildren");
            // The helper, its subshell, the subshell's two sleepers, and the helper's sleeper.
            assert.ok(await waitUntil(() => processesWith(marker).length >= 5, PROMPTLY_MS), processesWith(marker).map(commandLine).join("\n"));
            deadline.abort();
            const e = await rejection(running);
            assert.equal(e.message, "it did not finish in time and was ended");
            await assertNoneLeft(marker);
        });

        it("a helper that prints more than 1 MiB is ended, with its children, and fails", async () => {
            const line = "0123456789".repeat(10);
            const helper = script("helper.sh", `${sleep} 300 &\nwhile :; do echo ${line}; done`);
            const e = await rejection(runCredentialProcess(helper, new AbortController().signal));
            assert.equal(e.message, "it printed more than 1048576 bytes");
            await assertNoneLeft(marker);
        });

        for (const how of ["exits", "is sent SIGTERM"] as const) {
            it(`when the pack ${how}, a helper it is running and a sleeper that left the helper's session are ended`, async () => {
                const helper = script("helper.sh", `( ${setsidSleeper()} )\n${sleep} 300 &\nwait`);
                const pack = path.join(dir, "pack.js");
                writeFileSync(
                    pack,
                    [
                        `const { runCredentialProcess } = require(${JSON.stringify(HELPERS)});`,
                        `runCredentialProcess(${JSON.stringify(helper)}, new AbortController().signal).catch(() => undefined);`,
                        `setInterval(() => undefined, 1000);`,
                        `const poll = setInterval(() => {`,
                        `    if (!require("fs").existsSync(${JSON.stringify(ready)})) return;`,
                        `    clearInterval(poll);`,
                        how === "exits" ? `    process.exit(0);` : `    process.stdout.write("ready\\n");`,
                        `}, 10);`,
                    ].join("\n"),
                );
                const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", pack], {
                    cwd: REPO,
                    env: { ...process.env, TS_NODE_PROJECT: path.join(REPO, "tsconfig.json") },
                    stdio: ["ignore", "pipe", "pipe"],
                });
                let output = "";
                child.stdout.on("data", (chunk: Buffer) => {
                    output += chunk.toString();
                    if (output.includes("ready\n")) {
                        child.kill("SIGTERM");
                    }
                });
                child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
                const [code, signal] = await within(new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once("exit", (c, s) => resolve([c, s]))), 20_000);
                assert.deepEqual([code, signal], how === "exits" ? [0, null] : [null, "SIGTERM"], output);
                assert.ok(existsSync(ready), "the sleeper never started");
                await assertNoneLeft(marker);
            });
        }
    });

    describe("runCredentialProcess fails without quoting the helper", () => {
        it("a helper that exits 3 after printing a password fails naming the code, and neither its command line nor the password", async () => {
            const helper = script("helper.sh", `echo password=hunter2-${marker}\necho password=hunter2-${marker} >&2\nexit 3`);
            const command = `${helper} --client-secret=cs-secret-value`;
            const e = await rejection(runCredentialProcess(command, new AbortController().signal));
            assert.equal(e.message, "it exited with code 3");
            for (const quoted of ["hunter2", "cs-secret-value", dir, marker]) {
                assert.ok(!e.message.includes(quoted), e.message);
            }
            await assertNoneLeft(marker);
        });

        it("a helper that a signal ends fails naming the signal", async () => {
            const e = await rejection(runCredentialProcess(`${sleep} 0; kill -9 $$`, new AbortController().signal));
            assert.equal(e.message, "it was ended by SIGKILL");
        });

        it("a helper is not started once the signal has aborted", async () => {
            const deadline = new AbortController();
            deadline.abort();
            const e = await rejection(runCredentialProcess(`touch ${ready}`, deadline.signal));
            assert.equal(e.message, "it was not started: the check had already run out of time");
            assert.ok(!existsSync(ready));
        });
    });
});

describe("parseProcessCredentials", () => {
    const unusable = (what: string) => `it printed no credentials the AWS SDK could use: ${what}`;
    const full = {
        Version: 1,
        AccessKeyId: "AKIDVALUE",
        SecretAccessKey: "SECRETVALUE",
        SessionToken: "TOKENVALUE",
        Expiration: "2030-01-02T03:04:05Z",
        AccountId: "123456789012",
    };
    const expected = { accessKeyId: "AKIDVALUE", secretAccessKey: "SECRETVALUE", sessionToken: "TOKENVALUE", expiration: new Date("2030-01-02T03:04:05Z") };
    const json = (value: unknown) => JSON.stringify(value);
    const without = (key: keyof typeof full) => json({ ...full, [key]: undefined });

    const valid: Array<[string, string, ReturnType<typeof parseProcessCredentials>]> = [
        ["every field", json(full), expected],
        ["only the required fields", json({ Version: 1, AccessKeyId: "AKIDVALUE", SecretAccessKey: "SECRETVALUE" }), { accessKeyId: "AKIDVALUE", secretAccessKey: "SECRETVALUE" }],
        [
            "lower-case field names (Go matches names case-insensitively)",
            json({ version: 1, accesskeyid: "AKIDVALUE", secretaccesskey: "SECRETVALUE", sessiontoken: "TOKENVALUE", expiration: "2030-01-02T03:04:05Z" }),
            expected,
        ],
        [
            "names with KELVIN SIGN and LONG S (Unicode case folding, as Go's)",
            json({ Version: 1, AccessKeyId: "AKIDVALUE", "\u017fecretAcce\u017f\u017f\u212aey": "SECRETVALUE" }),
            { accessKeyId: "AKIDVALUE", secretAccessKey: "SECRETVALUE" },
        ],
        [
            "duplicates: the last wins, and null leaves a string as it was",
            '{"Version":1,"AccessKeyId":"first","accessKeyId":"AKIDVALUE","ACCESSKEYID":null,"SecretAccessKey":"SECRETVALUE","Expiration":"2030-01-02T03:04:05Z","expiration":null}',
            { accessKeyId: "AKIDVALUE", secretAccessKey: "SECRETVALUE" },
        ],
        ["an empty SessionToken (none)", json({ ...full, SessionToken: "", Expiration: undefined }), { accessKeyId: "AKIDVALUE", secretAccessKey: "SECRETVALUE" }],
        [
            "an Expiration Go's time.Parse accepts: one-digit hour, comma fraction, offset",
            json({ ...full, Expiration: "2030-01-02T3:04:05,123456789+01:30" }),
            { ...expected, expiration: new Date("2030-01-02T01:34:05.123Z") },
        ],
        ["arrays nested 10000 deep with the top-level object (Go's limit)", `${json(full).slice(0, -1)},"x":${"[".repeat(9999)}${"]".repeat(9999)}}`, expected],
        ["an Expiration in year 0050", json({ ...full, Expiration: "0050-06-01T00:00:00Z" }), { ...expected, expiration: new Date("0050-06-01T00:00:00Z") }],
    ];
    for (const [name, stdout, credentials] of valid) {
        it(`reads ${name}`, () => {
            assert.deepEqual(parseProcessCredentials(stdout), credentials);
        });
    }

    const invalid: Array<[string, string, string]> = [
        ["not JSON", "password=hunter2", "its output is not JSON"],
        ["no output", "", "its output is not JSON"],
        ["JSON followed by more", `${json(full)} password=hunter2`, "its output is not JSON"],
        ["an array", json([full]), "its output is not a JSON object"],
        ["arrays nested deeper than Go reads", `${json(full).slice(0, -1)},"x":${"[".repeat(10000)}${"]".repeat(10000)}}`, "its output nests objects and arrays more than 10000 deep"],
        ["null", "null", "Version is not 1"],
        ["Version 2", json({ ...full, Version: 2 }), "Version is not 1"],
        ["no Version", without("Version"), "Version is not 1"],
        ["Version as a string", json({ ...full, Version: "1" }), "Version is not an integer"],
        ["Version 1.0", json(full).replace('"Version":1', '"Version":1.0'), "Version is not an integer"],
        ["Version beyond int64", json(full).replace('"Version":1', '"Version":18446744073709551617'), "Version is not an integer"],
        ["no AccessKeyId", without("AccessKeyId"), "AccessKeyId is missing or empty"],
        ["an empty AccessKeyId", json({ ...full, AccessKeyId: "" }), "AccessKeyId is missing or empty"],
        ["no SecretAccessKey", without("SecretAccessKey"), "SecretAccessKey is missing or empty"],
        ["a SecretAccessKey that is a number", json({ ...full, SecretAccessKey: 12345 }), "SecretAccessKey is not a string"],
        ["an AccountId that is an object", json({ ...full, AccountId: { id: "123456789012" } }), "AccountId is not a string"],
        ["an Expiration that is not a time", json({ ...full, Expiration: "hunter2" }), "Expiration is not an RFC 3339 time"],
        ["an Expiration on 30 February", json({ ...full, Expiration: "2030-02-30T00:00:00Z" }), "Expiration is not an RFC 3339 time"],
        ["an Expiration with no zone", json({ ...full, Expiration: "2030-01-02T03:04:05" }), "Expiration is not an RFC 3339 time"],
        ["an Expiration written with an escape (Go reads it unescaped)", json(full).replace("2030", "\\u0032030"), "Expiration is not an RFC 3339 time"],
        ["an Expiration that is a number", json({ ...full, Expiration: 1893553445 }), "Expiration is not a string"],
    ];
    for (const [name, stdout, what] of invalid) {
        it(`rejects ${name}: "${what}"`, () => {
            assert.throws(
                () => parseProcessCredentials(stdout),
                (e: unknown) => {
                    assert.ok(e instanceof CredentialHelperError);
                    assert.equal(e.message, unusable(what));
                    for (const value of ["AKIDVALUE", "SECRETVALUE", "TOKENVALUE", "hunter2", "123456789012"]) {
                        assert.ok(!e.message.includes(value), e.message);
                    }
                    return true;
                },
            );
        });
    }
});
