/**
 * Credential helpers (a profile's `credential_process`) run by the SDK on the pack's behalf. The
 * SDK runs them with `exec` and never ends them, so a helper that waits for input would outlive
 * the check, and its error would quote its command line and output. The pack hands the SDK its
 * own runner instead (through the SDK's external-data hook for `exec`): each helper runs in a
 * process group of its own, is ended with its children when the check that started it gives up,
 * or when the pack exits, and fails with words that quote nothing it printed or was run with.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { AsyncLocalStorage } from "node:async_hooks";
import { smithyConfig } from "./sdk";

// What a helper may print: credentials JSON is well under a kilobyte.
const MAX_OUTPUT_BYTES = 1024 * 1024;

/** One check's credential helpers: its deadline, and why its last helper failed. */
interface HelperScope {
    signal: AbortSignal;
    failure?: string;
}

const scope = new AsyncLocalStorage<HelperScope>();
const running = new Set<ChildProcess>();
let installed = false;

/** A credential helper that failed; its message never quotes the helper's command line or output. */
export class CredentialHelperError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CredentialHelperError";
    }
}

/**
 * Runs `work` (which may make the SDK run credential helpers) so that every helper it starts is
 * ended, with its children, once `signal` fires.
 */
export function withHelperScope<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    install();
    return scope.run({ signal }, work);
}

/**
 * Why the last credential helper of the current check failed, in words that quote nothing it
 * printed or was run with (the SDK re-wraps the helper's error, so its type does not survive).
 */
export function lastHelperFailure(): string | undefined {
    return scope.getStore()?.failure;
}

function endGroup(child: ChildProcess): void {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
            process.kill(-child.pid, "SIGKILL");
        } catch {
            // Already gone.
        }
    }
}

/** `exec(command, callback)` as the SDK's process provider calls it, with the pack's rules. */
function runHelper(command: string, callback: (error: Error | null, result?: { stdout: string; stderr: string }) => void): void {
    const current = scope.getStore();
    const signal = current?.signal;
    if (signal?.aborted) {
        callback(new CredentialHelperError("it was not started: the check had already run out of time"));
        return;
    }
    const child = spawn("/bin/sh", ["-c", command], { detached: true, stdio: ["pipe", "pipe", "ignore"], windowsHide: true });
    running.add(child);
    let stdout = "";
    let tooLong = false;
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
        if (stdout.length + chunk.length > MAX_OUTPUT_BYTES) {
            tooLong = true;
            endGroup(child);
        } else {
            stdout += chunk;
        }
    });
    const onAbort = () => endGroup(child);
    signal?.addEventListener("abort", onAbort, { once: true });
    let done = false;
    const finish = (error: Error | null) => {
        if (done) {
            return;
        }
        done = true;
        running.delete(child);
        signal?.removeEventListener("abort", onAbort);
        if (error && current) {
            current.failure = error.message;
        }
        callback(error, error ? undefined : { stdout, stderr: "" });
    };
    child.on("error", (e: NodeJS.ErrnoException) => finish(new CredentialHelperError(`it could not be started (${e.code ?? "error"})`)));
    child.on("close", (code, killedBy) => {
        if (tooLong) {
            finish(new CredentialHelperError(`it printed more than ${MAX_OUTPUT_BYTES} bytes`));
        } else if (signal?.aborted) {
            finish(new CredentialHelperError("it did not finish in time and was ended"));
        } else if (code === 0) {
            finish(null);
        } else {
            finish(new CredentialHelperError(killedBy ? `it was ended by ${killedBy}` : `it exited with code ${code}`));
        }
    });
}

function install(): void {
    if (installed) {
        return;
    }
    installed = true;
    smithyConfig().externalDataInterceptor?.interceptToken?.("exec", runHelper);
    process.once("exit", () => running.forEach(endGroup));
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
        // End the helpers, then let the signal do what it would have done.
        process.once(signal, () => {
            running.forEach(endGroup);
            if (process.listenerCount(signal) === 0) {
                process.kill(process.pid, signal);
            }
        });
    }
}
