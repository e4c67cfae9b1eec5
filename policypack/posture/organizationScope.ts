/**
 * What `aws-root-mfa check --organization` already knows when the policies run: the organization
 * its management account (or IAM delegated administrator) listed, the features read there once,
 * and which providers reach their member through sts:AssumeRoot. Only the CLI sets a scope; within
 * a Pulumi run there is none, and nothing a stack says can create one.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { RootSessionSpec } from "../discover/target";
import type { Outcome } from "./calls";
import type { FeaturesAnswer } from "./organization";

/** An organization, as listed from its management account or IAM delegated administrator. */
export interface OrganizationScope {
    organizationId: string;
    managementAccountId: string;
    /** Every account organizations:ListAccounts returned, by id. */
    members: ReadonlySet<string>;
    /** "management account 111111111111" or "IAM delegated administrator 222222222222": who listed and read. */
    listedBy: string;
    /** iam:ListOrganizationsFeatures, read once by `listedBy`. */
    features: Outcome<FeaturesAnswer>;
    /** Providers (by URN) that read their member account through an sts:AssumeRoot session. */
    rootSessions: ReadonlyMap<string, RootSessionSpec>;
}

const storage = new AsyncLocalStorage<OrganizationScope>();

/** Runs `work` with the organization known: every call it makes, however deep, sees the scope. */
export function withinOrganization<T>(scope: OrganizationScope, work: () => Promise<T>): Promise<T> {
    return storage.run(scope, work);
}

/** The organization of the running `check --organization`, if any. */
export function currentOrganization(): OrganizationScope | undefined {
    return storage.getStore();
}
