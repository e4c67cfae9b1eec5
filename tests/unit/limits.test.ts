/**
 * The posture stage's concurrency slots: at most `n` leases at once, in the order asked for; tasks
 * asked for on the same key while its lease is held or waiting share its slot (an account's
 * summary and organization are read together), and the slot is freed when the last one settles.
 */
import { strict as assert } from "node:assert";
import { concurrencyLimit } from "../../policypack/posture/limits";

/** A task that runs until released, noting when it started. */
function gate(started: string[], name: string): { task: () => Promise<string>; release: () => void } {
    let release = () => undefined as void;
    const done = new Promise<string>((resolve) => (release = () => resolve(name)));
    return { task: () => (started.push(name), done), release };
}

/** Lets every settled task's continuation run. */
const settle = () => new Promise((r) => setImmediate(r));

describe("concurrency slots", () => {
    it("runs at most n tasks at once and starts the next in the order asked for", async () => {
        const run = concurrencyLimit(2);
        const started: string[] = [];
        const [a, b, c, d] = ["a", "b", "c", "d"].map((n) => gate(started, n));
        const results = [a, b, c, d].map((g) => run(g.task));
        await settle();
        assert.deepEqual(started, ["a", "b"]);
        b.release();
        await settle();
        assert.deepEqual(started, ["a", "b", "c"]);
        a.release();
        c.release();
        await settle();
        d.release();
        assert.deepEqual(await Promise.all(results), ["a", "b", "c", "d"]);
    });

    it("runs tasks on a key whose lease is held in that slot, at once", async () => {
        const run = concurrencyLimit(1);
        const started: string[] = [];
        const summary = gate(started, "summary");
        const organization = gate(started, "organization");
        const other = gate(started, "other account");
        const results = [run(summary.task, "account 1"), run(organization.task, "account 1"), run(other.task, "account 2")];
        await settle();
        assert.deepEqual(started, ["summary", "organization"], "both reads of account 1 share its slot");
        summary.release();
        await settle();
        assert.deepEqual(started, ["summary", "organization"], "the slot is held until the last task on its key settles");
        organization.release();
        await settle();
        assert.deepEqual(started, ["summary", "organization", "other account"]);
        other.release();
        await Promise.all(results);
    });

    it("starts tasks that joined a waiting lease together when it gets its slot", async () => {
        const run = concurrencyLimit(1);
        const started: string[] = [];
        const first = gate(started, "first");
        const [x, y] = [gate(started, "x"), gate(started, "y")];
        const results = [run(first.task), run(x.task, "k"), run(y.task, "k")];
        await settle();
        assert.deepEqual(started, ["first"]);
        first.release();
        await settle();
        assert.deepEqual(started, ["first", "x", "y"]);
        x.release();
        y.release();
        await Promise.all(results);
    });

    it("frees the slot when a task fails, and a later task on the key takes a new lease", async () => {
        const run = concurrencyLimit(1);
        await assert.rejects(run(() => Promise.reject(new Error("denied")), "k"), /denied/);
        assert.equal(await run(() => Promise.resolve("again"), "k"), "again");
        assert.equal(await run(() => Promise.resolve("other")), "other");
    });
});
