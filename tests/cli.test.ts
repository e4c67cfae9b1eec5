/**
 * `aws-root-mfa check`, the compiled `bin` run as a user runs it (piped, and under a pseudo-terminal),
 * against the local AWS-compatible endpoint: exit codes by enforcement level (0 passed, 1 failed,
 * 2 could not run; --strict), one result per account in text, JSON (checkResult.schema.json) and
 * SARIF 2.1.0, failures about unidentified providers reported once, the stack-state, profile, role
 * and config inputs (as `pulumi preview --policy-pack-config` takes them), progress and colour, and
 * messages (never stack traces) for bad input.
 */
import { strict as assert } from "node:assert";
import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import Ajv from "ajv";
import Ajv04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { FakeAws } from "./fake-aws";
import { awsEnv, freshAccountId } from "./support/world";
import { plain, tableOf } from "./support/textTable";

const ROOT = path.resolve(__dirname, "..");
const CLI = path.join(ROOT, "bin", "cli", "main.js");
const FIXTURES = path.join(__dirname, "fixtures", "cli");
const SARIF_SCHEMA = JSON.parse(readFileSync(path.join(__dirname, "fixtures", "sarif", "sarif-schema-2.1.0.json"), "utf8")) as object;
const RESULT_SCHEMA = JSON.parse(readFileSync(path.join(ROOT, "policypack", "cli", "checkResult.schema.json"), "utf8")) as object;
// Full summaries: no root access keys or certificates, so only CIS 1.4 decides.
const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 };
const COMPLIANT = { AccountMFAEnabled: 1, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 };
/** Every policy of the pack: each gets the trusting config. */
const ALL_POLICIES = ["aws-root-mfa-enabled", "aws-root-credentials-centralized", "aws-root-no-access-keys", "aws-root-hardware-mfa", "aws-root-credentials-removed", "aws-root-mfa-before-deploy"];
/** The stack policies enabled by default, in the pack's order, with their own levels. */
const DEFAULT_POLICIES = ["aws-root-mfa-enabled", "aws-root-credentials-centralized", "aws-root-no-access-keys"];
const DEFAULT_LEVELS: Record<string, string> = { "aws-root-mfa-enabled": "mandatory", "aws-root-credentials-centralized": "advisory", "aws-root-no-access-keys": "advisory" };
/** Each default policy's declared severity, as the problems list it. */
const SEVERITIES: Record<string, string> = { "aws-root-mfa-enabled": "critical", "aws-root-credentials-centralized": "high", "aws-root-no-access-keys": "critical" };
/** The table's word for each status. */
const WORD: Record<Status, string> = { compliant: "compliant", violation: "violation", "not-applicable": "not applicable", "could-not-check": "could not check", exempt: "exempt" };

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
}

type Status = "compliant" | "violation" | "not-applicable" | "could-not-check" | "exempt";

interface Provider {
    urn: string;
    name: string;
    type: string;
}

interface PolicyResult {
    policy: string;
    enforcementLevel: string;
    severity?: string;
    status: Status;
    evidence?: string;
    message?: string;
}

interface AccountReport {
    accountId: string;
    partition: string;
    providers: Provider[];
    results: PolicyResult[];
}

interface JsonReport {
    schemaVersion: number;
    outcome: "passed" | "failed";
    exitCode: 0 | 1;
    strict: boolean;
    summary: { accounts: number; compliantAccounts: number; exemptAccounts: number; mandatoryViolations: number; advisoryViolations: number; couldNotCheck: number };
    policies: Array<{ name: string; enforcementLevel: string; severity?: string }>;
    providers: Provider[];
    accounts: AccountReport[];
    problems: Array<{ providers: Provider[]; message: string; policies: Array<{ policy: string; enforcementLevel: string; status: Status }> }>;
    couldNotRead: Array<{ provider: Provider; encryptedInputs: string[]; message: string }>;
}

interface JsonError {
    schemaVersion: number;
    outcome: "error";
    exitCode: 2;
    error: string;
}

interface SarifResult {
    ruleId: string;
    kind: string;
    level: string;
    message: { text: string };
    locations: Array<{
        physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
        logicalLocations?: Array<{ name: string; fullyQualifiedName: string; kind: string }>;
    }>;
    partialFingerprints: Record<string, string>;
    properties: { accountId?: string; partition?: string; status: Status; enforcementLevel: string; providers?: string[] };
}

interface SarifLog {
    version: string;
    runs: Array<{
        tool: { driver: { name: string; version: string; rules: Array<{ id: string; helpUri?: string; help: { text: string }; defaultConfiguration: { level: string }; properties: Record<string, unknown> }> } };
        invocations: Array<{ executionSuccessful: boolean; exitCode: number; toolExecutionNotifications: Array<{ level: string; message: { text: string } }> }>;
        results: SarifResult[];
    }>;
}

// The SARIF schema is draft-04 and uses the uri, uri-reference and date-time formats: validate those too.
const validateSarif = addFormats(new Ajv04({ allErrors: true, strict: false })).compile(SARIF_SCHEMA);
// The documented shape of --json (draft-07).
const validateResult = new Ajv({ allErrors: true }).compile(RESULT_SCHEMA);

function assertValidSarif(text: string): SarifLog {
    assert.notEqual(text.trim(), "", "stdout is empty: SARIF output must always be a document");
    const log = JSON.parse(text) as SarifLog;
    assert.ok(validateSarif(log), JSON.stringify(validateSarif.errors, null, 2));
    return log;
}

/** Parses --json output and validates it against policypack/cli/checkResult.schema.json. */
function assertValidJson(text: string): JsonReport | JsonError {
    assert.notEqual(text.trim(), "", "stdout is empty: JSON output must always be a document");
    const doc = JSON.parse(text) as JsonReport | JsonError;
    assert.ok(validateResult(doc), `--json output does not match checkResult.schema.json: ${JSON.stringify(validateResult.errors, null, 2)}\n${text}`);
    return doc;
}

function assertReport(text: string): JsonReport {
    const doc = assertValidJson(text);
    assert.notEqual(doc.outcome, "error", text);
    return doc as JsonReport;
}

function assertNoStackTrace(run: Run): void {
    assert.doesNotMatch(run.stdout + run.stderr, /^\s+at .+:\d+:\d+\)?$/m);
}

function accountOf(report: JsonReport, accountId: string): AccountReport {
    const account = report.accounts.find((a) => a.accountId === accountId);
    assert.ok(account, `account ${accountId} is not in the report: ${JSON.stringify(report.accounts.map((a) => a.accountId))}`);
    return account;
}

function statusesOf(account: AccountReport): Record<string, Status> {
    return Object.fromEntries(account.results.map((r) => [r.policy, r.status]));
}

function rowOf(stdout: string, accountId: string): Record<string, string> {
    const row = tableOf(stdout).find((r) => r.Account === accountId);
    assert.ok(row, `no table row for account ${accountId} in:\n${stdout}`);
    return row;
}

function occurrences(text: string, needle: string): number {
    return text.split(needle).length - 1;
}

function shellQuote(s: string): string {
    return `'${s.replace(/'/g, "'\\''")}'`;
}

