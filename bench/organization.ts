/**
 * `npm run bench:organization`: what `aws-root-mfa check --organization` and `aws-root-mfa fix
 * --apply` cost on a whole organization, run as a user runs them (the built CLI,
 * `node bin/cli/main.js`, as a child process) against the local AWS-compatible endpoint over https
 * with per-call latency L, with the management account user's keys in the environment and a
 * `--config` file that makes every stack policy trust the endpoint (`trustedEndpoints`) and its
 * test CA (`trustedCaBundles`).
 *
 * The organization of a check row has N accounts: the management account (read with the keys that
 * list the organization) and N − 1 members, 9 in 10 with root MFA or no root password (one in ten
 * keeps a password without MFA: a mandatory violation, so the run exits 1), one in 25 with a root
 * access key. It has centralized root access with root sessions, and in every member the role
 * OrganizationAccountAccessRole trusting the management account. Each size is checked twice: the
 * AssumeRoot path (`check --organization`: sts:AssumeRoot with IAMAuditRootUserCredentials per
 * member) and the member-role path (`check --organization --member-role
 * OrganizationAccountAccessRole`: sts:AssumeRole per member). The fix row is an organization of
 * --fix members (default 200) each with a root password and a root access key, and `fix --apply
 * --yes --json`, which must leave every member compliant (exit 0).
 *
 * Per row: wall time (spawn → exit), the CLI's peak RSS and CPU time (user + system; from
 * `/usr/bin/time -f "%M %U %S"` when it exists, else /proc/<pid> polled every 50 ms), the endpoint's
 * calls (ListAccounts pages apart; calls/account = the other calls ÷ accounts), the most requests in
 * flight at the endpoint (and on average: calls × L ÷ first call → last answer), the CPU time of
 * this process (the endpoint's TLS and signatures run here, so a busy endpoint shows as bench CPU
 * close to wall), the exit code, and whether the JSON output
 * has every account (a warning otherwise, and the run ends non-zero). Below the table, where each
 * row's wall time went, cut at moments of the endpoint's call log: start-up (spawn → first call),
 * listing (→ last ListAccounts page answered), member reads (for fix: plan, then apply from the
 * first IAMDeleteRootUserCredentials session) and verdicts + output (last answer → exit), each with
 * the CLI's CPU time in it (/proc/<pid>/stat sampled every 50 ms): a phase whose CPU is close to
 * its wall time is CPU-bound.
 *
 * Beside the 1,000-account rows, what a team would script instead (bench/boto3_accounts.py): boto3
 * in one Python process, 16 threads, a boto3 Session per account, the same reads per member
 * (sts:AssumeRoot + GetAccountSummary, `--assume-root`; or AssumeRole + GetAccountSummary) with the
 * same keys, endpoint and latency, without listing the organization; its wall time excludes
 * Python's start-up and imports. ratio = boto3 wall ÷ the CLI's wall. It needs a python3 whose
 * botocore knows sts:AssumeRoot (from November 2024 on): /usr/bin/python3, else python3 on PATH (Debian
 * bookworm's python3-boto3 is older); without one those columns show "—".
 *
 * Targets: 1,000 accounts ≤ 8 s and ≥ 20 × boto3; 5,000 accounts ≤ 30 s, peak RSS ≤ 300 MB and at
 * most 3 calls per account besides the ListAccounts pages; fix --apply ≤ 10 s.
 *
 * Options: --latency MS (default 100), --sizes 1000,5000 (accounts per check row), --fix N (members
 * of the fix row, default 200; 0 skips it), --json FILE (also write the JSON), --skip-boto3.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { FakeAws, type FakeCall, type FakeCredentials } from "../tests/fake-aws";
import { awsEnv } from "../tests/support/world";

const ROOT = path.resolve(__dirname, "..");
const CLI = path.join(ROOT, "bin/cli/main.js");
const BOTO3_SCRIPT = path.join(__dirname, "boto3_accounts.py");
const TIME = "/usr/bin/time";
const REGION = "us-east-1";
const MEMBER_ROLE = "OrganizationAccountAccessRole";
const MANAGEMENT = "900000000000";
const ORGANIZATION = "o-benchorg0001";
const BOTO3_THREADS = 16;

type ReadPath = "assume-root" | "member-role";

interface Target {
    /** Wall time bound, ms. */
    wallMs: number;
    peakRssMb?: number;
    /** At most this many calls per account besides the ListAccounts pages. */
    callsPerAccount?: number;
    /** boto3 wall ÷ CLI wall at least this. */
    ratio?: number;
}

