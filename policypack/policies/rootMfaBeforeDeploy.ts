/**
 * Policy `aws-root-mfa-before-deploy`: the resource-level gate of CIS 1.4. In an update (never in
 * preview, where the stack policy already reports), each AWS provider is checked before any
 * resource that uses it changes: the gate then also holds for `pulumi up --skip-preview`, and for
 * providers whose role was unknown during preview. It shares the run's posture cache with the
 * stack policies, so an account is still asked once per run.
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { CommonConfig, readCommonConfig } from "../config";
import { withSharedSettings } from "../sharedConfig";
import { isAwsProviderType, readProvider } from "../discover/providers";
import { DeadlineError, classifyFailure } from "../posture/failure";
import { sharedSession } from "../posture/session";
import { exemptionFor, todayUtc } from "../verdict/exemptions";
import { refusedOverride } from "../posture/trust";
import { deadlineMessage, invalidProviderMessage, unidentifiedMessage } from "../report/messages";
import { redactorFor } from "../report/redact";
import { rootMfaAccountCheck, rootMfaEnabledMetadata } from "./rootMfaEnabled";
import { beforeDeadline, configErrorMessage, knownProviders, policyFields, reachable, safeReporter, startReading, unexpectedErrorMessage } from "./stackCheck";
import { isPreview } from "../runtime";

const NAME = "aws-root-mfa-before-deploy";

/** The resource validation policy. */
export const rootMfaBeforeDeploy: ResourceValidationPolicy = {
    ...policyFields({
        ...rootMfaEnabledMetadata,
        name: NAME,
        description: "In an update, an AWS provider must not deploy into an account whose root user has no MFA (CIS AWS Foundations Benchmark v5.0.0, 1.4); checked before any resource using the provider changes.",
    }),
    validateResource: (args, reportViolation) => {
        if (!isAwsProviderType(args.type)) {
            return;
        }
        if (isPreview()) {
            // Silent in preview, but the provider's account starts being read now, while the
            // program runs, so the stack policies find the answers waiting at the end.
            setImmediate(() => prefetchProvider(args));
            return;
        }
        return checkProvider(args, reportViolation);
    },
};

/** Starts reading a provider's account in the background; reports nothing, never throws. */
function prefetchProvider(args: ResourceValidationArgs): void {
    try {
        const discovered = readProvider({ type: args.type, urn: args.urn, name: args.name, props: args.props });
        if (discovered.status !== "ready") {
            return;
        }
        const config = readCommonConfig(withSharedSettings(args.getConfig<Record<string, unknown>>()).raw);
        if (refusedOverride(discovered.settings.endpoints, process.env, config.posture.trust)) {
            return;
        }
        const session = sharedSession(config.posture, "resource");
        session.prefetchOrganizationRole([discovered], config.singleOrganizationRole);
        session.locate([discovered], (id) => exemptionFor(id, config.exemptions, todayUtc()).status === "active").then(({ accounts }) => startReading(session, config, accounts), () => undefined);
    } catch {
        // A provider that cannot be read now is reported by the stack policies at the end.
    }
}

async function checkProvider(args: ResourceValidationArgs, reportViolation: ReportViolation): Promise<void> {
    const discovered = readProvider({ type: args.type, urn: args.urn, name: args.name, props: args.props });
    const reportAbout = safeReporter(reportViolation, redactorFor([discovered]));
    const report = (message: string) => reportAbout(message, [discovered.provider]);
    if (discovered.status === "invalid") {
        report(invalidProviderMessage(discovered));
        return;
    }
    // In an update every input is known: an unknown one fails closed here, at the gate's level.
    const [known] = knownProviders([discovered], reportAbout).ready;
    if (!known) {
        return;
    }
    let config: CommonConfig;
    try {
        config = readCommonConfig(withSharedSettings(args.getConfig<Record<string, unknown>>()).raw);
    } catch (e) {
        report(configErrorMessage(NAME, e));
        return;
    }
    if (reachable([known], config, reportAbout).length === 0) {
        return;
    }
    // The same bound as a stack analysis: identifying, then reading, each within timeoutSeconds.
    const deadline = Date.now() + (2 * config.posture.timeoutSeconds + 1) * 1000;
    try {
        const session = sharedSession(config.posture, "resource");
        const located = await beforeDeadline(session.locate([known], (id) => exemptionFor(id, config.exemptions, todayUtc()).status === "active"), deadline);
        if (located.late) {
            report(unidentifiedMessage([discovered.provider], classifyFailure({ kind: "identify" }, new DeadlineError(config.posture.timeoutSeconds))));
            return;
        }
        for (const u of located.value.unidentified) {
            report(unidentifiedMessage(u.providers, u.failure));
        }
        const settings = new Map([[known.provider.urn, known.settings]]);
        await Promise.all(located.value.accounts.map(async (account) => {
            const result = await beforeDeadline(rootMfaAccountCheck(session, config, account, settings), deadline);
            const message = result.late ? deadlineMessage(account.accountId, account.providers, "root MFA", config.posture.timeoutSeconds) : "message" in result.value ? result.value.message : undefined;
            if (message) {
                report(message);
            }
        }));
    } catch (e) {
        report(unexpectedErrorMessage(NAME, [discovered.provider], e));
    }
}
