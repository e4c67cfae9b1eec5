/**
 * Child processes that end together with every process they start.
 *
 * A process started here runs in a session and process group of its own, but ending that group
 * is not enough: a descendant can leave it (`setsid`), outlive its parent (reparented to init),
 * or keep the parent's pipes open after the parent exits. On Linux every descendant is therefore
 * tracked through /proc, and ending means finding all of them:
 *
 * - While the process or a tracked descendant lives, a short poll reads the children of each
 *   tracked process (/proc/<pid>/task/<tid>/children) and tracks each child whose stat names a
 *   tracked parent, so a descendant that leaves the group and session is still known.
 * - The process's environment carries a random marker that its descendants inherit. Ending reads
 *   every process started since the process (/proc/<pid>/stat and environ), and takes as members
 *   the tracked ones, those that carry the marker, those in its group or session (while the
 *   leader is unreaped, so neither id can have been reused), and every descendant of a member.
 *   Members are stopped (SIGSTOP) until a round finds none new, so none forks unseen while the
 *   others are found, then killed (SIGKILL), round after round until none is left (bounded).
 * - A process is signalled only after a fresh read of its stat shows the start time it was found
 *   with, so a pid that was recycled in between is never signalled.
 * - When this process exits, or gets SIGTERM or SIGINT, every tracked tree is ended
 *   synchronously (then the signal is raised again, as if it had not been caught).
 *
 * Known limits: a descendant that leaves the session, drops the marker (a new environment on
 * exec) and loses its parent before a poll sees it, is not found; nor is a process started on a
 * descendant's request by something else (a service manager, cron, a remote shell); nor can a
 * descendant that runs as another user (setuid) be signalled. Nothing is ended if this process is
 * killed with SIGKILL.
 *
 * Without /proc (macOS) only the process group is killed: a descendant that left the group
 * survives. That kill happens even after the leader has exited, to reach children it left in the
 * group; by then the group id could in principle name a new group if the pid had been recycled
 * in between, which on a system that allocates pids in turn takes a full cycle of pids.
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import { close, existsSync, open, read, readFileSync, readdirSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";

/** The environment variable that carries a tree's marker. */
const MARKER_VARIABLE = "AWS_ROOT_MFA_HELPER";

// Often enough to see a child before a short-lived parent exits; each poll reads a few small
// files per tracked process.
const POLL_MS = 25;

// Rounds of one ending: the first ones may stop newly found members, the rest only kill.
const ROUNDS = 12;
const STOPPING_ROUNDS = 6;

/** A started process whose descendants are tracked, so that all of them can be ended. */
export interface TrackedProcess {
    readonly child: ChildProcess;
    /**
     * Ends the process and every process it started, whether or not it has exited and whether or
     * not they left its process group or session. Resolves once no live one can be found (or the
     * rounds are spent); never rejects. Calling it again returns the same promise.
     */
    end(): Promise<void>;
}

/**
 * Starts `file` with `args` (in this process's environment plus a marker) in a session and
 * process group of its own, tracking the processes it starts until {@link TrackedProcess.end}.
 * Throws if Node cannot start it synchronously; other start failures arrive as the child's
 * 'error' event.
 */
export function spawnTracked(file: string, args: readonly string[], stdio: StdioOptions): TrackedProcess {
    const marker = randomBytes(16).toString("hex");
    const child = spawn(file, args, { detached: true, stdio, env: { ...process.env, [MARKER_VARIABLE]: marker } });
    const tree = new Tree(child, `${MARKER_VARIABLE}=${marker}`);
    if (child.pid !== undefined) {
        installExitHandlers();
        trees.add(tree);
        watch();
    }
    return tree;
}

/** A process as /proc/<pid>/stat shows it; its start time (clock ticks after boot) tells apart the processes one pid has named. */
interface Proc {
    pid: number;
    state: string;
    ppid: number;
    pgid: number;
    sid: number;
    start: number;
}

/** A process seen by a sweep, with its environment when readable. */
interface Seen extends Proc {
    environ?: string;
}

/** Trees not yet ended. */
const trees = new Set<Tree>();

let procSupport: { procfs: boolean; childrenFiles: boolean } | undefined;

/** What this machine's /proc offers; read once. */
function system(): { procfs: boolean; childrenFiles: boolean } {
    procSupport ??= {
        procfs: existsSync(`/proc/${process.pid}/stat`),
        // Needs CONFIG_PROC_CHILDREN; without it a poll reads every process's stat instead.
        childrenFiles: existsSync(`/proc/${process.pid}/task/${process.pid}/children`),
    };
    return procSupport;
}

class Tree implements TrackedProcess {
    /** Processes known to descend from the leader (and the leader), by pid, with their start times. */
    private readonly tracked = new Map<number, number>();
    private readonly leaderStart: number = 0;
    private ending?: Promise<void>;

