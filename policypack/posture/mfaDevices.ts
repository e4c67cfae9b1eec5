/** The account's assigned virtual MFA devices (iam:ListVirtualMFADevices), every page. */
import type { AccountClients, Outcome } from "./calls";
import { step } from "./calls";
import { MalformedAnswerError } from "./failure";
import { iam } from "./sdk";

/** One assigned virtual MFA device: its serial number and the ARN of the user it is assigned to. */
export interface VirtualMfaDevice {
    serialNumber: string;
    /** The assigned user's ARN as AWS returned it (`arn:<partition>:iam::<account>:root` for the root user). */
    userArn?: string;
}

// IAM's largest page; an account has at most a few thousand devices, so this bounds an endpoint
// that never stops saying "truncated".
const PAGE_SIZE = 1000;
const MAX_PAGES = 100;

/** iam:ListVirtualMFADevices with AssignmentStatus=Assigned, following Marker until IsTruncated is false. */
export async function listAssignedVirtualMfaDevices(clients: AccountClients, signal: AbortSignal, via?: string): Promise<Outcome<VirtualMfaDevice[]>> {
    return step({ kind: "virtual-mfa-devices", via }, async () => {
        const devices: VirtualMfaDevice[] = [];
        let marker: string | undefined;
        for (let page = 0; page < MAX_PAGES; page++) {
            const out = await clients.iam.send(new (iam().ListVirtualMFADevicesCommand)({ AssignmentStatus: "Assigned", MaxItems: PAGE_SIZE, Marker: marker }), { abortSignal: signal });
            for (const d of out.VirtualMFADevices ?? []) {
                if (!d.SerialNumber) {
                    throw new MalformedAnswerError("iam:ListVirtualMFADevices returned a device without a serial number");
                }
                devices.push({ serialNumber: d.SerialNumber, userArn: d.User?.Arn });
            }
            if (!out.IsTruncated) {
                return devices;
            }
            if (!out.Marker || out.Marker === marker) {
                throw new MalformedAnswerError("iam:ListVirtualMFADevices said the list goes on but gave no new Marker");
            }
            marker = out.Marker;
        }
        throw new MalformedAnswerError(`iam:ListVirtualMFADevices did not end within ${MAX_PAGES} pages`);
    });
}
