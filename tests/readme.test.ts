/**
 * The README agrees with the code: its policy table gives each policy's default enforcement level
 * and severity as the policy declares them, its configuration table each setting's default as
 * the config schema declares it, and each row of its profile table names a test that exists.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { commonSchemaProperties } from "../policypack/config";
import { policies } from "../policypack/pack";

const README = readFileSync(path.resolve(__dirname, "..", "README.md"), "utf8");

/** The cells of the README table row whose first cell is `name` in backticks. */
function row(name: string): string[] {
    const line = README.split("\n").find((l) => l.startsWith(`| \`${name}\` |`));
    assert.ok(line, `README has a table row for ${name}`);
    return line.split("|").slice(1, -1).map((c) => c.trim());
}

describe("README", () => {
    for (const policy of policies) {
        it(`gives ${policy.name}'s default enforcement level and severity`, () => {
            const [, level, severity] = row(policy.name);
            assert.equal(level, policy.enforcementLevel);
            assert.equal(severity, policy.severity);
        });
    }

    for (const [setting, schema] of Object.entries(commonSchemaProperties ?? {})) {
        it(`gives the default of ${setting} as its schema does`, () => {
            const [, , fallback] = row(setting);
            const declared = (schema as { default?: unknown }).default;
            const expected = declared === undefined ? "none" : Array.isArray(declared) ? `\`${JSON.stringify(declared)}\`` : String(declared);
            assert.equal(fallback, expected);
        });
    }

    it("names, in each row of the profile table, a test of that shape", () => {
        const start = README.indexOf("### Profiles as the provider reads them");
        assert.ok(start >= 0, "README has the profile table");
        const lines = README.slice(start).split("\n");
        const header = lines.findIndex((l) => l.startsWith("| Profile shape |"));
        const end = lines.findIndex((l, i) => i > header && !l.startsWith("|"));
        const rows = lines.slice(header + 2, end);
        const titles = [path.join("engine", "profiles.test.ts"), path.join("unit", "credentialChain.test.ts")]
            .map((f) => readFileSync(path.resolve(__dirname, f), "utf8")).join("\n");
        assert.ok(header >= 0 && rows.length >= 10, "the profile table has its rows");
        for (const line of rows) {
            const test = line.split("|").slice(1, -1).map((c) => c.trim())[2];
            assert.ok(titles.includes(`"${test}`), `a test whose title starts with "${test}" (row: ${line.slice(0, 60)}…)`);
        }
    });
});
