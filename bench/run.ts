/**
 * `npm run bench`: what the pack costs a preview, measured through the engine protocol against the
 * local AWS-compatible endpoint with per-call latency L, beside a do-nothing pack fed the same
 * resources in the same run.
 *
 * Per row (N accounts × 3 providers, each provider used by one resource), for both packs: start-up
 * (spawn → port), a 1 s gap modelling the user's program between Configure and the first Analyze,
 * the Analyze phase (every resource, 16 in flight, as the engine's step executor does), then
 * AnalyzeStack. Added time = (Analyze phase + AnalyzeStack) of the pack − the same of the noop pack.
 * Each Analyze call is also timed on its own (request sent → answer, as the engine waits for it):
 * the median and 95th percentile per pack.
 *
 * Beside each row, what a team would script instead (bench/boto3_accounts.py): boto3 in one Python
 * process, 16 threads, AssumeRole + GetAccountSummary per account, against the same endpoint and
 * latency with the deployer's credentials; its wall time excludes Python's start-up and imports.
 * Two styles: a boto3 Session per account (as AWS's multi-account examples write it; the one the
 * ratio uses) and one shared session (a tuned script). It needs a python3 with boto3 (Debian's
 * python3-boto3): /usr/bin/python3, else python3 on PATH; without one the columns show "—".
 * boto3 ÷ added: how many times the pack's added time the session-per-account script takes.
 *
 * The stack's config sets `aws:region`, as a stack made from Pulumi's AWS templates does; the
 * providers are explicit, each with its own region and role.
 *
 * A last row checks the run's deadline: --hang N accounts (default 500; 0 skips it) whose
 * iam:GetAccountSummary never answers, with `timeoutSeconds` --timeout S (default 4). The stack
 * analysis must end within 2 × S + 3 s, every account failed closed.
 *
 * The scenario's organization manages root credentials centrally and its members keep a root
 * password (nine in ten with root MFA): a finding is only what a default-enabled policy flags.
 *
 * Options: --latency MS (default 100), --accounts 1,10,100,500, --concurrency N (the policies'
 * `concurrency`, default theirs), --hang N, --timeout S, --hardware-mfa (also enable the
 * aws-root-hardware-mfa policy, disabled by default, which lists each account's virtual MFA
 * devices), --json FILE (also write the JSON), --cpu-prof DIR (write a V8 CPU profile of each
 * row's pack process, not the noop's, to DIR/pack-<accounts>.cpuprofile, and
 * DIR/pack-<accounts>-hang.cpuprofile for the hanging row; sampled every 200 µs from start-up to
 * SIGTERM by the preload bench/cpu-profile.js, as Node's own --cpu-prof never writes on SIGTERM;
 * sampling slows the pack, so a profiled run's timings are not the ones to report).
 */
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { FakeAws } from "../tests/fake-aws";
import { Diagnostic, PackProcess, StackResource, providerResource, resourceUsing, startPack } from "../tests/harness/engine";
import { awsEnv } from "../tests/support/world";

const PACK_DIR = path.resolve(__dirname, "..");
const NOOP_DIR = path.resolve(__dirname, "../tests/fixtures/noop-pack");
const PROFILE_PRELOAD = path.resolve(__dirname, "cpu-profile.js");
const BOTO3_SCRIPT = path.resolve(__dirname, "boto3_accounts.py");
const ANALYZE_IN_FLIGHT = 16;
const PROGRAM_GAP_MS = 1000;
const STACK_CONFIG = { "aws:region": "us-east-1" };
const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const HARDWARE_MFA = process.argv.includes("--hardware-mfa");

interface PackRun {
    startupMs: number;
    analyzeMs: number;
    /** Median of the Analyze calls' times (request sent → answer), ms. */
    analyzeCallMedianMs: number;
    /** 95th percentile (nearest rank) of the Analyze calls' times, ms. */
    analyzeCallP95Ms: number;
    stackMs: number;
    awsCalls: number;
    /** The calls other than sts:AssumeRole (the target counts those per account and organization). */
    awsCallsBesidesAssumeRole: number;
    peakRssMb: number;
    /** CPU time the pack process used from its start to the end of AnalyzeStack (user + system). */
    cpuMs: number;
    violations: number;
    /** Violations per policy name. */
    byPolicy: Record<string, number>;
}

