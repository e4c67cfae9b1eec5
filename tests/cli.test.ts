/**
 * `aws-root-mfa check`, the compiled `bin` run as a user runs it, against the local AWS-compatible
 * endpoint: exit codes 0, 1 and 2, JSON, SARIF that validates against the SARIF 2.1.0 schema, the
 * stack-state, profile, role and config inputs, and messages (never stack traces) for bad input.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { FakeAws } from "./fake-aws";
import { awsEnv, freshAccountId } from "./support/world";

const ROOT = path.resolve(__dirname, "..");
const CLI = path.join(ROOT, "bin", "cli", "main.js");
const SARIF_SCHEMA = JSON.parse(readFileSync(path.join(__dirname, "fixtures", "sarif", "sarif-schema-2.1.0.json"), "utf8")) as object;
// Full summaries: no root access keys or certificates, so only CIS 1.4 decides.
const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 };
const COMPLIANT = { AccountMFAEnabled: 1, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 };
const POLICIES = ["aws-root-mfa-enabled", "aws-root-credentials-centralized", "aws-root-mfa-before-deploy"];

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
}

interface JsonReport {
    outcome: string;
    exitCode: number;
    providers: Array<{ name: string; urn: string }>;
    findings: Array<{ policy: string; enforcementLevel: string; severity: string; failsClosed: boolean; provider?: { name: string }; message: string }>;
    couldNotCheck: Array<{ provider: { name: string }; encryptedInputs: string[]; message: string }>;
}

interface SarifLog {
    version: string;
    runs: Array<{
        tool: { driver: { name: string; version: string; rules: Array<{ id: string; helpUri?: string; help: { text: string }; defaultConfiguration: { level: string }; properties: Record<string, unknown> }> } };
        invocations: Array<{ executionSuccessful: boolean; exitCode: number; toolExecutionNotifications: Array<{ level: string; message: { text: string } }> }>;
        results: Array<{ ruleId: string; level: string; message: { text: string }; locations?: Array<{ physicalLocation?: { artifactLocation: { uri: string } }; logicalLocations?: unknown[] }> }>;
    }>;
}

// The schema is draft-04 and uses the uri, uri-reference and date-time formats: validate those too.
const validateSarif = addFormats(new Ajv({ allErrors: true, strict: false })).compile(SARIF_SCHEMA);

function assertValidSarif(text: string): SarifLog {
    const log = JSON.parse(text) as SarifLog;
    assert.ok(validateSarif(log), JSON.stringify(validateSarif.errors, null, 2));
    return log;
}

function assertNoStackTrace(run: Run): void {
    assert.doesNotMatch(run.stdout + run.stderr, /^\s+at .+:\d+:\d+\)?$/m);
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
        for (const policy of POLICIES) {
            const own = entries[policy];
            config[policy] = { ...(typeof own === "object" ? own : {}), trustedEndpoints: [fake.url] };
        }
        const file = path.join(dir, name);
        writeFileSync(file, JSON.stringify(config));
        return file;
    }

    /**
     * Runs the compiled CLI with the deployer's keys as ambient credentials, pointed at the fake
     * endpoint; a `check` without its own --config gets the one that trusts the endpoint.
     */
    function check(args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<Run> {
        if (args[0] === "check" && !args.includes("--config")) {
            args = [...args, "--config", trusting];
        }
        const env: NodeJS.ProcessEnv = { ...process.env };
        for (const [key, value] of Object.entries(awsEnv(fake, { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey, ...extraEnv }))) {
            if (value === undefined) delete env[key];
            else env[key] = value;
        }
        return new Promise((resolve) => {
            execFile(process.execPath, [CLI, ...args], { cwd: dir, env, timeout: 45_000 }, (err, stdout, stderr) => {
                resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr });
            });
        });
    }

    /** An account with the given posture and a role the deployer may assume into it. */
    function account(summary: Record<string, number>): { accountId: string; roleArn: string } {
        const accountId = freshAccountId();
        fake.addAccount({ id: accountId, summary });
        return { accountId, roleArn: fake.addRole(accountId, "Deploy", { trustedAccounts: [home] }) };
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

    describe("--json", () => {
        it("exits 0 for the ambient credentials' compliant account", async () => {
            const run = await check(["check", "--json"]);
            assert.equal(run.code, 0, run.stderr);
            const report = JSON.parse(run.stdout) as JsonReport;
            assert.equal(report.outcome, "compliant");
            assert.equal(report.exitCode, 0);
            assert.deepEqual(report.providers.map((p) => p.name), ["environment"]);
            assert.deepEqual(report.findings, []);
        });

        it("exits 1 with the account, the provider and the fix for a role into an account without root MFA", async () => {
            const bad = account(NONCOMPLIANT);
            const good = account(COMPLIANT);
            const run = await check(["check", "--json", "--role-arn", bad.roleArn, "--role-arn", good.roleArn]);
            assert.equal(run.code, 1, run.stdout + run.stderr);
            const report = JSON.parse(run.stdout) as JsonReport;
            assert.equal(report.outcome, "violation");
            assert.equal(report.findings.length, 1, run.stdout);
            const [f] = report.findings;
            assert.equal(f.policy, "aws-root-mfa-enabled");
            assert.equal(f.enforcementLevel, "mandatory");
            assert.equal(f.severity, "critical");
            assert.equal(f.failsClosed, false);
            assert.equal(f.provider?.name, bad.roleArn);
            assert.match(f.message, new RegExp(`^Account ${bad.accountId} \\(partition aws\\): root MFA is not enabled and the root user has a password\\.`));
            assert.match(f.message, /How to fix: sign in to the AWS Management Console as the root user/);
            assert.equal(fake.count("AssumeRole", home), 2);
        });

        it("exits 2, failing closed, when an account cannot be read", async () => {
            const denied = account(COMPLIANT);
            fake.deny(denied.accountId, "iam:GetAccountSummary");
            const run = await check(["check", "--json", "--role-arn", denied.roleArn]);
            assert.equal(run.code, 2, run.stdout + run.stderr);
            const report = JSON.parse(run.stdout) as JsonReport;
            assert.equal(report.outcome, "could-not-check");
            const closed = report.findings.filter((f) => f.failsClosed);
            assert.ok(closed.length >= 1, run.stdout);
            assert.match(closed[0].message, new RegExp(`Account ${denied.accountId}: .* could not be checked, so this policy fails closed\\.`));
            assert.match(closed[0].message, /iam:GetAccountSummary was denied/);
        });

        it("reads each --profile as the AWS CLI would", async () => {
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
            const report = JSON.parse(run.stdout) as JsonReport;
            assert.deepEqual(report.providers.map((p) => p.name), ["profile:target", "profile:base"]);
            assert.deepEqual(report.findings.map((f) => [f.policy, f.provider?.name]), [["aws-root-mfa-enabled", "profile:target"]]);
        });

        it("applies --config: an exempt account is not checked", async () => {
            const bad = account(NONCOMPLIANT);
            const exemption = { exemptions: [{ accountId: bad.accountId, reason: "sandbox being closed, SEC-1" }] };
            const file = configFile("exempt.json", { "aws-root-mfa-enabled": exemption, "aws-root-credentials-centralized": exemption, "aws-root-mfa-before-deploy": exemption });
            const before = fake.count("GetAccountSummary", bad.accountId);
            const run = await check(["check", "--json", "--config", file, "--role-arn", bad.roleArn]);
            assert.equal(run.code, 0, run.stdout + run.stderr);
            assert.deepEqual((JSON.parse(run.stdout) as JsonReport).findings, []);
            assert.equal(fake.count("GetAccountSummary", bad.accountId), before);
        });

        it("applies --config enforcement levels: advisory findings exit 0", async () => {
            const bad = account(NONCOMPLIANT);
            const file = configFile("advisory.json", { all: "advisory" });
            const run = await check(["check", "--json", "--config", file, "--role-arn", bad.roleArn]);
            assert.equal(run.code, 0, run.stdout + run.stderr);
            const report = JSON.parse(run.stdout) as JsonReport;
            // "all" sets every policy's level, the default-disabled ones included (as in Pulumi).
            assert.deepEqual(report.findings.map((f) => [f.policy, f.enforcementLevel]), [["aws-root-mfa-enabled", "advisory"], ["aws-root-hardware-mfa", "advisory"]]);
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
            assert.equal(json.code, 2, json.stdout + json.stderr);
            const report = JSON.parse(json.stdout) as JsonReport;
            assert.deepEqual(report.providers.map((p) => p.name), ["prod"]);
            assert.deepEqual(report.findings.map((f) => [f.policy, f.provider?.name, f.failsClosed]), [["aws-root-mfa-enabled", "prod", false]]);
            assert.match(report.findings[0].message, new RegExp(`Account ${bad.accountId} `));
            assert.deepEqual(report.couldNotCheck.map((c) => [c.provider.name, c.encryptedInputs]), [["sealed", ["assumeRoles"]]]);
            assert.match(report.couldNotCheck[0].message, /pulumi stack export --show-secrets/);
            assert.ok(!json.stdout.includes(externalId), "a secret input was printed");

            const sarif = await check(["check", "--sarif", "--stack-state", file]);
            assert.equal(sarif.code, 2);
            const log = assertValidSarif(sarif.stdout);
            assert.equal(log.runs[0].invocations[0].executionSuccessful, false);
            assert.equal(log.runs[0].invocations[0].toolExecutionNotifications[0].level, "error");
            assert.equal(log.runs[0].results[0].locations?.[0].physicalLocation?.artifactLocation.uri, "Pulumi.yaml");
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
            assert.deepEqual(sarifRun.results.map((r) => [r.ruleId, r.level]), [["aws-root-mfa-enabled", "error"]]);
            assert.match(sarifRun.results[0].message.text, new RegExp(`^Account ${bad.accountId} `));
            assert.deepEqual(sarifRun.results[0].locations, [{
                physicalLocation: { artifactLocation: { uri: "infra/Pulumi.yaml" } },
                logicalLocations: [{ name: bad.roleArn, fullyQualifiedName: `urn:pulumi:check::aws-root-mfa::pulumi:providers:aws::${bad.roleArn}`, kind: "resource" }],
            }]);
            assert.equal(sarifRun.invocations[0].executionSuccessful, true);
        });

        it("exits 0 with valid SARIF and no results for a compliant account", async () => {
            const run = await check(["check", "--sarif"]);
            assert.equal(run.code, 0, run.stderr);
            assert.deepEqual(assertValidSarif(run.stdout).runs[0].results, []);
        });

        it("exits 2 with valid SARIF when the account cannot be read", async () => {
            const denied = account(COMPLIANT);
            fake.deny(denied.accountId, "iam:GetAccountSummary");
            const run = await check(["check", "--sarif", "--role-arn", denied.roleArn]);
            assert.equal(run.code, 2, run.stdout + run.stderr);
            const log = assertValidSarif(run.stdout);
            assert.equal(log.runs[0].invocations[0].executionSuccessful, false);
            assert.ok(log.runs[0].results.some((r) => r.level === "error" && /fails closed/.test(r.message.text)));
        });
    });

    describe("text, help and errors", () => {
        it("prints the violation the way pulumi preview does", async () => {
            const bad = account(NONCOMPLIANT);
            const run = await check(["check", "--role-arn", bad.roleArn]);
            assert.equal(run.code, 1, run.stderr);
            assert.match(run.stdout, /^Policies:\n {4}❌ aws-root-mfa@v\d+\.\d+\.\d+\n {8}- \[mandatory\] \[severity: critical\] {2}aws-root-mfa-enabled {2}\(pulumi:providers:aws: arn:aws:iam::\d{12}:role\/Deploy\)\n {10}The root user of every AWS account/m);
            assert.match(run.stdout, /^Result: violation \(exit 1\): 1 mandatory violation\(s\), 0 advisory, 0 could not be checked\.$/m);
        });

        it("--help shows every option with an example, and the exit codes", async () => {
            const run = await check(["--help"]);
            assert.equal(run.code, 0);
            for (const option of ["--profile", "--role-arn", "--stack-state", "--config", "--json", "--sarif", "--sarif-location", "--help", "--version"]) {
                assert.match(run.stdout, new RegExp(`^ +(-h, )?${option}\\b`, "m"), `${option} is not described`);
                if (!["--help", "--version"].includes(option)) {
                    assert.match(run.stdout, new RegExp(`^ +aws-root-mfa check .*${option}`, "m"), `${option} has no example`);
                }
            }
            assert.match(run.stdout, /^ {2}0 {2}compliant/m);
            assert.match(run.stdout, /^ {2}1 {2}a mandatory violation/m);
            assert.match(run.stdout, /^ {2}2 {2}could not check/m);
        });

        for (const [what, args, expected] of [
            ["an unknown option", ["check", "--profiel", "x"], /Unknown option '--profiel'/],
            ["a malformed role ARN", ["check", "--role-arn", "arn:aws:iam::1:role/x"], /--role-arn "arn:aws:iam::1:role\/x" is not an IAM role ARN/],
            ["a missing stack state", ["check", "--stack-state", "missing.json"], /--stack-state missing.json cannot be read \(ENOENT\)/],
            ["both output formats", ["check", "--json", "--sarif"], /--json and --sarif cannot be used together/],
            ["a SARIF location that is not a repository path", ["check", "--sarif", "--sarif-location", "/etc/Pulumi.yaml"], /must be a path relative to the repository root/],
            ["no command", [], /missing command/],
        ] as Array<[string, string[], RegExp]>) {
            it(`exits 2 with a message for ${what}`, async () => {
                const run = await check(args);
                assert.equal(run.code, 2);
                assert.equal(run.stdout, "");
                assert.match(run.stderr, expected);
                assertNoStackTrace(run);
            });
        }

        it("exits 2 naming every invalid property of --config at once", async () => {
            const file = configFile("invalid.json", { "aws-root-mfa-enabled": { timeoutSeconds: 900, concurrency: 0, exemptions: [{ accountId: "12" }] } });
            const run = await check(["check", "--config", file]);
            assert.equal(run.code, 2);
            assert.match(run.stderr, /aws-root-mfa-enabled: policy config "timeoutSeconds" must be a number from 1 to 300/);
            assert.match(run.stderr, /aws-root-mfa-enabled: policy config "concurrency" must be a whole number from 1 to 256/);
            assert.match(run.stderr, /aws-root-mfa-enabled: policy config "exemptions\[0\]\.accountId" must be a 12-digit AWS account id/);
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
    });
});
