/**
 * CIS AWS Foundations Benchmark v5.0.0, 1.5 "Ensure hardware MFA is enabled for the 'root' user
 * account" (Level 2): one pure function of the account summary, its organization and — only when
 * the rest cannot decide — the account's assigned virtual MFA devices.
 */
import type { Outcome } from "../posture/calls";
import type { CheckFailure } from "../posture/failure";
import type { VirtualMfaDevice } from "../posture/mfaDevices";
import { CentralizedRootReading, remainingRootCredentials, rootCredentialsManagementOn } from "./centralizedRoot";

/** What CIS 1.5 says about one account. */
export type HardwareMfaVerdict =
    | { status: "not-applicable"; why: string }
    | { status: "compliant"; why: string }
    | { status: "no-mfa"; found: string }
    /** Virtual devices assigned to the root user (a hardware device may be assigned too). */
    | { status: "virtual-mfa"; serialNumbers: string[] }
    /** The verdict needs iam:ListVirtualMFADevices, which has not been read. */
    | { status: "needs-device-list" }
    | { status: "undetermined"; failure: CheckFailure };

/** What the verdict is computed from: the centralized-root reading, and the device list once read. */
export interface HardwareMfaReading extends CentralizedRootReading {
    accountId: string;
    /** iam:ListVirtualMFADevices (AssignmentStatus=Assigned, every page); absent until read. */
    devices?: Outcome<VirtualMfaDevice[]>;
}

/** The ARN of an account's root user: the only user a root MFA device is assigned to. */
export function rootUserArn(partition: string, accountId: string): string {
    return `arn:${partition}:iam::${accountId}:root`;
}

/**
 * | partition | root MFA       | member whose root credentials were removed centrally | virtual devices assigned to exactly arn:<p>:iam::<id>:root | verdict |
 * |-----------|----------------|------------------------------------------------------|-------------------------------------------------------------|---------|
 * | aws-us-gov| any            | any                                                  | (not read)                                                  | not applicable |
 * | other     | any            | yes (RootCredentialsManagement on, no password, keys or certificates) | (not read)                 | compliant (no root to sign in with) |
 * | other     | off or missing | no                                                   | (not read)                                                  | no-mfa |
 * | other     | off or missing | cannot tell (organization unreadable)                | (not read)                                                  | undetermined (fails closed) |
 * | other     | on             | no                                                   | none                                                        | compliant (hardware MFA) |
 * | other     | on             | no                                                   | one or more (also with a hardware device beside them)       | virtual-mfa |
 * | other     | on             | no                                                   | list not read yet                                           | needs-device-list |
 * | other     | on             | no                                                   | list could not be read (any page)                           | undetermined (fails closed) |
 * | —         | summary could not be read |                                           |                                                             | undetermined (fails closed) |
 */
export function hardwareMfaVerdict(r: HardwareMfaReading): HardwareMfaVerdict {
    if (r.partition === "aws-us-gov") {
        return { status: "not-applicable", why: "the root user of an AWS GovCloud (US) account has no console access" };
    }
    if (!r.summary.ok) {
        return { status: "undetermined", failure: r.summary.failure };
    }
    const summary = r.summary.value;
    const centrallyRemoved = r.membership.ok && r.membership.value.kind === "member"
        && rootCredentialsManagementOn(r.features) && remainingRootCredentials(summary).length === 0;
    if (centrallyRemoved) {
        return { status: "compliant", why: "the organization manages root credentials centrally and this member has none: there is no root user to sign in with" };
    }
    if (summary.entries.AccountMFAEnabled !== 1) {
        if (!r.membership.ok && remainingRootCredentials(summary).length === 0) {
            // Only the organization could tell whether this root user was removed centrally.
            return { status: "undetermined", failure: r.membership.failure };
        }
        return {
            status: "no-mfa",
            found: summary.entries.AccountMFAEnabled === undefined
                ? "the account summary does not say whether root MFA is enabled (AccountMFAEnabled missing), so a hardware MFA device is not proven"
                : "root MFA is not enabled, so the root user has no hardware MFA device",
        };
    }
    if (!r.devices) {
        return { status: "needs-device-list" };
    }
    if (!r.devices.ok) {
        return { status: "undetermined", failure: r.devices.failure };
    }
    const root = rootUserArn(r.partition, r.accountId);
    const virtual = r.devices.value.filter((d) => d.userArn === root).map((d) => d.serialNumber);
    return virtual.length === 0
        ? { status: "compliant", why: "root MFA is enabled and no virtual MFA device is assigned to the root user" }
        : { status: "virtual-mfa", serialNumbers: virtual };
}