/** CPU time of the CLI so far at a moment (Date.now()), from /proc polled every 50 ms. */
interface CpuSample {
    at: number;
    cpuMs: number;
}

interface ChildRun {
    /** Date.now() at spawn. */
    spawnedAt: number;
    wallMs: number;
    /** The CLI's CPU over time (empty if /proc could not be read). */
    cpuSamples: CpuSample[];
    peakRssMb: number;
    cpuMs: number;
    exitCode: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
    /** How RSS and CPU were measured. */
    measuredBy: "/usr/bin/time" | "/proc polling";
}

/** Where the wall time went, from the endpoint's call log (arrival times + L for the answers), with the CLI's CPU in each phase. */
interface Phase {
    name: string;
    ms: number;
    /** CPU time of the CLI in the phase (from the 50 ms samples); absent without samples. */
    cpuMs?: number;
}

interface Row {
    measure: string;
    kind: "check" | "fix";
    readPath: ReadPath;
    accounts: number;
    wallMs: number;
    peakRssMb: number;
    cpuMs: number;
    /** CPU time of this process (the endpoint) during the run. */
    benchCpuMs: number;
    exitCode: number | null;
    expectedExitCode: number;
    /** Accounts in the JSON output. */
    accountsInOutput: number;
    /** Accounts the JSON output should have. */
    accountsExpected: number;
    /** Accounts with a could-not-check result (check), or failed accounts (fix). */
    failedAccounts: number;
    awsCalls: number;
    listAccountsPages: number;
    /** (awsCalls − ListAccounts pages) ÷ accounts, two decimals. */
    callsPerAccount: number;
    callsByAction: Record<string, number>;
    maxInFlight: number;
    /** Calls × L ÷ (first call → last answer): how many calls were waiting at the endpoint on average, one decimal. */
    meanInFlight: number;
    phases: Phase[];
    target: Target;
    boto3Ms?: number;
    boto3Failed?: true;
    /** boto3Ms ÷ wallMs, one decimal. */
    ratio?: number;
    met: boolean;
    /** Why not met, or what could not be judged. */
    notes: string[];
}

function arg(name: string, fallback: string): string {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/**
 * The endpoint reset to an organization of `accounts` accounts (the management account first),
 * with the root credentials `memberSummary` gives member i, and the role MEMBER_ROLE in every
 * member. Returns the management account user's keys and the member ids.
 */
function organization(fake: FakeAws, latency: number, accounts: number, memberSummary: (i: number) => Record<string, number>): { keys: FakeCredentials; members: string[] } {
    fake.reset();
    fake.latency(latency);
    fake.addAccount({ id: MANAGEMENT, name: "management", summary: { AccountMFAEnabled: 1, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0 } });
    fake.addOrganization({ id: ORGANIZATION, managementAccountId: MANAGEMENT, rootCredentialsManagement: true, rootSessions: true });
    const keys = fake.addUser(MANAGEMENT, "org-auditor");
    const members: string[] = [];
    for (let i = 0; i < accounts - 1; i++) {
        const id = String(600000000000 + i);
        fake.addAccount({ id, organizationId: ORGANIZATION, name: `workload-${i}`, summary: memberSummary(i) });
        fake.addRole(id, MEMBER_ROLE, { trustedAccounts: [MANAGEMENT] });
        members.push(id);
    }
    return { keys, members };
}

/**
 * The check rows' mix: 5 in 10 root MFA with a password, 4 in 10 no password and no MFA
 * (centralized root access removed it), 1 in 10 a password without MFA; 1 in 25 a root access key.
 */
function realisticMember(i: number): Record<string, number> {
    const kind = i % 10;
    return {
        AccountMFAEnabled: kind < 5 ? 1 : 0,
        AccountPasswordPresent: kind < 5 || kind === 9 ? 1 : 0,
        AccountAccessKeysPresent: i % 25 === 3 ? 1 : 0,
        AccountSigningCertificatesPresent: 0,
    };
}

/** The fix row's members: each with a root password and a root access key, no MFA. */
function memberToFix(): Record<string, number> {
    return { AccountMFAEnabled: 0, AccountPasswordPresent: 1, AccountAccessKeysPresent: 1, AccountSigningCertificatesPresent: 0 };
}

/** The names of the pack's stack policies, from the built CLI that runs. */
function stackPolicyNames(): string[] {
    const check = require(path.join(ROOT, "bin/cli/check")) as typeof import("../policypack/cli/check");
    return check.stackPolicies().map((p) => p.name);
}

/** The `--config` file: every stack policy trusts the endpoint and its CA (enforcement levels stay the policies' own). */
function writeConfig(dir: string, fake: FakeAws): string {
    if (!fake.caFile) {
        throw new Error("the endpoint must serve https (FakeAws.start({ tls: true }))");
    }
    const trust = { trustedEndpoints: [fake.url], trustedCaBundles: [fake.caFile] };
    const file = path.join(dir, "policy-config.json");
    writeFileSync(file, `${JSON.stringify(Object.fromEntries(stackPolicyNames().map((name) => [name, trust])), null, 2)}\n`);
    return file;
}

/** process.env with `env` merged in, its undefined entries removed. */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
    const out: NodeJS.ProcessEnv = { ...process.env };
    for (const [k, v] of Object.entries(env)) {
        if (v === undefined) {
            delete out[k];
        } else {
            out[k] = v;
        }
    }
    return out;
}

