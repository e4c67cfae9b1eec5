/**
 * The organization side of an account's posture: whether the account belongs to an AWS
 * Organization (and whether it is its management account), and which centralized root access
 * features that organization has enabled.
 */
import type { AccountClients, Outcome } from "./calls";
import { step } from "./calls";
import { CheckFailure, MalformedAnswerError } from "./failure";
import { iam, organizations } from "./sdk";

/** Where an account stands in AWS Organizations. */
export type Membership =
    | { kind: "standalone" }
    | { kind: "management"; organizationId: string; managementAccountId: string; listedBy?: string }
    /** `listedBy`: known from organizations:ListAccounts by this account (check --organization), not from DescribeOrganization. */
    | { kind: "member"; organizationId: string; managementAccountId: string; listedBy?: string };

/** Centralized root access features, as `iam:ListOrganizationsFeatures` names them. */
export type OrganizationFeature = "RootCredentialsManagement" | "RootSessions";

/**
 * What the organization's centralized root access configuration is, as far as it could be learnt:
 * - `known`: read from the management or delegated-admin account;
 * - `off`: the organization cannot have it (IAM trusted access disabled, or not all features);
 * - `not-permitted`: the account asked is neither management nor delegated admin.
 */
export type FeaturesAnswer =
    | { kind: "known"; organizationId: string; features: OrganizationFeature[] }
    | { kind: "off"; organizationId?: string; why: string }
    | { kind: "not-permitted" };

/** organizations:DescribeOrganization, seen from `accountId`. */
export async function describeMembership(clients: AccountClients, accountId: string, signal: AbortSignal, via?: string): Promise<Outcome<Membership>> {
    return step({ kind: "describe-organization", via }, async () => {
        try {
            const out = await clients.organizations.send(new (organizations().DescribeOrganizationCommand)({}), { abortSignal: signal });
            const org = out.Organization;
            if (!org?.Id || !org.MasterAccountId) {
                throw new MalformedAnswerError("organizations:DescribeOrganization returned no organization id or management account");
            }
            return {
                kind: org.MasterAccountId === accountId ? "management" : "member",
                organizationId: org.Id,
                managementAccountId: org.MasterAccountId,
            };
        } catch (e) {
            if (errorName(e) === "AWSOrganizationsNotInUseException") {
                return { kind: "standalone" };
            }
            throw e;
        }
    });
}

/** iam:ListOrganizationsFeatures from an account that may be the management or delegated-admin account. */
export async function listOrganizationFeatures(clients: AccountClients, via: string, signal: AbortSignal): Promise<Outcome<FeaturesAnswer>> {
    return step({ kind: "organization-features", via }, async () => {
        try {
            const out = await clients.iam.send(new (iam().ListOrganizationsFeaturesCommand)({}), { abortSignal: signal });
            if (!out.OrganizationId) {
                throw new MalformedAnswerError("iam:ListOrganizationsFeatures returned no organization id");
            }
            const features = (out.EnabledFeatures ?? []).filter((f): f is OrganizationFeature =>
                f === "RootCredentialsManagement" || f === "RootSessions");
            return { kind: "known", organizationId: out.OrganizationId, features };
        } catch (e) {
            switch (errorName(e)) {
                case "AccountNotManagementOrDelegatedAdministratorException":
                    return { kind: "not-permitted" };
                case "ServiceAccessNotEnabledException":
                    return { kind: "off", why: "trusted access for AWS IAM is not enabled in the organization, which centralized root access requires" };
                case "OrganizationNotInAllFeaturesModeException":
                    return { kind: "off", why: "the organization does not have all features enabled, which centralized root access requires" };
                default:
                    throw e;
            }
        }
    });
}

/** The name of an SDK error (its AWS error code), if it has one. */
export function errorName(e: unknown): string | undefined {
    return typeof e === "object" && e !== null && typeof (e as { name?: unknown }).name === "string" ? (e as { name: string }).name : undefined;
}

/** The organization's centralized root access configuration as the policies use it. */
export type OrganizationFeatures =
    | { status: "confirmed"; features: OrganizationFeature[]; via: string }
    | { status: "off"; why: string; via: string }
    /** Asked, but from an account that may not answer, or through a role of another organization. */
    | { status: "unconfirmed"; why: string; via: string }
    | { status: "failed"; failure: CheckFailure };

/** Turns the answer for `organizationId`, read through `via`, into what the policies use. */
export function featuresOf(organizationId: string, answer: Outcome<FeaturesAnswer>, via: string, roleConfigured: boolean): OrganizationFeatures {
    if (!answer.ok) {
        return { status: "failed", failure: answer.failure };
    }
    const a = answer.value;
    switch (a.kind) {
        case "not-permitted":
            return {
                status: "unconfirmed",
                via,
                why: roleConfigured
                    ? `${via} is neither the management account nor the IAM delegated administrator of ${organizationId}`
                    : `no organizationRoleArn is configured for ${organizationId}, and ${via} is neither its management account nor its IAM delegated administrator`,
            };
        case "off":
            return { status: "off", why: a.why, via };
        case "known":
            return a.organizationId === organizationId
                ? { status: "confirmed", features: a.features, via }
                : { status: "unconfirmed", via, why: `${via} answers for organization ${a.organizationId}, not ${organizationId}; map each organization id to its own role in organizationRoleArn` };
    }
}
