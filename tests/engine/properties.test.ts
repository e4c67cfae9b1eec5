/**
 * Property-based tests of the pack over generated `pulumi:providers:aws` and
 * `pulumi:providers:aws-native` provider inputs (tests/support/arbitraries.ts), sent through the
 * engine protocol (AnalyzeStack) to ONE pack process started for the whole file, with no usable
 * credentials anywhere (no env keys, no profile files, IMDS off; the local fake accepts only keys it
 * issued, and it issued none), so no generated provider can reach an account.
 *
 * Reproduce a failure with the command its report prints (FC_SEED, FC_PATH and the test's title):
 *   FC_SEED=<seed> FC_PATH=<path> npx mocha --grep "<test title>"
 * Scale the number of runs with FC_RUNS_SCALE (default 1).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { FakeAws } from "../fake-aws";
import { Diagnostic, PackProcess, startPack } from "../harness/engine";
import { InputArbitraries, LocalTargets, MARK, MarkerMode, ProviderSpec, describeTree, mapStrings, markedStrings, stackResources } from "../support/arbitraries";
import { PACK_DIR, awsEnv, trustingFake } from "../support/world";

const MFA = "aws-root-mfa-enabled";
const CENTRAL = "aws-root-credentials-centralized";

const SCALE = Number(process.env.FC_RUNS_SCALE ?? "1");
/** Stacks per property; tuned so the whole file takes well under a minute on 2 cores. */
const RUNS = { named: Math.round(1400 * SCALE), credentials: Math.round(1000 * SCALE), wrapped: Math.round(1000 * SCALE) };

/** Runs `numRuns` stacks; a failure names the seed and path that replay it for the test whose title contains `grep`. */
function fcParameters(numRuns: number, grep: string): fc.Parameters<[ProviderSpec[]]> {
    return {
        numRuns,
        ...(process.env.FC_SEED !== undefined && { seed: Number(process.env.FC_SEED) }),
        ...(process.env.FC_PATH !== undefined && { path: process.env.FC_PATH }),
        // A counterexample may hold 100 kB strings: report it with long strings cut.
        asyncReporter: async (details) => {
            if (!details.failed) {
                return;
            }
            const stack = details.counterexample?.[0] ?? [];
            const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
            throw new Error([
                `Property failed after ${details.numRuns} runs, shrunk ${details.numShrinks} times.`,
                `Reproduce: FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath} npx mocha --grep "${grep}"`,
                "Counterexample (wire form; long strings cut):",
                ...stack.map((p) => `  ${p.type} "${p.name}" (${p.presence}): ${describeTree(p.props)}`),
                `Failure: ${cause}`,
            ].join("\n"));
        },
    };
}

/**
 * Shrinking time per property. Each candidate costs an AnalyzeStack call, and the stack generator's
 * shrink tree is large; past the budget the remaining candidates are skipped (counted as passing), so
 * the report shows the smallest counterexample found so far and a failing file still ends quickly.
 */
const SHRINK_BUDGET_MS = 8_000;

/** `check` as a property predicate that stops trying new candidates `SHRINK_BUDGET_MS` after its first failure. */
function withShrinkBudget(check: (stack: ProviderSpec[]) => Promise<void>): (stack: ProviderSpec[]) => Promise<void> {
    let firstFailure: number | undefined;
    return async (stack) => {
        if (firstFailure !== undefined && Date.now() - firstFailure > SHRINK_BUDGET_MS) {
            return;
        }
        try {
            await check(stack);
        } catch (e) {
            firstFailure ??= Date.now();
            throw e;
        }
    };
}

let lastAccount = 0;

/**
 * The stack with every 12-digit account id replaced by one no earlier stack used (the same id
 * within the stack stays the same). The pack caches what it learns about an account for the run
 * (120 s, by account id), so without this a stack would get answers cached for an earlier one
 * (shrinking in particular converges on the same ids), and a failure would be reported against the
 * wrong input.
 */
