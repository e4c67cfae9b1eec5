/**
 * Policy `aws-root-hardware-mfa`: CIS AWS Foundations Benchmark v5.0.0, 1.5 "Ensure hardware MFA
 * is enabled for the 'root' user account" (Level 2; disabled by default). It alone reads
 * iam:ListVirtualMFADevices, from its own validateStack, which @pulumi/policy never calls while
 * the policy is disabled: with the policy off, the call is never made.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import type { TargetAccount } from "../posture/session";
import { describeEvidence, describeProviders, lines, undeterminedMessage } from "../report/messages";
import { describeOrganizationEvidence } from "../report/organization";
import { HardwareMfaReading, hardwareMfaVerdict, rootUserArn } from "../verdict/hardwareMfa";
import { readCentralizedRoot } from "./rootCredentialsCentralized";
import { rootMfaEnabledMetadata } from "./rootMfaEnabled";
import type { AccountCheck } from "./outcomes";
import { StackCheckContext, checkEachAccount, policyFields, runStackCheck } from "./stackCheck";

/** The policy's metadata, as data beside its logic. */
export const rootHardwareMfaMetadata = {
    name: "aws-root-hardware-mfa",
    description: "The root user of every AWS account this stack deploys into must use hardware MFA only, no virtual MFA device (CIS AWS Foundations Benchmark v5.0.0, 1.5, Level 2).",
    enforcementLevel: "disabled",
    severity: "high",
    framework: {
        ...rootMfaEnabledMetadata.framework,
        reference: "1.5",
        specification: "Ensure hardware MFA is enabled for the 'root' user account",
    },
    /** Other controls the same finding maps to. */
    relatedControls: ["CIS AWS Foundations Benchmark v5.0.0 1.5 (Level 2)", "AWS Security Hub IAM.6"],
    url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-hw-mfa-for-root.html",
    remediationSteps: [
        "Only the root user can manage root MFA devices.",
        "1. Sign in to the AWS Management Console as the root user, open the account menu → Security credentials.",
        "2. Under Multi-factor authentication (MFA) choose Assign MFA device, choose a passkey or security key (FIDO) or a hardware TOTP token, and follow the steps.",
        "3. Remove every virtual MFA device from the root user: select it under Multi-factor authentication and choose Remove.",
        "Member accounts of an organization with centralized root access may instead have their root credentials deleted centrally: without a root user to sign in with, root MFA is not needed.",
    ].join("\n"),
} as const;

const FIX = "sign in to the AWS Management Console as the root user of this account, open the account menu → Security credentials → Multi-factor authentication, assign a hardware device (a FIDO security key or a hardware TOTP token) and remove every virtual MFA device. Only the root user can manage root MFA.";

/** The stack validation policy. */
export const rootHardwareMfa: StackValidationPolicy = {
    ...policyFields(rootHardwareMfaMetadata),
    validateStack: (args, reportViolation) => runStackCheck(rootHardwareMfaMetadata.name, args, reportViolation, checkHardwareMfa),
};

async function checkHardwareMfa(ctx: StackCheckContext): Promise<void> {
    await checkEachAccount(ctx, "hardware root MFA", (account) => account.partition !== "aws-us-gov", (account) => messageFor(ctx, account));
}

async function messageFor(ctx: StackCheckContext, account: TargetAccount): Promise<AccountCheck> {
    const reading: HardwareMfaReading = { ...await readCentralizedRoot(ctx, account), accountId: account.accountId };
    let v = hardwareMfaVerdict(reading);
    if (v.status === "needs-device-list") {
        // Read only when the summary and organization cannot decide, once per account and run.
        reading.devices = await ctx.session.virtualMfaDevices(account, ctx.config.auditRoleFor(account));
        v = hardwareMfaVerdict(reading);
    }
    const id = account.accountId;
    const targeted = `Targeted by: ${describeProviders(account.providers)}.`;
    const controls = `Controls: ${rootHardwareMfaMetadata.relatedControls.join("; ")}.`;
    const summary = reading.summary.ok ? describeEvidence(reading.summary.value, ["AccountMFAEnabled", "AccountPasswordPresent", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent"]) : undefined;
    const devices = reading.devices?.ok ? `iam:ListVirtualMFADevices lists ${reading.devices.value.length === 0 ? "no device" : "devices"} assigned to ${rootUserArn(account.partition, id)}` : undefined;
    const found = [summary, describeOrganizationEvidence(reading.membership, reading.features), devices].filter(Boolean).join("; ");
    switch (v.status) {
        case "not-applicable":
        case "compliant":
            return { status: v.status, evidence: found };
        case "needs-device-list":
            throw new Error("the virtual MFA device list was read but the verdict still asks for it");
        case "undetermined":
            return { status: "could-not-check", message: undeterminedMessage(id, account.providers, v.failure, "hardware root MFA") };
        case "no-mfa":
            return { status: "violation", evidence: found, message: lines(
                `Account ${id} (partition ${account.partition}): ${v.found}.`,
                targeted,
                reading.summary.ok && `Evidence: ${describeEvidence(reading.summary.value, ["AccountMFAEnabled", "AccountPasswordPresent", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent"])}; ${describeOrganizationEvidence(reading.membership, reading.features)}.`,
                controls,
                `How to fix: ${FIX}`,
            ) };
        case "virtual-mfa":
            return { status: "violation", evidence: found, message: lines(
                `Account ${id} (partition ${account.partition}): root MFA is enabled, but with a virtual MFA device (${v.serialNumbers.join(", ")}); CIS 1.5 asks for hardware MFA only, and a virtual device beside a hardware one still lets the root user sign in with it.`,
                targeted,
                `Evidence: iam:ListVirtualMFADevices (AssignmentStatus=Assigned, every page) lists ${v.serialNumbers.join(", ")} assigned to ${rootUserArn(account.partition, id)}.`,
                controls,
                `How to fix: ${FIX}`,
            ) };
    }
}
