/**
 * Reads of one account, as plain requests and plain answers, so they can run on a worker thread:
 * resolve the target's credentials (cached per target), make clients, make the one call, release
 * the clients — all under the per-unit deadline.
 */
import type { Target } from "../discover/target";
import { AccountClients, Outcome, identify, makeClients, readAccountSummary, resolveCredentials } from "./calls";
import { Step, classifyFailure } from "./failure";
import { withDeadline } from "./limits";
import { describeMembership, listOrganizationFeatures } from "./organization";
import type { CallLimits, Credentials } from "./sdk";

/** One read, named by the step it is. */
export type ReadRequest =
    | { kind: "identify" }
    | { kind: "account-summary"; via?: string }
    | { kind: "describe-organization"; accountId: string; via?: string }
    | { kind: "organization-features"; via: string };

/** Performs reads; in the pack, on a worker thread (posture/workerReader.ts). */
export interface AccountReader {
    read(target: Target, request: ReadRequest, limits: CallLimits, timeoutSeconds: number): Promise<Outcome<unknown>>;
}

// Temporary credentials last an hour; a process is never trusted with them for long.
const CREDENTIALS_TTL_MS = 5 * 60_000;

/** Performs reads in this thread. */
export class LocalReader implements AccountReader {
    private readonly credentials = new Map<string, { at: number; outcome: Promise<Outcome<Credentials>> }>();

    read(target: Target, request: ReadRequest, limits: CallLimits, timeoutSeconds: number): Promise<Outcome<unknown>> {
        const s = stepOf(request);
        return withDeadline(timeoutSeconds, async (signal) => {
            const creds = await this.credentialsOf(target, limits, signal);
            if (!creds.ok) {
                return creds;
            }
            const clients = makeClients(target, creds.value, limits);
            try {
                return await perform(clients, request, signal);
            } finally {
                clients.destroy();
            }
        }).catch((e): Outcome<unknown> => ({ ok: false, failure: classifyFailure(s, e) }));
    }

    private credentialsOf(target: Target, limits: CallLimits, signal: AbortSignal): Promise<Outcome<Credentials>> {
        const cached = this.credentials.get(target.key);
        if (cached && Date.now() - cached.at < CREDENTIALS_TTL_MS) {
            return cached.outcome;
        }
        const outcome = resolveCredentials(target, limits, signal);
        this.credentials.set(target.key, { at: Date.now(), outcome });
        return outcome;
    }
}

/** The step a request is, for failures raised around it. */
export function stepOf(request: ReadRequest): Step {
    return request.kind === "describe-organization" ? { kind: request.kind, via: request.via } : request;
}

function perform(clients: AccountClients, request: ReadRequest, signal: AbortSignal): Promise<Outcome<unknown>> {
    switch (request.kind) {
        case "identify":
            return identify(clients, signal);
        case "account-summary":
            return readAccountSummary(clients, signal, request.via);
        case "describe-organization":
            return describeMembership(clients, request.accountId, signal, request.via);
        case "organization-features":
            return listOrganizationFeatures(clients, request.via, signal);
    }
}
