/**
 * `aws-root-mfa check`'s three outputs — text (a table of every account, then the violations as
 * `pulumi preview` prints them), JSON (checkResult.schema.json) and SARIF 2.1.0 — and what each
 * prints when the command cannot run at all.
 */
import { createHash } from "node:crypto";
import type { AccountStatus } from "../policies/outcomes";
import type { AccountResult, CheckResult, PolicyResult, Problem } from "./check";
import { policiesBlock } from "./policiesBlock";

/** The version of the JSON output's shape (checkResult.schema.json). */
export const JSON_SCHEMA_VERSION = 1;

const STATUS_WORDS: Record<AccountStatus, string> = {
    compliant: "compliant",
    violation: "violation",
    "not-applicable": "not applicable",
    "could-not-check": "could not check",
    exempt: "exempt",
};

// ANSI colours, as terminals render them: green, red, yellow, dim.
const STATUS_COLOUR: Record<AccountStatus, string> = {
    compliant: "\x1b[32m",
    violation: "\x1b[31m",
    "not-applicable": "\x1b[2m",
    "could-not-check": "\x1b[33m",
    exempt: "\x1b[2m",
};

/** The message of a provider whose inputs are encrypted in the stack export. */
export function unreadableMessage(u: CheckResult["unreadable"][number]): string {
    return [
        `The AWS account of provider "${u.name}" could not be determined from the stack state, so its root user could not be checked: its input${u.inputs.length === 1 ? "" : "s"} ${u.inputs.map((i) => `"${i}"`).join(", ")} ${u.inputs.length === 1 ? "is a secret" : "are secrets"}, encrypted in the export.`,
        "What to do: export with the secrets in plain text (`pulumi stack export --show-secrets --file state.json`; keep that file private and delete it afterwards), or check that account with --profile or --role-arn.",
    ].join("\n");
}

/**
 * Counts of a result: violations by level (one per account and policy), the accounts and providers
 * that could not be checked (each once), compliant accounts (every policy compliant or not
 * applicable, at least one compliant) and exempt ones.
 */
function counts(result: CheckResult): { mandatory: number; advisory: number; couldNotCheck: number; compliant: number; exempt: number } {
    const all = [...result.accounts.flatMap((a) => a.results), ...result.problems.flatMap((p) => p.policies)];
    const failed = (status: AccountStatus) => status === "violation" || status === "could-not-check";
    return {
        mandatory: all.filter((r) => r.status === "violation" && r.enforcementLevel === "mandatory").length,
        advisory: all.filter((r) => r.status === "violation" && r.enforcementLevel !== "mandatory").length,
        couldNotCheck: result.accounts.filter((a) => a.results.some((r) => r.status === "could-not-check")).length
            + new Set(result.problems.flatMap((p) => p.providers.map((q) => q.urn))).size
            + result.problems.filter((p) => p.providers.length === 0).length
            + result.unreadable.length,
        compliant: result.accounts.filter((a) => !a.results.some((r) => failed(r.status) || r.status === "exempt") && a.results.some((r) => r.status === "compliant")).length,
        exempt: result.accounts.filter((a) => a.results.length > 0 && a.results.every((r) => r.status === "exempt")).length,
    };
}

/** The one-line result: what happened, and the exit code. */
export function resultLine(result: CheckResult): string {
    const c = counts(result);
    const verdict = result.exitCode === 1 ? "failed" : "passed";
    const why = result.strict ? "mandatory or advisory (--strict)" : "mandatory";
    return `Result: ${verdict} (exit ${result.exitCode}): ${result.accounts.length} account${result.accounts.length === 1 ? "" : "s"}, ${c.compliant} compliant, ${c.exempt} exempt; ${c.mandatory} mandatory violation${c.mandatory === 1 ? "" : "s"}, ${c.advisory} advisory; ${c.couldNotCheck} account${c.couldNotCheck === 1 ? "" : "s"} or provider${c.couldNotCheck === 1 ? "" : "s"} could not be checked. A run fails on a ${why} policy's violation or failure to check.`;
}