interface Row {
    /** What the row measures, when it is not the plain scenario. */
    label?: string;
    accounts: number;
    providers: number;
    pack: PackRun;
    noop: PackRun;
    addedMs: number;
    callsPerAccount: number;
    /** Wall time of bench/boto3_accounts.py over the row's accounts (a session per account); absent without a boto3. */
    boto3Ms?: number;
    /** The same with one shared session (the tuned style). */
    boto3SharedSessionMs?: number;
    /** boto3Ms ÷ addedMs, one decimal; absent when the pack added no time. */
    boto3OverAdded?: number;
    /** Whether the boto3 script failed (its message went to stderr). */
    boto3Failed?: true;
}

function arg(name: string, fallback: string): string {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** N accounts in one organization, each with a role the deployer assumes, 3 providers each. */
function scenario(fake: FakeAws, n: number, homeAccount: string): { resources: StackResource[]; orgRoleArn: string; roleArns: string[] } {
    const managementAccountId = "900000000000";
    const organizationId = "o-benchmark01";
    fake.addAccount({ id: managementAccountId, organizationId, summary: { AccountMFAEnabled: 1, AccountPasswordPresent: 1 } });
    fake.addOrganization({ id: organizationId, managementAccountId, rootCredentialsManagement: true });
    const orgRoleArn = fake.addRole(managementAccountId, "OrgRead", { trustedAccounts: [homeAccount] });
    const providers: StackResource[] = [];
    const roleArns: string[] = [];
    for (let i = 0; i < n; i++) {
        const accountId = String(500000000000 + i);
        // One account in ten is noncompliant, so reporting is part of the cost.
        const summary = i % 10 === 9
            ? { AccountMFAEnabled: 0, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 }
            : { AccountMFAEnabled: 1, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 };
        fake.addAccount({ id: accountId, organizationId, summary });
        const roleArn = fake.addRole(accountId, "Deploy", { trustedAccounts: [homeAccount] });
        roleArns.push(roleArn);
        for (const region of REGIONS) {
            providers.push(providerResource(`acct${i}-${region}`, { region, assumeRoles: JSON.stringify([{ roleArn, sessionName: "deploy" }]) }));
        }
    }
    return { resources: [...providers, ...providers.map((p) => resourceUsing(p, `${p.name}-bucket`))], orgRoleArn, roleArns };
}

/**
 * The policy pack config of a run: every policy trusts the local endpoint (it is not AWS: the
 * administrator trusts it, as for LocalStack), every policy reads the organization's features
 * through the organization role, and aws-root-hardware-mfa runs only with --hardware-mfa.
 */
function packConfig(orgRoleArn: string, common: Record<string, unknown>): Record<string, Record<string, unknown>> {
    const organization = { organizationRoleArn: orgRoleArn, ...common };
    return {
        "aws-root-mfa-enabled": organization,
        "aws-root-credentials-centralized": organization,
        "aws-root-no-access-keys": organization,
        "aws-root-credentials-removed": organization,
        "aws-root-hardware-mfa": { ...organization, ...(HARDWARE_MFA ? { enforcementLevel: "advisory" } : {}) },
        // It reads organizations too (its preview prefetch, and central deletion in its message).
        "aws-root-mfa-before-deploy": organization,
    };
}

/** User + system CPU time of a process so far (/proc/<pid>/stat, in clock ticks of 10 ms). */
function cpuMs(pid: number): number {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
    // After the command: state is field 3, utime field 14 and stime field 15 (1-based, proc(5)).
    return (Number(fields[11]) + Number(fields[12])) * 10;
}

function peakRssMb(pid: number): number {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
    return Math.round(kb / 1024);
}

async function inFlight<T>(items: T[], n: number, work: (item: T) => Promise<unknown>): Promise<void> {
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
        while (next < items.length) {
            await work(items[next++]);
        }
    }));
}

/** The `p`-quantile (0 < p ≤ 1) of ascending `sorted`, nearest rank, to 0.1 ms. */
function quantile(sorted: number[], p: number): number {
    return Math.round(sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] * 10) / 10;
}

/** The median of ascending `sorted`, to 0.1 ms. */
function median(sorted: number[]): number {
    const mid = sorted.length / 2;
    const value = Number.isInteger(mid) ? (sorted[mid - 1] + sorted[mid]) / 2 : sorted[Math.floor(mid)];
    return Math.round(value * 10) / 10;
}

