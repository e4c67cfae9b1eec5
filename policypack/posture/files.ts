/**
 * Reading a file that a stack, a profile or the environment names. The stack is untrusted, so a
 * name may point at a FIFO (opening it for reading blocks one of Node's few file threads for
 * good), a device, or a /proc file whose reported size is 0 and whose contents are endless. Every
 * such file is read here, and only here: by its real path, refused under /proc, /sys and /dev,
 * opened without blocking, checked to be a regular file on the open descriptor, and read
 * asynchronously up to a byte limit (the limit plus one byte, never trusting the reported size).
 */
import { constants } from "node:fs";
import { open, realpath } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { UnusableFileError } from "./failure";

/** Byte limits per kind of file: each is far above what a real one holds. */
export const FILE_LIMITS = {
    /** A shared config or credentials file: a few kilobytes. */
    profile: 1024 * 1024,
    /** A web identity token, an SSO token cache entry, a container authorization token. */
    token: 64 * 1024,
    /** A PEM bundle of certificate authorities: a few hundred kilobytes. */
    caBundle: 8 * 1024 * 1024,
} as const;

// Pseudo-file systems whose files report a size of 0 and can be endless or block.
const REFUSED_ROOTS = ["/proc", "/sys", "/dev"];

/** A path made absolute, with a leading `~/` taken as the home directory. */
export function absolutePath(path: string): string {
    const expanded = path === "~" ? homedir() : path.startsWith("~/") ? join(homedir(), path.slice(2)) : path;
    return isAbsolute(expanded) ? expanded : resolve(expanded);
}

/**
 * The contents of the file at `path` (as UTF-8), or undefined when it does not exist. `from`
 * names the setting that named it, for messages. Throws UnusableFileError when it is not a regular
 * file, lies under /proc, /sys or /dev, is larger than `maxBytes`, or cannot be read.
 */
export async function readNamedFile(path: string, from: string, maxBytes: number): Promise<string | undefined> {
    let real: string;
    try {
        real = await realpath(absolutePath(path));
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") {
            return undefined;
        }
        throw new UnusableFileError(path, from, `could not be examined (${code ?? "error"})`);
    }
    if (REFUSED_ROOTS.some((root) => real === root || real.startsWith(`${root}/`))) {
        throw new UnusableFileError(path, from, `is under ${real.split("/", 2).join("/")}, where no credentials or certificates are kept`);
    }
    let handle;
    try {
        // O_NONBLOCK: should the path have become a FIFO since realpath, opening it does not wait for a writer.
        handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch (e) {
        throw new UnusableFileError(path, from, `could not be opened (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
    try {
        if (!(await handle.stat()).isFile()) {
            throw new UnusableFileError(path, from, "is not a regular file");
        }
        const buffer = Buffer.alloc(Math.min(maxBytes + 1, 64 * 1024));
        const chunks: Buffer[] = [];
        let total = 0;
        for (;;) {
            const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, maxBytes + 1 - total), null);
            if (bytesRead === 0) {
                break;
            }
            chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
            total += bytesRead;
            if (total > maxBytes) {
                throw new UnusableFileError(path, from, `is larger than ${maxBytes} bytes`);
            }
        }
        return Buffer.concat(chunks).toString("utf8");
    } catch (e) {
        if (e instanceof UnusableFileError) {
            throw e;
        }
        throw new UnusableFileError(path, from, `could not be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    } finally {
        await handle.close().catch(() => undefined);
    }
}