/** Human text: every account in a table, then the violations and failures, then the result. */
export function textOutput(result: CheckResult, opts: { colour?: boolean } = {}): string {
    const paint = (status: AccountStatus, text: string) => (opts.colour ? `${STATUS_COLOUR[status]}${text}\x1b[0m` : text);
    const out: string[] = [];
    const names = result.policies.map(({ policy }) => policy.name);
    const org = result.organization;
    const through = org
        ? `of organization ${org.id} (management account ${org.managementAccountId}; listed by ${org.listedBy} at ${org.listedAt}), read ${org.readPath === "assume-root" ? "through sts:AssumeRoot (IAMAuditRootUserCredentials)" : `through role ${org.memberRole ?? ""} in each member`}`
        : `through ${result.providers.length} provider${result.providers.length === 1 ? "" : "s"}`;
    out.push(`${result.pack.name} ${result.pack.version}: ${result.accounts.length} AWS account${result.accounts.length === 1 ? "" : "s"} ${through}, ${names.length} polic${names.length === 1 ? "y" : "ies"} (${result.policies.map(({ policy, enforcementLevel }) => `${policy.name}: ${enforcementLevel}`).join(", ")}).`, "");
    if (result.accounts.length > 0) {
        // An organization's accounts are known by name; the providers the check made for them say nothing more.
        const header = ["Account", "Partition", ...names, org ? "Name" : "Providers"];
        const rows = result.accounts.map((a) => [
            a.accountId,
            a.partition,
            ...names.map((n) => a.results.find((r) => r.policy === n)?.status),
            org ? `${a.name ?? ""}${a.organizationStatus && a.organizationStatus !== "ACTIVE" ? ` (${a.organizationStatus})` : ""}` : a.providers.map((p) => p.name).join(", "),
        ]);
        const cell = (v: string | AccountStatus | undefined) => (v === undefined ? "-" : (STATUS_WORDS as Record<string, string>)[v] ?? v);
        const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => cell(r[i]).length)));
        const line = (cells: Array<string | undefined>, statusColumns: boolean) => cells.map((v, i) => {
            const text = cell(v).padEnd(i === cells.length - 1 ? 0 : widths[i]);
            return statusColumns && i >= 2 && i < cells.length - 1 && v !== undefined ? paint(v as AccountStatus, text) : text;
        }).join("  ").trimEnd();
        out.push(line(header, false), ...rows.map((r) => line(r, true)), "");
    }
    const shown = [
        ...result.accounts.flatMap((a) => a.results.filter((r) => r.message).map((r) => ({ r, urn: a.providers[0]?.urn }))),
        ...result.problems.map((p) => ({ r: { ...p.policies[0], message: problemText(p) } as PolicyResult, urn: p.providers[0]?.urn })),
    ];
    if (shown.length > 0) {
        const description = new Map(result.policies.map(({ policy }) => [policy.name, policy.description]));
        out.push(policiesBlock(result.pack, shown.map(({ r, urn }) => ({
            policyName: r.policy,
            enforcementLevel: r.enforcementLevel,
            severity: r.severity,
            urn: urn ?? "urn:pulumi:check::aws-root-mfa::pulumi:pulumi:Stack::check",
            message: `${description.get(r.policy) ?? ""}\n${r.message}`,
        }))).trimEnd(), "");
    }
    if (result.unreadable.length > 0) {
        out.push("Could not check:");
        for (const u of result.unreadable) {
            out.push(...unreadableMessage(u).split("\n").map((l, i) => `${i === 0 ? "  - " : "    "}${l}`));
        }
        out.push("");
    }
    if (result.providers.length === 0 && result.unreadable.length === 0) {
        out.push("No AWS provider to check.", "");
    }
    out.push(resultLine(result));
    return out.join("\n") + "\n";
}

/** A problem's message, with the other policies it stopped named once. */
function problemText(p: Problem): string {
    const others = p.policies.slice(1).map((q) => `${q.policy} (${q.enforcementLevel})`);
    return others.length === 0 ? p.message : `${p.message}\nThe same failure stops ${others.join(", ")}.`;
}

/** One JSON document (checkResult.schema.json): every account with every policy's result. */
export function jsonOutput(result: CheckResult): string {
    const c = counts(result);
    return JSON.stringify({
        schemaVersion: JSON_SCHEMA_VERSION,
        tool: result.pack,
        outcome: result.exitCode === 1 ? "failed" : "passed",
        exitCode: result.exitCode,
        strict: result.strict,
        summary: { accounts: result.accounts.length, compliantAccounts: c.compliant, exemptAccounts: c.exempt, mandatoryViolations: c.mandatory, advisoryViolations: c.advisory, couldNotCheck: c.couldNotCheck },
        policies: result.policies.map(({ policy, enforcementLevel }) => ({ name: policy.name, enforcementLevel, ...(policy.severity ? { severity: policy.severity } : {}) })),
        providers: result.providers,
        accounts: result.accounts,
        problems: result.problems,
        couldNotRead: result.unreadable.map((u) => ({ provider: { urn: u.urn, name: u.name, type: u.type }, encryptedInputs: u.inputs, message: unreadableMessage(u) })),
        ...(result.organization ? { organization: result.organization } : {}),
    }, null, 2) + "\n";
}

/** The JSON document of a command that could not run. */
export function jsonError(version: { name: string; version: string }, message: string): string {
    return JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, tool: version, outcome: "error", exitCode: 2, error: message }, null, 2) + "\n";
}

// GitHub code scanning's security-severity scale: critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9.
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "2.0" };