/**
 * One pack's run of the scenario. With `cpuProfile` (a file path), the pack runs with the preload
 * bench/cpu-profile.js, which writes its CPU profile there when close() stops it.
 */
async function runPack(dir: string, env: Record<string, string | undefined>, fake: FakeAws, resources: StackResource[], config: Record<string, Record<string, unknown>>, cpuProfile?: string): Promise<PackRun> {
    const profiling = cpuProfile
        ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} -r ${JSON.stringify(PROFILE_PRELOAD)}`.trim(), BENCH_CPU_PROFILE: cpuProfile }
        : {};
    if (cpuProfile) {
        // An earlier run's profile must not pass for this one's.
        rmSync(cpuProfile, { force: true });
    }
    const pack: PackProcess = await startPack({ packDir: dir, env: { ...env, ...profiling }, dryRun: true, stackConfig: STACK_CONFIG });
    try {
        await pack.getAnalyzerInfo();
        await pack.configureStack();
        await pack.configure(config);
        await new Promise((r) => setTimeout(r, PROGRAM_GAP_MS));
        const callsBefore = fake.calls.length;
        const t0 = performance.now();
        const byPolicy: Record<string, number> = {};
        const count = (ds: Diagnostic[]) => ds.forEach((d) => (byPolicy[d.policyName] = (byPolicy[d.policyName] ?? 0) + 1));
        const callMs: number[] = [];
        await inFlight(resources, ANALYZE_IN_FLIGHT, async (r) => {
            const sent = performance.now();
            const diagnostics = await pack.analyze(r);
            callMs.push(performance.now() - sent);
            count(diagnostics);
        });
        const t1 = performance.now();
        callMs.sort((a, b) => a - b);
        count(await pack.analyzeStack(resources));
        const t2 = performance.now();
        return {
            startupMs: Math.round(pack.startupMs),
            analyzeMs: Math.round(t1 - t0),
            analyzeCallMedianMs: median(callMs),
            analyzeCallP95Ms: quantile(callMs, 0.95),
            stackMs: Math.round(t2 - t1),
            awsCalls: fake.calls.length - callsBefore,
            awsCallsBesidesAssumeRole: fake.calls.slice(callsBefore).filter((c) => c.action !== "AssumeRole").length,
            peakRssMb: peakRssMb(pack.pid),
            cpuMs: cpuMs(pack.pid),
            violations: Object.values(byPolicy).reduce((a, b) => a + b, 0),
            byPolicy,
        };
    } finally {
        await pack.close();
        if (cpuProfile && !existsSync(cpuProfile)) {
            process.stderr.write(`--cpu-prof: the pack wrote no profile to ${cpuProfile}\n`);
        }
    }
}

const run = promisify(execFile);

/** A python3 that imports boto3 (/usr/bin/python3 first, then python3 on PATH), or why there is none. */
function findBoto3Python(): { python: string } | { missing: string } {
    for (const python of ["/usr/bin/python3", "python3"]) {
        if (spawnSync(python, ["-c", "import boto3"], { stdio: "ignore" }).status === 0) {
            return { python };
        }
    }
    return { missing: "neither /usr/bin/python3 nor python3 on PATH imports boto3 (Debian: apt-get install python3-boto3)" };
}

/**
 * What a team would script instead: bench/boto3_accounts.py over `roleArns`, with the deployer's
 * environment, against the endpoint. Asynchronous, as the endpoint runs in this process. Resolves
 * with the script's own wall time; rejects with its message if any account failed.
 */
async function boto3Accounts(python: string, style: "session-per-account" | "shared-session", fake: FakeAws, env: Record<string, string | undefined>, roleArns: string[]): Promise<number> {
    const childEnv = { ...process.env, ...env } as NodeJS.ProcessEnv;
    for (const [k, v] of Object.entries(env)) {
        if (v === undefined) {
            delete childEnv[k];
        }
    }
    // boto3 verifies the endpoint's test CA through AWS_CA_BUNDLE, as a script against a private CA would.
    childEnv.AWS_CA_BUNDLE = fake.caFile;
    try {
        const { stdout } = await run(python, [BOTO3_SCRIPT, "--style", style, "--endpoint-url", fake.url, "--region", REGIONS[0], ...roleArns], { env: childEnv, maxBuffer: 16 * 1024 * 1024 });
        return (JSON.parse(stdout) as { wallMs: number }).wallMs;
    } catch (e) {
        const err = e as { stderr?: string; message: string };
        throw new Error(`boto3 script (${style}) failed at ${roleArns.length} accounts: ${(err.stderr ?? "").trim() || err.message}`);
    }
}

async function main(): Promise<void> {
    const latency = Number(arg("latency", "100"));
    const counts = arg("accounts", "1,10,100,500").split(",").map(Number);
    const concurrency = arg("concurrency", "") ? { concurrency: Number(arg("concurrency", "")) } : {};
    const profileDir = arg("cpu-prof", "") ? path.resolve(arg("cpu-prof", "")) : undefined;
    if (profileDir) {
        mkdirSync(profileDir, { recursive: true });
        process.stderr.write(`--cpu-prof: profiles go to ${profileDir}; the profiler slows the pack, so this run's pack timings are not the ones to report\n`);
    }
    const profileOf = (name: string) => (profileDir ? path.join(profileDir, `pack-${name}.cpuprofile`) : undefined);
    const boto3 = findBoto3Python();
    if ("missing" in boto3) {
        process.stderr.write(`boto3 column skipped: ${boto3.missing}\n`);
    }
    // https, as AWS is: answers read over plain http are not shared between providers (README: Threat
    // model), so a plain-http endpoint would measure a pack reading each account once per provider.
    const fake = await FakeAws.start({ tls: true });
    const rows: Row[] = [];
    try {
        for (const n of counts) {
            const { resources, orgRoleArn, roleArns, env } = freshScenario(fake, latency, n);
            const config = packConfig(orgRoleArn, { trustedEndpoints: [fake.url], trustedCaBundles: [fake.caFile], ...concurrency });
            const noop = await runPack(NOOP_DIR, env, fake, resources, {});
            const pack = await runPack(PACK_DIR, env, fake, resources, config, profileOf(String(n)));
            const row: Row = {
                accounts: n,
                providers: resources.length / 2,
                pack,
                noop,
                addedMs: pack.analyzeMs + pack.stackMs - (noop.analyzeMs + noop.stackMs),
                callsPerAccount: Math.round((pack.awsCalls / n) * 100) / 100,
            };
            if ("python" in boto3) {
                try {
                    row.boto3Ms = await boto3Accounts(boto3.python, "session-per-account", fake, env, roleArns);
                    row.boto3SharedSessionMs = await boto3Accounts(boto3.python, "shared-session", fake, env, roleArns);
                    if (row.addedMs > 0) {
                        row.boto3OverAdded = Math.round((row.boto3Ms / row.addedMs) * 10) / 10;
                    }
                } catch (e) {
                    // The other measures of the run still stand; the run ends non-zero.
                    row.boto3Failed = true;
                    process.exitCode = 1;
                    process.stderr.write(`${(e as Error).message}\n`);
                }
            }
            rows.push(row);
            process.stderr.write(`done: ${n} accounts\n`);
        }
        const hang = Number(arg("hang", "500"));
        if (hang > 0) {
            rows.push(await hangingRow(fake, latency, hang, Number(arg("timeout", "4")), concurrency, profileOf(`${hang}-hang`)));
            process.stderr.write(`done: ${hang} hanging accounts\n`);
        }
    } finally {
        await fake.close();
    }
    printTable(latency, rows);
    const json = JSON.stringify({ latencyMs: latency, programGapMs: PROGRAM_GAP_MS, analyzeInFlight: ANALYZE_IN_FLIGHT, hardwareMfa: HARDWARE_MFA, node: process.version, rows }, null, 2);
    console.log(json);
    const out = arg("json", "");
    if (out) {
        writeFileSync(out, `${json}\n`);
    }
}

