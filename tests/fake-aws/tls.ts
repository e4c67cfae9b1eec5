/**
 * A certificate authority made for one run of the local endpoint, and a certificate it issues for
 * 127.0.0.1: what lets the fake serve https that the pack verifies through `trustedCaBundles`.
 * Made with openssl, offline, in a temporary folder the caller removes.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** The PEM files of a test CA and of a server certificate for IP 127.0.0.1 that it signed. */
export interface TestCertificates {
    /** The CA's certificate: what `trustedCaBundles` lists. */
    caFile: string;
    key: Buffer;
    cert: Buffer;
    /** Removes the folder and every file in it. */
    remove(): void;
}

/**
 * Makes a CA and a server certificate it issues for `subjectAltName` (default: IP 127.0.0.1), EC
 * P-256, valid two days, in a temporary folder named with `prefix`. Needs `openssl`.
 */
export function makeTestCertificates(subjectAltName = "IP:127.0.0.1", prefix = "aws-root-mfa-ca-"): TestCertificates {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    const remove = () => rmSync(dir, { recursive: true, force: true });
    try {
        const file = (name: string) => path.join(dir, name);
        const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", file("ca.key"), "-out", file("ca.pem"), "-days", "2", "-subj", `/CN=aws-root-mfa ${prefix} CA`,
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", file("leaf.key"), "-out", file("leaf.csr"), "-subj", "/CN=127.0.0.1");
        writeFileSync(file("leaf.ext"), `subjectAltName=${subjectAltName}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
        openssl("x509", "-req", "-in", file("leaf.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-CAcreateserial", "-out", file("leaf.pem"), "-days", "2", "-extfile", file("leaf.ext"));
        // The CA's key is not needed again: nothing else can be signed with it.
        rmSync(file("ca.key"));
        return { caFile: file("ca.pem"), key: readFileSync(file("leaf.key")), cert: readFileSync(file("leaf.pem")), remove };
    } catch (e) {
        remove();
        const why = (e as { code?: string }).code === "ENOENT" ? "openssl is not installed" : (e as Error).message;
        throw new Error(`the local endpoint's test certificate could not be made (${why})`);
    }
}
