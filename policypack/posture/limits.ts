/** Bounds on the posture stage's work: how many at once, and how long each may take. */
import { DeadlineError } from "./failure";

/** A limiter's slots, each held by one lease: tasks on the same key share it. */
export type Limiter = <T>(task: () => Promise<T>, key?: string) => Promise<T>;

/**
 * Runs tasks in at most `n` slots at once; the rest wait their turn in order. Tasks given the same
 * `key` while a lease on that key is held or waiting share its slot (an account's summary and
 * organization are read in one slot): the slot is freed when the last of them settles.
 */
export function concurrencyLimit(n: number): Limiter {
    interface Lease {
        key?: string;
        tasks: Array<() => void>;
        active: number;
        started: boolean;
    }
    let running = 0;
    const waiting: Lease[] = [];
    const byKey = new Map<string, Lease>();
    const start = (lease: Lease) => {
        running++;
        lease.started = true;
        lease.tasks.splice(0).forEach((t) => t());
    };
    const settle = (lease: Lease) => {
        lease.active--;
        if (lease.active > 0) {
            return;
        }
        if (lease.key !== undefined) {
            byKey.delete(lease.key);
        }
        running--;
        const next = waiting.shift();
        if (next) {
            start(next);
        }
    };
    return <T>(task: () => Promise<T>, key?: string) => new Promise<T>((resolve, reject) => {
        let lease = key === undefined ? undefined : byKey.get(key);
        if (!lease) {
            lease = { key, tasks: [], active: 0, started: false };
            if (key !== undefined) {
                byKey.set(key, lease);
            }
            if (running < n) {
                start(lease);
            } else {
                waiting.push(lease);
            }
        }
        const held = lease;
        held.active++;
        const run = () => {
            task().then(resolve, reject).finally(() => settle(held));
        };
        if (held.started) {
            run();
        } else {
            held.tasks.push(run);
        }
    });
}

/**
 * Gives `work` an abort signal that fires after `remainingMs`, and settles no later than that
 * even if the work ignores its signal: a silent endpoint costs seconds, never minutes. `seconds`
 * is the configured limit the error names. No time left: the work is not started at all. An
 * `outer` signal (the run's own deadline) ends the work too.
 */
export function withDeadline<T>(seconds: number, remainingMs: number, work: (signal: AbortSignal) => Promise<T>, outer?: AbortSignal): Promise<T> {
    if (remainingMs <= 0 || outer?.aborted) {
        return Promise.reject(new DeadlineError(seconds));
    }
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let onOuterAbort: (() => void) | undefined;
    const deadline = new Promise<never>((_, reject) => {
        const expire = () => {
            const error = new DeadlineError(seconds);
            controller.abort(error);
            // Work that settles on the abort (say, with the step it was in) gets a turn to say so.
            setImmediate(() => reject(error));
        };
        timer = setTimeout(expire, remainingMs);
        onOuterAbort = expire;
        outer?.addEventListener("abort", expire, { once: true });
    });
    return Promise.race([work(controller.signal), deadline]).finally(() => {
        clearTimeout(timer);
        if (onOuterAbort) {
            outer?.removeEventListener("abort", onOuterAbort);
        }
    });
}
