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
 * Gives `work` an abort signal that fires after `seconds`, and settles no later than that even if
 * the work ignores its signal: a silent endpoint costs seconds, never minutes.
 */
export function withDeadline<T>(seconds: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
            const error = new DeadlineError(seconds);
            controller.abort(error);
            reject(error);
        }, seconds * 1000);
    });
    return Promise.race([work(controller.signal), deadline]).finally(() => clearTimeout(timer));
}
