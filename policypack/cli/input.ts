/**
 * The files `aws-root-mfa check` reads (--config, --stack-state), checked as the pack checks the
 * files a profile names: a regular file by real path, never under /proc, /sys or /dev, read with a
 * byte limit — or, for `-`, standard input with the same limit. A FIFO or a device fails at once.
 */
import { readNamedFile } from "../posture/files";
import { CliError } from "./args";

/** The largest --config file read. */
export const CONFIG_LIMIT = 1024 * 1024;
/** The largest stack export read (a stack of many thousands of resources). */
export const STACK_STATE_LIMIT = 256 * 1024 * 1024;

/** The text of `path` (or standard input for `-`), for the command-line option `option`; CliError when it cannot be used. */
export async function readInput(path: string, option: string, limit: number, hint: string): Promise<string> {
    if (path === "-") {
        return readStdin(option, limit);
    }
    let text: string | undefined;
    try {
        text = await readNamedFile(path, option, limit);
    } catch (e) {
        throw new CliError(`${e instanceof Error ? e.message : `${option} ${path} cannot be read`}; ${hint}`);
    }
    if (text === undefined) {
        throw new CliError(`${option} ${path} does not exist; ${hint}`);
    }
    return text;
}

/** The error code of a failed file operation (ENOSPC, EACCES…), for a message. */
export function fileErrorCode(e: unknown): string {
    return e instanceof Error && "code" in e ? String((e as { code?: unknown }).code) : "unknown error";
}

async function readStdin(option: string, limit: number): Promise<string> {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of process.stdin) {
        const b = chunk as Buffer;
        total += b.length;
        if (total > limit) {
            process.stdin.destroy();
            throw new CliError(`${option} -: standard input is larger than ${limit} bytes`);
        }
        chunks.push(b);
    }
    return Buffer.concat(chunks).toString("utf8");
}
