/**
 * The posture worker thread: performs account reads off the thread that answers the engine, so
 * the AWS SDK's CPU (loading, signing, parsing — about 2 ms a call) runs on the second core.
 */
import { parentPort } from "node:worker_threads";
import type { Target } from "../discover/target";
import { LocalReader, ReadRequest } from "./reader";
import type { CallLimits } from "./sdk";

/** A read request as the main thread posts it. */
export interface WorkerRequest {
    id: number;
    target: Target;
    request: ReadRequest;
    limits: CallLimits;
    timeoutSeconds: number;
}

const reader = new LocalReader();
const port = parentPort;
if (port) {
    port.on("message", (message: WorkerRequest) => {
        void reader.read(message.target, message.request, message.limits, message.timeoutSeconds)
            .then((outcome) => port.postMessage({ id: message.id, outcome }));
    });
}
