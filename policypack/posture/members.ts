/**
 * An organization's accounts, read once from its management account or IAM delegated
 * administrator: who is asking (sts:GetCallerIdentity), the organization
 * (organizations:DescribeOrganization), every member (organizations:ListAccounts, every page) and
 * the centralized root access features (iam:ListOrganizationsFeatures), all four at once.
 */
import type { Target } from "../discover/target";
import { type Identity, type Outcome, identify, step } from "./calls";
import { MalformedAnswerError } from "./failure";
import { type FeaturesAnswer, describeMembership, listOrganizationFeatures } from "./organization";
import { organizations } from "./sdk";
import type { PostureSession } from "./session";

/** One account as organizations:ListAccounts describes it. */
export interface OrganizationMember {
    accountId: string;
    name: string;
    /** ListAccounts' State (else its deprecated Status): ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED, PENDING_ACTIVATION. */
    status: string;
}

/** What the listing found. */
export interface OrganizationListing {
    caller: Identity;
    organizationId: string;
    managementAccountId: string;
    /** Every account of the organization, the management account included, in the order listed. */
    members: OrganizationMember[];
    features: Outcome<FeaturesAnswer>;
    /** When the listing finished (ISO 8601, UTC). */
    listedAt: string;
}

// A page bound: ListAccounts returns at most 20 a page; an organization holds at most a few
// thousand accounts by default (10,000 by quota increase).
const MAX_PAGES = 5_000;

/** Who lists, and the organization: what is known before (and while) its members are listed. */
export type OrganizationHead = Omit<OrganizationListing, "members" | "listedAt">;

/** A listing under way: its head, then every member, page by page. */
export interface ListingRun {
    head: Promise<Outcome<OrganizationHead>>;
    /** Every member once all pages are listed (or the first failure); each page was also handed to `onPage` as it came. */
    members: Promise<Outcome<OrganizationMember[]>>;
    /** Lists no further page. */
    stop(): void;
}

/**
 * Starts listing the organization the target's credentials manage: sts:GetCallerIdentity,
 * organizations:DescribeOrganization and iam:ListOrganizationsFeatures at once with the first
 * page of organizations:ListAccounts, then page after page (a page needs the last one's token),
 * each handed to `onPage` as it comes so the members can be read meanwhile. The calls are bounded
 * by timeoutSeconds each, never by a stack analysis's deadline.
 */
export function startListing(session: PostureSession, target: Target, onPage: (members: OrganizationMember[]) => void = () => undefined): ListingRun {
    let stopped = false;
    const head = Promise.all([
        session.callOutsideStack(target, { kind: "identify" }, (clients, signal) => identify(clients, signal)),
        session.callOutsideStack(target, { kind: "describe-organization" }, (clients, signal) => describeMembership(clients, "", signal)),
        session.callOutsideStack(target, { kind: "organization-features" }, (clients, signal) => listOrganizationFeatures(clients, "the listing account", signal)),
    ]).then(([caller, organization, features]): Outcome<OrganizationHead> => {
        if (!caller.ok) {
            return caller;
        }
        if (!organization.ok) {
            return organization;
        }
        const org = organization.value;
        if (org.kind === "standalone") {
            return { ok: false, failure: { kind: "unexpected", step: { kind: "describe-organization" }, code: "AWSOrganizationsNotInUseException", detail: `account ${caller.value.accountId} is not in an AWS Organization` } };
        }
        return { ok: true, value: { caller: caller.value, organizationId: org.organizationId, managementAccountId: org.managementAccountId, features } };
    });
    const members = listAccounts(session, target, onPage, () => stopped);
    return { head, members, stop: () => (stopped = true) };
}

/** Lists the organization the target's credentials manage, every page. Fails with the first step that failed. */
export async function listOrganization(session: PostureSession, target: Target): Promise<Outcome<OrganizationListing>> {
    const run = startListing(session, target);
    const [head, members] = await Promise.all([run.head, run.members]);
    if (!head.ok) {
        return head;
    }
    if (!members.ok) {
        return members;
    }
    return { ok: true, value: { ...head.value, members: members.value, listedAt: new Date().toISOString() } };
}

/** organizations:ListAccounts, every page, each page one bounded unit of work. */
async function listAccounts(session: PostureSession, target: Target, onPage: (members: OrganizationMember[]) => void, stopped: () => boolean): Promise<Outcome<OrganizationMember[]>> {
    const members: OrganizationMember[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES && !stopped(); page += 1) {
        const before = members.length;
        const next = await session.callOutsideStack(target, { kind: "list-accounts" }, (clients, signal) => step({ kind: "list-accounts" }, async () => {
            const out = await clients.organizations.send(new (organizations().ListAccountsCommand)({ NextToken: token }), { abortSignal: signal });
            for (const a of out.Accounts ?? []) {
                if (!a.Id || !/^\d{12}$/.test(a.Id)) {
                    throw new MalformedAnswerError("organizations:ListAccounts returned an account without a 12-digit id");
                }
                if (!seen.has(a.Id)) {
                    seen.add(a.Id);
                    // State replaces the deprecated Status (AWS sends both); CLOSED appears only in State.
                    members.push({ accountId: a.Id, name: a.Name ?? "", status: a.State ?? a.Status ?? "UNKNOWN" });
                }
            }
            return out.NextToken;
        }));
        if (!next.ok) {
            return next;
        }
        onPage(members.slice(before));
        token = next.value;
        if (!token) {
            return { ok: true, value: members };
        }
    }
    if (stopped()) {
        return { ok: true, value: members };
    }
    return { ok: false, failure: { kind: "malformed-response", step: { kind: "list-accounts" }, code: "TooManyPages", detail: `organizations:ListAccounts returned more than ${MAX_PAGES} pages` } };
}
