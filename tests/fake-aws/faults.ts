/** What a fault does to a matching call. */
export type FaultKind =
    /** Wait `ms`, then answer normally. */
    | "latency"
    /** Query `Throttling` (HTTP 400, "Rate exceeded") / JSON `TooManyRequestsException`. */
    | "throttle"
    /** HTTP 503: Query `ServiceUnavailable` / JSON `ServiceException`. */
    | "error5xx"
    /** Accept the request and never answer; the connection stays open until the client aborts or close(). */
    | "hang"
    /** AccessDenied (403), as if the caller's account were denied the action. */
    | "accessDenied"
    /** HTTP 200 with the real response body cut in half (unparseable XML/JSON). */
    | "malformed"
    /** The error `code` with `message` (HTTP `status`, default 400), as the protocol renders errors. */
    | "error";

/** A fault to inject into matching calls. */
export interface FaultSpec {
    /** Bare action name, e.g. `GetAccountSummary`; omitted = any action. */
    action?: string;
    /** Caller's account; omitted = any caller (including unsigned ones). */
    accountId?: string;
    /** Request parameters the call must carry, e.g. `{ RoleArn }` of one AssumeRole; omitted = any. */
    params?: Record<string, string>;
    kind: FaultKind;
    /** Delay for `latency`. */
    ms?: number;
    /** Error code for `error`, e.g. `ValidationError`. */
    code?: string;
    /** Error message for `error`: what AWS (or whatever answers in its place) says. */
    message?: string;
    /** HTTP status for `error`; default 400. */
    status?: number;
    /** Apply to the first N matching calls, then stop; omitted = forever. */
    times?: number;
    /** Let this many matching calls through first (e.g. fail only a list's second page); default 0. */
    after?: number;
}

interface ActiveFault {
    spec: FaultSpec;
    remaining: number;
    /** Matching calls still to let through. */
    passing: number;
}

/** Registered faults, matched in registration order; the first match applies. */
export class FaultTable {
    private faults: ActiveFault[] = [];

    /** Registers a fault; throws on a `latency` fault without `ms`, an `error` fault without `code` and `message`, or a non-positive `times`. */
    add(spec: FaultSpec): void {
        if (spec.kind === "latency" && !(typeof spec.ms === "number" && spec.ms >= 0)) {
            throw new Error("a latency fault needs ms >= 0");
        }
        if (spec.kind === "error" && !(spec.code && spec.message !== undefined)) {
            throw new Error("an error fault needs a code and a message");
        }
        if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times > 0)) {
            throw new Error("fault times must be a positive integer");
        }
        if (spec.after !== undefined && !(Number.isInteger(spec.after) && spec.after >= 0)) {
            throw new Error("fault after must be a whole number");
        }
        this.faults.push({ spec: { ...spec }, remaining: spec.times ?? Infinity, passing: spec.after ?? 0 });
    }

    /** The first fault matching the call, consuming one of its `times`; undefined when none. */
    take(action: string, accountId: string | undefined, params: Record<string, unknown> = {}): FaultSpec | undefined {
        const index = this.faults.findIndex(
            ({ spec }) => (spec.action === undefined || spec.action === action) && (spec.accountId === undefined || spec.accountId === accountId)
                && Object.entries(spec.params ?? {}).every(([k, v]) => params[k] === v),
        );
        if (index < 0) return undefined;
        const fault = this.faults[index];
        if (fault.passing > 0) {
            fault.passing--;
            return undefined;
        }
        if (--fault.remaining === 0) this.faults.splice(index, 1);
        return fault.spec;
    }

    /** Removes every fault. */
    clear(): void {
        this.faults = [];
    }
}