describe("aws-root-mfa check", function () {
    this.timeout(60_000);
    let fake: FakeAws;
    let home: string;
    let keys: { accessKeyId: string; secretAccessKey: string };
    let dir: string;
    let trusting: string;

    /**
     * A --config file that trusts the local endpoint in every policy (`trustedEndpoints`, which the
     * pack needs to send requests to an endpoint override) and merges `entries` over it.
     */
    function configFile(name: string, entries: Record<string, string | Record<string, unknown>> = {}): string {
        const config: Record<string, string | Record<string, unknown>> = { ...entries };
        for (const policy of ALL_POLICIES) {
            const own = entries[policy];
            config[policy] = { ...(typeof own === "object" ? own : {}), trustedEndpoints: [fake.url] };
        }
        const file = path.join(dir, name);
        writeFileSync(file, JSON.stringify(config));
        return file;
    }

    /** A `check` without its own --config gets the one that trusts the endpoint. */
    function withConfig(args: string[]): string[] {
        return args[0] === "check" && !args.includes("--config") ? [...args, "--config", trusting] : args;
    }

    /** The deployer's keys as ambient credentials, the SDK pointed at the fake endpoint. */
    function cliEnv(extraEnv: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
        const env: NodeJS.ProcessEnv = { ...process.env };
        delete env.NO_COLOR;
        delete env.FORCE_COLOR;
        for (const [key, value] of Object.entries(awsEnv(fake, { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey, ...extraEnv }))) {
            if (value === undefined) delete env[key];
            else env[key] = value;
        }
        return env;
    }

    /** Runs the compiled CLI with its output piped (as CI runs it). */
    function check(args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<Run> {
        return new Promise((resolve) => {
            execFile(process.execPath, [CLI, ...withConfig(args)], { cwd: dir, env: cliEnv(extraEnv), timeout: 45_000 }, (err, stdout, stderr) => {
                resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr });
            });
        });
    }

    /** Runs the compiled CLI with `input` on its standard input. */
    function checkWithStdin(args: string[], input: string): Promise<Run> {
        return new Promise((resolve, reject) => {
            const child = spawn(process.execPath, [CLI, ...withConfig(args)], { cwd: dir, env: cliEnv(), stdio: ["pipe", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            const timer = setTimeout(() => child.kill("SIGKILL"), 45_000);
            child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
            child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
            child.on("error", reject);
            child.on("close", (code) => {
                clearTimeout(timer);
                resolve({ code, stdout, stderr });
            });
            child.stdin.end(input);
        });
    }

    /**
     * Runs the compiled CLI under a pseudo-terminal (util-linux `script`), its stdout and stderr both
     * on the terminal, as a user at a shell sees it; `columns` sets the terminal's width first.
     */
    function checkOnTerminal(args: string[], opts: { columns: number; env?: Record<string, string | undefined> }): Promise<Run> {
        const command = `stty cols ${opts.columns} rows 40 && exec ${[process.execPath, CLI, ...withConfig(args)].map(shellQuote).join(" ")}`;
        return new Promise((resolve) => {
            execFile("script", ["-qfec", command, "/dev/null"], { cwd: dir, env: cliEnv(opts.env), timeout: 45_000 }, (err, stdout, stderr) => {
                resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr });
            });
        });
    }

    /** An account with the given posture and a role the deployer may assume into it. */
    function account(summary: Record<string, number>, partition?: "aws" | "aws-us-gov"): { accountId: string; roleArn: string } {
        const accountId = freshAccountId();
        fake.addAccount({ id: accountId, summary, partition });
        return { accountId, roleArn: fake.addRole(accountId, "Deploy", { trustedAccounts: [home] }) };
    }

    /** A role ARN in an account that does not exist: the deployer cannot assume it. */
    function unassumableRole(name: string): string {
        return `arn:aws:iam::${freshAccountId()}:role/${name}`;
    }

    before(async () => {
        fake = await FakeAws.start();
        home = freshAccountId();
        fake.addAccount({ id: home, summary: COMPLIANT });
        keys = fake.addUser(home, "deployer");
        dir = mkdtempSync(path.join(tmpdir(), "aws-root-mfa-cli-"));
        trusting = configFile("trusting.json");
    });
    after(async () => {
        await fake?.close();
        rmSync(dir, { recursive: true, force: true });
    });

    describe("exit codes by enforcement level", () => {
        it("exits 0 (passed) for the ambient credentials' compliant account", async () => {
            const run = await check(["check", "--json"]);
            assert.equal(run.code, 0, run.stdout + run.stderr);
            const report = assertReport(run.stdout);
            assert.equal(report.outcome, "passed");
            assert.equal(report.exitCode, 0);
            assert.equal(report.strict, false);
            assert.deepEqual(report.providers.map((p) => p.name), ["environment"]);
            assert.deepEqual(report.policies.map((p) => [p.name, p.enforcementLevel]), DEFAULT_POLICIES.map((p) => [p, DEFAULT_LEVELS[p]]));
            assert.deepEqual(report.accounts.map((a) => a.accountId), [home]);
            assert.deepEqual(statusesOf(accountOf(report, home)), { "aws-root-mfa-enabled": "compliant", "aws-root-credentials-centralized": "not-applicable", "aws-root-no-access-keys": "compliant" });
            assert.deepEqual(report.problems, []);
        });

        it("exits 1 with the account, the provider and the fix for a role into an account without root MFA", async () => {
            const bad = account(NONCOMPLIANT);
            const good = account(COMPLIANT);
            const assumed = fake.count("AssumeRole", home);
            const run = await check(["check", "--json", "--role-arn", bad.roleArn, "--role-arn", good.roleArn]);
            assert.equal(run.code, 1, run.stdout + run.stderr);
            const report = assertReport(run.stdout);
            assert.equal(report.outcome, "failed");
            assert.equal(report.exitCode, 1);
            const violations = report.accounts.flatMap((a) => a.results.filter((r) => r.status === "violation").map((r) => ({ ...r, account: a })));
            assert.equal(violations.length, 1, run.stdout);
            const [f] = violations;
            assert.equal(f.policy, "aws-root-mfa-enabled");
            assert.equal(f.enforcementLevel, "mandatory");
            assert.equal(f.severity, "critical");
            assert.equal(f.account.accountId, bad.accountId);
            assert.deepEqual(f.account.providers.map((p) => p.name), [bad.roleArn]);
            assert.match(f.message ?? "", new RegExp(`^Account ${bad.accountId} \\(partition aws\\): root MFA is not enabled and the root user has a password\\.`));
            assert.match(f.message ?? "", /How to fix: sign in to the AWS Management Console as the root user/);
            assert.match(f.evidence ?? "", /iam:GetAccountSummary .*AccountMFAEnabled=0/);
            assert.equal(accountOf(report, good.accountId).results.find((r) => r.policy === "aws-root-mfa-enabled")?.status, "compliant");
            assert.equal(report.summary.mandatoryViolations, 1);
            assert.equal(fake.count("AssumeRole", home) - assumed, 2);
        });

        it("exits 1 (not 2), failing closed, when the mandatory policy cannot read an account", async () => {
            const denied = account(COMPLIANT);
            fake.deny(denied.accountId, "iam:GetAccountSummary");
            const run = await check(["check", "--json", "--role-arn", denied.roleArn]);
            assert.equal(run.code, 1, run.stdout + run.stderr);
            const report = assertReport(run.stdout);
            assert.equal(report.outcome, "failed");
            assert.equal(report.exitCode, 1);
            const result = accountOf(report, denied.accountId).results.find((r) => r.policy === "aws-root-mfa-enabled");
            assert.equal(result?.status, "could-not-check");
            assert.equal(result?.enforcementLevel, "mandatory");
            assert.match(result?.message ?? "", new RegExp(`Account ${denied.accountId}: .* could not be checked, so this policy fails closed\\.`));
            assert.match(result?.message ?? "", /iam:GetAccountSummary was denied/);

            const text = await check(["check", "--role-arn", denied.roleArn]);
            assert.equal(text.code, 1, text.stdout + text.stderr);
            assert.equal(rowOf(text.stdout, denied.accountId)["aws-root-mfa-enabled"], "could not check");
            assert.match(text.stdout, /^Result: failed \(exit 1\)/m);
        });

        it("exits 0 when only the advisory aws-root-credentials-centralized cannot check an account, and 1 with --strict", async () => {
            const orgDenied = account(COMPLIANT);
            fake.deny(orgDenied.accountId, "organizations:DescribeOrganization");

            const lenient = await check(["check", "--json", "--role-arn", orgDenied.roleArn]);
            assert.equal(lenient.code, 0, lenient.stdout + lenient.stderr);
            const report = assertReport(lenient.stdout);
            assert.equal(report.outcome, "passed");
            assert.equal(report.strict, false);
            const results = accountOf(report, orgDenied.accountId).results;
            assert.deepEqual(results.map((r) => [r.policy, r.enforcementLevel, r.status]), [
                ["aws-root-mfa-enabled", "mandatory", "compliant"],
                ["aws-root-credentials-centralized", "advisory", "could-not-check"],
                ["aws-root-no-access-keys", "advisory", "compliant"],
            ]);
            assert.match(results[1].message ?? "", /organizations:DescribeOrganization was denied/);

            const strict = await check(["check", "--json", "--strict", "--role-arn", orgDenied.roleArn]);
            assert.equal(strict.code, 1, strict.stdout + strict.stderr);
            const strictReport = assertReport(strict.stdout);
            assert.equal(strictReport.outcome, "failed");
            assert.equal(strictReport.exitCode, 1);
            assert.equal(strictReport.strict, true);

            // The text says why too.
            const text = await check(["check", "--role-arn", orgDenied.roleArn]);
            assert.equal(text.code, 0, text.stdout + text.stderr);
            assert.equal(rowOf(text.stdout, orgDenied.accountId)["aws-root-credentials-centralized"], "could not check");
            assert.match(text.stdout, /^Result: passed \(exit 0\)/m);
            const strictText = await check(["check", "--strict", "--role-arn", orgDenied.roleArn]);
            assert.equal(strictText.code, 1, strictText.stdout + strictText.stderr);
            assert.match(strictText.stdout, /^Result: failed \(exit 1\)/m);
            assert.match(strictText.stdout, /--strict/);
        });

        it("exits 0 for an advisory violation (root access keys, MFA on), and 1 with --strict", async () => {
            const withKeys = account({ ...COMPLIANT, AccountAccessKeysPresent: 1 });
            const lenient = await check(["check", "--json", "--role-arn", withKeys.roleArn]);
            assert.equal(lenient.code, 0, lenient.stdout + lenient.stderr);
            const report = assertReport(lenient.stdout);
            assert.equal(report.outcome, "passed");
            assert.deepEqual(statusesOf(accountOf(report, withKeys.accountId)), { "aws-root-mfa-enabled": "compliant", "aws-root-credentials-centralized": "not-applicable", "aws-root-no-access-keys": "violation" });
            assert.equal(report.summary.advisoryViolations, 1);
            assert.equal(report.summary.mandatoryViolations, 0);

            const strict = await check(["check", "--json", "--strict", "--role-arn", withKeys.roleArn]);
            assert.equal(strict.code, 1, strict.stdout + strict.stderr);
            assert.equal(assertReport(strict.stdout).outcome, "failed");
        });

        it("applies --config enforcement levels: a mandatory violation made advisory exits 0", async () => {
            const bad = account(NONCOMPLIANT);
            const file = configFile("advisory.json", { all: "advisory" });
            const run = await check(["check", "--json", "--config", file, "--role-arn", bad.roleArn]);
            assert.equal(run.code, 0, run.stdout + run.stderr);
            const report = assertReport(run.stdout);
            // "all" sets every policy's level, the default-disabled ones included (as in Pulumi).
            assert.deepEqual(report.policies.map((p) => [p.name, p.enforcementLevel]), [
                ["aws-root-mfa-enabled", "advisory"],
                ["aws-root-credentials-centralized", "advisory"],
                ["aws-root-no-access-keys", "advisory"],
                ["aws-root-hardware-mfa", "advisory"],
                ["aws-root-credentials-removed", "advisory"],
            ]);
            const violations = accountOf(report, bad.accountId).results.filter((r) => r.status === "violation");
            assert.deepEqual(violations.map((r) => [r.policy, r.enforcementLevel]), [["aws-root-mfa-enabled", "advisory"], ["aws-root-hardware-mfa", "advisory"]]);

            const strict = await check(["check", "--json", "--strict", "--config", file, "--role-arn", bad.roleArn]);
            assert.equal(strict.code, 1, strict.stdout + strict.stderr);
        });
    });

    describe("one result per account", () => {
        it("prints a table row for every account, compliant ones too, with a status per policy and the providers", async () => {
            const good = account(COMPLIANT);
            const bad = account(NONCOMPLIANT);
            const gov = account(COMPLIANT, "aws-us-gov");
            const denied = account(COMPLIANT);
            fake.deny(denied.accountId, "iam:GetAccountSummary");
            const run = await check(["check", "--role-arn", good.roleArn, "--role-arn", bad.roleArn, "--role-arn", gov.roleArn, "--role-arn", denied.roleArn]);
            assert.equal(run.code, 1, run.stdout + run.stderr);
            assert.doesNotMatch(run.stdout, /Checked \d+ AWS provider/);
            const rows = tableOf(run.stdout);
            assert.deepEqual(Object.keys(rows[0]), ["Account", "Partition", ...DEFAULT_POLICIES, "Providers"]);
            assert.deepEqual(rows.map((r) => r.Account).sort(), [good.accountId, bad.accountId, gov.accountId, denied.accountId].sort());
            const expected: Array<[{ accountId: string; roleArn: string }, string, Status[]]> = [
                [good, "aws", ["compliant", "not-applicable", "compliant"]],
                [bad, "aws", ["violation", "not-applicable", "compliant"]],
                [gov, "aws-us-gov", ["not-applicable", "not-applicable", "compliant"]],
                [denied, "aws", ["could-not-check", "could-not-check", "could-not-check"]],
            ];
            for (const [acct, partition, statuses] of expected) {
                assert.deepEqual(rowOf(run.stdout, acct.accountId), {
                    Account: acct.accountId,
                    Partition: partition,
                    ...Object.fromEntries(DEFAULT_POLICIES.map((p, i) => [p, WORD[statuses[i]]])),
                    Providers: acct.roleArn,
                });
            }
            assert.match(run.stdout, /^Result: failed \(exit 1\): 4 accounts, /m);
        });

        it("--json validates against checkResult.schema.json, with every account's results, GovCloud not applicable to CIS 1.4", async () => {
            const good = account(COMPLIANT);
            const bad = account(NONCOMPLIANT);
            const gov = account(COMPLIANT, "aws-us-gov");
            const run = await check(["check", "--json", "--role-arn", good.roleArn, "--role-arn", bad.roleArn, "--role-arn", gov.roleArn]);
            assert.equal(run.code, 1, run.stdout + run.stderr);
            const report = assertReport(run.stdout);
            assert.equal(report.schemaVersion, 1);
            assert.deepEqual(report.accounts.map((a) => a.accountId).sort(), [good.accountId, bad.accountId, gov.accountId].sort());
            for (const a of report.accounts) {
                assert.deepEqual(a.results.map((r) => r.policy), DEFAULT_POLICIES, `account ${a.accountId}: one result per policy`);
                for (const r of a.results) {
                    assert.equal(r.enforcementLevel, DEFAULT_LEVELS[r.policy]);
                    assert.ok(r.evidence && r.evidence.length > 0, `account ${a.accountId}, ${r.policy} (${r.status}) has no evidence`);
                }
            }
            const goodResult = accountOf(report, good.accountId);
            assert.equal(goodResult.partition, "aws");
            assert.deepEqual(goodResult.providers.map((p) => p.name), [good.roleArn]);
            assert.equal(goodResult.results[0].status, "compliant");
            assert.match(goodResult.results[0].evidence ?? "", /iam:GetAccountSummary .*AccountMFAEnabled=1/);
            assert.equal(goodResult.results[0].message, undefined);

            const govResult = accountOf(report, gov.accountId);
            assert.equal(govResult.partition, "aws-us-gov");
            const govMfa = govResult.results.find((r) => r.policy === "aws-root-mfa-enabled");
            assert.equal(govMfa?.status, "not-applicable");
            assert.match(govMfa?.evidence ?? "", /aws-us-gov/);

            assert.equal(accountOf(report, bad.accountId).results[0].status, "violation");
            assert.deepEqual(report.summary, { accounts: 3, compliantAccounts: 2, exemptAccounts: 0, mandatoryViolations: 1, advisoryViolations: 0, couldNotCheck: 0 });
        });

        it("reports an exempt account (config exemptions) as exempt, with the reason, without reading it", async () => {
            const exemption = { exemptions: [{ accountId: home, reason: "sandbox being closed, SEC-1" }] };
            const file = configFile("exempt-home.json", { "aws-root-mfa-enabled": exemption });
            const before = fake.count("GetAccountSummary", home);
            const run = await check(["check", "--json", "--config", file]);
            assert.equal(run.code, 0, run.stdout + run.stderr);
            const report = assertReport(run.stdout);
            const results = accountOf(report, home).results;
            // Exemptions are a shared setting: set in one policy, every policy of the pack takes them.
            assert.deepEqual(results.map((r) => [r.policy, r.status]), DEFAULT_POLICIES.map((p) => [p, "exempt"]));
            for (const r of results) {
                assert.match(r.evidence ?? "", /sandbox being closed, SEC-1/);
            }
            assert.equal(fake.count("GetAccountSummary", home), before);

            const text = await check(["check", "--config", file]);
            assert.equal(text.code, 0, text.stdout + text.stderr);
            assert.deepEqual(rowOf(text.stdout, home), { Account: home, Partition: "aws", ...Object.fromEntries(DEFAULT_POLICIES.map((p) => [p, "exempt"])), Providers: "environment" });

            const sarif = await check(["check", "--sarif", "--config", file]);
            assert.equal(sarif.code, 0, sarif.stdout + sarif.stderr);
            const results2 = assertValidSarif(sarif.stdout).runs[0].results;
            assert.deepEqual(results2.map((r) => [r.ruleId, r.kind, r.level, r.properties.status]), DEFAULT_POLICIES.map((p) => [p, "notApplicable", "none", "exempt"]));
        });

        // It was once dropped from the output ("0 AWS accounts through 1 provider"): the role is never
        // assumed, so the account came only from its ARN.
        it("reports an exempt account reached through --role-arn as exempt (never assumed or read), not as no account at all", async () => {
            const bad = account(NONCOMPLIANT);
            const exemption = { exemptions: [{ accountId: bad.accountId, reason: "sandbox being closed, SEC-1" }] };
            const file = configFile("exempt-role.json", { "aws-root-mfa-enabled": exemption });
            const before = fake.count("GetAccountSummary", bad.accountId);
            const run = await check(["check", "--json", "--config", file, "--role-arn", bad.roleArn]);
            assert.equal(run.code, 0, run.stdout + run.stderr);
            assert.equal(fake.count("GetAccountSummary", bad.accountId), before, "an exempt account was read");
            const report = assertReport(run.stdout);
            assert.deepEqual(report.accounts.map((a) => a.accountId), [bad.accountId], `the exempt account is missing from the results: ${run.stdout}`);
            assert.deepEqual(accountOf(report, bad.accountId).results.map((r) => [r.policy, r.status]), DEFAULT_POLICIES.map((p) => [p, "exempt"]));

            const text = await check(["check", "--config", file, "--role-arn", bad.roleArn]);
            assert.equal(text.code, 0, text.stdout + text.stderr);
            assert.equal(rowOf(text.stdout, bad.accountId)["aws-root-mfa-enabled"], "exempt");
        });

        it("reads each --profile as the AWS CLI would, one row per account with its profile", async () => {
            const bad = account(NONCOMPLIANT);
            const config = path.join(dir, "config");
            const credentials = path.join(dir, "credentials");
            writeFileSync(config, `[profile base]\nregion = us-east-1\n\n[profile target]\nrole_arn = ${bad.roleArn}\nsource_profile = base\nregion = us-east-1\n`);
            writeFileSync(credentials, `[base]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`);
            const run = await check(["check", "--json", "--profile", "target", "--profile", "base"], {
                AWS_CONFIG_FILE: config,
                AWS_SHARED_CREDENTIALS_FILE: credentials,
                AWS_ACCESS_KEY_ID: undefined,
                AWS_SECRET_ACCESS_KEY: undefined,
            });
            assert.equal(run.code, 1, run.stdout + run.stderr);
            const report = assertReport(run.stdout);
            assert.deepEqual(report.providers.map((p) => p.name), ["profile:target", "profile:base"]);
            assert.deepEqual(accountOf(report, bad.accountId).providers.map((p) => p.name), ["profile:target"]);
            assert.equal(accountOf(report, bad.accountId).results[0].status, "violation");
            assert.deepEqual(accountOf(report, home).providers.map((p) => p.name), ["profile:base"]);
            assert.equal(accountOf(report, home).results[0].status, "compliant");
        });
    });

    describe("failures about providers whose account cannot be identified", () => {
        it("reports each provider's failure once, naming the other policies it stops (not once per policy × provider)", async () => {
            const roles = [unassumableRole("Gone1"), unassumableRole("Gone2"), unassumableRole("Gone3")];
            const args = ["check", ...roles.flatMap((r) => ["--role-arn", r])];

            const text = await check(args);
            assert.equal(text.code, 1, text.stdout + text.stderr);
            assert.equal(occurrences(text.stdout, "could not be determined"), 3, text.stdout);
            for (const role of roles) {
                assert.equal(occurrences(text.stdout, `The AWS account of provider "${role}" could not be determined`), 1, `${role}:\n${text.stdout}`);
            }
            assert.equal(occurrences(text.stdout, "The same failure stops aws-root-credentials-centralized (advisory), aws-root-no-access-keys (advisory)."), 3, text.stdout);
            assert.equal(text.stdout.split("\n").filter((l) => /^ {8}- \[/.test(l)).length, 3, text.stdout);

            const json = await check([...args, "--json"]);
            assert.equal(json.code, 1, json.stdout + json.stderr);
            const report = assertReport(json.stdout);
            assert.deepEqual(report.accounts, []);
            assert.equal(report.problems.length, 3, json.stdout);
            assert.deepEqual(report.problems.map((p) => p.providers.map((q) => q.name)).sort(), roles.map((r) => [r]).sort());
            for (const p of report.problems) {
                assert.deepEqual(p.policies, DEFAULT_POLICIES.map((policy) => ({ policy, enforcementLevel: DEFAULT_LEVELS[policy], severity: SEVERITIES[policy], status: "could-not-check" })));
                assert.match(p.message, /sts:AssumeRole was denied/);
            }
        });

        // `pulumi preview` prints the severity for every violation of a policy that declares one.
        it("prints a provider's failure with the policy's severity, as pulumi preview does", async () => {
            const role = unassumableRole("Gone4");
            const run = await check(["check", "--role-arn", role]);
            assert.equal(run.code, 1, run.stdout + run.stderr);
            assert.match(run.stdout, new RegExp(`^ {8}- \\[mandatory\\] \\[severity: critical\\] {2}aws-root-mfa-enabled {2}\\(pulumi:providers:aws: ${role.replace(/[/]/g, "\\/")}\\)$`, "m"));
        });
    });

    describe("--stack-state", () => {
        it("checks the AWS providers of a `pulumi stack export`, and names the secrets it cannot decrypt", async () => {
            const bad = account(NONCOMPLIANT);

            const sig = "4dabf18193072939515e22adb298388d";
            const secretSig = "1b47061264138c4ac30d75fd1eb44270";
            const externalId = "external-id-shown-only-with-show-secrets";
            const state = {
                version: 3,
                deployment: {
                    manifest: { time: "2026-12-01T00:00:00Z", magic: "", version: "v3.248.0" },
                    resources: [
                        { urn: "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod", custom: false, type: "pulumi:pulumi:Stack" },
                        {
                            urn: "urn:pulumi:prod::shop::pulumi:providers:aws::prod",
                            custom: true,
                            id: "0b1f",
                            type: "pulumi:providers:aws",
                            inputs: {
                                __internal: { pluginDownloadURL: "" },
                                region: "us-east-1",
                                skipCredentialsValidation: "false",
                                assumeRoles: { [sig]: secretSig, plaintext: JSON.stringify(JSON.stringify([{ roleArn: bad.roleArn, externalId, sessionName: "deploy" }])) },
                                version: "7.48.0",
                            },
                        },
                        {
                            urn: "urn:pulumi:prod::shop::pulumi:providers:aws::sealed",
                            custom: true,
                            id: "7c2e",
                            type: "pulumi:providers:aws",
                            inputs: { region: "us-east-1", assumeRoles: { [sig]: secretSig, ciphertext: "v1:Zm9vYmFy" }, version: "7.48.0" },
                        },
                        { urn: "urn:pulumi:prod::shop::aws:s3/bucket:Bucket::assets", custom: true, type: "aws:s3/bucket:Bucket", inputs: {}, provider: "urn:pulumi:prod::shop::pulumi:providers:aws::prod::0b1f" },
                    ],
                },
            };
            const file = path.join(dir, "state.json");
            writeFileSync(file, JSON.stringify(state));

            const json = await check(["check", "--json", "--stack-state", file]);
            assert.equal(json.code, 1, json.stdout + json.stderr);
            const report = assertReport(json.stdout);
            assert.deepEqual(report.providers.map((p) => p.name), ["prod"]);
            assert.deepEqual(report.accounts.map((a) => [a.accountId, a.providers.map((p) => p.name)]), [[bad.accountId, ["prod"]]]);
            const violation = accountOf(report, bad.accountId).results.find((r) => r.status === "violation");
            assert.equal(violation?.policy, "aws-root-mfa-enabled");
            assert.match(violation?.message ?? "", new RegExp(`Account ${bad.accountId} `));
            assert.deepEqual(report.couldNotRead.map((c) => [c.provider.name, c.encryptedInputs]), [["sealed", ["assumeRoles"]]]);
            assert.match(report.couldNotRead[0].message, /pulumi stack export --show-secrets/);
            assert.ok(!json.stdout.includes(externalId), "a secret input was printed");

            const sarif = await check(["check", "--sarif", "--stack-state", file]);
            assert.equal(sarif.code, 1, sarif.stdout + sarif.stderr);
            assert.ok(!sarif.stdout.includes(externalId), "a secret input was printed");
            const log = assertValidSarif(sarif.stdout);
            assert.equal(log.runs[0].invocations[0].executionSuccessful, true);
            assert.equal(log.runs[0].invocations[0].exitCode, 1);
            assert.deepEqual(log.runs[0].invocations[0].toolExecutionNotifications.map((n) => n.level), ["error"]);
            assert.match(log.runs[0].invocations[0].toolExecutionNotifications[0].message.text, /provider "sealed"/);
            assert.equal(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, "Pulumi.yaml");

            const text = await check(["check", "--stack-state", file]);
            assert.equal(text.code, 1, text.stdout + text.stderr);
            assert.ok(!text.stdout.includes(externalId), "a secret input was printed");
            assert.match(text.stdout, /^Could not check:\n {2}- The AWS account of provider "sealed" could not be determined from the stack state/m);
        });

        for (const [what, file, expected] of [
            ["a package.json", path.join(ROOT, "package.json"), /is not a stack export: it has no "version" and "deployment"/],
            ["a JSON object that is no export ({\"foo\":1})", path.join(FIXTURES, "not-an-export.json"), /is not a stack export: it has no "version" and "deployment"/],
            ["an export of version 2", path.join(FIXTURES, "export-version-2.json"), /is a stack export of version 2, and only version 3 .* is read/],
            ["an export without a manifest", path.join(FIXTURES, "export-without-manifest.json"), /is not a stack export: its deployment has no manifest/],
            ["an export with no AWS provider", path.join(FIXTURES, "export-without-aws-provider.json"), /has no AWS provider .*nothing would be checked/],
        ] as Array<[string, string, RegExp]>) {
            it(`exits 2, never "passed", for ${what}`, async () => {
                const run = await check(["check", "--stack-state", file]);
                assert.equal(run.code, 2, run.stdout + run.stderr);
                assert.equal(run.stdout, "");
                assert.match(run.stderr, new RegExp(`--stack-state ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} `));
                assert.match(run.stderr, expected);
                assert.doesNotMatch(run.stdout + run.stderr, /passed/);
                assertNoStackTrace(run);

                const json = await check(["check", "--json", "--stack-state", file]);
                assert.equal(json.code, 2, json.stdout + json.stderr);
                const doc = assertValidJson(json.stdout) as JsonError;
                assert.equal(doc.outcome, "error");
                assert.equal(doc.exitCode, 2);
                assert.match(doc.error, expected);
            });
        }

        for (const option of ["--stack-state", "--config"]) {
            it(`exits 2 at once for a FIFO as ${option}, naming it as not a regular file`, async () => {
                const fifo = path.join(dir, `fifo-${option.slice(2)}`);
                execFileSync("mkfifo", [fifo]);
                try {
                    const started = Date.now();
                    const run = await check(["check", option, fifo]);
                    const elapsed = Date.now() - started;
                    assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
                    assert.equal(run.code, 2, run.stdout + run.stderr);
                    assert.match(run.stderr, new RegExp(`${fifo.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}.*\\(${option}\\) is not a regular file`));
                    assertNoStackTrace(run);
                } finally {
                    rmSync(fifo, { force: true });
                }
            });
        }

        it("reads an export from standard input with `--stack-state -`", async () => {
            const bad = account(NONCOMPLIANT);
            const state = {
                version: 3,
                deployment: {
                    manifest: { time: "2026-12-01T00:00:00Z", magic: "", version: "v3.248.0" },
                    resources: [
                        { urn: "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod", custom: false, type: "pulumi:pulumi:Stack" },
                        {
                            urn: "urn:pulumi:prod::shop::pulumi:providers:aws::piped",
                            custom: true,
                            id: "5d1a",
                            type: "pulumi:providers:aws",
                            inputs: { region: "us-east-1", assumeRoles: JSON.stringify([{ roleArn: bad.roleArn, sessionName: "deploy" }]), version: "7.48.0" },
                        },
                    ],
                },
            };
            const run = await checkWithStdin(["check", "--json", "--stack-state", "-"], JSON.stringify(state));
            assert.equal(run.code, 1, run.stdout + run.stderr);
            const report = assertReport(run.stdout);
            assert.deepEqual(report.providers.map((p) => p.name), ["piped"]);
            assert.deepEqual(report.accounts.map((a) => a.accountId), [bad.accountId]);
            assert.equal(accountOf(report, bad.accountId).results[0].status, "violation");

            const empty = await checkWithStdin(["check", "--stack-state", "-"], "");
            assert.equal(empty.code, 2, empty.stdout + empty.stderr);
            assert.match(empty.stderr, /--stack-state - is not JSON/);
        });
    });

    describe("--sarif", () => {
        it("exits 1 with SARIF 2.1.0 whose rules are the policies and whose results carry their levels", async () => {
            const bad = account(NONCOMPLIANT);
            const run = await check(["check", "--sarif", "--sarif-location", "infra/Pulumi.yaml", "--role-arn", bad.roleArn]);
            assert.equal(run.code, 1, run.stdout + run.stderr);
            const log = assertValidSarif(run.stdout);
            assert.equal(log.version, "2.1.0");
            const [sarifRun] = log.runs;
            assert.equal(sarifRun.tool.driver.name, "aws-root-mfa");
            assert.deepEqual(sarifRun.tool.driver.rules.map((r) => [r.id, r.defaultConfiguration.level, r.properties.severity]), [
                ["aws-root-mfa-enabled", "error", "critical"],
                ["aws-root-credentials-centralized", "warning", "high"],
                ["aws-root-no-access-keys", "warning", "critical"],
            ]);
            assert.match(sarifRun.tool.driver.rules[0].help.text, /Activate MFA/);
            assert.ok(sarifRun.tool.driver.rules[0].helpUri?.startsWith("https://docs.aws.amazon.com/"));
            // One result per policy for the one account, compliant ones too.
            assert.deepEqual(sarifRun.results.map((r) => [r.ruleId, r.kind, r.level]), [
                ["aws-root-mfa-enabled", "fail", "error"],
                ["aws-root-credentials-centralized", "notApplicable", "none"],
                ["aws-root-no-access-keys", "pass", "none"],
            ]);
            assert.match(sarifRun.results[0].message.text, new RegExp(`^Account ${bad.accountId} `));
            for (const r of sarifRun.results) {
                assert.deepEqual(r.locations, [{
                    physicalLocation: { artifactLocation: { uri: "infra/Pulumi.yaml" }, region: { startLine: 1 } },
                    logicalLocations: [{ name: bad.accountId, fullyQualifiedName: `aws:aws:${bad.accountId}`, kind: "resource" }],
                }]);
                assert.deepEqual(r.properties.providers, [bad.roleArn]);
            }
            assert.equal(sarifRun.invocations[0].executionSuccessful, true);
            assert.equal(sarifRun.invocations[0].exitCode, 1);
        });

        it("has one result per account and policy: pass (level none), fail, open (could not check) and notApplicable, each at line 1", async () => {
            const good = account(COMPLIANT);
            const bad = account(NONCOMPLIANT);
            const gov = account(COMPLIANT, "aws-us-gov");
            const denied = account(COMPLIANT);
            fake.deny(denied.accountId, "iam:GetAccountSummary");
            const gone = unassumableRole("GoneSarif");
            const run = await check(["check", "--sarif", ...[good, bad, gov, denied].flatMap((a) => ["--role-arn", a.roleArn]), "--role-arn", gone]);
            assert.equal(run.code, 1, run.stdout + run.stderr);
            const results = assertValidSarif(run.stdout).runs[0].results;
            for (const r of results) {
                assert.equal(r.locations[0].physicalLocation.region.startLine, 1, JSON.stringify(r));
                assert.equal(r.locations[0].physicalLocation.artifactLocation.uri, "Pulumi.yaml");
            }
            const of = (accountId: string) => results.filter((r) => r.properties.accountId === accountId).map((r) => [r.ruleId, r.kind, r.level]);
            assert.deepEqual(of(good.accountId), [
                ["aws-root-mfa-enabled", "pass", "none"],
                ["aws-root-credentials-centralized", "notApplicable", "none"],
                ["aws-root-no-access-keys", "pass", "none"],
            ]);
            assert.deepEqual(of(bad.accountId), [
                ["aws-root-mfa-enabled", "fail", "error"],
                ["aws-root-credentials-centralized", "notApplicable", "none"],
                ["aws-root-no-access-keys", "pass", "none"],
            ]);
            assert.deepEqual(of(gov.accountId), [
                ["aws-root-mfa-enabled", "notApplicable", "none"],
                ["aws-root-credentials-centralized", "notApplicable", "none"],
                ["aws-root-no-access-keys", "pass", "none"],
            ]);
            assert.deepEqual(of(denied.accountId), [
                ["aws-root-mfa-enabled", "open", "error"],
                ["aws-root-credentials-centralized", "open", "warning"],
                ["aws-root-no-access-keys", "open", "warning"],
            ]);
            // The unidentified provider: one result per policy, not per account.
            const unidentified = results.filter((r) => r.properties.accountId === undefined);
            assert.deepEqual(unidentified.map((r) => [r.ruleId, r.kind, r.level]), [
                ["aws-root-mfa-enabled", "open", "error"],
                ["aws-root-credentials-centralized", "open", "warning"],
                ["aws-root-no-access-keys", "open", "warning"],
            ]);
            assert.equal(results.length, 4 * 3 + 3);
            assert.ok(results.filter((r) => r.kind === "pass").every((r) => r.level === "none"));
        });

        it("fingerprints a result by policy, partition and account: stable across runs and across the providers that reach the account", async () => {
            const audit = fake.addRole(home, "Audit", { trustedAccounts: [home] });
            const audit2 = fake.addRole(home, "Audit2", { trustedAccounts: [home] });
            const other = account(COMPLIANT);
            const fingerprints = async (args: string[]) => {
                const run = await check(["check", "--sarif", ...args]);
                assert.equal(run.code, 0, run.stdout + run.stderr);
                const results = assertValidSarif(run.stdout).runs[0].results;
                const byAccount = (accountId: string) => Object.fromEntries(results.filter((r) => r.properties.accountId === accountId).map((r) => [r.ruleId, r.partialFingerprints["awsRootMfaAccount/v1"]]));
                return { results, home: byAccount(home), other: byAccount(other.accountId) };
            };
            const ambient = await fingerprints([]);
            const again = await fingerprints([]);
            const role = await fingerprints(["--role-arn", audit, "--role-arn", other.roleArn]);
            const secondRole = await fingerprints(["--role-arn", audit2]);

            assert.deepEqual(Object.keys(ambient.home), DEFAULT_POLICIES);
            for (const fp of Object.values(ambient.home)) {
                assert.match(fp, /^[0-9a-f]{16,}$/);
            }
            assert.equal(new Set(Object.values(ambient.home)).size, 3, "policies share a fingerprint");
            assert.deepEqual(again.home, ambient.home, "fingerprints changed between two runs");
            assert.deepEqual(role.home, ambient.home, "the ambient credentials and a role into the same account fingerprint differently");
            assert.deepEqual(secondRole.home, ambient.home, "two roles into the same account fingerprint differently");
            for (const policy of DEFAULT_POLICIES) {
                assert.notEqual(role.other[policy], role.home[policy], `${policy}: two accounts share a fingerprint`);
            }
        });

        // Behind a plain-http endpoint override (LocalStack, this fake) the pack reads an account once
        // per provider; the CLI still gives each policy one result per account (one SARIF fingerprint).
        it("reports one account reached through two providers once: one result per policy, naming both providers", async () => {
            const a = fake.addRole(home, "Reader1", { trustedAccounts: [home] });
            const b = fake.addRole(home, "Reader2", { trustedAccounts: [home] });
            const sarif = await check(["check", "--sarif", "--role-arn", a, "--role-arn", b]);
            assert.equal(sarif.code, 0, sarif.stdout + sarif.stderr);
            const results = assertValidSarif(sarif.stdout).runs[0].results;
            assert.deepEqual(results.map((r) => [r.ruleId, r.properties.accountId, r.properties.providers]), DEFAULT_POLICIES.map((p) => [p, home, [a, b]]));

            const json = await check(["check", "--json", "--role-arn", a, "--role-arn", b]);
            assert.equal(json.code, 0, json.stdout + json.stderr);
            const report = assertReport(json.stdout);
            assert.deepEqual(report.accounts.map((x) => [x.accountId, x.providers.map((p) => p.name)]), [[home, [a, b]]]);
            assert.deepEqual(accountOf(report, home).results.map((r) => r.policy), DEFAULT_POLICIES);
        });

        it("exits 1 with valid SARIF, the result open at the mandatory level, when the account cannot be read", async () => {
            const denied = account(COMPLIANT);
            fake.deny(denied.accountId, "iam:GetAccountSummary");
            const run = await check(["check", "--sarif", "--role-arn", denied.roleArn]);
            assert.equal(run.code, 1, run.stdout + run.stderr);
            const log = assertValidSarif(run.stdout);
            assert.equal(log.runs[0].invocations[0].executionSuccessful, true);
            assert.equal(log.runs[0].invocations[0].exitCode, 1);
            const mfa = log.runs[0].results.find((r) => r.ruleId === "aws-root-mfa-enabled");
            assert.equal(mfa?.kind, "open");
            assert.equal(mfa?.level, "error");
            assert.match(mfa?.message.text ?? "", /fails closed/);
        });

        for (const location of ["../x", "a/../../x"]) {
            it(`exits 2 for --sarif-location ${location}, outside the repository`, async () => {
                const run = await check(["check", "--sarif", "--sarif-location", location]);
                assert.equal(run.code, 2, run.stdout + run.stderr);
                assert.match(run.stderr, new RegExp(`--sarif-location "${location.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}" must be a path relative to the repository root`));
                assertNoStackTrace(run);
            });
        }

        it("prints a valid SARIF log with a failed invocation (exit 2) for a --config it cannot use, never an empty stdout", async () => {
            const file = path.join(dir, "broken-for-sarif.json");
            writeFileSync(file, "{ not json");
            const run = await check(["check", "--sarif", "--config", file]);
            assert.equal(run.code, 2, run.stdout + run.stderr);
            const log = assertValidSarif(run.stdout);
            const [invocation] = log.runs[0].invocations;
            assert.equal(invocation.executionSuccessful, false);
            assert.equal(invocation.exitCode, 2);
            assert.equal(invocation.toolExecutionNotifications[0].level, "error");
            assert.match(invocation.toolExecutionNotifications[0].message.text, /--config .*broken-for-sarif\.json is not valid JSON/);
            assert.deepEqual(log.runs[0].results, []);
            assert.match(run.stderr, /is not valid JSON/);
        });

        it("--json prints {outcome: \"error\", exitCode: 2, error} (valid against the schema) for a --config it cannot use", async () => {
            const file = path.join(dir, "broken-for-json.json");
            writeFileSync(file, "{ not json");
            const run = await check(["check", "--json", "--config", file]);
            assert.equal(run.code, 2, run.stdout + run.stderr);
            const doc = assertValidJson(run.stdout) as JsonError;
            assert.equal(doc.outcome, "error");
            assert.equal(doc.exitCode, 2);
            assert.match(doc.error, /--config .*broken-for-json\.json is not valid JSON/);
        });
    });

    describe("--config, as pulumi preview --policy-pack-config takes it", () => {
        it("accepts a property the policy's schema does not declare", async () => {
            const file = configFile("unknown-property.json", { "aws-root-mfa-enabled": { notARealSetting: 1 } });
            const run = await check(["check", "--json", "--config", file]);
            assert.equal(run.code, 0, run.stdout + run.stderr);
            const report = assertReport(run.stdout);
            assert.equal(report.outcome, "passed");
            assert.equal(accountOf(report, home).results[0].status, "compliant");
        });

        for (const [what, entry, policy, property] of [
            ["timeoutSeconds 0", { timeoutSeconds: 0 }, "aws-root-mfa-enabled", "timeoutSeconds"],
            ["enforcementLevel \"sometimes\"", { enforcementLevel: "sometimes" }, "aws-root-mfa-enabled", "enforcementLevel"],
            ["concurrency 1.5", { concurrency: 1.5 }, "aws-root-no-access-keys", "concurrency"],
        ] as Array<[string, Record<string, unknown>, string, string]>) {
            it(`exits 2 naming the policy and the property for ${what}`, async () => {
                const file = configFile(`invalid-${property}.json`, { [policy]: entry });
                const run = await check(["check", "--config", file]);
                assert.equal(run.code, 2, run.stdout + run.stderr);
                assert.equal(run.stdout, "");
                assert.match(run.stderr, new RegExp(`--config .*invalid-${property}\\.json is invalid`));
                assert.match(run.stderr, new RegExp(`^ {2}- ${policy}[:.] ?${property}\\b`, "m"));
                assertNoStackTrace(run);
            });
        }

        it("exits 2 naming every invalid property of --config at once", async () => {
            const file = configFile("invalid.json", { "aws-root-mfa-enabled": { timeoutSeconds: 900, concurrency: 0, exemptions: [{ accountId: "12" }] } });
            const run = await check(["check", "--config", file]);
            assert.equal(run.code, 2);
            assert.match(run.stderr, /^ {2}- aws-root-mfa-enabled: timeoutSeconds: /m);
            assert.match(run.stderr, /^ {2}- aws-root-mfa-enabled: concurrency: /m);
            assert.match(run.stderr, /^ {2}- aws-root-mfa-enabled: exemptions\.0\.accountId: /m);
            assert.match(run.stderr, /^ {2}- aws-root-mfa-enabled: exemptions\.0(: .*reason|\.reason)/m);
            assertNoStackTrace(run);
        });

        it("exits 2 for a config file that is not JSON", async () => {
            const file = path.join(dir, "broken.json");
            writeFileSync(file, "{ not json");
            const run = await check(["check", "--config", file]);
            assert.equal(run.code, 2);
            assert.match(run.stderr, /--config .*broken\.json is not valid JSON/);
            assertNoStackTrace(run);
        });

        // The schema allows an exemption reason of one space (minLength 1); the pack needs a reason
        // that says something (readCommonConfig), so each policy fails closed, at its own level.
        it("fails each policy closed, at its level, for a value the schema allows but the pack cannot use (a blank exemption reason)", async () => {
            const blank = { exemptions: [{ accountId: "123456789012", reason: " " }] };
            const file = configFile("blank-reason.json", { "aws-root-mfa-enabled": blank });
            const run = await check(["check", "--json", "--config", file]);
            assert.equal(run.code, 1, run.stdout + run.stderr);
            const report = assertReport(run.stdout);
            assert.equal(report.outcome, "failed");
            assert.deepEqual(report.accounts, []);
            assert.deepEqual(report.problems.flatMap((p) => p.policies.map((q) => [q.policy, q.enforcementLevel, q.status])), DEFAULT_POLICIES.map((p) => [p, DEFAULT_LEVELS[p], "could-not-check"]));
            for (const p of report.problems) {
                assert.match(p.message, /policy config is invalid, so no account was checked; the policy fails closed/);
                assert.match(p.message, /exemptions\[0\]\.reason/);
            }

            const advisoryFile = configFile("blank-reason-advisory.json", { all: "advisory", "aws-root-mfa-enabled": blank });
            const advisory = await check(["check", "--json", "--config", advisoryFile]);
            assert.equal(advisory.code, 0, advisory.stdout + advisory.stderr);
            const advisoryReport = assertReport(advisory.stdout);
            assert.equal(advisoryReport.outcome, "passed");
            assert.ok(advisoryReport.problems.length > 0 && advisoryReport.problems.every((p) => p.policies.every((q) => q.status === "could-not-check" && q.enforcementLevel === "advisory")), advisory.stdout);

            const strict = await check(["check", "--strict", "--config", advisoryFile]);
            assert.equal(strict.code, 1, strict.stdout + strict.stderr);
            assert.match(strict.stdout, /exemptions\[0\]\.reason/);
        });
    });

    describe("progress and colour", () => {
        // Each call answered after 150 ms: the progress line (redrawn at most every 100 ms) gets to show counts.
        beforeEach(() => fake.latency(150));
        afterEach(() => fake.latency(0));

        it("on a terminal: shows the progress line and colours the statuses", async () => {
            const good = account(COMPLIANT);
            const bad = account(NONCOMPLIANT);
            const run = await checkOnTerminal(["check", "--role-arn", good.roleArn, "--role-arn", bad.roleArn], { columns: 120 });
            assert.equal(run.code, 1, run.stdout + run.stderr);
            assert.match(run.stdout, /aws-root-mfa: aws-root-[a-z-]+ \(policy [1-3] of 3\): \d+\/2 accounts checked/);
            const lines = run.stdout.split(/\r?\n/);
            const goodRow = lines.find((l) => plain(l).startsWith(good.accountId));
            const badRow = lines.find((l) => plain(l).startsWith(bad.accountId));
            assert.ok(goodRow && badRow, run.stdout);
            assert.ok(goodRow.includes("\x1b[32mcompliant"), JSON.stringify(goodRow));
            assert.ok(badRow.includes("\x1b[31mviolation"), JSON.stringify(badRow));
            assert.equal(rowOf(run.stdout, bad.accountId)["aws-root-mfa-enabled"], "violation");
        });

        it("on a terminal with NO_COLOR set: the progress line, and no colour", async () => {
            const good = account(COMPLIANT);
            const run = await checkOnTerminal(["check", "--role-arn", good.roleArn], { columns: 120, env: { NO_COLOR: "1" } });
            assert.equal(run.code, 0, run.stdout + run.stderr);
            assert.match(run.stdout, /\d+\/1 account checked/);
            assert.doesNotMatch(run.stdout, /\x1b\[[0-9;]*m/, JSON.stringify(run.stdout));
            assert.equal(rowOf(run.stdout, good.accountId)["aws-root-mfa-enabled"], "compliant");
        });

        it("piped: no progress on stderr and no escape codes on stdout", async () => {
            const good = account(COMPLIANT);
            const bad = account(NONCOMPLIANT);
            const run = await check(["check", "--role-arn", good.roleArn, "--role-arn", bad.roleArn]);
            assert.equal(run.code, 1, run.stdout + run.stderr);
            assert.equal(run.stderr, "");
            assert.doesNotMatch(run.stdout, /\x1b/);
            assert.doesNotMatch(run.stdout, /accounts? checked/);
            assert.equal(rowOf(run.stdout, good.accountId)["aws-root-mfa-enabled"], "compliant");
        });

        // A terminal that reports 0 columns (a pty nobody sized: `script`, `docker run -t`, CI runners)
        // once got the progress line cut to 20 characters.
        it("on a terminal that reports no width: a progress line that can still be read", async () => {
            const good = account(COMPLIANT);
            const bad = account(NONCOMPLIANT);
            const run = await checkOnTerminal(["check", "--role-arn", good.roleArn, "--role-arn", bad.roleArn], { columns: 0 });
            assert.equal(run.code, 1, run.stdout + run.stderr);
            assert.match(run.stdout, /aws-root-mfa: aws-root-[a-z-]+ \(policy [1-3] of 3\): \d+\/2 accounts checked/, JSON.stringify(run.stdout.slice(0, 400)));
        });
    });

    describe("text, help and errors", () => {
        it("prints the violation the way pulumi preview does", async () => {
            const bad = account(NONCOMPLIANT);
            const run = await check(["check", "--role-arn", bad.roleArn]);
            assert.equal(run.code, 1, run.stderr);
            assert.match(run.stdout, /^Policies:\n {4}❌ aws-root-mfa@v\d+\.\d+\.\d+\n {8}- \[mandatory\] \[severity: critical\] {2}aws-root-mfa-enabled {2}\(pulumi:providers:aws: arn:aws:iam::\d{12}:role\/Deploy\)\n {10}The root user of every AWS account/m);
            assert.match(run.stdout, /^Result: failed \(exit 1\): 1 account, 0 compliant, 0 exempt; 1 mandatory violation, 0 advisory; 0 accounts or providers could not be checked\./m);
        });

        it("--help says every enabled stack policy runs, describes every option (--strict too) with an example, and the exit codes", async () => {
            const run = await check(["--help"]);
            assert.equal(run.code, 0);
            for (const option of ["--profile", "--role-arn", "--stack-state", "--config", "--strict", "--json", "--sarif", "--sarif-location", "--help", "--version"]) {
                assert.match(run.stdout, new RegExp(`^ +(-h, )?${option}\\b`, "m"), `${option} is not described`);
                if (!["--help", "--version"].includes(option)) {
                    assert.match(run.stdout, new RegExp(`^ +aws-root-mfa check .*${option}`, "m"), `${option} has no example`);
                }
            }
            assert.doesNotMatch(run.stdout, /\btwo policies\b/i);
            assert.match(run.stdout, /every stack policy/i);
            for (const policy of DEFAULT_POLICIES) {
                assert.ok(run.stdout.includes(policy), `${policy} is not named`);
            }
            assert.match(run.stdout, /^ +--strict +advisory policies fail the run too/m);
            assert.match(run.stdout, /^ {2}0 {2}passed\b[^\n]*mandatory/m);
            assert.match(run.stdout, /advisory[^\n]*only with --strict/);
            assert.match(run.stdout, /^ {2}1 {2}failed\b[^\n]*mandatory policy found a violation[^\n]*could not check/m);
            assert.match(run.stdout, /^ {2}2 {2}the command could not run[^\n]*arguments[^\n]*--config[^\n]*--stack-state/m);
            assert.doesNotMatch(run.stdout, /^ {2}2 {2}could not check/m);
        });

        for (const [what, args, expected] of [
            ["an unknown option", ["check", "--profiel", "x"], /Unknown option '--profiel'/],
            ["a malformed role ARN", ["check", "--role-arn", "arn:aws:iam::1:role/x"], /--role-arn "arn:aws:iam::1:role\/x" is not an IAM role ARN/],
            ["a missing stack state", ["check", "--stack-state", "missing.json"], /--stack-state missing.json does not exist/],
            ["both output formats", ["check", "--json", "--sarif"], /--json and --sarif cannot be used together/],
            ["a SARIF location that is not a repository path", ["check", "--sarif", "--sarif-location", "/etc/Pulumi.yaml"], /must be a path relative to the repository root/],
            ["no command", [], /missing command/],
        ] as Array<[string, string[], RegExp]>) {
            it(`exits 2 with a message for ${what}`, async () => {
                const run = await check(args);
                assert.equal(run.code, 2);
                if (args.includes("--sarif") && !args.includes("--json")) {
                    // Never an empty file for a SARIF consumer: a log that says the command could not run.
                    const log = assertValidSarif(run.stdout);
                    assert.equal(log.runs[0].invocations[0].executionSuccessful, false);
                    assert.match(log.runs[0].invocations[0].toolExecutionNotifications[0].message.text, expected);
                } else if (args.includes("--json") && !args.includes("--sarif")) {
                    const doc = JSON.parse(run.stdout) as { outcome: string; exitCode: number; error: string };
                    assert.equal(doc.outcome, "error");
                    assert.equal(doc.exitCode, 2);
                    assert.match(doc.error, expected);
                } else {
                    assert.equal(run.stdout, "");
                }
                assert.match(run.stderr, expected);
                assertNoStackTrace(run);
            });
        }
    });
});