    constructor(
        readonly child: ChildProcess,
        private readonly markerEntry: string,
    ) {
        const pid = child.pid;
        if (pid !== undefined && system().procfs) {
            // Read now, synchronously: Node reaps the leader only on a later turn of the event
            // loop, so its entry is there however fast it exits.
            this.leaderStart = readProcSync(pid)?.start ?? 0;
            this.tracked.set(pid, this.leaderStart);
        }
    }

    /** Whether the poll should look for this tree's new processes. */
    get watching(): boolean {
        return this.ending === undefined && this.tracked.size > 0;
    }

    end(): Promise<void> {
        this.ending ??= this.sweep().finally(() => trees.delete(this));
        return this.ending;
    }

    /** Ends the tree synchronously, for when this process is about to exit. */
    endNow(): void {
        const pid = this.child.pid;
        if (pid === undefined) {
            return;
        }
        if (!system().procfs) {
            send(-pid, "SIGKILL");
            return;
        }
        if (this.leaderUnreaped) {
            send(-pid, "SIGSTOP");
        }
        const stopped = new Set<string>();
        for (let round = 0; round < ROUNDS; round++) {
            const found = this.members(snapshotSync(this.leaderStart));
            if (found.length === 0) {
                return;
            }
            const [signal, targets] = roundSignal(found, stopped, round);
            for (const p of targets) {
                if (readProcSync(p.pid)?.start === p.start) {
                    send(p.pid, signal);
                }
            }
        }
    }

    /** Tracks the children of tracked processes; forgets tracked processes that ended. */
    async poll(stat: (pid: number) => Promise<Proc | undefined>, everyone: number[] | undefined): Promise<void> {
        await Promise.all(
            [...this.tracked].map(async ([pid, start]) => {
                const self = await stat(pid);
                if (!self || self.start !== start || !alive(self)) {
                    // Its children, if any are left, are init's now: the sweep's marker finds them.
                    this.tracked.delete(pid);
                    return;
                }
                const candidates = everyone ?? (await childPids(pid));
                await Promise.all(
                    candidates
                        .filter((c) => !this.tracked.has(c))
                        .map(async (c) => {
                            const p = await stat(c);
                            if (p && p.ppid === pid && p.start >= start && alive(p)) {
                                this.tracked.set(c, p.start);
                            }
                        }),
                );
            }),
        );
    }

    private get leaderUnreaped(): boolean {
        return this.child.exitCode === null && this.child.signalCode === null;
    }

    private async sweep(): Promise<void> {
        const pid = this.child.pid;
        if (pid === undefined) {
            return;
        }
        if (!system().procfs) {
            send(-pid, "SIGKILL");
            return;
        }
        // Stopping the group at once keeps its members where they are (no forks, no exits that
        // would hand their children to init) while the rest are found.
        if (this.leaderUnreaped) {
            send(-pid, "SIGSTOP");
        }
        const stopped = new Set<string>();
        for (let round = 0; round < ROUNDS; round++) {
            const found = this.members(await snapshot(this.leaderStart));
            if (found.length === 0) {
                return;
            }
            const [signal, targets] = roundSignal(found, stopped, round);
            await Promise.all(
                targets.map(async (p) => {
                    if ((await readProc(p.pid))?.start === p.start) {
                        send(p.pid, signal);
                    }
                }),
            );
        }
    }

    /** This tree's live processes among `seen`: tracked, marked, in the leader's group or session, and their descendants. */
    private members(seen: Seen[]): Seen[] {
        const leader = this.child.pid;
        // The leader's pid names its group and session only until Node reaps it.
        const unreaped = this.leaderUnreaped;
        const children = new Map<number, Seen[]>();
        for (const p of seen) {
            const siblings = children.get(p.ppid);
            if (siblings) {
                siblings.push(p);
            } else {
                children.set(p.ppid, [p]);
            }
        }
        const queue = seen.filter(
            (p) => this.tracked.get(p.pid) === p.start || p.environ?.includes(this.markerEntry) || (unreaped && (p.pgid === leader || p.sid === leader)),
        );
        const found = new Map<number, Seen>();
        for (let p = queue.pop(); p !== undefined; p = queue.pop()) {
            if (!found.has(p.pid)) {
                found.set(p.pid, p);
                const start = p.start;
                queue.push(...(children.get(p.pid) ?? []).filter((c) => c.start >= start));
            }
        }
        return [...found.values()];
    }
}

/**
 * One round of an ending: SIGSTOP to the members not stopped before, so that none forks unseen
 * while the others are found; once a round finds none new (or the stopping rounds are spent),
 * SIGKILL to all of them.
 */
function roundSignal(found: Proc[], stopped: Set<string>, round: number): [NodeJS.Signals, Proc[]] {
    const fresh = found.filter((p) => !stopped.has(`${p.pid}/${p.start}`));
    if (fresh.length > 0 && round < STOPPING_ROUNDS) {
        fresh.forEach((p) => stopped.add(`${p.pid}/${p.start}`));
        return ["SIGSTOP", fresh];
    }
    return ["SIGKILL", found];
}