/** User + system CPU time of a live process (/proc/<pid>/stat, clock ticks of 10 ms), ms. */
function procCpuMs(pid: number): number {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** VmHWM of a live process, MB. */
function procPeakRssMb(pid: number): number {
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);
    return kb / 1024;
}

/**
 * Runs the CLI with `args` asynchronously (the endpoint answers from this process), under
 * /usr/bin/time when there is one, else polling /proc/<pid> every 50 ms.
 */
async function runCli(args: string[], env: NodeJS.ProcessEnv, scratch: string): Promise<ChildRun> {
    const timed = existsSync(TIME);
    const timeFile = path.join(scratch, "time.txt");
    rmSync(timeFile, { force: true });
    const [command, argv] = timed
        ? [TIME, ["-f", "%M %U %S", "-o", timeFile, process.execPath, CLI, ...args]]
        : [process.execPath, [CLI, ...args]];
    const t0 = performance.now();
    const child = spawn(command, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    const spawnedAt = Date.now();
    let polledRss = 0;
    let polledCpu = 0;
    const cpuSamples: CpuSample[] = [{ at: spawnedAt, cpuMs: 0 }];
    // Under /usr/bin/time the CLI is its child; time itself is not sampled.
    let nodePid = timed ? undefined : child.pid;
    const poll = setInterval(() => {
        try {
            nodePid ??= Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim().split(" ")[0]) || undefined;
            if (nodePid === undefined) {
                return;
            }
            polledRss = Math.max(polledRss, procPeakRssMb(nodePid));
            polledCpu = procCpuMs(nodePid);
            cpuSamples.push({ at: Date.now(), cpuMs: polledCpu });
        } catch {
            // Not started yet, or it has just exited.
        }
    }, 50);
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
        child.once("error", reject);
        child.once("close", (code, sig) => resolve([code, sig]));
    });
    const wallMs = performance.now() - t0;
    clearInterval(poll);
    let peakRssMb = polledRss;
    let cpuMs = polledCpu;
    if (timed) {
        // The last line: /usr/bin/time writes "Command exited with non-zero status N" before it.
        const line = readFileSync(timeFile, "utf8").trim().split("\n").pop() ?? "";
        const [kb, user, sys] = line.split(" ").map(Number);
        peakRssMb = kb / 1024;
        cpuMs = (user + sys) * 1000;
    }
    // The CPU the last samples missed, at exit.
    cpuSamples.push({ at: spawnedAt + wallMs, cpuMs: Math.max(cpuMs, polledCpu) });
    return {
        spawnedAt,
        cpuSamples,
        wallMs: Math.round(wallMs),
        peakRssMb: Math.round(peakRssMb),
        cpuMs: Math.round(cpuMs),
        exitCode,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        measuredBy: timed ? "/usr/bin/time" : "/proc polling",
    };
}

/** Counts of the calls by action. */
function byAction(calls: readonly FakeCall[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const c of calls) {
        counts[c.action] = (counts[c.action] ?? 0) + 1;
    }
    return counts;
}