/**
 * The endpoint reset to the scenario of `n` accounts, the role the deployer assumes in each
 * account (one per account, in order), and the deployer's environment.
 */
function freshScenario(fake: FakeAws, latency: number, n: number): { resources: StackResource[]; orgRoleArn: string; roleArns: string[]; env: Record<string, string | undefined> } {
    fake.reset();
    fake.latency(latency);
    const homeAccount = "400000000000";
    fake.addAccount({ id: homeAccount, summary: { AccountMFAEnabled: 1, AccountPasswordPresent: 1 } });
    const deployer = fake.addUser(homeAccount, "deployer");
    const { resources, orgRoleArn, roleArns } = scenario(fake, n, homeAccount);
    return { resources, orgRoleArn, roleArns, env: awsEnv(fake, { AWS_ACCESS_KEY_ID: deployer.accessKeyId, AWS_SECRET_ACCESS_KEY: deployer.secretAccessKey }) };
}

/** `n` accounts whose IAM never answers: the run's deadline, not speed, is what this row shows. */
async function hangingRow(fake: FakeAws, latency: number, n: number, timeoutSeconds: number, concurrency: { concurrency?: number }, cpuProfile?: string): Promise<Row> {
    const { resources, orgRoleArn, env } = freshScenario(fake, latency, n);
    fake.fault({ action: "GetAccountSummary", kind: "hang" });
    const config = packConfig(orgRoleArn, { trustedEndpoints: [fake.url], trustedCaBundles: [fake.caFile], timeoutSeconds, ...concurrency });
    const noop = await runPack(NOOP_DIR, env, fake, resources, {});
    const pack = await runPack(PACK_DIR, env, fake, resources, config, cpuProfile);
    const boundMs = (2 * timeoutSeconds + 3) * 1000;
    process.stderr.write(`hanging IAM: AnalyzeStack ${pack.stackMs} ms against the bound 2 × ${timeoutSeconds} + 3 s = ${boundMs} ms (${pack.stackMs <= boundMs ? "met" : "MISSED"})\n`);
    return {
        label: `${n}, IAM hangs, timeoutSeconds ${timeoutSeconds} (bound ${boundMs} ms)`,
        accounts: n,
        providers: resources.length / 2,
        pack,
        noop,
        addedMs: pack.analyzeMs + pack.stackMs - (noop.analyzeMs + noop.stackMs),
        callsPerAccount: Math.round((pack.awsCalls / n) * 100) / 100,
    };
}