const SARIF_KIND: Record<AccountStatus, string> = {
    compliant: "pass",
    violation: "fail",
    "could-not-check": "open",
    "not-applicable": "notApplicable",
    exempt: "notApplicable",
};

/**
 * SARIF 2.1.0: one run, the tool's rules = the policies that ran (with their framework,
 * remediation and severity), one result per account and policy — `kind` pass, fail, open (could
 * not check) or notApplicable, `level` from the policy's enforcement level for the last two —
 * fingerprinted by policy, partition and account (stable across runs and providers). Every result
 * points at line 1 of `location`, a file in the repository (code scanning places results by it).
 */
export function sarifOutput(result: CheckResult, location: string): string {
    const rules = result.policies.map(({ policy, enforcementLevel }) => ({
        id: policy.name,
        name: policy.name,
        shortDescription: { text: policy.description },
        fullDescription: { text: policy.description },
        ...(policy.url && { helpUri: policy.url }),
        help: { text: policy.remediationSteps ?? policy.description },
        defaultConfiguration: { level: levelOf(enforcementLevel) },
        properties: {
            tags: ["security", "aws", "cis-aws-foundations-benchmark"],
            ...(policy.severity && { severity: policy.severity, "security-severity": SECURITY_SEVERITY[policy.severity] }),
            ...(policy.framework && { framework: policy.framework }),
        },
    }));
    const ruleIndex = (policy: string) => Math.max(0, rules.findIndex((r) => r.id === policy));
    const physical = { artifactLocation: { uri: location }, region: { startLine: 1 } };
    const accountResult = (a: AccountResult, r: PolicyResult) => {
        const failing = r.status === "violation" || r.status === "could-not-check";
        return {
            ruleId: r.policy,
            ruleIndex: ruleIndex(r.policy),
            kind: SARIF_KIND[r.status],
            level: failing ? levelOf(r.enforcementLevel) : "none",
            message: { text: r.message ?? `Account ${a.accountId} (partition ${a.partition}): ${STATUS_WORDS[r.status]}${r.evidence ? `. Evidence: ${r.evidence}` : ""}.` },
            locations: [{
                physicalLocation: physical,
                logicalLocations: [{ name: a.accountId, fullyQualifiedName: `aws:${a.partition}:${a.accountId}`, kind: "resource" }],
            }],
            partialFingerprints: { "awsRootMfaAccount/v1": fingerprint(r.policy, a.partition, a.accountId) },
            properties: { accountId: a.accountId, partition: a.partition, status: r.status, enforcementLevel: r.enforcementLevel, providers: a.providers.map((p) => p.name), ...(r.evidence ? { evidence: r.evidence } : {}) },
        };
    };
    const problemResults = result.problems.flatMap((p) => p.policies.map((q) => ({
        ruleId: q.policy,
        ruleIndex: ruleIndex(q.policy),
        kind: SARIF_KIND[q.status],
        level: levelOf(q.enforcementLevel),
        message: { text: p.message },
        locations: [{
            physicalLocation: physical,
            ...(p.providers.length > 0 && { logicalLocations: p.providers.map((pr) => ({ name: pr.name, fullyQualifiedName: pr.urn, kind: "resource" })) }),
        }],
        partialFingerprints: { "awsRootMfaProvider/v1": fingerprint(q.policy, ...p.providers.map((pr) => pr.urn)) },
        properties: { status: q.status, enforcementLevel: q.enforcementLevel },
    })));
    return sarifLog(result.pack, rules, [...result.accounts.flatMap((a) => a.results.map((r) => accountResult(a, r))), ...problemResults], {
        executionSuccessful: true,
        exitCode: result.exitCode,
        toolExecutionNotifications: result.unreadable.map((u) => ({ level: "error", message: { text: unreadableMessage(u) } })),
    });
}

/** The SARIF log of a command that could not run: no results, a failed invocation that says why. */
export function sarifError(pack: { name: string; version: string }, message: string): string {
    return sarifLog(pack, [], [], { executionSuccessful: false, exitCode: 2, toolExecutionNotifications: [{ level: "error", message: { text: message } }] });
}

function sarifLog(pack: { name: string; version: string }, rules: unknown[], results: unknown[], invocation: Record<string, unknown>): string {
    return JSON.stringify({
        $schema: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        version: "2.1.0",
        runs: [{
            tool: { driver: { name: pack.name, version: pack.version, semanticVersion: pack.version, rules } },
            invocations: [invocation],
            results,
        }],
    }, null, 2) + "\n";
}

function fingerprint(...parts: string[]): string {
    return createHash("sha256").update(parts.join("\n")).digest("hex");
}

function levelOf(enforcementLevel: string): "error" | "warning" | "note" {
    return enforcementLevel === "mandatory" ? "error" : enforcementLevel === "advisory" ? "warning" : "note";
}