/** A python3 whose botocore knows sts:AssumeRoot (/usr/bin/python3 first, then python3 on PATH), or why there is none. */
function findBoto3Python(): { python: string } | { missing: string } {
    const probe = "import boto3, botocore.session, sys; sys.exit(0 if 'AssumeRoot' in botocore.session.get_session().get_service_model('sts').operation_names else 3)";
    const why: string[] = [];
    for (const python of ["/usr/bin/python3", "python3"]) {
        const r = spawnSync(python, ["-c", probe], { stdio: "ignore" });
        if (r.status === 0) {
            return { python };
        }
        why.push(`${python}: ${r.status === 3 ? "its botocore has no sts:AssumeRoot (it needs one from November 2024 on)" : "no boto3"}`);
    }
    return { missing: why.join("; ") };
}

/** bench/boto3_accounts.py over the members (16 threads); resolves with its own wall time, ms. */
async function boto3Wall(python: string, fake: FakeAws, env: Record<string, string | undefined>, readPath: ReadPath, members: string[]): Promise<number> {
    const e = childEnv(env);
    // boto3 verifies the endpoint's test CA through AWS_CA_BUNDLE.
    e.AWS_CA_BUNDLE = fake.caFile;
    const targets = readPath === "assume-root" ? ["--assume-root", ...members] : members.map((id) => `arn:aws:iam::${id}:role/${MEMBER_ROLE}`);
    const child = spawn(python, [BOTO3_SCRIPT, "--style", "session-per-account", "--endpoint-url", fake.url, "--region", REGION, ...targets], { env: e, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    const code = await new Promise<number | null>((resolve, reject) => {
        child.once("error", reject);
        child.once("close", resolve);
    });
    if (code !== 0) {
        const lines = Buffer.concat(err).toString("utf8").trim().split("\n");
        throw new Error(`boto3 script (${readPath}) exited ${code} at ${members.length} accounts: ${lines.slice(0, 3).join(" | ")}${lines.length > 3 ? ` | … | ${lines[lines.length - 1]}` : ""}`);
    }
    return (JSON.parse(Buffer.concat(out).toString("utf8")) as { wallMs: number }).wallMs;
}

/** Parses the CLI's JSON output; undefined (with a warning) when it is not JSON. */
function parseOutput(run: ChildRun, what: string): { accounts?: Array<{ results?: Array<{ status?: string }>; error?: string; verdict?: { status?: string } }> } | undefined {
    try {
        return JSON.parse(run.stdout) as ReturnType<typeof parseOutput>;
    } catch {
        warn(`${what}: the output is not JSON (exit ${run.exitCode}); stderr: ${run.stderr.trim().slice(0, 2000)}`);
        return undefined;
    }
}

function warn(message: string): void {
    process.stderr.write(`WARNING: ${message}\n`);
    process.exitCode = 1;
}

/** One run of the CLI on the endpoint's organization, measured. */
async function measure(fake: FakeAws, scratch: string, env: Record<string, string | undefined>, args: string[]): Promise<{ run: ChildRun; calls: FakeCall[]; benchCpuMs: number; maxInFlight: number }> {
    const before = fake.calls.length;
    fake.resetMaxInFlight();
    const cpu0 = process.cpuUsage();
    const run = await runCli(args, childEnv(env), scratch);
    const cpu = process.cpuUsage(cpu0);
    return { run, calls: fake.calls.slice(before), benchCpuMs: Math.round((cpu.user + cpu.system) / 1000), maxInFlight: fake.maxInFlight };
}

/** The CLI's CPU time at `at`, interpolated between the samples around it. */
function cpuAt(samples: readonly CpuSample[], at: number): number {
    let prev = samples[0];
    for (const s of samples) {
        if (s.at >= at) {
            return s.at === prev.at ? s.cpuMs : prev.cpuMs + ((s.cpuMs - prev.cpuMs) * (at - prev.at)) / (s.at - prev.at);
        }
        prev = s;
    }
    return prev.cpuMs;
}

/**
 * The run split at moments of the call log: start-up (spawn → first call), listing (→ the last
 * ListAccounts page answered), for fix the plan (→ the first IAMDeleteRootUserCredentials session
 * asked for) and the apply, else the member reads (→ the last call answered), and the end (→ exit:
 * verdicts, output).
 */
function phasesOf(run: ChildRun, calls: readonly FakeCall[], latency: number): Phase[] {
    if (calls.length === 0) {
        return [];
    }
    const end = run.spawnedAt + run.wallMs;
    const latest = (cs: readonly FakeCall[]) => cs.reduce((m, c) => Math.max(m, c.at), -Infinity);
    const lastAnswer = Math.min(end, latest(calls) + latency);
    const lastPage = Math.min(lastAnswer, latest(calls.filter((c) => c.action === "ListAccounts")) + latency);
    const apply = calls.find((c) => c.action === "AssumeRoot" && String(c.params["TaskPolicyArn.arn"] ?? "").endsWith("/IAMDeleteRootUserCredentials"))?.at;
    const marks: Array<[string, number]> = [["start-up", calls[0].at], ["listing", lastPage]];
    if (apply !== undefined) {
        marks.push(["plan", apply], ["apply", lastAnswer]);
    } else {
        marks.push(["member reads", lastAnswer]);
    }
    marks.push(["verdicts + output", end]);
    const phases: Phase[] = [];
    let from = run.spawnedAt;
    for (const [name, to] of marks) {
        const sampled = run.cpuSamples.length > 2;
        phases.push({ name, ms: Math.round(to - from), ...(sampled ? { cpuMs: Math.round(cpuAt(run.cpuSamples, to) - cpuAt(run.cpuSamples, from)) } : {}) });
        from = to;
    }
    return phases;
}

/** Calls × L ÷ (first call → last answer), one decimal. */
function meanInFlight(calls: readonly FakeCall[], latency: number): number {
    if (calls.length === 0) {
        return 0;
    }
    const first = calls.reduce((m, c) => Math.min(m, c.at), Infinity);
    const last = calls.reduce((m, c) => Math.max(m, c.at), -Infinity) + latency;
    return Math.round(((calls.length * latency) / Math.max(1, last - first)) * 10) / 10;
}

function judge(row: Row): void {
    const t = row.target;
    if (row.wallMs > t.wallMs) {
        row.notes.push(`wall ${row.wallMs} ms > ${t.wallMs} ms`);
    }
    if (t.peakRssMb !== undefined && row.peakRssMb > t.peakRssMb) {
        row.notes.push(`peak RSS ${row.peakRssMb} MB > ${t.peakRssMb} MB`);
    }
    if (t.callsPerAccount !== undefined && row.callsPerAccount > t.callsPerAccount) {
        row.notes.push(`${row.callsPerAccount} calls/account > ${t.callsPerAccount}`);
    }
    if (t.ratio !== undefined) {
        if (row.ratio === undefined) {
            row.notes.push("ratio not measured");
        } else if (row.ratio < t.ratio) {
            row.notes.push(`ratio ${row.ratio} < ${t.ratio}`);
        }
    }
    if (row.exitCode !== row.expectedExitCode) {
        row.notes.push(`exit ${row.exitCode}, expected ${row.expectedExitCode}`);
    }
    if (row.accountsInOutput !== row.accountsExpected) {
        row.notes.push(`${row.accountsInOutput} of ${row.accountsExpected} accounts in the output`);
    }
    if (row.failedAccounts > 0) {
        row.notes.push(`${row.failedAccounts} accounts ${row.kind === "fix" ? "failed" : "could not be checked"}`);
    }
    row.met = row.notes.filter((n) => n !== "ratio not measured").length === 0;
}

async function checkRow(fake: FakeAws, scratch: string, latency: number, accounts: number, readPath: ReadPath, boto3: { python: string } | undefined): Promise<Row> {
    const { keys, members } = organization(fake, latency, accounts, realisticMember);
    const config = writeConfig(scratch, fake);
    const env = awsEnv(fake, { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey });
    const args = ["check", "--organization", ...(readPath === "member-role" ? ["--member-role", MEMBER_ROLE] : []), "--json", "--config", config];
    const { run, calls, benchCpuMs, maxInFlight } = await measure(fake, scratch, env, args);
    const measureName = `check --organization, ${accounts.toLocaleString("en")} accounts, ${readPath === "assume-root" ? "AssumeRoot" : "--member-role"}`;
    const out = parseOutput(run, measureName);
    const listed = out?.accounts ?? [];
    const pages = calls.filter((c) => c.action === "ListAccounts").length;
    const target: Target = accounts <= 1000 ? { wallMs: 8000, ratio: 20 } : { wallMs: 30_000, peakRssMb: 300, callsPerAccount: 3 };
    const row: Row = {
        measure: measureName,
        kind: "check",
        readPath,
        accounts,
        wallMs: run.wallMs,
        peakRssMb: run.peakRssMb,
        cpuMs: run.cpuMs,
        benchCpuMs,
        exitCode: run.exitCode,
        // One member in ten keeps a root password without MFA: a mandatory violation.
        expectedExitCode: 1,
        accountsInOutput: listed.length,
        accountsExpected: accounts,
        failedAccounts: listed.filter((a) => (a.results ?? []).some((r) => r.status === "could-not-check")).length,
        awsCalls: calls.length,
        listAccountsPages: pages,
        callsPerAccount: Math.round(((calls.length - pages) / accounts) * 100) / 100,
        callsByAction: byAction(calls),
        maxInFlight,
        meanInFlight: meanInFlight(calls, latency),
        phases: phasesOf(run, calls, latency),
        target,
        met: false,
        notes: [],
    };
    if (run.exitCode === 2 || run.signal) {
        warn(`${measureName}: exit ${run.exitCode ?? run.signal}: ${run.stderr.trim().slice(0, 2000)}`);
    }
    if (boto3 && accounts <= 1000) {
        try {
            row.boto3Ms = await boto3Wall(boto3.python, fake, env, readPath, members);
            row.ratio = Math.round((row.boto3Ms / row.wallMs) * 10) / 10;
        } catch (e) {
            row.boto3Failed = true;
            warn((e as Error).message);
        }
    }
    judge(row);
    if (row.accountsInOutput !== row.accountsExpected) {
        warn(`${measureName}: the JSON output has ${row.accountsInOutput} accounts, expected ${row.accountsExpected}`);
    }
    return row;
}

async function fixRow(fake: FakeAws, scratch: string, latency: number, members: number): Promise<Row> {
    const { keys } = organization(fake, latency, members + 1, memberToFix);
    const config = writeConfig(scratch, fake);
    const env = awsEnv(fake, { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey });
    const { run, calls, benchCpuMs, maxInFlight } = await measure(fake, scratch, env, ["fix", "--apply", "--yes", "--json", "--config", config]);
    const measureName = `fix --apply --yes, ${members.toLocaleString("en")} accounts`;
    const out = parseOutput(run, measureName);
    const listed = out?.accounts ?? [];
    const pages = calls.filter((c) => c.action === "ListAccounts").length;
    const row: Row = {
        measure: measureName,
        kind: "fix",
        readPath: "assume-root",
        accounts: members,
        wallMs: run.wallMs,
        peakRssMb: run.peakRssMb,
        cpuMs: run.cpuMs,
        benchCpuMs,
        exitCode: run.exitCode,
        // Every member compliant afterwards.
        expectedExitCode: 0,
        accountsInOutput: listed.length,
        accountsExpected: members,
        failedAccounts: listed.filter((a) => a.error !== undefined || a.verdict?.status !== "compliant").length,
        awsCalls: calls.length,
        listAccountsPages: pages,
        callsPerAccount: Math.round(((calls.length - pages) / members) * 100) / 100,
        callsByAction: byAction(calls),
        maxInFlight,
        meanInFlight: meanInFlight(calls, latency),
        phases: phasesOf(run, calls, latency),
        target: { wallMs: 10_000 },
        met: false,
        notes: [],
    };
    if (run.exitCode !== 0) {
        warn(`${measureName}: exit ${run.exitCode ?? run.signal}: ${run.stderr.trim().slice(0, 2000)}`);
    }
    judge(row);
    if (row.accountsInOutput !== row.accountsExpected) {
        warn(`${measureName}: the JSON output has ${row.accountsInOutput} accounts, expected ${row.accountsExpected}`);
    }
    return row;
}

function targetText(t: Target): string {
    return [
        `≤ ${t.wallMs / 1000} s`,
        ...(t.ratio !== undefined ? [`≥ ${t.ratio}× boto3`] : []),
        ...(t.peakRssMb !== undefined ? [`≤ ${t.peakRssMb} MB`] : []),
        ...(t.callsPerAccount !== undefined ? [`≤ ${t.callsPerAccount} calls/account + pages`] : []),
    ].join(", ");
}

function printTable(latency: number, rows: Row[], boto3Note: string): void {
    const header = ["measure", "wall", "target", "met?", "peak RSS", "CPU", "calls/account", "boto3 16 threads", "ratio"];
    console.log(`aws-root-mfa organization benchmark: L = ${latency} ms per AWS call, node ${process.version}, ${boto3Note}`);
    console.log("");
    console.log(`| ${header.join(" | ")} |`);
    console.log(`|${header.map(() => "---").join("|")}|`);
    for (const r of rows) {
        console.log(`| ${[
            r.measure,
            `${(r.wallMs / 1000).toFixed(1)} s`,
            targetText(r.target),
            r.met ? (r.notes.length > 0 ? `yes (${r.notes.join("; ")})` : "yes") : `no (${r.notes.join("; ")})`,
            `${r.peakRssMb} MB`,
            `${(r.cpuMs / 1000).toFixed(1)} s`,
            `${r.callsPerAccount} + ${r.listAccountsPages} pages`,
            r.boto3Ms === undefined ? (r.boto3Failed ? "failed" : "—") : `${(r.boto3Ms / 1000).toFixed(1)} s`,
            r.ratio === undefined ? "—" : `${r.ratio.toFixed(1)}×`,
        ].join(" | ")} |`);
    }
    console.log("");
    for (const r of rows) {
        console.log(`- ${r.measure}: exit ${r.exitCode} (expected ${r.expectedExitCode}), ${r.accountsInOutput}/${r.accountsExpected} accounts in the JSON, ${r.awsCalls} calls (${Object.entries(r.callsByAction).map(([a, n]) => `${a} ${n}`).join(", ")}), at most ${r.maxInFlight} in flight (${r.meanInFlight} on average), endpoint (bench process) CPU ${(r.benchCpuMs / 1000).toFixed(1)} s; phases (wall / CLI CPU): ${r.phases.map((p) => `${p.name} ${(p.ms / 1000).toFixed(1)} s${p.cpuMs === undefined ? "" : ` / ${(p.cpuMs / 1000).toFixed(1)} s`}`).join(", ")}`);
    }
}

async function main(): Promise<void> {
    const started = performance.now();
    const latency = Number(arg("latency", "100"));
    const sizes = arg("sizes", "1000,5000").split(",").map(Number).filter((n) => n > 0);
    const fixMembers = Number(arg("fix", "200"));
    if (!existsSync(CLI)) {
        throw new Error(`${CLI} is missing: run \`npm run build\` first (npm run bench:organization does)`);
    }
    let boto3: { python: string } | undefined;
    let boto3Note = "boto3 skipped (--skip-boto3)";
    if (!process.argv.includes("--skip-boto3")) {
        const found = findBoto3Python();
        if ("missing" in found) {
            boto3Note = `boto3 columns skipped: ${found.missing}`;
            process.stderr.write(`${boto3Note}\n`);
        } else {
            boto3 = found;
            const version = spawnSync(found.python, ["-c", "import boto3, botocore; print(boto3.__version__, botocore.__version__)"], { encoding: "utf8" }).stdout.trim().split(" ");
            boto3Note = `boto3 ${version[0]} (botocore ${version[1]}, ${found.python}), ${BOTO3_THREADS} threads, a Session per account`;
        }
    }
    const scratch = mkdtempSync(path.join(tmpdir(), "aws-root-mfa-bench-org-"));
    // https, as AWS is: the CLI trusts the endpoint's test CA through trustedCaBundles.
    const fake = await FakeAws.start({ tls: true });
    const rows: Row[] = [];
    try {
        for (const accounts of sizes) {
            for (const readPath of ["assume-root", "member-role"] as const) {
                const row = await checkRow(fake, scratch, latency, accounts, readPath, boto3);
                rows.push(row);
                process.stderr.write(`done: ${row.measure}: ${row.wallMs} ms\n`);
            }
        }
        if (fixMembers > 0) {
            const row = await fixRow(fake, scratch, latency, fixMembers);
            rows.push(row);
            process.stderr.write(`done: ${row.measure}: ${row.wallMs} ms\n`);
        }
    } finally {
        await fake.close();
        rmSync(scratch, { recursive: true, force: true });
    }
    printTable(latency, rows, boto3Note);
    const totalMs = Math.round(performance.now() - started);
    console.log(`\nbench total: ${(totalMs / 1000).toFixed(1)} s`);
    const out = arg("json", "");
    if (out) {
        writeFileSync(out, `${JSON.stringify({ latencyMs: latency, node: process.version, boto3: boto3Note, totalMs, rows }, null, 2)}\n`);
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
