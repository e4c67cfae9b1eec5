#!/usr/bin/env node
/**
 * `aws-root-mfa check` (the package's `bin`): the pack's discover → posture → verdict outside a
 * Pulumi run. Exit 0 passed, 1 failed (by the policies' enforcement levels), 2 the command could
 * not run; every failure ends in a message, never a stack trace.
 */
import { writeFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { CheckOptions, CliError, HELP, parseCommand } from "./args";
import type { CheckProgress } from "./check";
import type { Confirm } from "./fix";
import { fileErrorCode } from "./input";

/** Where the run's progress goes: a line redrawn on a terminal, nothing otherwise. */
export type ProgressSink = (line: string | undefined) => void;

/** Runs the command line; resolves with what to print and the exit code. */
export async function main(argv: readonly string[], io: { colour?: boolean; progress?: ProgressSink; confirm?: Confirm } = {}): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    let options: { format: CheckOptions["format"] } | undefined;
    try {
        const command = parseCommand(argv);
        if (command.kind === "help") {
            return { stdout: HELP, stderr: "", exitCode: 0 };
        }
        // The pack's modules load only now: help and argument errors answer at once.
        const [{ packVersion }, { resolvePolicyConfig }, { runCheck, stackPolicies }, { jsonOutput, sarifOutput, textOutput }, { checkTargets }] =
            await Promise.all([import("../pack"), import("./config"), import("./check"), import("./output"), import("./targets")]);
        if (command.kind === "version") {
            return { stdout: `${packVersion()}\n`, stderr: "", exitCode: 0 };
        }
        if (command.kind === "fix") {
            options = command.options;
            const { runFix } = await import("./fix");
            const fixed = await runFix(command.options, { confirm: io.confirm });
            return { stdout: fixed.stdout, stderr: "", exitCode: fixed.exitCode };
        }
        const check = command.options;
        options = check;
        const config = await resolvePolicyConfig(stackPolicies(), check.config);
        const progress = io.progress && ((p: CheckProgress) => io.progress?.(progressLine(p)));
        const result = check.organization
            ? await (await import("./organization")).runOrganizationCheck(config, { memberRole: check.memberRole, strict: check.strict, progress })
            : await runCheck(await checkTargets(check), config, { strict: check.strict, progress });
        io.progress?.(undefined);
        const json = jsonOutput(result);
        if (check.html !== undefined) {
            writeHtml(check.html, (await import("../report/html")).htmlReport(json));
        }
        const stdout = check.format === "json" ? json
            : check.format === "sarif" ? sarifOutput(result, check.sarifLocation)
            : textOutput(result, { colour: io.colour });
        return { stdout, stderr: "", exitCode: result.exitCode };
    } catch (e) {
        io.progress?.(undefined);
        const message = e instanceof CliError
            ? `${e.message}\nRun \`aws-root-mfa --help\` for the options and examples.`
            : `the command failed unexpectedly (${e instanceof Error ? `${e.name}: ${e.message}` : "an unknown error"}); run again, and if it persists report this message to the policy pack's maintainers.`;
        return { stdout: await errorDocument(options?.format ?? formatAsked(argv), message), stderr: `aws-root-mfa: ${message}\n`, exitCode: 2 };
    }
}

/** Writes the HTML page; a file that cannot be written is the user's to fix (exit 2). */
function writeHtml(file: string, page: string): void {
    try {
        writeFileSync(file, page, { mode: 0o644 });
    } catch (e) {
        throw new CliError(`--html ${file} cannot be written (${fileErrorCode(e)}): give a file in a directory you can write to`);
    }
}

/** The output format the arguments ask for, read even from arguments that could not be parsed. */
function formatAsked(argv: readonly string[]): CheckOptions["format"] {
    const sarif = argv.includes("--sarif");
    const json = argv.includes("--json");
    // Both asked for: neither document would be the one the consumer expects.
    return sarif && !json ? "sarif" : json && !sarif ? "json" : "text";
}

/** For --json and --sarif, a document that says the command could not run: a consumer never gets an empty file. */
async function errorDocument(format: CheckOptions["format"], message: string): Promise<string> {
    if (format === "text") {
        return "";
    }
    const [{ PACK_NAME, packVersion }, { jsonError, sarifError }] = await Promise.all([import("../pack"), import("./output")]);
    const pack = { name: PACK_NAME, version: packVersion() };
    return format === "json" ? jsonError(pack, message) : sarifError(pack, message);
}

/** "aws-root-mfa-enabled (1/3): 12/40 accounts". */
export function progressLine(p: CheckProgress): string {
    const accounts = p.accountsTotal === undefined ? "finding the accounts…" : `${p.accountsDone}/${p.accountsTotal} account${p.accountsTotal === 1 ? "" : "s"} checked`;
    return `aws-root-mfa: ${p.policy} (policy ${p.policyIndex + 1} of ${p.policyCount}): ${accounts}`;
}

/** A progress line redrawn in place on a terminal (at most ten times a second). */
function terminalProgress(stream: NodeJS.WriteStream): ProgressSink {
    let last = 0;
    let shown = false;
    return (line) => {
        if (line === undefined) {
            if (shown) {
                stream.write("\r\x1b[K");
                shown = false;
            }
            return;
        }
        const now = Date.now();
        if (now - last >= 100) {
            last = now;
            shown = true;
            // An unsized terminal (a pty under script, docker run -t) reports 0 columns.
            stream.write(`\r\x1b[K${line.slice(0, (stream.columns || 80) - 1)}`);
        }
    };
}

/** Asks on the terminal; only "yes" goes on. */
async function terminalConfirm(question: string): Promise<boolean> {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
        return (await rl.question(question)).trim().toLowerCase() === "yes";
    } finally {
        rl.close();
    }
}

function fatal(e: unknown): void {
    process.stderr.write(`aws-root-mfa: the command failed unexpectedly (${e instanceof Error ? e.message : "an unknown error"}).\n`);
    process.exit(2);
}

if (require.main === module) {
    process.on("uncaughtException", fatal);
    process.on("unhandledRejection", fatal);
    // https://no-color.org: any non-empty NO_COLOR turns colour off.
    const noColour = (process.env.NO_COLOR ?? "") !== "";
    void main(process.argv.slice(2), {
        colour: process.stdout.isTTY === true && !noColour,
        progress: process.stderr.isTTY === true ? terminalProgress(process.stderr) : undefined,
        confirm: process.stdin.isTTY === true ? terminalConfirm : undefined,
    }).then(({ stdout, stderr, exitCode }) => {
        process.stderr.write(stderr);
        // Exit once stdout is flushed: open SDK sockets must not keep the process alive.
        process.stdout.write(stdout, () => process.exit(exitCode));
    }, fatal);
}