function send(pid: number, signal: NodeJS.Signals): void {
    try {
        process.kill(pid, signal);
    } catch {
        // Gone already, or not ours to signal.
    }
}

function alive(p: Proc): boolean {
    return p.state !== "Z" && p.state !== "X";
}

function parseStat(pid: number, text: string): Proc | undefined {
    // The command name, in parentheses, may hold spaces and parentheses itself.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    if (fields.length < 20) {
        return undefined;
    }
    // Fields 3 (state), 4 (ppid), 5 (pgrp), 6 (session) and 22 (starttime) of proc(5).
    return { pid, state: fields[0], ppid: Number(fields[1]), pgid: Number(fields[2]), sid: Number(fields[3]), start: Number(fields[19]) };
}

function readProc(pid: number): Promise<Proc | undefined> {
    return readSmall(`/proc/${pid}/stat`).then((text) => (text === undefined ? undefined : parseStat(pid, text)));
}

function readProcSync(pid: number): Proc | undefined {
    try {
        return parseStat(pid, readFileSync(`/proc/${pid}/stat`, "latin1"));
    } catch {
        return undefined;
    }
}

/**
 * A small file's text in one read, or undefined if it cannot be read (its process is gone). A
 * sweep reads every process's stat: this costs a third of what `readFile` does.
 */
function readSmall(path: string): Promise<string | undefined> {
    return new Promise((resolve) => {
        open(path, "r", (openError, fd) => {
            if (openError) {
                resolve(undefined);
                return;
            }
            const buffer = Buffer.allocUnsafe(4096);
            read(fd, buffer, 0, buffer.length, 0, (readError, bytes) => {
                close(fd, () => undefined);
                resolve(readError ? undefined : buffer.toString("latin1", 0, bytes));
            });
        });
    });
}

const isPid = (name: string): boolean => /^[0-9]+$/.test(name);

async function listPids(): Promise<number[]> {
    return (await readdir("/proc")).filter(isPid).map(Number);
}

/** The children of `pid`, from every one of its threads (a child is listed under the thread that forked it). */
async function childPids(pid: number): Promise<number[]> {
    const threads = await readdir(`/proc/${pid}/task`).catch(() => []);
    const lists = await Promise.all(threads.map((tid) => readFile(`/proc/${pid}/task/${tid}/children`, "latin1").catch(() => "")));
    return lists.flatMap((list) => list.split(" ").filter(isPid).map(Number));
}

/** Includes a process in a sweep: live, not this one, and started no earlier than the tree (no descendant can have started before). */
function inSweep(p: Proc | undefined, since: number): p is Proc {
    return p !== undefined && alive(p) && p.start >= since && p.pid > 1 && p.pid !== process.pid;
}

/** Every process a sweep considers, with its environment. */
async function snapshot(since: number): Promise<Seen[]> {
    const seen = await Promise.all(
        (await listPids()).map(async (pid): Promise<Seen | undefined> => {
            const p = await readProc(pid);
            return inSweep(p, since) ? { ...p, environ: await readFile(`/proc/${pid}/environ`, "latin1").catch(() => undefined) } : undefined;
        }),
    );
    return seen.filter((p): p is Seen => p !== undefined);
}

function snapshotSync(since: number): Seen[] {
    const seen: Seen[] = [];
    for (const pid of readdirSync("/proc").filter(isPid).map(Number)) {
        const p = readProcSync(pid);
        if (inSweep(p, since)) {
            let environ: string | undefined;
            try {
                environ = readFileSync(`/proc/${pid}/environ`, "latin1");
            } catch {
                // Not readable: not ours, or gone.
            }
            seen.push({ ...p, environ });
        }
    }
    return seen;
}

let polling = false;

/** Polls while any tree is watched; one poll at a time, each reading a process's stat at most once. */
function watch(): void {
    if (polling || !system().procfs) {
        return;
    }
    polling = true;
    setTimeout(() => {
        void (async () => {
            const stats = new Map<number, Promise<Proc | undefined>>();
            const stat = (pid: number): Promise<Proc | undefined> => {
                let p = stats.get(pid);
                if (p === undefined) {
                    p = readProc(pid);
                    stats.set(pid, p);
                }
                return p;
            };
            const everyone = system().childrenFiles ? undefined : await listPids();
            await Promise.all([...trees].filter((t) => t.watching).map((t) => t.poll(stat, everyone)));
            polling = false;
            if ([...trees].some((t) => t.watching)) {
                watch();
            }
        })();
    }, POLL_MS).unref();
}

let installed = false;

function installExitHandlers(): void {
    if (installed) {
        return;
    }
    installed = true;
    const endAll = () => trees.forEach((t) => t.endNow());
    process.once("exit", endAll);
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
        process.once(signal, () => {
            endAll();
            // Then let the signal do what it would have done.
            if (process.listenerCount(signal) === 0) {
                process.kill(process.pid, signal);
            }
        });
    }
}
