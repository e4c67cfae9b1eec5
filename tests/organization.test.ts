/**
 * `aws-root-mfa check --organization` and `aws-root-mfa fix`, the compiled `bin` run as a user runs
 * it (piped) against the local AWS-compatible endpoint: a 60-account organization holding every
 * posture of the verdict tables, read through sts:AssumeRoot and through --member-role, with the
 * calls it costs; accounts that cannot be read (AssumeRoot denied, throttling); the fix plan, its
 * apply (log, secrets, failures, a second run) and --enable-central-root; --html; argument errors.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import Ajv from "ajv";
import { FakeAws, type FakeCall, type FakeCredentials } from "./fake-aws";
import { awsEnv, freshAccountId, freshOrganizationId } from "./support/world";
import { tableOf } from "./support/textTable";
import type { FixAccount, FixAction } from "../policypack/cli/fix";

const ROOT = path.resolve(__dirname, "..");
const CLI = path.join(ROOT, "bin", "cli", "main.js");
const HTML_REPORT = path.join(ROOT, "policypack", "report", "html.ts");
const RESULT_SCHEMA = JSON.parse(readFileSync(path.join(ROOT, "policypack", "cli", "checkResult.schema.json"), "utf8")) as object;
const validateResult = new Ajv({ allErrors: true }).compile(RESULT_SCHEMA);

/** Every policy of the pack: each gets the trusting config. */
const ALL_POLICIES = ["aws-root-mfa-enabled", "aws-root-credentials-centralized", "aws-root-no-access-keys", "aws-root-hardware-mfa", "aws-root-credentials-removed", "aws-root-mfa-before-deploy"];
/** The policies these tests run: the three default ones, and aws-root-credentials-removed (off by default) made advisory. */
const POLICIES = ["aws-root-mfa-enabled", "aws-root-credentials-centralized", "aws-root-no-access-keys", "aws-root-credentials-removed"] as const;
const LEVELS = ["mandatory", "advisory", "advisory", "advisory"] as const;
const AUDIT = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials";
const MEMBER_ROLE = "OrganizationAccountAccessRole";
/** The IAM calls that change a root user's credentials. */
const DELETING = /^(Delete|Deactivate)/;

type Status = "compliant" | "violation" | "not-applicable" | "could-not-check" | "exempt";
type Summary = Record<string, number | undefined>;
type Expected = readonly [Status, Status, Status, Status];

const C = "compliant";
const V = "violation";
const N = "not-applicable";

/**
 * Every posture of the verdict tables (policypack/verdict/rootMfa.ts, centralizedRoot.ts,
 * rootAccessKeys.ts, rootCredentialsRemoved.ts), with what each policy (POLICIES order) must say:
 * `central` in an organization with RootCredentialsManagement, `plain` in one without it.
 * `undefined` leaves the entry out of GetAccountSummary's SummaryMap.
 */
const MEMBER_POSTURES: ReadonlyArray<{ name: string; summary: Summary; central: Expected; plain: Expected }> = [
    // MFA on: CIS 1.4 and centralized access are met; a password is still a credential left behind.
    { name: "mfa-on", summary: { AccountMFAEnabled: 1, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 }, central: [C, C, C, V], plain: [C, C, C, N] },
    { name: "mfa-off-password", summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 }, central: [V, C, C, V], plain: [V, N, C, N] },
    // No password: CIS 1.4 is met; without RootCredentialsManagement the password can be recovered.
    { name: "mfa-off-no-password", summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 0, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 }, central: [C, C, C, C], plain: [C, V, C, C] },
    // A missing entry proves nothing.
    { name: "mfa-missing", summary: { AccountMFAEnabled: undefined, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 }, central: [V, C, C, V], plain: [V, N, C, N] },
    { name: "password-missing", summary: { AccountMFAEnabled: 0, AccountPasswordPresent: undefined, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 }, central: [V, C, C, V], plain: [V, N, C, N] },
    { name: "keys-missing", summary: { AccountMFAEnabled: 1, AccountPasswordPresent: 0, AccountAccessKeysPresent: undefined, AccountSigningCertificatesPresent: 0 }, central: [C, C, V, V], plain: [C, C, V, N] },
    { name: "certificates-missing", summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 0, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: undefined }, central: [C, C, C, V], plain: [C, V, C, N] },
    { name: "access-keys", summary: { AccountMFAEnabled: 1, AccountPasswordPresent: 1, AccountAccessKeysPresent: 1, AccountSigningCertificatesPresent: 0 }, central: [C, C, V, V], plain: [C, C, V, N] },
    { name: "access-keys-no-password", summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 0, AccountAccessKeysPresent: 2, AccountSigningCertificatesPresent: 0 }, central: [C, C, V, V], plain: [C, V, V, N] },
    { name: "certificates-only", summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 0, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 1 }, central: [C, C, C, V], plain: [C, V, C, N] },
    { name: "mfa-on-no-credentials", summary: { AccountMFAEnabled: 1, AccountPasswordPresent: 0, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 }, central: [C, C, C, C], plain: [C, C, C, C] },
];

/** The management account: centralized root access never covers it, whatever the organization enables. */
const MANAGEMENT_POSTURES = {
    mfaOn: { summary: { AccountMFAEnabled: 1, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 }, expected: [C, C, C, N] as Expected },
    mfaOff: { summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0 }, expected: [V, V, C, N] as Expected },
};

/** The accounts of a 60-account organization. */
const ORGANIZATION_SIZE = 60;

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
    /** The calls the fake received during the run. */
    calls: FakeCall[];
}

