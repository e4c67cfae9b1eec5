/**
 * CIS AWS Foundations Benchmark v5.0.0, 1.4 "Ensure MFA is enabled for the 'root' user account":
 * the verdict table (DESIGN.md §2), as one pure function of what an account said.
 */
import type { AccountSummary } from "../posture/calls";
import type { CheckFailure } from "../posture/failure";

/** What CIS 1.4 says about one account. */
export type RootMfaVerdict =
    | { status: "not-applicable"; why: string }
    | { status: "compliant"; why: string }
    | { status: "noncompliant"; found: string }
    /** The posture could not be read: the pack fails closed. */
    | { status: "undetermined"; failure: CheckFailure };

/** The posture of one account as read, or why it could not be read. */
export type PostureReading =
    | { partition: string; summary: AccountSummary }
    | { partition: string; failure: CheckFailure };

/**
 * | partition  | AccountMFAEnabled | AccountPasswordPresent | verdict                         |
 * |------------|-------------------|------------------------|---------------------------------|
 * | aws-us-gov | any               | any                    | not applicable                  |
 * | other      | 1                 | any                    | compliant                       |
 * | other      | 0                 | 0                      | compliant (no password)         |
 * | other      | 0                 | 1                      | noncompliant                    |
 * | other      | 0                 | missing                | noncompliant (absence unproven) |
 * | other      | missing           | any                    | noncompliant (MFA unproven)     |
 * | —          | could not be read |                        | undetermined (fails closed)     |
 */
export function rootMfaVerdict(reading: PostureReading): RootMfaVerdict {
    if (reading.partition === "aws-us-gov") {
        return { status: "not-applicable", why: "the root user of an AWS GovCloud (US) account has no console access" };
    }
    if ("failure" in reading) {
        return { status: "undetermined", failure: reading.failure };
    }
    const mfa = reading.summary.entries.AccountMFAEnabled;
    const password = reading.summary.entries.AccountPasswordPresent;
    if (mfa === 1) {
        return { status: "compliant", why: "root MFA is enabled" };
    }
    if (mfa === undefined) {
        return { status: "noncompliant", found: "the account summary does not say whether root MFA is enabled (AccountMFAEnabled missing)" };
    }
    if (password === 0) {
        return { status: "compliant", why: "the root user has no password, so it cannot sign in to the console" };
    }
    if (password === undefined) {
        return { status: "noncompliant", found: "root MFA is not enabled and the account summary does not prove the root user has no password (AccountPasswordPresent missing)" };
    }
    return { status: "noncompliant", found: "root MFA is not enabled and the root user has a password" };
}
