import { randomBytes, randomInt, randomUUID } from "node:crypto";

const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** `n` random characters from `[A-Z0-9]`, as used in AWS key and unique ids. */
export function randomUpperAlnum(n: number): string {
    let out = "";
    for (let i = 0; i < n; i++) {
        out += UPPER_ALNUM[randomInt(UPPER_ALNUM.length)];
    }
    return out;
}

/** An access key id: `AKIA…` for long-term user keys, `ASIA…` for STS session keys (20 chars). */
export function newAccessKeyId(prefix: "AKIA" | "ASIA"): string {
    return prefix + randomUpperAlnum(16);
}

/** A 40-character secret access key (base64 alphabet, like AWS's). */
export function newSecretAccessKey(): string {
    return randomBytes(30).toString("base64");
}

/** An IAM unique id (21 chars): `AIDA…` for users, `AROA…` for roles. */
export function newUniqueId(prefix: "AIDA" | "AROA"): string {
    return prefix + randomUpperAlnum(17);
}

/** An opaque STS session token. */
export function newSessionToken(): string {
    return randomBytes(96).toString("base64");
}

/** A request id for `x-amzn-RequestId` and `<RequestId>`. */
export function newRequestId(): string {
    return randomUUID();
}

/** A signing certificate id (IAM's are 24–128 word characters). */
export function newCertificateId(): string {
    return randomUpperAlnum(32);
}

/** The serial number of a hardware TOTP token: `GAHT` and 8 digits, as on the tokens sold for AWS. */
export function newHardwareMfaSerial(): string {
    return `GAHT${String(randomInt(100_000_000)).padStart(8, "0")}`;
}
