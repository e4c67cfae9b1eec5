/** `aws-root-mfa check`'s three outputs: text as `pulumi preview` prints it, JSON, and SARIF 2.1.0. */
import { createHash } from "node:crypto";
import type { CheckResult, Finding } from "./check";
import { policiesBlock } from "./policiesBlock";

const OUTCOME = { 0: "compliant", 1: "violation", 2: "could-not-check" } as const;

/** The message of a provider whose inputs are encrypted in the stack export. */
export function unreadableMessage(u: CheckResult["unreadable"][number]): string {
    return [
        `The AWS account of provider "${u.name}" could not be determined from the stack state, so its root user could not be checked: its input${u.inputs.length === 1 ? "" : "s"} ${u.inputs.map((i) => `"${i}"`).join(", ")} ${u.inputs.length === 1 ? "is a secret" : "are secrets"}, encrypted in the export.`,
        "What to do: export with the secrets in plain text (`pulumi stack export --show-secrets --file state.json`; keep that file private and delete it afterwards), or check that account with --profile or --role-arn.",
    ].join("\n");
}

/** Human text: the Policies block, what could not be read, and a one-line result. */
export function textOutput(result: CheckResult): string {
    const out: string[] = [];
    if (result.providers.length === 0 && result.unreadable.length === 0) {
        out.push("No AWS providers to check: the stack state has no pulumi:providers:aws or pulumi:providers:aws-native resource.");
    } else {
        out.push(`Checked ${result.providers.length} AWS provider${result.providers.length === 1 ? "" : "s"}: ${result.providers.map((p) => p.name).join(", ") || "none"}.`, "");
        out.push(policiesBlock(result.pack, result.findings.map((f) => ({
            policyName: f.policy,
            enforcementLevel: f.enforcementLevel,
            severity: f.severity,
            urn: f.urn ?? "urn:pulumi:check::aws-root-mfa::pulumi:pulumi:Stack::check",
            message: `${f.description}\n${f.message}`,
        }))).trimEnd(), "");
    }
    if (result.unreadable.length > 0) {
        out.push("Could not check:");
        for (const u of result.unreadable) {
            out.push(...unreadableMessage(u).split("\n").map((line, i) => `${i === 0 ? "  - " : "    "}${line}`));
        }
        out.push("");
    }
    const count = (f: (x: Finding) => boolean) => result.findings.filter(f).length;
    const failed = count((f) => f.failsClosed) + result.unreadable.length;
    out.push(`Result: ${OUTCOME[result.exitCode]} (exit ${result.exitCode}): ${count((f) => !f.failsClosed && f.enforcementLevel === "mandatory")} mandatory violation(s), ${count((f) => !f.failsClosed && f.enforcementLevel !== "mandatory")} advisory, ${failed} could not be checked.`);
    return out.join("\n") + "\n";
}

/** One JSON document: the outcome, the providers, every finding. */
export function jsonOutput(result: CheckResult): string {
    return JSON.stringify({
        tool: result.pack,
        outcome: OUTCOME[result.exitCode],
        exitCode: result.exitCode,
        policies: result.policies.map(({ policy, enforcementLevel }) => ({ name: policy.name, enforcementLevel, severity: policy.severity })),
        providers: result.providers,
        findings: result.findings.map((f) => ({
            policy: f.policy,
            enforcementLevel: f.enforcementLevel,
            severity: f.severity,
            failsClosed: f.failsClosed,
            provider: f.urn && providerOf(result, f.urn),
            description: f.description,
            message: f.message,
        })),
        couldNotCheck: result.unreadable.map((u) => ({ provider: { urn: u.urn, name: u.name, type: u.type }, encryptedInputs: u.inputs, message: unreadableMessage(u) })),
    }, null, 2) + "\n";
}

function providerOf(result: CheckResult, urn: string): { urn: string; name: string; type: string } {
    return result.providers.find((p) => p.urn === urn) ?? { urn, name: urn.split("::").slice(3).join("::"), type: "" };
}

// GitHub code scanning's security-severity scale: critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9.
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "2.0" };

/**
 * SARIF 2.1.0: one run, the tool's rules = the policies that ran (with their framework,
 * remediation and severity), one result per finding (level error for mandatory, warning for
 * advisory), and a failed invocation with a notification per provider that could not be read.
 * Every result points at `location`, a file in the repository (code scanning rejects results
 * without one), and names its provider as a logical location.
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
    const results = result.findings.map((f) => {
        const provider = f.urn ? providerOf(result, f.urn) : undefined;
        return {
            ruleId: f.policy,
            ruleIndex: Math.max(0, rules.findIndex((r) => r.id === f.policy)),
            level: levelOf(f.enforcementLevel),
            message: { text: f.message },
            locations: [{
                physicalLocation: { artifactLocation: { uri: location } },
                ...(provider && { logicalLocations: [{ name: provider.name, fullyQualifiedName: provider.urn, kind: "resource" }] }),
            }],
            partialFingerprints: { "awsRootMfaFinding/v1": createHash("sha256").update(`${f.policy}\n${f.urn ?? ""}\n${f.message.split("\n", 1)[0]}`).digest("hex") },
            properties: { failsClosed: f.failsClosed, enforcementLevel: f.enforcementLevel },
        };
    });
    const sarif = {
        $schema: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        version: "2.1.0",
        runs: [{
            tool: {
                driver: {
                    name: result.pack.name,
                    version: result.pack.version,
                    semanticVersion: result.pack.version,
                    rules,
                },
            },
            invocations: [{
                executionSuccessful: result.exitCode !== 2,
                exitCode: result.exitCode,
                toolExecutionNotifications: result.unreadable.map((u) => ({ level: "error", message: { text: unreadableMessage(u) } })),
            }],
            results,
        }],
    };
    return JSON.stringify(sarif, null, 2) + "\n";
}

function levelOf(enforcementLevel: string): "error" | "warning" | "note" {
    return enforcementLevel === "mandatory" ? "error" : enforcementLevel === "advisory" ? "warning" : "note";
}
