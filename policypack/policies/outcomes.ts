/**
 * What a stack policy found in each account, as data: the `aws-root-mfa check` command reports
 * every account (compliant ones too) from these, while a Pulumi run prints only the violations.
 * A policy hands every outcome to the recorder of the run it belongs to, if any; the Pulumi engine
 * sets none, so outside the CLI recording costs nothing.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { ProviderRef } from "../discover/providers";

/** What one policy says about one account. */
export type AccountStatus = "compliant" | "violation" | "not-applicable" | "could-not-check" | "exempt";

/** What one policy found in one account: a status, and for a violation or a failure its message. */
export type AccountCheck =
    | { status: "compliant" | "not-applicable" | "exempt"; evidence?: string }
    | { status: "violation" | "could-not-check"; message: string; evidence?: string };

/** The account an outcome is about; absent when the providers' account could not be identified. */
export interface OutcomeAccount {
    accountId: string;
    partition: string;
}

/** One outcome of one policy, as recorded. `message` is already free of every provider's secrets. */
export interface PolicyOutcome {
    policy: string;
    account?: OutcomeAccount;
    providers: ProviderRef[];
    status: AccountStatus;
    evidence?: string;
    message?: string;
}

/** Where a run's outcomes go, and how far it has got. */
export interface OutcomeRecorder {
    outcome(o: PolicyOutcome): void;
    /** A policy has found `count` accounts to check. */
    located?(policy: string, count: number): void;
}

const current = new AsyncLocalStorage<OutcomeRecorder>();

/** Runs `work` with every policy outcome inside it handed to `recorder`. */
export function recordingOutcomes<T>(recorder: OutcomeRecorder, work: () => T): T {
    return current.run(recorder, work);
}

/** The recorder of the run in progress, if one was set. */
export function currentRecorder(): OutcomeRecorder | undefined {
    return current.getStore();
}
