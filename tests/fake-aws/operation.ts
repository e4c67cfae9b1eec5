import type { FakeAwsState, Principal } from "./state";

/**
 * The services this fake speaks: SigV4 signing names, plus `sso` (the IAM Identity Center
 * portal's GetRoleCredentials, bearer-token auth) and `container` (the ECS/EKS container
 * credentials endpoint).
 */
export type ServiceName = "sts" | "iam" | "organizations" | "sso" | "container";

/** Decoded request parameters: Query form fields, the top level of a JSON body, or URL query parameters (SSO). */
export type Params = Record<string, string>;

/** What a signed operation runs with. */
export interface OperationContext {
    state: FakeAwsState;
    /** The authenticated caller. */
    caller: Principal;
    params: Params;
}

/**
 * An operation of a fake service. `R` is the protocol's result payload: the XML inside
 * `<ActionResult>` for Query, the response object for JSON. Operations throw `AwsError`.
 */
export type Operation<R> =
    | { auth: "sigv4"; run(ctx: OperationContext): R }
    /** Callable without a signature (like sts:AssumeRoleWithWebIdentity); gets no caller. */
    | { auth: "none"; run(ctx: Omit<OperationContext, "caller">): R };
