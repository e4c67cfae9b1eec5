/**
 * Sends account reads to the posture worker thread (started on first use, unreferenced so it
 * never keeps the process alive). If the worker cannot start or dies, pending reads fail closed
 * with a message, and later reads run on this thread.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { Target } from "../discover/target";
import type { Outcome } from "./calls";
import { AccountReader, LocalReader, ReadRequest, stepOf } from "./reader";
import type { CallLimits } from "./sdk";
import type { WorkerRequest } from "./worker";

// A little more than the worker's own deadline: the worker answers first unless it is stuck.
const GRACE_MS = 2000;

/** Performs reads on the posture worker thread. */
export class WorkerReader implements AccountReader {
    private worker: Worker | undefined;
    private fallback: LocalReader | undefined;
    private nextId = 0;
    private readonly pending = new Map<number, { settle: (outcome: Outcome<unknown>) => void; request: ReadRequest }>();

    read(target: Target, request: ReadRequest, limits: CallLimits, timeoutSeconds: number): Promise<Outcome<unknown>> {
        const worker = this.fallback ? undefined : this.start();
        if (!worker) {
            return (this.fallback ??= new LocalReader()).read(target, request, limits, timeoutSeconds);
        }
        const id = ++this.nextId;
        return new Promise((resolve) => {
            const timer = setTimeout(() => this.settle(id, failed(request, "WorkerTimeout", `the posture worker did not answer within ${timeoutSeconds} s`)), timeoutSeconds * 1000 + GRACE_MS);
            timer.unref();
            this.pending.set(id, { request, settle: (outcome) => { clearTimeout(timer); resolve(outcome); } });
            const message: WorkerRequest = { id, target, request, limits, timeoutSeconds };
            worker.postMessage(message);
        });
    }

    private start(): Worker | undefined {
        if (this.worker) {
            return this.worker;
        }
        const script = path.join(__dirname, "worker.js");
        if (!existsSync(script)) {
            // The sources run without a build (ts-node): read on this thread.
            this.fallback = new LocalReader();
            return undefined;
        }
        try {
            const worker = new Worker(script);
            worker.unref();
            worker.on("message", (m: { id: number; outcome: Outcome<unknown> }) => this.settle(m.id, m.outcome));
            worker.on("error", (e) => this.fail(`${e.name}: ${e.message}`));
            worker.on("exit", (code) => this.fail(`the posture worker exited (code ${code})`));
            this.worker = worker;
            return worker;
        } catch {
            this.fallback = new LocalReader();
            return undefined;
        }
    }

    private settle(id: number, outcome: Outcome<unknown>): void {
        const p = this.pending.get(id);
        if (p) {
            this.pending.delete(id);
            p.settle(outcome);
        }
    }

    private fail(detail: string): void {
        this.worker = undefined;
        this.fallback = new LocalReader();
        for (const [id, p] of [...this.pending]) {
            this.settle(id, failed(p.request, "WorkerError", detail));
        }
    }
}

function failed(request: ReadRequest, code: string, detail: string): Outcome<unknown> {
    return { ok: false, failure: { kind: "unexpected", step: stepOf(request), code, detail } };
}
