/**
 * Profile shapes, through the engine protocol: a provider names a `profile` and its own
 * `sharedConfigFiles` / `sharedCredentialsFiles` (temporary files written here), and the pack must
 * check the account pulumi-aws (AWS SDK for Go v2, config's LoadSharedConfigProfile and
 * resolveCredsFromProfile) would deploy into, or fail closed where pulumi-aws fails or cannot be
 * followed safely. Every case has two candidate accounts of different root MFA postures: the
 * winner has no root MFA (its violation names it), the loser has it, so the verdict shows which one
 * won; the fake's request log shows what was assumed with which keys. Credential helpers write a
 * marker file when they run, so a helper that must not run is seen not to have run.
 *
 * The expected winners were checked against the AWS SDK for Go v2 itself (config v1.32.31:
 * LoadDefaultConfig with the same profile and files, then sts:GetCallerIdentity, every request sent
 * to this fake). Where the pack deliberately parts from Go it fails closed instead: an expired SSO
 * token is not refreshed, files under /proc are not read, a FIFO is not waited on.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { IncomingMessage, Server } from "node:http";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Diagnostic, PolicyPackConfig, providerResource } from "../harness/engine";
import { World, freshAccountId, startWorld, stopWorld } from "../support/world";

const MFA = "aws-root-mfa-enabled";
const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1 };
const COMPLIANT = { AccountMFAEnabled: 1, AccountPasswordPresent: 1 };

type Keys = { accessKeyId: string; secretAccessKey: string };

function show(ds: Diagnostic[]): string {
    return ds.map((d) => `[${d.policyName}/${d.enforcementLevel}] ${d.message}`).join("\n---\n");
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The one root-MFA violation that names `accountId`: the account the pack checked. */
function flagged(ds: Diagnostic[], accountId: string): Diagnostic {
    const mine = ds.filter((d) => d.policyName === MFA && d.message.includes(`Account ${accountId} (partition aws): root MFA is not enabled`));
    assert.equal(mine.length, 1, `expected account ${accountId} to be checked and flagged:\n${show(ds)}`);
    return mine[0];
}

/** The one root-MFA diagnostic that fails provider `name` closed. */
function failedClosed(ds: Diagnostic[], name: string): Diagnostic {
    const mine = ds.filter((d) => d.policyName === MFA && d.message.includes(`provider "${name}"`));
    assert.equal(mine.length, 1, `expected provider "${name}" to fail closed:\n${show(ds)}`);
    assert.match(mine[0].message, /could not be determined/);
    assert.match(mine[0].message, /fails closed/);
    assert.equal(mine[0].enforcementLevel, "mandatory");
    assert.doesNotMatch(mine[0].message, /root MFA is not enabled/);
    return mine[0];
}

/** A process that is gone, or a zombie waiting for a reaper (it runs nothing any more). */
function ended(pid: number): boolean {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
        return state === "Z" || state === "X";
    } catch {
        return true;
    }
}

/** Live processes whose command line contains `needle`. */
function processesWith(needle: string): number[] {
    const pids: number[] = [];
    for (const entry of readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) {
            continue;
        }
        try {
            if (readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").includes(needle) && !ended(Number(entry))) {
                pids.push(Number(entry));
            }
        } catch {
            // It exited while we looked.
        }
    }
    return pids;
}

/** A process's command line, or "" once it is gone. */
function cmdline(pid: number): string {
    try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
    } catch {
        return "";
    }
}

/** VmHWM (peak resident set) of a process, in kB. */
function peakRssKb(pid: number): number {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    assert.ok(m, `no VmHWM in /proc/${pid}/status`);
    return Number(m[1]);
}

/** Every file under `dir` with its size, mtime and contents: what a run may not change. */
function snapshot(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (d: string) => {
        for (const entry of readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, entry.name);
            if (entry.isDirectory()) {
                walk(p);
            } else {
                const s = statSync(p);
                out[p] = `${s.size} ${s.mtimeMs} ${createHash("sha256").update(readFileSync(p)).digest("hex")}`;
            }
        }
    };
    walk(dir);
    return out;
}