function withFreshAccounts(stack: ProviderSpec[]): ProviderSpec[] {
    const fresh = new Map<string, string>();
    const rename = (id: string) => {
        if (!fresh.has(id)) {
            lastAccount += 1;
            fresh.set(id, String(300_000_000_000 + lastAccount));
        }
        return fresh.get(id)!;
    };
    return stack.map((p) => ({ ...p, props: mapStrings(p.props, (s) => s.replace(/(?<!\d)\d{12}(?!\d)/g, rename)) as ProviderSpec["props"] }));
}

/** Where `text` mentions the marker, with some context, for a readable failure. */
function excerpt(text: string, needle: string): string {
    const at = text.indexOf(needle);
    return JSON.stringify(text.slice(Math.max(0, at - 200), at + needle.length + 120));
}

describe("provider input properties through the engine protocol", function () {
    this.timeout(600_000);

    let fake: FakeAws;
    let pack: PackProcess;
    let dir: string;
    let local: LocalTargets;
    let inputs = 0;
    let stacks = 0;
    let grpcErrors = 0;
    const started = Date.now();
    const outcomes = new Map<string, number>();
    // How much of the pack's stdout/stderr has been searched for secrets already.
    let seenOut = 0;
    let seenErr = 0;

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-root-mfa-properties-"));
        const file = (name: string, content: string | Buffer) => {
            const p = path.join(dir, name);
            fs.writeFileSync(p, content);
            return p;
        };
        // Keys the fake never issued: a profile that resolves, then is rejected by the endpoint.
        const keys = "aws_access_key_id = AKIAFAKEFAKEFAKEFAKE\naws_secret_access_key = fakefakefakefakefakefakefakefakefakefake\n";
        const files = [
            file("config", `[default]\nregion = us-east-1\n${keys}[profile p1]\n${keys}[profile p2]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = p1\n`),
            file("credentials", `[p1]\n${keys}[constructor]\n${keys}`),
            file("garbage", Buffer.from([0xff, 0xfe, 0x00, 0x5b, 0x5b, 0x0a, 0x3d, 0x3d, 0x0a, 0xc3, 0x28])),
            file("empty", ""),
            file("token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\n"),
            "/dev/null",
            dir,
        ];
        fake = await FakeAws.start();
        // Every error the endpoint answers quotes the request (keys, token, parameters), so the
        // secrets a stack sends reach the text the pack quotes, and redaction is put to the test.
        fake.echoRequests(true);
        local = { fakeUrl: fake.url.replace(/\/$/, ""), closedUrl: "http://127.0.0.1:1", files };
        pack = await trustingFake(await startPack({ packDir: PACK_DIR, dryRun: true, env: awsEnv(fake) }), fake);
        await pack.configure({ [MFA]: { timeoutSeconds: 2 }, [CENTRAL]: { timeoutSeconds: 2 } });
    });

    after(async () => {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        const kinds = [...outcomes.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join("; ");
        console.log(`      ${inputs} generated provider inputs in ${stacks} stacks (AnalyzeStack calls, shrinking included), ${grpcErrors} gRPC errors, ${seconds} s`);
        console.log(`      ${MFA} diagnostics by kind: ${kinds}`);
        await pack?.close();
        await fake?.close();
        if (dir) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    afterEach(async () => {
        // Still alive and answering, and nothing on stdout after the port (the CLI owns it).
        assert.doesNotThrow(() => process.kill(pack.pid, 0), "the pack process is gone");
        const info = await pack.getAnalyzerInfo();
        assert.equal(info.name, "aws-root-mfa");
        assert.equal(pack.stdout().trim(), "", "the pack wrote to stdout after its port");
    });

    /** Sends a stack (with fresh account ids); what was sent, and the diagnostics or the gRPC error. */
    async function analyze(generated: ProviderSpec[]): Promise<{ sent: ProviderSpec[] } & ({ diagnostics: Diagnostic[] } | { error: Error & { details?: string } })> {
        const sent = withFreshAccounts(generated);
        inputs += sent.length;
        stacks += 1;
        try {
            const diagnostics = await pack.analyzeStack(stackResources(sent));
            for (const d of diagnostics.filter((x) => x.policyName === MFA)) {
                const kind = /can't run/.test(d.message) ? "unknown during preview"
                    : /What happened: the provider's input/.test(d.message) ? "malformed input"
                        : /What happened: the file /.test(d.message) ? "a file the pack will not read"
                            : /neither a genuine AWS endpoint nor listed in trustedEndpoints/.test(d.message) ? "an untrusted endpoint override"
                                : (/What happened: (.*)/.exec(d.message)?.[1] ?? d.message.split("\n")[1]?.slice(0, 60) ?? "").replace(/ while .*| \(.*|: .*/, "").trim();
                outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
            }
            return { sent, diagnostics };
        } catch (e) {
            grpcErrors += 1;
            return { sent, error: e as Error };
        }
    }

    /** The pack's stdout and stderr written since the last call. */
    function newOutput(): string {
        const out = pack.stdout();
        const err = pack.stderr();
        const fresh = out.slice(seenOut) + err.slice(seenErr);
        seenOut = out.length;
        seenErr = err.length;
        return fresh;
    }

    /** No marked (secret) string of the stack, nor any part of one, in the diagnostics or the pack's output. */
    function assertNoSecretLeaks(stack: ProviderSpec[], published: string): void {
        for (const s of new Set(stack.flatMap((p) => markedStrings(p.props)))) {
            assert.ok(!published.includes(s), `a secret value leaked: ${excerpt(published, s)}`);
        }
        assert.ok(!published.includes(MARK), `part of a secret value leaked: ${excerpt(published, MARK)}`);
    }

    function leakProperty(mode: MarkerMode) {
        return fc.asyncProperty(new InputArbitraries(mode, local).stack, withShrinkBudget(async (stack) => {
            const result = await analyze(stack);
            // A gRPC error is the first property's failure; here only its text matters, which the CLI prints.
            const published = "error" in result
                ? `${result.error.message}\n${result.error.details ?? ""}`
                : result.diagnostics.map((d) => `${d.message}\n${d.description}\n${d.urn}`).join("\n");
            assertNoSecretLeaks(result.sent, `${published}\n${newOutput()}`);
        }));
    }

    it("never answers AnalyzeStack with a gRPC error, stays alive, and names every provider in an aws-root-mfa-enabled diagnostic", async () => {
        await fc.assert(fc.asyncProperty(new InputArbitraries("wrapped", local).stack, withShrinkBudget(async (stack) => {
            const result = await analyze(stack);
            if ("error" in result) {
                assert.fail(`AnalyzeStack failed with a gRPC error: ${result.error.message}`);
            }
            assert.doesNotThrow(() => process.kill(pack.pid, 0), "the pack process is gone");
            for (const d of result.diagnostics) {
                // Every failure an input can cause has its own message.
                assert.ok(!/an unexpected error occurred/.test(d.message), `a failure without its own message: ${d.message}`);
            }
            const mfa = result.diagnostics.filter((d) => d.policyName === MFA);
            for (const d of mfa) {
                // The pack's catch-alls for its own bugs.
                assert.ok(!/failed unexpectedly/.test(d.message), `an internal error surfaced: ${d.message}`);
                assert.ok(!/"\(provider inputs\)" could not be read/.test(d.message), `an input parser threw: ${d.message}`);
            }
            for (const p of stack) {
                assert.ok(mfa.some((d) => d.message.includes(`provider "${p.name}"`)),
                    `${p.type} "${p.name}" is named in no ${MFA} diagnostic; the diagnostics were:\n${mfa.map((d) => `[${d.enforcementLevel}] ${d.message}`).join("\n---\n")}`);
            }
        })), fcParameters(RUNS.named, "names every provider"));
    });

    it("never lets a credential input (accessKey, secretKey, token, externalId, webIdentityToken) into a diagnostic, stdout or stderr", async () => {
        await fc.assert(leakProperty("credentials"), fcParameters(RUNS.credentials, "never lets a credential input"));
    });

    it("never lets any secret-wrapped input value into a diagnostic, stdout or stderr", async () => {
        await fc.assert(leakProperty("wrapped"), fcParameters(RUNS.wrapped, "never lets any secret-wrapped"));
    });
});
