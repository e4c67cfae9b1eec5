/** Bounds on the posture stage's work: how many at once, and how long each may take. */
import { DeadlineError } from "./failure";

/** Runs at most `n` tasks at once; the rest wait their turn in order. */
export function concurrencyLimit(n: number): <T>(task: () => Promise<T>) => Promise<T> {
    let running = 0;
    const waiting: Array<() => void> = [];
    const release = () => {
        running--;
        const next = waiting.shift();
        if (next) {
            running++;
            next();
        }
    };
    return <T>(task: () => Promise<T>) => new Promise<T>((resolve, reject) => {
        const start = () => {
            task().then(resolve, reject).finally(release);
        };
        if (running < n) {
            running++;
            start();
        } else {
            waiting.push(start);
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