interface PolicyResult {
    policy: string;
    enforcementLevel: string;
    status: Status;
    evidence?: string;
    message?: string;
}

interface AccountReport {
    accountId: string;
    partition: string;
    name?: string;
    organizationStatus?: string;
    results: PolicyResult[];
}

interface JsonReport {
    outcome: "passed" | "failed";
    exitCode: 0 | 1;
    summary: { accounts: number; compliantAccounts: number; exemptAccounts: number; mandatoryViolations: number; advisoryViolations: number; couldNotCheck: number };
    accounts: AccountReport[];
    problems: Array<{ message: string }>;
    organization?: { id: string; managementAccountId: string; listedBy: string; readPath: string; memberRole?: string; features: string[] };
}

/** One organization built in the fake: its accounts with the statuses each must get. */
interface Organization {
    id: string;
    management: string;
    keys: FakeCredentials;
    /** Every account, the management account first, with its name and expected statuses. */
    accounts: Array<{ accountId: string; name: string; expected: Expected }>;
    members: string[];
}

/** Parses --json output, validated against checkResult.schema.json. */
function reportOf(run: Run): JsonReport {
    assert.notEqual(run.stdout.trim(), "", `no JSON on stdout; stderr: ${run.stderr}`);
    const doc = JSON.parse(run.stdout) as JsonReport;
    assert.ok(validateResult(doc), `--json output does not match checkResult.schema.json: ${JSON.stringify(validateResult.errors, null, 2)}`);
    return doc;
}

function accountOf(report: JsonReport, accountId: string): AccountReport {
    const account = report.accounts.find((a) => a.accountId === accountId);
    assert.ok(account, `account ${accountId} is not in the report: ${JSON.stringify(report.accounts.map((a) => a.accountId))}`);
    return account;
}

function statusesOf(account: AccountReport): Status[] {
    return POLICIES.map((p) => account.results.find((r) => r.policy === p)?.status ?? ("(missing)" as Status));
}

/** The summary counts checkResult.schema.json defines, from the statuses the test expects. */
function expectedSummary(expected: readonly Expected[]): JsonReport["summary"] {
    const failing = (s: Status) => s === V || s === "could-not-check";
    return {
        accounts: expected.length,
        compliantAccounts: expected.filter((e) => !e.some(failing) && e.includes(C)).length,
        exemptAccounts: 0,
        mandatoryViolations: expected.filter((e) => e[0] === V).length,
        advisoryViolations: expected.reduce((n, e) => n + e.slice(1).filter((s) => s === V).length, 0),
        couldNotCheck: expected.filter((e) => e.includes("could-not-check")).length,
    };
}

/** Asserts every account's name, status in Organizations and each policy's status, and the summary. */
function assertAccounts(report: JsonReport, org: Organization): void {
    assert.deepEqual(report.accounts.map((a) => a.accountId), org.accounts.map((a) => a.accountId).sort(), "one result per listed account, by id");
    for (const a of org.accounts) {
        const got = accountOf(report, a.accountId);
        assert.equal(got.name, a.name);
        assert.equal(got.organizationStatus, "ACTIVE");
        assert.deepEqual(got.results.map((r) => [r.policy, r.enforcementLevel]), POLICIES.map((p, i) => [p, LEVELS[i]]));
        assert.deepEqual(statusesOf(got), [...a.expected], `account ${a.accountId} (${a.name}): ${JSON.stringify(got.results, null, 2)}`);
        for (const r of got.results.filter((x) => x.status === V)) {
            assert.match(r.message ?? "", new RegExp(`Account ${a.accountId}\\b`), `${r.policy}'s message names the account`);
        }
    }
    assert.deepEqual(report.summary, expectedSummary(org.accounts.map((a) => a.expected)));
}

function count(calls: readonly FakeCall[], action: string, accountId?: string): number {
    return calls.filter((c) => c.action === action && (accountId === undefined || c.accountId === accountId)).length;
}

