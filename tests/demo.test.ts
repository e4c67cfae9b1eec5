/**
 * `npm run demo`, run as a new user runs it: the sample organization's violations in the block
 * `pulumi preview` prints, the summary, where to go next, and a failing exit code.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile("npm", ["run", "--silent", "demo"], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => {
            resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr });
        });
    });
}

describe("npm run demo", function () {
    this.timeout(90_000);
    let run: { code: number | null; stdout: string; stderr: string };

    before(async () => {
        run = await runDemo();
    });

    it("exits 1, as pulumi preview fails, because a mandatory violation is reported", () => {
        assert.equal(run.code, 1, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
        assert.equal(run.stderr, "");
    });

    it("prints the Policies block the way pulumi preview does", () => {
        const { version } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
        const block = run.stdout.slice(run.stdout.indexOf("Policies:\n"));
        const lines = block.split("\n");
        assert.equal(lines[0], "Policies:");
        assert.equal(lines[1], `    ❌ aws-root-mfa@v${version} (local: .)`);
        assert.equal(lines[2], "        - [mandatory] [severity: critical]  aws-root-mfa-enabled  (pulumi:providers:aws: analytics-dev)");
        assert.equal(lines[3], "          The root user of every AWS account this stack deploys into must have MFA enabled (CIS AWS Foundations Benchmark v5.0.0, 1.4).");
        assert.equal(lines[4], "          Account 333333333333 (partition aws): root MFA is not enabled and the root user has a password.");
        const headings = lines.filter((l) => l.startsWith("        - "));
        assert.deepEqual(headings, [
            "        - [mandatory] [severity: critical]  aws-root-mfa-enabled  (pulumi:providers:aws: analytics-dev)",
        ]);
    });

    it("reports only the member with a root password and no MFA, and offers central deletion", () => {
        const block = run.stdout.slice(run.stdout.indexOf("Policies:\n"), run.stdout.indexOf("Summary:"));
        assert.match(block, /Alternative: organization o-demo0000001 manages root credentials centrally/);
        for (const quiet of ["Account 111111111111", "Account 222222222222", "Account 444444444444", "Account 555555555555", "Account 666666666666"]) {
            assert.ok(!block.includes(quiet), `${quiet} is compliant or not applicable, yet reported`);
        }
    });

    it("ends with a one-line summary and where to go next", () => {
        assert.match(run.stdout, /^Summary: 1 mandatory and 0 advisory violations in 6 AWS accounts; the preview would fail: a deployment into these accounts is blocked \(\d+\.\d s\)\.$/m);
        assert.match(run.stdout, /^Next:\n {2}- your own stack: `pulumi preview --policy-pack/m);
        assert.match(run.stdout, /npx aws-root-mfa check/);
    });

    it("prints no credentials and no stack trace", () => {
        assert.doesNotMatch(run.stdout, /\b(AKIA|ASIA)[A-Z0-9]{16}\b/);
        assert.doesNotMatch(run.stdout + run.stderr, /^\s+at .+:\d+:\d+\)?$/m);
    });
});
