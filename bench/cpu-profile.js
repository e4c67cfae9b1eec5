/**
 * Preload (`node -r`) for `npm run bench -- --cpu-prof DIR`: samples the process's CPU from its
 * start (every 200 µs) and writes a V8 CPU profile to the file named by BENCH_CPU_PROFILE when
 * SIGTERM arrives. Node's own `--cpu-prof` writes only on a normal exit, and the pack ends by
 * SIGTERM (the harness's close()), which the pack re-raises after its own handler.
 */
"use strict";
const fs = require("node:fs");
const inspector = require("node:inspector");

const file = process.env.BENCH_CPU_PROFILE;
if (file) {
    // The pack's own processes (its AWS helpers, if any) are not profiled.
    delete process.env.BENCH_CPU_PROFILE;
    const session = new inspector.Session();
    session.connect();
    session.post("Profiler.enable");
    session.post("Profiler.setSamplingInterval", { interval: 200 });
    session.post("Profiler.start");
    const onSigterm = () => {
        process.removeListener("SIGTERM", onSigterm);
        // A session on the process's own thread answers synchronously.
        session.post("Profiler.stop", (err, result) => {
            if (err) {
                process.stderr.write(`cpu-profile: the profiler did not stop: ${err.message}\n`);
            } else {
                fs.writeFileSync(file, JSON.stringify(result.profile));
            }
        });
        session.disconnect();
        // End as the process would have without this listener: its other listeners run next;
        // with none, the signal's default action.
        if (process.listenerCount("SIGTERM") === 0) {
            process.kill(process.pid, "SIGTERM");
        }
    };
    process.prependListener("SIGTERM", onSigterm);
}
