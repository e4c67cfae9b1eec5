/**
 * `aws-root-mfa check`'s run: the pack's stack policies, called as @pulumi/policy calls them
 * (`validateStack(args, reportViolation)`), over the providers the command line names. Every rule
 * and message is the pack's own; this module only collects what the policies report.
 */
import { notePackConfig } from "../sharedConfig";
import type { Policy, StackValidationPolicy } from "@pulumi/policy";
import { isFailClosedMessage } from "../report/messages";
import { removeSecrets } from "../report/secrets";
import { PACK_NAME, packVersion, policies } from "../pack";
import type { ResolvedPolicyConfig } from "./config";
import type { CheckTargets, UnreadableProvider } from "./targets";

/** One violation a policy reported. */
export interface Finding {
    policy: string;
    enforcementLevel: string;
    severity?: string;
    /** The policy's description (Pulumi prints it above the message). */
    description: string;
    /** The policy's own message. */
    message: string;
    /** The provider the finding is about, if the policy named one. */
    urn?: string;
    /** True when an account or provider could not be checked (the policy failed closed). */
    failsClosed: boolean;
}

/** The outcome: findings, what could not be read, and the exit code they mean. */
export interface CheckResult {
    pack: { name: string; version: string };
    /** The policies that ran (enabled stack policies), with the level they ran at. */
    policies: Array<{ policy: Policy; enforcementLevel: string }>;
    providers: Array<{ urn: string; name: string; type: string }>;
    findings: Finding[];
    unreadable: UnreadableProvider[];
    /** 0 compliant, 1 a mandatory violation, 2 could not check. */
    exitCode: 0 | 1 | 2;
}

/** The pack's stack policies (the resource-level gate checks the same rule per provider, in updates only). */
export function stackPolicies(): StackValidationPolicy[] {
    return policies.filter((p): p is StackValidationPolicy => "validateStack" in p);
}

const REDACTED = "[redacted]";

/** Runs every enabled stack policy over the targets, one after the other, sharing one read of each account. */
export async function runCheck(targets: CheckTargets, config: ReadonlyMap<string, ResolvedPolicyConfig>): Promise<CheckResult> {
    const ran: CheckResult["policies"] = [];
    const findings: Finding[] = [];
    // Shared settings are set once, as in a Pulumi run.
    notePackConfig(new Map([...config.entries()].map(([name, c]) => [name, c.properties ?? {}])));
    for (const policy of stackPolicies()) {
        const resolved = config.get(policy.name) ?? { enforcementLevel: policy.enforcementLevel ?? "advisory", properties: {} };
        if (resolved.enforcementLevel === "disabled" || targets.resources.length === 0) {
            continue;
        }
        // Stack policies cannot be remediated: the engine treats that level as mandatory.
        const enforcementLevel = resolved.enforcementLevel === "remediate" ? "mandatory" : resolved.enforcementLevel;
        ran.push({ policy, enforcementLevel });
        const report = (message: string, urn?: string) => {
            const safe = removeSecrets(message, targets.secrets, REDACTED);
            findings.push({ policy: policy.name, enforcementLevel, severity: policy.severity, description: policy.description, message: safe, urn, failsClosed: isFailClosedMessage(safe) });
        };
        try {
            await policy.validateStack({
                resources: targets.resources,
                stackTags: new Map(),
                getConfig: <T extends object>() => structuredClone(resolved.properties) as T,
                notApplicable: (reason?: string): never => {
                    throw new Error(`not applicable${reason ? `: ${reason}` : ""}`);
                },
            }, report);
        } catch (e) {
            report(`The ${policy.name} policy failed unexpectedly, so the accounts were not all checked; the policy fails closed.\nWhat happened: ${e instanceof Error ? e.message : "an unknown error"}.\nWhat to do: run again; if it persists, report this message to the policy pack's maintainers.`);
        }
    }
    const mandatory = findings.some((f) => f.enforcementLevel === "mandatory" && !f.failsClosed);
    const couldNotCheck = targets.unreadable.length > 0 || findings.some((f) => f.failsClosed);
    return {
        pack: { name: PACK_NAME, version: packVersion() },
        policies: ran,
        providers: targets.resources.map(({ urn, name, type }) => ({ urn, name, type })),
        findings,
        unreadable: targets.unreadable,
        exitCode: couldNotCheck ? 2 : mandatory ? 1 : 0,
    };
}