describe("profile shapes as pulumi-aws (AWS SDK for Go v2) resolves them", function () {
    this.timeout(60_000);
    let world: World;
    let dir: string;
    let home: string;
    /** Every HTTP request that reached the fake, valid or not (the fake's own log keeps only calls it could route). */
    const received: { method: string; url: string; at: number }[] = [];

    before(async () => {
        dir = mkdtempSync(path.join(tmpdir(), "aws-root-mfa-profiles-"));
        home = path.join(dir, "home");
        mkdirSync(path.join(home, ".aws", "sso", "cache"), { recursive: true });
        world = await startWorld({ env: { HOME: home } });
        const server = (world.fake as unknown as { server: Server }).server;
        assert.ok(server && typeof server.on === "function", "the fake's HTTP server is reachable for the raw request log");
        server.on("request", (req: IncomingMessage) => received.push({ method: req.method ?? "", url: req.url ?? "", at: Date.now() }));
    });
    after(async () => {
        await stopWorld(world);
        rmSync(dir, { recursive: true, force: true });
    });

    /** A file under this case's directory. */
    function file(tag: string, name: string, text: string): string {
        const p = path.join(dir, tag, name);
        mkdirSync(path.dirname(p), { recursive: true });
        writeFileSync(p, text);
        return p;
    }

    /** An account of this posture with an IAM user's keys. */
    function keysIn(summary: Record<string, number>): { accountId: string } & Keys {
        const accountId = freshAccountId();
        world.fake.addAccount({ id: accountId, summary });
        return { accountId, ...world.fake.addUser(accountId, "ci") };
    }

    /** An account of this posture with a role `Deploy` that principals of `trusted` may assume. */
    function roleIn(summary: Record<string, number>, trusted: string[]): { accountId: string; roleArn: string } {
        const accountId = freshAccountId();
        world.fake.addAccount({ id: accountId, summary });
        return { accountId, roleArn: world.fake.addRole(accountId, "Deploy", { trustedAccounts: trusted }) };
    }

    /** A provider of this profile reading exactly these files. */
    function profileProvider(name: string, profile: string, configFiles: string[], credentialsFiles: string[]) {
        return providerResource(name, {
            region: "us-east-1",
            profile,
            sharedConfigFiles: JSON.stringify(configFiles),
            sharedCredentialsFiles: JSON.stringify(credentialsFiles),
            skipCredentialsValidation: "false",
        });
    }

    /** A credential_process helper printing these keys and writing `marker` when it runs. */
    function helper(tag: string, keys: Keys): { command: string; marker: string } {
        const marker = path.join(dir, tag, "helper-ran");
        const script = file(tag, "helper.js", [
            `require("node:fs").writeFileSync(${JSON.stringify(marker)}, String(process.pid));`,
            `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(keys.accessKeyId)}, SecretAccessKey: ${JSON.stringify(keys.secretAccessKey)} }));`,
            "",
        ].join("\n"));
        // Go unquotes a value only when it is quoted as a whole: these paths need no quoting.
        assert.ok(!/\s/.test(process.execPath + script), "paths without blanks");
        return { command: `${process.execPath} ${script}`, marker };
    }

    /** The AssumeRole calls the fake received for `roleArn`. */
    function assumeRoleCalls(roleArn: string) {
        return world.fake.calls.filter((c) => c.action === "AssumeRole" && c.params.RoleArn === roleArn);
    }

    it("static keys + role_arn in one profile: the keys assume the role, the role's account is checked", async () => {
        const keys = keysIn(COMPLIANT);
        const role = roleIn(NONCOMPLIANT, [keys.accountId]);
        const config = file("keys-role", "config", [
            "[profile both]",
            `aws_access_key_id = ${keys.accessKeyId}`,
            `aws_secret_access_key = ${keys.secretAccessKey}`,
            `role_arn = ${role.roleArn}`,
            "",
        ].join("\n"));
        const credentials = file("keys-role", "credentials", "");
        const ds = await world.pack.analyzeStack([profileProvider("keys-role", "both", [config], [credentials])]);
        flagged(ds, role.accountId);
        assert.equal(world.fake.count("GetAccountSummary", keys.accountId), 0, "the keys' own account was not checked");
        const calls = assumeRoleCalls(role.roleArn);
        assert.ok(calls.length >= 1 && calls.every((c) => c.accountId === keys.accountId), JSON.stringify(calls));
    });

    it("credential_process + role_arn: the helper's keys assume the role", async () => {
        const keys = keysIn(COMPLIANT);
        const role = roleIn(NONCOMPLIANT, [keys.accountId]);
        const { command, marker } = helper("process-role", keys);
        const config = file("process-role", "config", `[profile proc]\ncredential_process = ${command}\nrole_arn = ${role.roleArn}\n`);
        const credentials = file("process-role", "credentials", "");
        const ds = await world.pack.analyzeStack([profileProvider("process-role", "proc", [config], [credentials])]);
        flagged(ds, role.accountId);
        assert.ok(existsSync(marker), "the helper ran");
        assert.equal(world.fake.count("GetAccountSummary", keys.accountId), 0);
        const calls = assumeRoleCalls(role.roleArn);
        assert.ok(calls.length >= 1 && calls.every((c) => c.accountId === keys.accountId), JSON.stringify(calls));
    });

    /** An [sso-session] and a profile using it (plus `extra` lines), and the session's cached token. */
    function ssoProfile(tag: string, profile: string, accountId: string, token: Record<string, unknown>, extra: string[] = []): { config: string; tokenFile: string; session: string } {
        const session = `profiles-${tag}-${process.pid}`;
        const config = file(tag, "config", [
            `[sso-session ${session}]`,
            `sso_start_url = ${world.fake.url}/start`,
            "sso_region = us-east-1",
            "",
            `[profile ${profile}]`,
            `sso_session = ${session}`,
            `sso_account_id = ${accountId}`,
            "sso_role_name = Admin",
            "region = us-east-1",
            ...extra,
            "",
        ].join("\n"));
        const tokenFile = path.join(home, ".aws", "sso", "cache", `${createHash("sha1").update(session).digest("hex")}.json`);
        writeFileSync(tokenFile, JSON.stringify({ region: "us-east-1", startUrl: `${world.fake.url}/start`, ...token }, null, 2));
        return { config, tokenFile, session };
    }

    it("SSO (sso_session) + credential_process in one profile: SSO is used, the helper never runs", async () => {
        const ssoAccount = freshAccountId();
        world.fake.addAccount({ id: ssoAccount, summary: NONCOMPLIANT });
        const accessToken = `sso-access-token-${ssoAccount}`;
        world.fake.addSsoAccessToken(accessToken, [{ accountId: ssoAccount, roleName: "Admin" }]);
        const processKeys = keysIn(COMPLIANT);
        const { command, marker } = helper("sso-process", processKeys);
        const expiresAt = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
        const { config } = ssoProfile("sso-process", "ssoproc", ssoAccount, { accessToken, expiresAt }, [`credential_process = ${command}`]);
        const credentials = file("sso-process", "credentials", "");
        const ds = await world.pack.analyzeStack([profileProvider("sso-process", "ssoproc", [config], [credentials])]);
        flagged(ds, ssoAccount);
        assert.ok(!existsSync(marker), "the credential_process helper ran");
        assert.equal(world.fake.count("GetAccountSummary", processKeys.accountId), 0);
        assert.ok(world.fake.calls.some((c) => c.action === "GetRoleCredentials" && c.params.account_id === ssoAccount && c.params.role_name === "Admin"));
        assert.equal(world.fake.count("GetCallerIdentity", processKeys.accountId), 0, "the helper's keys were never used");
    });

    it("SSO with an expired token (refreshable): fails closed naming the profile, no refresh, the cache untouched", async () => {
        const ssoAccount = freshAccountId();
        world.fake.addAccount({ id: ssoAccount, summary: NONCOMPLIANT });
        const accessToken = `sso-expired-token-${ssoAccount}`;
        world.fake.addSsoAccessToken(accessToken, [{ accountId: ssoAccount, roleName: "Admin" }]);
        // Refreshable as `aws sso login` leaves it: Go would call sso-oidc:CreateToken and rewrite
        // the cache; the pack must do neither.
        const { config, tokenFile } = ssoProfile("sso-expired", "expired", ssoAccount, {
            accessToken,
            expiresAt: new Date(Date.now() - 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
            clientId: "client-id-0123456789",
            clientSecret: "client-secret-0123456789",
            refreshToken: "refresh-token-0123456789",
            registrationExpiresAt: new Date(Date.now() + 30 * 86400_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
        });
        const credentials = file("sso-expired", "credentials", "");
        const cacheBefore = snapshot(path.join(home, ".aws"));
        const since = Date.now();
        const ds = await world.pack.analyzeStack([profileProvider("sso-expired", "expired", [config], [credentials])]);
        const d = failedClosed(ds, "sso-expired");
        assert.match(d.message, /profile "expired"/);
        assert.match(d.message, /expired at .* \(its cache is in \S+\/\.aws\/sso\/cache \(the file for sso-session "[^"]+"\)\); the pack does not refresh tokens/);
        assert.ok(!d.message.includes(accessToken) && !d.message.includes("refresh-token-0123456789"), d.message);
        const during = received.filter((r) => r.at >= since);
        assert.deepEqual(during.filter((r) => r.url.split("?")[0] === "/token"), [], "no sso-oidc:CreateToken request");
        assert.deepEqual(during.filter((r) => r.url.startsWith("/federation/credentials")), [], "no GetRoleCredentials with the expired token");
        assert.equal(world.fake.count("GetAccountSummary", ssoAccount), 0);
        assert.deepEqual(snapshot(path.join(home, ".aws")), cacheBefore, "nothing was written under $HOME/.aws");
        assert.ok(existsSync(tokenFile));
    });

    it("two sharedConfigFiles: the later file wins key by key; a profile only in the second file is found", async () => {
        const keys = keysIn(COMPLIANT);
        const first = roleIn(COMPLIANT, [keys.accountId]);
        const second = roleIn(NONCOMPLIANT, [keys.accountId]);
        const onlySecond = roleIn(NONCOMPLIANT, [keys.accountId]);
        const credentials = file("two-configs", "credentials", `[base]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`);
        // source_profile only in the first file: it survives the merge beside the second file's role_arn.
        const config1 = file("two-configs", "config-1", `[profile multi]\nrole_arn = ${first.roleArn}\nsource_profile = base\nregion = us-east-1\n`);
        const config2 = file("two-configs", "config-2", `[profile multi]\nrole_arn = ${second.roleArn}\n\n[profile second-only]\nrole_arn = ${onlySecond.roleArn}\nsource_profile = base\n`);
        const ds = await world.pack.analyzeStack([
            profileProvider("merged", "multi", [config1, config2], [credentials]),
            profileProvider("second-only", "second-only", [config1, config2], [credentials]),
        ]);
        flagged(ds, second.accountId);
        flagged(ds, onlySecond.accountId);
        assert.equal(ds.filter((d) => d.policyName === MFA).length, 2, show(ds));
        assert.deepEqual(assumeRoleCalls(first.roleArn), [], "the first file's role_arn was overridden");
        assert.equal(world.fake.count("GetAccountSummary", first.accountId), 0);
        assert.ok(assumeRoleCalls(second.roleArn).every((c) => c.accountId === keys.accountId));
    });

    it("the credentials file over the config file for the same key", async () => {
        const inConfig = keysIn(COMPLIANT);
        const inCredentials = keysIn(NONCOMPLIANT);
        const config = file("creds-over-config", "config", `[profile dup]\naws_access_key_id = ${inConfig.accessKeyId}\naws_secret_access_key = ${inConfig.secretAccessKey}\nregion = us-east-1\n`);
        const credentials = file("creds-over-config", "credentials", `[dup]\naws_access_key_id = ${inCredentials.accessKeyId}\naws_secret_access_key = ${inCredentials.secretAccessKey}\n`);
        const ds = await world.pack.analyzeStack([profileProvider("creds-over-config", "dup", [config], [credentials])]);
        flagged(ds, inCredentials.accountId);
        assert.equal(world.fake.count("GetCallerIdentity", inConfig.accountId), 0, "the config file's keys were never used");
        assert.equal(world.fake.count("GetAccountSummary", inConfig.accountId), 0);
    });

    it("Go INI quirks: upper-case keys, ':' separators, comments only after a blank, a [profile __proto__] section", async () => {
        const keys = keysIn(COMPLIANT);
        const proto = roleIn(NONCOMPLIANT, [keys.accountId]);
        const upper = roleIn(NONCOMPLIANT, [keys.accountId]);
        const spaced = roleIn(NONCOMPLIANT, [keys.accountId]);
        const glued = roleIn(NONCOMPLIANT, [keys.accountId]);
        const credentials = file("ini-quirks", "credentials", `[base]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`);
        const config = file("ini-quirks", "config", [
            // Kept in a Map, not an object: neither this section nor the rest of the file is lost.
            "[profile __proto__]",
            `role_arn = ${proto.roleArn}`,
            "source_profile = base",
            "",
            "[profile upper]",
            `ROLE_ARN=${upper.roleArn}`,
            "Source_Profile: base",
            "",
            // A comment needs a blank before its '#' or ';' ...
            "[profile spaced] ; a section header's comment needs none",
            `role_arn = ${spaced.roleArn} # the deploy role`,
            "source_profile = base\t; the keys",
            "",
            // ... without one, '#' and ';' are part of the value (aws-sdk-go-v2 internal/ini since v1.8.0).
            "[profile glued-hash]",
            `role_arn = ${glued.roleArn}#comment`,
            "source_profile = base",
            "",
            "[profile glued-semicolon]",
            `role_arn = ${glued.roleArn}`,
            "source_profile = base;comment",
            "",
        ].join("\n"));
        const ds = await world.pack.analyzeStack([
            profileProvider("proto", "__proto__", [config], [credentials]),
            profileProvider("upper", "upper", [config], [credentials]),
            profileProvider("spaced", "spaced", [config], [credentials]),
            profileProvider("glued-hash", "glued-hash", [config], [credentials]),
            profileProvider("glued-semicolon", "glued-semicolon", [config], [credentials]),
        ]);
        flagged(ds, proto.accountId);
        flagged(ds, upper.accountId);
        flagged(ds, spaced.accountId);
        // Go assumes "…/Deploy#comment", which does not exist: no credentials, fail closed.
        failedClosed(ds, "glued-hash");
        assert.ok(assumeRoleCalls(`${glued.roleArn}#comment`).length >= 1, `AssumeRole of the role ARN with its "#comment": ${JSON.stringify(world.fake.calls.filter((c) => c.action === "AssumeRole").map((c) => c.params.RoleArn))}`);
        // Go looks for source_profile "base;comment", which is not defined.
        const semi = failedClosed(ds, "glued-semicolon");
        assert.ok(semi.message.includes('"base;comment"'), semi.message);
        assert.deepEqual(assumeRoleCalls(glued.roleArn), [], "neither glued profile reached the role without its comment");
        assert.equal(world.fake.count("GetAccountSummary", glued.accountId), 0);
        assert.equal(ds.filter((d) => d.policyName === MFA).length, 5, show(ds));
    });

    describe("with a 5 s timeoutSeconds", () => {
        before(async () => {
            const policies = (await world.pack.getAnalyzerInfo()).policies.map((p) => p.name);
            await world.pack.configure(Object.fromEntries(policies.map((p) => [p, { timeoutSeconds: 5 }])) as PolicyPackConfig);
        });
        after(async () => {
            await world.pack.configure({});
        });

        it("a FIFO as web_identity_token_file: fails closed within the timeout, naming the file", async () => {
            const role = roleIn(NONCOMPLIANT, []);
            const fifo = path.join(dir, "fifo-token", "token");
            mkdirSync(path.dirname(fifo), { recursive: true });
            execFileSync("mkfifo", [fifo]);
            const config = file("fifo-token", "config", `[profile web]\nrole_arn = ${role.roleArn}\nweb_identity_token_file = ${fifo}\n`);
            const credentials = file("fifo-token", "credentials", "");
            const started = Date.now();
            const ds = await world.pack.analyzeStack([profileProvider("fifo-token", "web", [config], [credentials])]).finally(() => {
                // Should the pack have opened it for reading, a writer that opens and closes releases it.
                try {
                    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
                } catch {
                    // ENXIO: no reader, nothing blocked on it.
                }
            });
            const elapsed = Date.now() - started;
            console.log(`      (analyzeStack with a FIFO token file returned in ${elapsed} ms)`);
            assert.ok(elapsed < 20_000, `took ${elapsed} ms`);
            const d = failedClosed(ds, "fifo-token");
            assert.ok(d.message.includes(fifo), d.message);
            assert.match(d.message, /is not a regular file/);
            assert.deepEqual(world.fake.calls.filter((c) => c.action === "AssumeRoleWithWebIdentity" && c.params.RoleArn === role.roleArn), [], "no web identity call for this role");
            assert.equal(world.fake.count("GetAccountSummary", role.accountId), 0);
        });
    });

    it("a profile file under /proc: fails closed naming the file, and the pack's peak RSS stays modest", async () => {
        const keys = keysIn(NONCOMPLIANT);
        const credentials = file("proc-files", "credentials", `[ci]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`);
        const before = peakRssKb(world.pack.pid);
        const ds = await world.pack.analyzeStack([
            profileProvider("proc-environ", "ci", ["/proc/self/environ"], [credentials]),
            profileProvider("proc-pagemap", "ci", ["/proc/self/pagemap"], [credentials]),
        ]);
        const after = peakRssKb(world.pack.pid);
        console.log(`      (pack VmHWM ${before} kB before, ${after} kB after)`);
        for (const [name, p] of [["proc-environ", "/proc/self/environ"], ["proc-pagemap", "/proc/self/pagemap"]]) {
            const d = failedClosed(ds, name);
            assert.ok(d.message.includes(p), d.message);
            assert.match(d.message, /under \/proc/);
        }
        assert.equal(world.fake.count("GetAccountSummary", keys.accountId), 0, "the credentials file alone was not used");
        assert.ok(after - before < 64 * 1024, `peak RSS grew by ${after - before} kB`);
        assert.ok(after < 512 * 1024, `peak RSS ${after} kB`);
    });

    it("a credential_process that exits 0 leaving children (one holding stdout, one after setsid): none survives the call", async () => {
        const keys = keysIn(NONCOMPLIANT);
        const tag = "leftovers";
        const pids = path.join(dir, tag, "pids");
        const marker = path.join(dir, tag, "helper-ran");
        const aliveAtExit = path.join(dir, tag, "alive-at-exit");
        // A sleep length no other process uses, to find them by command line.
        const seconds = `300.${process.pid}${Date.now() % 100000}`;
        const script = file(tag, "helper.sh", [
            "#!/bin/sh",
            `echo $$ > '${marker}'`,
            // Holds the helper's stdout open after it exits.
            `sleep ${seconds} &`,
            `echo $! >> '${pids}'`,
            // Leaves the helper's process group and session; holds stdout too.
            `setsid sh -c 'echo $$ >> "${pids}"; exec sleep ${seconds}' &`,
            `i=0; while [ "$(wc -l < '${pids}')" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done`,
            // Both still run as the helper exits.
            `for p in $(cat '${pids}'); do kill -0 "$p" && echo "$p" >> '${aliveAtExit}'; done`,
            `printf '%s' '${JSON.stringify({ Version: 1, AccessKeyId: keys.accessKeyId, SecretAccessKey: keys.secretAccessKey })}'`,
            "exit 0",
            "",
        ].join("\n"));
        const config = file(tag, "config", `[profile leftovers]\ncredential_process = /bin/sh ${script}\n`);
        const credentials = file(tag, "credentials", "");
        let children: number[] = [];
        try {
            const started = Date.now();
            const ds = await world.pack.analyzeStack([profileProvider("leftovers", "leftovers", [config], [credentials])]);
            console.log(`      (analyzeStack returned in ${Date.now() - started} ms)`);
            flagged(ds, keys.accountId);
            assert.ok(existsSync(marker), "the helper ran");
            children = readFileSync(pids, "utf8").trim().split("\n").map(Number);
            assert.equal(children.length, 2, readFileSync(pids, "utf8"));
            assert.deepEqual(readFileSync(aliveAtExit, "utf8").trim().split("\n").map(Number), children, "both children ran when the helper exited");
            let alive = children.filter((pid) => !ended(pid));
            for (let i = 0; i < 20 && alive.length > 0; i++) {
                await sleep(100);
                alive = children.filter((pid) => !ended(pid));
            }
            assert.deepEqual(alive, [], `children of the helper outlived the call: ${alive.map((pid) => `${pid} ${cmdline(pid)}`).join(", ")}`);
            assert.deepEqual(processesWith(seconds), [], "a sleep of the helper is still running");
        } finally {
            for (const pid of [...children, ...processesWith(seconds)]) {
                try {
                    process.kill(pid, "SIGKILL");
                } catch {
                    // Gone already.
                }
            }
        }
    });

    it("source_profile chain: A (role_arn + source_profile B) assumes A's role with B's static keys", async () => {
        const b = keysIn(COMPLIANT);
        const role = roleIn(NONCOMPLIANT, [b.accountId]);
        const config = file("source-profile", "config", `[profile A]\nrole_arn = ${role.roleArn}\nsource_profile = B\nregion = us-east-1\n`);
        const credentials = file("source-profile", "credentials", `[B]\naws_access_key_id = ${b.accessKeyId}\naws_secret_access_key = ${b.secretAccessKey}\n`);
        const ds = await world.pack.analyzeStack([profileProvider("source-profile", "A", [config], [credentials])]);
        flagged(ds, role.accountId);
        const calls = assumeRoleCalls(role.roleArn);
        assert.ok(calls.length >= 1 && calls.every((c) => c.accountId === b.accountId && c.principalArn === `arn:aws:iam::${b.accountId}:user/ci`), JSON.stringify(calls));
        assert.equal(world.fake.count("GetAccountSummary", b.accountId), 0);
    });

    it("mfa_serial on a profile's role: fails closed naming the profile (pulumi-aws cannot prompt), nothing assumed", async () => {
        const keys = keysIn(COMPLIANT);
        const role = roleIn(NONCOMPLIANT, [keys.accountId]);
        const config = file("mfa-serial", "config", `[profile mfa]\nrole_arn = ${role.roleArn}\nsource_profile = base\nmfa_serial = arn:aws:iam::${keys.accountId}:mfa/ci\n`);
        const credentials = file("mfa-serial", "credentials", `[base]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`);
        const ds = await world.pack.analyzeStack([profileProvider("mfa-serial", "mfa", [config], [credentials])]);
        const d = failedClosed(ds, "mfa-serial");
        assert.match(d.message, /Profile "mfa"|profile "mfa"/);
        assert.match(d.message, /mfa_serial/);
        assert.deepEqual(assumeRoleCalls(role.roleArn), []);
        assert.equal(world.fake.count("GetAccountSummary", role.accountId), 0);
        assert.equal(world.fake.count("GetAccountSummary", keys.accountId), 0);
    });
});
