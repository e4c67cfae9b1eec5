#!/usr/bin/env node
/**
 * `aws-root-mfa check` (the package's `bin`): the pack's discover → posture → verdict outside a
 * Pulumi run. Every failure ends in a message and exit code 2; no stack trace is printed.
 */
import { CliError, HELP, parseCommand } from "./args";

/** Runs the command line; resolves with what to print and the exit code. */
export async function main(argv: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
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
        const { options } = command;
        const config = resolvePolicyConfig(stackPolicies(), options.config);
        const result = await runCheck(checkTargets(options), config);
        const stdout = options.format === "json" ? jsonOutput(result)
            : options.format === "sarif" ? sarifOutput(result, options.sarifLocation)
            : textOutput(result);
        return { stdout, stderr: "", exitCode: result.exitCode };
    } catch (e) {
        const message = e instanceof CliError
            ? `${e.message}\nRun \`aws-root-mfa --help\` for the options and examples.`
            : `the check failed unexpectedly (${e instanceof Error ? `${e.name}: ${e.message}` : "an unknown error"}); run again, and if it persists report this message to the policy pack's maintainers.`;
        return { stdout: "", stderr: `aws-root-mfa: ${message}\n`, exitCode: 2 };
    }
}

function fatal(e: unknown): void {
    process.stderr.write(`aws-root-mfa: the check failed unexpectedly (${e instanceof Error ? e.message : "an unknown error"}).\n`);
    process.exit(2);
}

if (require.main === module) {
    process.on("uncaughtException", fatal);
    process.on("unhandledRejection", fatal);
    void main(process.argv.slice(2)).then(({ stdout, stderr, exitCode }) => {
        process.stderr.write(stderr);
        // Exit once stdout is flushed: open SDK sockets must not keep the process alive.
        process.stdout.write(stdout, () => process.exit(exitCode));
    }, fatal);
}