describe("aws-root-mfa check --organization and fix", function () {
    this.timeout(60_000);
    let fake: FakeAws;
    let dir: string;
    let trusting: string;
    /** Every temporary credential the fake issued (root and role sessions): none may be printed or logged. */
    const issued: FakeCredentials[] = [];

    /** A --config file trusting the local endpoint in every policy, aws-root-credentials-removed advisory. */
    function configFile(name: string): string {
        const config: Record<string, Record<string, unknown>> = {};
        for (const policy of ALL_POLICIES) {
            config[policy] = { trustedEndpoints: [fake.url] };
        }
        config["aws-root-credentials-removed"].enforcementLevel = "advisory";
        const file = path.join(dir, name);
        writeFileSync(file, JSON.stringify(config));
        return file;
    }

    /** Runs the compiled CLI with `keys` as the ambient credentials, output piped (standard input is no terminal). */
    function cli(args: string[], keys: FakeCredentials): Promise<Run> {
        const env: NodeJS.ProcessEnv = { ...process.env };
        delete env.NO_COLOR;
        delete env.FORCE_COLOR;
        for (const [key, value] of Object.entries(awsEnv(fake, { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey }))) {
            if (value === undefined) delete env[key];
            else env[key] = value;
        }
        const full = args.includes("--config") ? args : [...args, "--config", trusting];
        const from = fake.calls.length;
        return new Promise((resolve) => {
            execFile(process.execPath, [CLI, ...full], { cwd: dir, env, timeout: 45_000 }, (err, stdout, stderr) => {
                resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr, calls: fake.calls.slice(from) });
            });
        });
    }

    /**
     * An organization of `size` accounts: the management account (its IAM user's keys are the
     * ambient credentials) and members cycling through MEMBER_POSTURES (or those named), each with a role
     * OrganizationAccountAccessRole the management account may assume.
     */
    function organization(opts: { size: number; central: boolean; management: keyof typeof MANAGEMENT_POSTURES; delegatedAdministrator?: string; postures?: readonly string[] }): Organization {
        const postures = MEMBER_POSTURES.filter((p) => opts.postures === undefined || opts.postures.includes(p.name));
        const id = freshOrganizationId();
        const management = freshAccountId();
        const managementPosture = MANAGEMENT_POSTURES[opts.management];
        fake.addAccount({ id: management, summary: managementPosture.summary, name: "management" });
        fake.addOrganization({
            id,
            managementAccountId: management,
            rootCredentialsManagement: opts.central,
            rootSessions: opts.central,
            iamDelegatedAdministrators: opts.delegatedAdministrator ? [opts.delegatedAdministrator] : [],
        });
        const accounts: Organization["accounts"] = [{ accountId: management, name: "management", expected: managementPosture.expected }];
        for (let i = 0; i < opts.size - 1; i++) {
            const posture = postures[i % postures.length];
            const accountId = freshAccountId();
            const name = `${posture.name}-${i}`;
            fake.addAccount({ id: accountId, organizationId: id, summary: posture.summary, name });
            fake.addRole(accountId, MEMBER_ROLE, { trustedAccounts: [management] });
            accounts.push({ accountId, name, expected: opts.central ? posture.central : posture.plain });
        }
        return { id, management, keys: fake.addUser(management, "ops"), accounts, members: accounts.slice(1).map((a) => a.accountId) };
    }

    before(async () => {
        fake = await FakeAws.start();
        dir = mkdtempSync(path.join(tmpdir(), "aws-root-mfa-org-"));
        trusting = configFile("trusting.json");
        // Record every session the fake hands out, to look for its secrets in what the CLI prints and logs.
        const issueRoot = fake.issueRootSession.bind(fake);
        fake.issueRootSession = (account, task, seconds) => {
            const record = issueRoot(account, task, seconds);
            issued.push(record);
            return record;
        };
        const issueRole = fake.issueRoleSession.bind(fake);
        fake.issueRoleSession = (role, name, seconds) => {
            const record = issueRole(role, name, seconds);
            issued.push(record);
            return record;
        };
    });
    after(async () => {
        await fake?.close();
        rmSync(dir, { recursive: true, force: true });
    });

    describe(`a ${ORGANIZATION_SIZE}-account organization holding every posture`, () => {
        let central: Organization;
        let plain: Organization;

        before(() => {
            fake.reset();
            central = organization({ size: ORGANIZATION_SIZE, central: true, management: "mfaOn" });
            plain = organization({ size: ORGANIZATION_SIZE, central: false, management: "mfaOff" });
        });

        it("through sts:AssumeRoot: every account's status per policy, the summary, exit 1, and one AssumeRoot + one GetAccountSummary per member", async () => {
            const run = await cli(["check", "--organization", "--json"], central.keys);
            assert.equal(run.code, 1, run.stderr);
            const report = reportOf(run);
            assert.equal(report.outcome, "failed");
            assert.deepEqual(report.organization && { ...report.organization, listedAt: undefined }, {
                id: central.id,
                managementAccountId: central.management,
                listedBy: central.management,
                readPath: "assume-root",
                features: ["RootCredentialsManagement", "RootSessions"],
                listedAt: undefined,
            });
            assertAccounts(report, central);

            // Listed once: DescribeOrganization and the features once, ListAccounts page by page (20 a page).
            assert.equal(count(run.calls, "DescribeOrganization"), 1);
            assert.equal(count(run.calls, "ListOrganizationsFeatures"), 1);
            assert.equal(count(run.calls, "ListAccounts"), Math.ceil(ORGANIZATION_SIZE / 20));
            assert.ok(run.calls.filter((c) => c.action === "ListAccounts").every((c) => c.accountId === central.management));
            // Each member: one root session with the audit task policy, and in it one GetAccountSummary, nothing else.
            for (const member of central.members) {
                const roots = run.calls.filter((c) => c.action === "AssumeRoot" && c.params.TargetPrincipal === member);
                assert.deepEqual(roots.map((c) => [c.accountId, c.params["TaskPolicyArn.arn"]]), [[central.management, AUDIT]], `AssumeRoot into ${member}`);
                assert.deepEqual(run.calls.filter((c) => c.accountId === member).map((c) => c.action), ["GetAccountSummary"], `calls in ${member}`);
            }
            assert.equal(count(run.calls, "AssumeRoot"), central.members.length, "no root session into the management account");
            assert.equal(count(run.calls, "AssumeRole"), 0);
            // The management account itself: read once, with the ambient credentials.
            assert.equal(count(run.calls, "GetAccountSummary", central.management), 1);
        });

        it("through --member-role in an organization without centralized root access (management account without MFA): every status, the summary, exit 1, one AssumeRole + one GetAccountSummary per member", async () => {
            const run = await cli(["check", "--organization", "--member-role", MEMBER_ROLE, "--json"], plain.keys);
            assert.equal(run.code, 1, run.stderr);
            const report = reportOf(run);
            assert.deepEqual(report.organization && { ...report.organization, listedAt: undefined }, {
                id: plain.id,
                managementAccountId: plain.management,
                listedBy: plain.management,
                readPath: "member-role",
                memberRole: MEMBER_ROLE,
                features: [],
                listedAt: undefined,
            });
            assertAccounts(report, plain);
            const managementCentralized = accountOf(report, plain.management).results.find((r) => r.policy === "aws-root-credentials-centralized");
            assert.match(managementCentralized?.message ?? "", /management account/, "says centralized root access never covers the management account");

            assert.equal(count(run.calls, "DescribeOrganization"), 1);
            assert.equal(count(run.calls, "ListAccounts"), Math.ceil(ORGANIZATION_SIZE / 20));
            assert.equal(count(run.calls, "AssumeRoot"), 0);
            for (const member of plain.members) {
                const assumed = run.calls.filter((c) => c.action === "AssumeRole" && c.params.RoleArn === `arn:aws:iam::${member}:role/${MEMBER_ROLE}`);
                assert.deepEqual(assumed.map((c) => c.accountId), [plain.management], `AssumeRole into ${member}`);
                assert.deepEqual(run.calls.filter((c) => c.accountId === member).map((c) => c.action), ["GetAccountSummary"], `calls in ${member}`);
            }
            assert.equal(count(run.calls, "AssumeRole"), plain.members.length);
        });

        it("through --member-role in an organization with centralized root access: the same statuses as through sts:AssumeRoot", async () => {
            const run = await cli(["check", "--organization", "--member-role", MEMBER_ROLE, "--json"], central.keys);
            assert.equal(run.code, 1, run.stderr);
            const report = reportOf(run);
            assert.equal(report.organization?.readPath, "member-role");
            assertAccounts(report, central);
            assert.equal(count(run.calls, "AssumeRoot"), 0);
        });

        it("exits 2, reading no member, without centralized root access and without --member-role, saying what to enable or pass", async () => {
            const run = await cli(["check", "--organization"], plain.keys);
            assert.equal(run.code, 2, run.stdout + run.stderr);
            assert.match(run.stderr, new RegExp(`organization ${plain.id} cannot be read through sts:AssumeRoot`));
            assert.match(run.stderr, /fix --enable-central-root/);
            assert.match(run.stderr, /--member-role OrganizationAccountAccessRole/);
            assert.equal(run.calls.filter((c) => c.action === "AssumeRoot" || c.action === "AssumeRole" || c.action === "GetAccountSummary").length, 0);
        });

        it("text output: one table row per account with its name; --html writes a page naming every account", async function () {
            const html = path.join(dir, "organization.html");
            const withHtml = existsSync(HTML_REPORT);
            const run = await cli(["check", "--organization", ...(withHtml ? ["--html", html] : [])], central.keys);
            assert.equal(run.code, 1, run.stderr);
            assert.match(run.stdout, new RegExp(`of organization ${central.id} \\(management account ${central.management}; listed by ${central.management} at [^)]+\\), read through sts:AssumeRoot`));
            const rows = tableOf(run.stdout);
            assert.deepEqual(rows.map((r) => [r.Account, r.Name]), central.accounts.map((a) => [a.accountId, a.name]).sort((x, y) => x[0].localeCompare(y[0])));
            assert.match(run.stdout, new RegExp(`^Result: failed \\(exit 1\\): ${ORGANIZATION_SIZE} accounts,`, "m"));
            if (!withHtml) {
                // policypack/report/html.ts is written concurrently; without it there is no page to look for.
                this.skip();
            }
            const page = readFileSync(html, "utf8");
            assert.match(page, /^<!DOCTYPE html>/i);
            for (const a of central.accounts) {
                assert.ok(page.includes(a.accountId), `the page does not name account ${a.accountId}`);
            }
        });
    });

    describe("accounts that cannot be read", () => {
        let org: Organization;
        /** The IAM delegated administrator: a member with MFA and no other root credentials, and an auditor's keys. */
        let admin: { accountId: string; keys: FakeCredentials };

        beforeEach(() => {
            fake.reset();
            const accountId = freshAccountId();
            // Every account compliant: what fails the run is the account that cannot be read.
            org = organization({ size: 6, central: true, management: "mfaOn", delegatedAdministrator: accountId, postures: ["mfa-on-no-credentials", "mfa-off-no-password"] });
            const posture = MEMBER_POSTURES.find((p) => p.name === "mfa-on-no-credentials");
            assert.ok(posture);
            fake.addAccount({ id: accountId, organizationId: org.id, name: "security", summary: posture.summary });
            admin = { accountId, keys: fake.addUser(accountId, "auditor") };
            org.accounts.push({ accountId, name: "security", expected: posture.central });
        });

        it("an account whose sts:AssumeRoot is denied could not be checked, saying why and what to do; the others are checked; exit 1", async () => {
            const [denied, ...others] = org.members;
            fake.fault({ action: "AssumeRoot", params: { TargetPrincipal: denied }, kind: "accessDenied" });
            const run = await cli(["check", "--organization", "--json"], org.keys);
            assert.equal(run.code, 1, run.stderr);
            const report = reportOf(run);
            const account = accountOf(report, denied);
            assert.deepEqual(statusesOf(account), ["could-not-check", "could-not-check", "could-not-check", "could-not-check"], JSON.stringify(account, null, 2));
            for (const r of account.results) {
                assert.match(r.message ?? "", new RegExp(`sts:AssumeRoot was denied while opening a root session in account ${denied}\\b`), r.policy);
                assert.match(r.message ?? "", /What to do: .*--member-role/, r.policy);
                assert.match(r.message ?? "", new RegExp(`^Account ${denied} of organization ${org.id} could not be read`), r.policy);
            }
            for (const a of org.accounts.filter((x) => others.includes(x.accountId) || x.accountId === org.management)) {
                assert.deepEqual(statusesOf(accountOf(report, a.accountId)), [...a.expected], a.name);
            }
            assert.equal(report.summary.couldNotCheck, 1);
        });

        it("listed by the IAM delegated administrator: the management account, which no root session reaches, could not be checked, saying why; the rest is checked", async () => {
            const run = await cli(["check", "--organization", "--json"], admin.keys);
            assert.equal(run.code, 1, run.stderr);
            const report = reportOf(run);
            assert.equal(report.organization?.listedBy, admin.accountId);
            assert.equal(report.organization?.managementAccountId, org.management);
            const management = accountOf(report, org.management);
            assert.deepEqual(statusesOf(management), ["could-not-check", "could-not-check", "could-not-check", "could-not-check"], JSON.stringify(management, null, 2));
            assert.match(management.results[0].message ?? "", new RegExp(`sts:AssumeRoot was denied while opening a root session in account ${org.management}\\b`));
            assert.match(management.results[0].message ?? "", /not the management account/);
            for (const a of org.accounts.filter((x) => x.accountId !== org.management)) {
                assert.deepEqual(statusesOf(accountOf(report, a.accountId)), [...a.expected], a.name);
            }
            // The delegated administrator reads itself with its own credentials, not through a root session.
            assert.deepEqual(run.calls.filter((c) => c.action === "GetAccountSummary" && c.accountId === admin.accountId).map((c) => c.principalArn), [`arn:aws:iam::${admin.accountId}:user/auditor`]);
            assert.equal(report.summary.couldNotCheck, 1);
        });

        it("accounts not ACTIVE in Organizations (SUSPENDED, PENDING_CLOSURE) are listed as not applicable with their state, and never read; exit 0", async () => {
            const closing = [freshAccountId(), freshAccountId()];
            fake.addAccount({ id: closing[0], organizationId: org.id, name: "suspended", organizationState: "SUSPENDED", summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 1 } });
            fake.addAccount({ id: closing[1], organizationId: org.id, name: "closing", organizationState: "PENDING_CLOSURE", summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 1 } });
            const run = await cli(["check", "--organization", "--json"], org.keys);
            assert.equal(run.code, 0, run.stdout + run.stderr);
            const report = reportOf(run);
            for (const [id, state] of [[closing[0], "SUSPENDED"], [closing[1], "PENDING_CLOSURE"]]) {
                const account = accountOf(report, id);
                assert.equal(account.organizationStatus, state);
                assert.deepEqual(statusesOf(account), ["not-applicable", "not-applicable", "not-applicable", "not-applicable"]);
                assert.ok(account.results.every((r) => (r.evidence ?? "").includes(`State=${state}`)), JSON.stringify(account));
                assert.equal(run.calls.filter((c) => c.params.TargetPrincipal === id || c.accountId === id).length, 0, `no call reaches ${id}`);
            }
            for (const a of org.accounts) {
                assert.deepEqual(statusesOf(accountOf(report, a.accountId)), [...a.expected], a.name);
            }
        });

        it("a ListAccounts page that fails after the first: exit 2 naming the call and what to do, never a result that passes accounts it has not seen", async () => {
            for (let i = 0; i < 30; i++) {
                fake.addAccount({ id: freshAccountId(), organizationId: org.id, summary: { AccountMFAEnabled: 1 } });
            }
            fake.fault({ action: "ListAccounts", kind: "accessDenied", after: 1 });
            for (const format of [[], ["--json"]]) {
                const run = await cli(["check", "--organization", ...format], org.keys);
                assert.equal(run.code, 2, run.stdout + run.stderr);
                assert.match(run.stderr, /the organization could not be listed with the ambient credentials .*organizations:ListAccounts was denied while listing the organization's accounts.*What to do: grant organizations:ListAccounts/s);
                assert.doesNotMatch(run.stdout, /"outcome": "(passed|failed)"/);
            }
        });

        it("transient throttling of iam:GetAccountSummary: retried, every account checked; exit 0", async () => {
            fake.fault({ action: "GetAccountSummary", kind: "throttle", times: 4 });
            const run = await cli(["check", "--organization", "--json"], org.keys);
            assert.equal(run.code, 0, run.stdout + run.stderr);
            const report = reportOf(run);
            assertAccounts(report, org);
            // Four calls were throttled and asked again: one answer per account in the end.
            assert.equal(count(run.calls, "GetAccountSummary"), org.accounts.length + 4);
        });

        it("persistent throttling in one account: that account could not be checked, naming throttling; the others are checked; exit 1", async () => {
            const throttled = org.members[1];
            fake.fault({ action: "GetAccountSummary", accountId: throttled, kind: "throttle" });
            const run = await cli(["check", "--organization", "--json"], org.keys);
            assert.equal(run.code, 1, run.stdout + run.stderr);
            const report = reportOf(run);
            const account = accountOf(report, throttled);
            assert.deepEqual(statusesOf(account), ["could-not-check", "could-not-check", "could-not-check", "could-not-check"], JSON.stringify(account, null, 2));
            assert.match(account.results[0].message ?? "", /AWS kept throttling iam:GetAccountSummary/);
            assert.match(account.results[0].message ?? "", new RegExp(`Account ${throttled}\\b`));
            for (const a of org.accounts.filter((x) => x.accountId !== throttled)) {
                assert.deepEqual(statusesOf(accountOf(report, a.accountId)), [...a.expected], a.name);
            }
            assert.ok(count(run.calls, "GetAccountSummary", throttled) > 1, "the throttled call was retried");
            assert.equal(report.summary.couldNotCheck, 1);
        });
    });

    describe("fix", () => {
        let org: FixOrganization;

        beforeEach(() => {
            fake.reset();
            org = fixOrganization();
        });

        it("without --apply: lists per member what it has (access keys by their last 4 characters) and changes nothing; exit 0", async () => {
            const before = org.members.map((m) => credentialsOf(m.accountId));
            const run = await cli(["fix"], org.keys);
            assert.equal(run.code, 0, run.stdout + run.stderr);
            for (const m of org.members) {
                const line = planLine(run.stdout, m.accountId, m.name);
                if (m.credentials.length === 0) {
                    assert.equal(line, "none, nothing to delete");
                } else {
                    assert.ok(line.startsWith("would delete "), line);
                    assert.deepEqual(line.slice("would delete ".length).split(", ").sort(), [...m.credentials].sort());
                }
            }
            assert.doesNotMatch(run.stdout, new RegExp(`^ {2}${org.management}\\b`, "m"), "the management account is never planned");
            const withCredentials = org.members.filter((m) => m.credentials.length > 0).length;
            assert.match(run.stdout, new RegExp(`^Plan: delete root credentials in ${withCredentials} accounts\\. Nothing was changed`, "m"));
            assert.match(run.stdout, new RegExp(`^Result: ${org.members.length} accounts, ${withCredentials} with root credentials, 0 failed \\(exit 0\\)\\.$`, "m"));
            assertNoSecrets(run.stdout + run.stderr, org);
            // Read with the audit task policy only; nothing deleted.
            assert.deepEqual([...new Set(run.calls.filter((c) => c.action === "AssumeRoot").map((c) => c.params["TaskPolicyArn.arn"]))], [AUDIT]);
            assert.deepEqual(run.calls.filter((c) => DELETING.test(c.action)), []);
            assert.deepEqual(org.members.map((m) => credentialsOf(m.accountId)), before);

            // A second plan, as JSON, finds the same.
            const again = await cli(["fix", "--json"], org.keys);
            assert.equal(again.code, 0, again.stdout + again.stderr);
            const plan = JSON.parse(again.stdout) as FixReport;
            assert.equal(plan.mode, "plan");
            assert.deepEqual(plan.summary, { accounts: org.members.length, withRootCredentials: withCredentials, failed: 0 });
            assert.deepEqual(plan.accounts.map((a) => [a.accountId, [...a.found].sort()]).sort(), org.members.map((m) => [m.accountId, [...m.credentials].sort()]).sort());
            assert.ok(plan.accounts.every((a) => a.actions.every((x) => x.result === "planned")));
            assert.deepEqual(again.calls.filter((c) => DELETING.test(c.action)), []);
        });

        it("--apply --yes --log: deletes every credential of every member, each then compliant for aws-root-credentials-removed, one log line per action, no secret anywhere; a second run deletes nothing", async () => {
            const log = path.join(dir, `fix-${org.id}.jsonl`);
            const managementBefore = credentialsOf(org.management);
            const run = await cli(["fix", "--apply", "--yes", "--log", log], org.keys);
            assert.equal(run.code, 0, run.stdout + run.stderr);
            for (const m of org.members) {
                const line = planLine(run.stdout, m.accountId, m.name);
                if (m.credentials.length === 0) {
                    assert.equal(line, "none, nothing to delete");
                    continue;
                }
                const deleted = /^deleted (.*) → aws-root-credentials-removed: compliant \(.*\)$/.exec(line);
                assert.ok(deleted, line);
                assert.deepEqual(deleted[1].split(", ").sort(), [...m.credentials].sort());
                assert.deepEqual(credentialsOf(m.accountId), [], `${m.name} still has root credentials`);
            }
            const withCredentials = org.members.filter((m) => m.credentials.length > 0).length;
            assert.match(run.stdout, new RegExp(`^Result: ${org.members.length} accounts, ${withCredentials} with root credentials, 0 failed \\(exit 0\\)\\.$`, "m"));
            // Each credential deleted once, in its own account, through a root session with the delete task policy.
            const deletions = run.calls.filter((c) => DELETING.test(c.action));
            assert.equal(deletions.length, org.members.reduce((n, m) => n + m.credentials.length, 0));
            assert.ok(deletions.every((c) => c.principalArn === `arn:aws:iam::${c.accountId}:root`));
            assert.ok(run.calls.some((c) => c.action === "AssumeRoot" && c.params["TaskPolicyArn.arn"] === "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"));
            assert.deepEqual(credentialsOf(org.management), managementBefore, "the management account is never touched");

            const lines = readFileSync(log, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as FixAction);
            const key = (a: { account?: string; action: string; subject?: string }) => `${a.account} ${a.action} ${a.subject}`;
            const expected = org.members.flatMap((m) => m.actions.map((a) => key({ account: m.accountId, ...a }))).sort();
            assert.deepEqual(lines.filter((l) => l.result === "done").map(key).sort(), expected, "one line with result done per deletion");
            assert.deepEqual(lines.filter((l) => l.result === "planned").map(key).sort(), expected, "and one per planned action");
            assert.deepEqual(lines.filter((l) => l.result !== "done" && l.result !== "planned"), []);
            assert.ok(lines.every((l) => !Number.isNaN(Date.parse(l.time))));
            assert.equal(statSync(log).mode & 0o777, 0o600, "the log is private to its owner");
            assertNoSecrets(run.stdout + run.stderr + readFileSync(log, "utf8"), org);

            const again = await cli(["fix", "--apply", "--yes", "--log", log], org.keys);
            assert.equal(again.code, 0, again.stdout + again.stderr);
            assert.match(again.stdout, /^Nothing to delete\.$/m);
            assert.deepEqual(again.calls.filter((c) => DELETING.test(c.action)), []);
        });

        it("--json, plan and apply, prints no root access key id in full (access keys are named by their last 4 characters)", async () => {
            const plan = await cli(["fix", "--json"], org.keys);
            assert.equal(plan.code, 0, plan.stdout + plan.stderr);
            assertNoSecrets(plan.stdout + plan.stderr, org);
            const apply = await cli(["fix", "--apply", "--yes", "--json"], org.keys);
            assert.equal(apply.code, 0, apply.stdout + apply.stderr);
            assertNoSecrets(apply.stdout + apply.stderr, org);
        });

        it("--apply --yes with one deletion failing: that account failed with its reason, its other credentials and every other account fixed; exit 1", async () => {
            const everything = org.members[0];
            fake.fault({ action: "DeleteLoginProfile", accountId: everything.accountId, kind: "accessDenied" });
            const run = await cli(["fix", "--apply", "--yes", "--json"], org.keys);
            assert.equal(run.code, 1, run.stdout + run.stderr);
            const report = JSON.parse(run.stdout) as FixReport;
            assert.equal(report.mode, "apply");
            assert.equal(report.exitCode, 1);
            assert.equal(report.summary.failed, 1);
            const failed = report.accounts.find((a) => a.accountId === everything.accountId);
            assert.ok(failed);
            assert.match(failed.error ?? "", /iam:DeleteLoginProfile was denied/);
            assert.match(failed.error ?? "", /What to do:/);
            assert.deepEqual(failed.actions.filter((a) => a.result === "failed").map((a) => a.action), ["iam:DeleteLoginProfile"]);
            assert.equal(failed.verdict?.status, "credentials-remain");
            // Keys and certificates gone; the password whose deletion failed still has its MFA (never deactivated while anything remains).
            const left = credentialsOf(everything.accountId);
            assert.ok(left.some((c) => c.startsWith("root MFA device ")), left.join(", "));
            assert.deepEqual(left.filter((c) => !c.startsWith("root MFA device ")), ["root password"], "everything but the password and its MFA was deleted");
            assert.equal(run.calls.filter((c) => c.action === "DeactivateMFADevice" && c.accountId === everything.accountId).length, 0, "no MFA deactivated in the account that failed");
            for (const m of org.members.slice(1)) {
                const a = report.accounts.find((x) => x.accountId === m.accountId);
                assert.ok(a, m.name);
                assert.equal(a.error, undefined, m.name);
                assert.equal(a.verdict?.status ?? "(nothing to delete)", m.credentials.length > 0 ? "compliant" : "(nothing to delete)", m.name);
                assert.deepEqual(credentialsOf(m.accountId), [], m.name);
            }
        });

        it("--apply without --yes, standard input not a terminal: exit 2, nothing deleted", async () => {
            const before = org.members.map((m) => credentialsOf(m.accountId));
            const run = await cli(["fix", "--apply"], org.keys);
            assert.equal(run.code, 2, run.stdout + run.stderr);
            assert.match(run.stderr, /--apply deletes root credentials: confirm with --yes when standard input is not a terminal/);
            assert.deepEqual(run.calls.filter((c) => DELETING.test(c.action)), []);
            assert.deepEqual(org.members.map((m) => credentialsOf(m.accountId)), before);
        });
    });

    describe("fix --enable-central-root", () => {
        it("plans without changing anything, then with --apply --yes enables RootCredentialsManagement and RootSessions, after which check --organization reads through sts:AssumeRoot", async () => {
            fake.reset();
            const org = organization({ size: 4, central: false, management: "mfaOn", postures: ["mfa-on-no-credentials"] });
            const features = () => {
                const o = fake.organizationOf(org.management);
                return [o?.rootCredentialsManagement, o?.rootSessions];
            };
            const noFeatures = await cli(["fix"], org.keys);
            assert.equal(noFeatures.code, 2, noFeatures.stdout + noFeatures.stderr);
            assert.match(noFeatures.stderr, new RegExp(`root credentials of organization ${org.id} cannot be deleted centrally: .*fix --enable-central-root`));

            const plan = await cli(["fix", "--enable-central-root"], org.keys);
            assert.equal(plan.code, 0, plan.stdout + plan.stderr);
            assert.match(plan.stdout, /Plan: iam:EnableOrganizationsRootCredentialsManagement \(RootCredentialsManagement\), iam:EnableOrganizationsRootSessions \(RootSessions\)\. Nothing was changed/);
            assert.equal(plan.calls.filter((c) => c.action.startsWith("EnableOrganizations")).length, 0);
            assert.deepEqual(features(), [false, false]);

            const apply = await cli(["fix", "--enable-central-root", "--apply", "--yes"], org.keys);
            assert.equal(apply.code, 0, apply.stdout + apply.stderr);
            assert.match(apply.stdout, /^Enabled RootCredentialsManagement /m);
            assert.match(apply.stdout, /^Enabled RootSessions /m);
            assert.deepEqual(features(), [true, true]);

            const check = await cli(["check", "--organization", "--json"], org.keys);
            assert.equal(check.code, 0, check.stdout + check.stderr);
            const report = reportOf(check);
            assert.equal(report.organization?.readPath, "assume-root");
            assert.deepEqual(report.organization?.features, ["RootCredentialsManagement", "RootSessions"]);
            // Members with MFA and no credentials are compliant with centralized root access or without it.
            assertAccounts(report, org);
            assert.equal(count(check.calls, "AssumeRoot"), org.members.length);
        });
    });

    describe("argument errors", () => {
        for (const [what, args, message] of [
            ["--member-role without --organization", ["check", "--member-role", MEMBER_ROLE], /--member-role names the role each member of the organization is read through: use it with --organization/],
            ["--organization with --profile", ["check", "--organization", "--profile", "x"], /--organization checks every account of the organization the ambient credentials manage: use it without --profile/],
            ["fix --account with an id that is not 12 digits", ["fix", "--account", "12"], /--account "12" is not a 12-digit AWS account id/],
            ["fix --yes without --apply", ["fix", "--yes"], /--yes confirms --apply/],
        ] as const) {
            it(`exits 2 with a message for ${what}, calling no AWS API`, async () => {
                const run = await cli([...args], { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" });
                assert.equal(run.code, 2, run.stdout + run.stderr);
                assert.match(run.stderr, message);
                assert.match(run.stderr, /Run `aws-root-mfa --help`/);
                assert.deepEqual(run.calls, []);
            });
        }
    });

    /** A member to fix: the credentials the plan must list, and the actions that delete them. */
    interface FixMember {
        accountId: string;
        name: string;
        credentials: string[];
        actions: Array<{ action: string; subject: string }>;
    }

    interface FixOrganization {
        id: string;
        management: string;
        keys: FakeCredentials;
        members: FixMember[];
        /** Every root access key id in the organization when it was built, in full. */
        rootAccessKeyIds: string[];
    }

    /**
     * An organization with centralized root access whose members hold each kind of root credential
     * (the first one all of them, a virtual MFA device too), one none; the management account has a
     * password and an access key, which fix must never touch.
     */
    function fixOrganization(): FixOrganization {
        const id = freshOrganizationId();
        const management = freshAccountId();
        fake.addAccount({ id: management, name: "management", summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 1, AccountAccessKeysPresent: 1 } });
        fake.addOrganization({ id, managementAccountId: management, rootCredentialsManagement: true, rootSessions: true });
        const specs: Array<[string, Summary]> = [
            ["everything", { AccountMFAEnabled: 1, AccountPasswordPresent: 1, AccountAccessKeysPresent: 2, AccountSigningCertificatesPresent: 2 }],
            ["password", { AccountMFAEnabled: 0, AccountPasswordPresent: 1 }],
            ["access-key", { AccountMFAEnabled: 0, AccountPasswordPresent: 0, AccountAccessKeysPresent: 1 }],
            ["certificate", { AccountMFAEnabled: 0, AccountPasswordPresent: 0, AccountSigningCertificatesPresent: 1 }],
            ["mfa-only", { AccountMFAEnabled: 1, AccountPasswordPresent: 0 }],
            ["clean", { AccountMFAEnabled: 0, AccountPasswordPresent: 0 }],
        ];
        const members = specs.map(([name, summary]): FixMember => {
            const accountId = freshAccountId();
            fake.addAccount({ id: accountId, organizationId: id, name, summary });
            if (name === "everything") {
                fake.addVirtualMfaDevice(accountId, { root: true, name: "root-phone" });
            }
            const actions = rootActionsOf(accountId);
            return { accountId, name, credentials: actions.map((a) => a.subject), actions };
        });
        const rootAccessKeyIds = [management, ...members.map((m) => m.accountId)].flatMap((a) => [...fake.requireAccount(a).root.accessKeys.keys()]);
        return { id, management, keys: fake.addUser(management, "ops"), members, rootAccessKeyIds };
    }

    /** What fix must do in an account, from the fake's own record of its root user's credentials. */
    function rootActionsOf(accountId: string): Array<{ action: string; subject: string }> {
        const account = fake.requireAccount(accountId);
        return [
            ...fake.rootMfaDevices(account).map((d) => ({ action: "iam:DeactivateMFADevice", subject: `root MFA device ${d.serialNumber}` })),
            ...[...account.root.accessKeys.keys()].map((k) => ({ action: "iam:DeleteAccessKey", subject: `root access key ending in ${k.slice(-4)}` })),
            ...[...account.root.signingCertificates.keys()].map((c) => ({ action: "iam:DeleteSigningCertificate", subject: `root signing certificate ${c}` })),
            ...(account.root.passwordCreateDate ? [{ action: "iam:DeleteLoginProfile", subject: "root password" }] : []),
        ];
    }

    /** The root user's credentials as they are now in the fake. */
    function credentialsOf(accountId: string): string[] {
        return rootActionsOf(accountId).map((a) => a.subject);
    }

    /** No secret: no root access key id in full, no IAM user secret, no session key, secret or token. */
    function assertNoSecrets(text: string, org: FixOrganization): void {
        const secrets = [
            ...org.rootAccessKeyIds,
            org.keys.accessKeyId,
            org.keys.secretAccessKey,
            ...issued.flatMap((c) => [c.accessKeyId, c.secretAccessKey, c.sessionToken ?? ""]).filter((x) => x !== ""),
        ];
        assert.ok(issued.length > 0, "no session was issued to look for");
        for (const secret of secrets) {
            const at = text.indexOf(secret);
            // The message shows where, the secret itself masked.
            assert.ok(at < 0, `a secret was printed or logged: …${text.slice(Math.max(0, at - 60), at)}${secret.slice(0, 4)}****${text.slice(at + secret.length, at + secret.length + 20)}…`);
        }
    }
});

/** The line of `fix` text output about one member, after "  <id> (<name>): ". */
function planLine(stdout: string, accountId: string, name: string): string {
    const prefix = `  ${accountId} (${name}): `;
    const lines = stdout.split("\n").filter((l) => l.startsWith(prefix));
    assert.equal(lines.length, 1, `one line for ${accountId} in:\n${stdout}`);
    return lines[0].slice(prefix.length);
}

interface FixReport {
    mode: "plan" | "apply";
    exitCode: 0 | 1;
    summary: { accounts: number; withRootCredentials: number; failed: number };
    accounts: FixAccount[];
}


