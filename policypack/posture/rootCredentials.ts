/**
 * A member account's root user credentials, through an sts:AssumeRoot session: what exists
 * (IAMAuditRootUserCredentials allows the reads) and deleting one (IAMDeleteRootUserCredentials).
 * Calls name no user: in a root session, IAM acts on the root user.
 */
import type { AccountClients } from "./calls";
import { errorName } from "./organization";
import { iam } from "./sdk";

/** One root credential, as `fix` plans and deletes it. */
export type RootCredentialItem =
    | { kind: "password" }
    | { kind: "access-key"; accessKeyId: string }
    | { kind: "signing-certificate"; certificateId: string }
    | { kind: "mfa-device"; serialNumber: string };

/**
 * The IAM action that removes each kind, in the order `fix` removes them: MFA last, and only once
 * everything else is gone, so that a failure part-way never leaves a password or a key without MFA.
 */
export const REMOVAL: ReadonlyArray<[RootCredentialItem["kind"], string]> = [
    ["access-key", "iam:DeleteAccessKey"],
    ["signing-certificate", "iam:DeleteSigningCertificate"],
    ["password", "iam:DeleteLoginProfile"],
    ["mfa-device", "iam:DeactivateMFADevice"],
];

/** Every root credential of the session's account: password, access keys, signing certificates, MFA devices (every page). */
export async function listRootCredentials(clients: AccountClients, signal: AbortSignal): Promise<RootCredentialItem[]> {
    const m = iam();
    const [password, keys, certificates, devices] = await Promise.all([
        clients.iam.send(new m.GetLoginProfileCommand({}), { abortSignal: signal }).then(() => true, (e: unknown) => {
            if (errorName(e) === "NoSuchEntity" || errorName(e) === "NoSuchEntityException") {
                return false;
            }
            throw e;
        }),
        pages((Marker) => clients.iam.send(new m.ListAccessKeysCommand({ Marker }), { abortSignal: signal }).then((o) => ({ items: (o.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId ?? ""), marker: o.IsTruncated ? o.Marker : undefined }))),
        pages((Marker) => clients.iam.send(new m.ListSigningCertificatesCommand({ Marker }), { abortSignal: signal }).then((o) => ({ items: (o.Certificates ?? []).map((c) => c.CertificateId ?? ""), marker: o.IsTruncated ? o.Marker : undefined }))),
        pages((Marker) => clients.iam.send(new m.ListMFADevicesCommand({ Marker }), { abortSignal: signal }).then((o) => ({ items: (o.MFADevices ?? []).map((d) => d.SerialNumber ?? ""), marker: o.IsTruncated ? o.Marker : undefined }))),
    ]);
    return [
        ...devices.filter(Boolean).map((serialNumber): RootCredentialItem => ({ kind: "mfa-device", serialNumber })),
        ...keys.filter(Boolean).map((accessKeyId): RootCredentialItem => ({ kind: "access-key", accessKeyId })),
        ...certificates.filter(Boolean).map((certificateId): RootCredentialItem => ({ kind: "signing-certificate", certificateId })),
        ...(password ? [{ kind: "password" } as const] : []),
    ];
}

/**
 * Removes one root credential. Resolves `false` when it was already gone (NoSuchEntity): a second
 * run, or another administrator, got there first.
 */
export async function removeRootCredential(clients: AccountClients, item: RootCredentialItem, signal: AbortSignal): Promise<boolean> {
    const m = iam();
    const send = () => {
        switch (item.kind) {
            case "mfa-device":
                return clients.iam.send(new m.DeactivateMFADeviceCommand({ SerialNumber: item.serialNumber }), { abortSignal: signal });
            case "access-key":
                return clients.iam.send(new m.DeleteAccessKeyCommand({ AccessKeyId: item.accessKeyId }), { abortSignal: signal });
            case "signing-certificate":
                return clients.iam.send(new m.DeleteSigningCertificateCommand({ CertificateId: item.certificateId }), { abortSignal: signal });
            case "password":
                return clients.iam.send(new m.DeleteLoginProfileCommand({}), { abortSignal: signal });
        }
    };
    try {
        await send();
        return true;
    } catch (e) {
        if (errorName(e) === "NoSuchEntity" || errorName(e) === "NoSuchEntityException") {
            return false;
        }
        throw e;
    }
}

/** How a credential is named in plans and logs. Access key ids show only their last four characters. */
export function describeRootCredential(item: RootCredentialItem): string {
    switch (item.kind) {
        case "password":
            return "root password";
        case "access-key":
            return `root access key ending in ${item.accessKeyId.slice(-4)}`;
        case "signing-certificate":
            return `root signing certificate ${item.certificateId}`;
        case "mfa-device":
            return `root MFA device ${item.serialNumber}`;
    }
}

// IAM lists hold at most a few entries for root (2 access keys, 2 certificates, 8 MFA devices).
const MAX_PAGES = 20;

async function pages(page: (marker: string | undefined) => Promise<{ items: string[]; marker: string | undefined }>): Promise<string[]> {
    const all: string[] = [];
    let marker: string | undefined;
    for (let i = 0; i < MAX_PAGES; i += 1) {
        const next = await page(marker);
        all.push(...next.items);
        marker = next.marker;
        if (!marker) {
            return all;
        }
    }
    throw new Error(`IAM returned more than ${MAX_PAGES} pages of root credentials`);
}
