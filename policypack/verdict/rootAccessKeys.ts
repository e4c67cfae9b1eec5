/**
 * CIS AWS Foundations Benchmark v5.0.0, 1.3 "Ensure no 'root' user account access key exists":
 * one pure function of the account summary.
 */
import type { PostureReading, RootMfaVerdict } from "./rootMfa";

/** What CIS 1.3 says about one account (it is never "not applicable"). */
export type RootAccessKeysVerdict = Exclude<RootMfaVerdict, { status: "not-applicable" }>;

/**
 * GovCloud is not exempt: its root user has no console access, but AWS Support can give it
 * access keys, and those are what this control is about.
 *
 * | partition | AccountAccessKeysPresent | verdict                         |
 * |-----------|--------------------------|---------------------------------|
 * | any       | 0                        | compliant                       |
 * | any       | 1 (or more)              | noncompliant                    |
 * | any       | missing                  | noncompliant (absence unproven) |
 * | —         | could not be read        | undetermined (fails closed)     |
 */
export function rootAccessKeysVerdict(reading: PostureReading): RootAccessKeysVerdict {
    if ("failure" in reading) {
        return { status: "undetermined", failure: reading.failure };
    }
    const keys = reading.summary.entries.AccountAccessKeysPresent;
    if (keys === 0) {
        return { status: "compliant", why: "the root user has no access keys" };
    }
    if (keys === undefined) {
        return { status: "noncompliant", found: "the account summary does not prove the root user has no access keys (AccountAccessKeysPresent missing)" };
    }
    return { status: "noncompliant", found: "the root user has access keys" };
}