function printTable(latency: number, rows: Row[]): void {
    const header = ["accounts", "providers", "start-up ms (noop)", "Analyze ms (noop)", "Analyze call median/p95 ms (noop)", "AnalyzeStack ms (noop)", "added ms", "AWS calls (besides AssumeRole)", "calls/account", "violations (by policy)", "peak RSS MB (noop)", "CPU ms (noop)", "boto3 16 threads ms: session per account (one session)", "boto3 ÷ added"];
    const lines = rows.map((r) => [
        r.label ?? r.accounts, r.providers,
        `${r.pack.startupMs} (${r.noop.startupMs})`,
        `${r.pack.analyzeMs} (${r.noop.analyzeMs})`,
        `${r.pack.analyzeCallMedianMs}/${r.pack.analyzeCallP95Ms} (${r.noop.analyzeCallMedianMs}/${r.noop.analyzeCallP95Ms})`,
        `${r.pack.stackMs} (${r.noop.stackMs})`,
        r.addedMs, `${r.pack.awsCalls} (${r.pack.awsCallsBesidesAssumeRole})`, r.callsPerAccount,
        `${r.pack.violations} (${Object.entries(r.pack.byPolicy).map(([name, n]) => `${name}: ${n}`).join(", ")})`,
        `${r.pack.peakRssMb} (${r.noop.peakRssMb})`,
        `${r.pack.cpuMs} (${r.noop.cpuMs})`,
        r.boto3Ms === undefined ? (r.boto3Failed ? "failed" : "—") : `${r.boto3Ms} (${r.boto3SharedSessionMs ?? "—"})`,
        r.boto3OverAdded === undefined ? "—" : r.boto3OverAdded.toFixed(1),
    ].map(String));
    console.log(`aws-root-mfa benchmark: L = ${latency} ms per AWS call, ${PROGRAM_GAP_MS} ms program gap, ${ANALYZE_IN_FLIGHT} Analyze calls in flight, aws-root-hardware-mfa ${HARDWARE_MFA ? "enabled" : "disabled (default)"}, node ${process.version}`);
    console.log(`| ${header.join(" | ")} |`);
    console.log(`|${header.map(() => "---").join("|")}|`);
    for (const l of lines) {
        console.log(`| ${l.join(" | ")} |`);
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
