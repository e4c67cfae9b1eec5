/** Reading the text output of `aws-root-mfa check` as a person sees it. */
import assert from "node:assert/strict";

/** Removes ANSI escape sequences and carriage returns (for text seen on a terminal). */
export function plain(text: string): string {
    return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");
}

/** The account table of text output: one record per row, keyed by the header's column names. */
export function tableOf(stdout: string): Array<Record<string, string>> {
    const lines = plain(stdout).split("\n");
    const at = lines.findIndex((l) => /^Account {2,}Partition {2,}/.test(l));
    assert.ok(at >= 0, `no account table in:\n${stdout}`);
    const header = lines[at].trimEnd().split(/ {2,}/);
    const rows: Array<Record<string, string>> = [];
    for (const line of lines.slice(at + 1)) {
        if (line.trim() === "") {
            break;
        }
        const cells = line.trimEnd().split(/ {2,}/);
        rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""])));
    }
    return rows;
}
