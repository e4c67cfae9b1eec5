/** What a failed check means for the user: what happened, and what to do about it. */
import { CheckFailure, actionOf } from "../posture/failure";
import { quoted } from "./redact";

/** "What happened" and "what to do" for a failure, in words a user acts on. */
export function explainFailure(failure: CheckFailure): { happened: string; todo: string } {
    const action = actionOf(failure.step);
    const where = stepWords(failure);
    const aws = `(${failure.code}: ${quoted(failure.detail)})`;
    switch (failure.kind) {
        case "no-credentials":
            return {
                happened: `no AWS credentials could be found ${aws}`,
                todo: "run the deployment with the credentials its provider uses (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, an SSO login, or the provider's profile/accessKey inputs); the policy pack process inherits the Pulumi CLI's environment",
            };
        case "invalid-credentials":
            return {
                happened: `AWS rejected the credentials while ${where} ${aws}`,
                todo: failure.step.kind === "credentials"
                    ? "fix the credential source the provider uses (profile, SSO session, credential_process), e.g. refresh it with `aws sso login`, and run again"
                    : "refresh or replace the credentials (expired session, deleted or mistyped access key) and run again",
            };
        case "access-denied":
            return {
                happened: `${action} was denied while ${where} ${aws}`,
                todo: failure.step.kind === "web-identity"
                    ? `make sure the trust policy of ${failure.step.roleArn} trusts the token's identity provider, audience and subject`
                    : failure.step.kind === "assume-role"
                    ? `allow the caller ${action} on ${failure.step.roleArn} and make sure the role's trust policy trusts it (and that any externalId matches)`
                    : `grant ${action} to ${"via" in failure.step && failure.step.via ? failure.step.via : "the identity the provider deploys with"} (the README has the IAM policy to attach)`,
            };
        case "throttled":
            return {
                happened: `AWS kept throttling ${action} while ${where}, beyond the retries allowed ${aws}`,
                todo: "run again; if it persists, lower `concurrency` in this policy's config",
            };
        case "timeout":
            return {
                happened: `AWS did not answer in time while ${where} ${aws}`,
                todo: "check that this machine reaches the AWS STS and IAM endpoints (proxy, firewall, VPC endpoints, AWS_ENDPOINT_URL), or raise `timeoutSeconds` in this policy's config",
            };
        case "network":
            return {
                happened: `the AWS endpoint could not be reached while ${where} ${aws}`,
                todo: "check network access to the AWS STS and IAM endpoints (proxy, DNS, firewall, AWS_ENDPOINT_URL, the provider's endpoints input)",
            };
        case "rejected-request":
            return {
                happened: `AWS rejected a value the provider passed while ${where} ${aws}`,
                todo: "correct the provider input AWS's message names (for example a role's sessionName, duration, policy or tags)",
            };
        case "service-error":
            return {
                happened: `AWS answered with a server error while ${where}, beyond the retries allowed ${aws}`,
                todo: "run again; if it persists, check the AWS Health Dashboard",
            };
        case "malformed-response":
            return {
                happened: `the answer to ${action} could not be read as an AWS response while ${where} ${aws}`,
                todo: "check that AWS_ENDPOINT_URL, the provider's endpoints input and any proxy point at real AWS endpoints",
            };
        case "untrusted-endpoint":
            return {
                happened: `${quoted(failure.detail)}, so no request was sent while ${where}`,
                todo: "remove the endpoint override that points there (the provider's endpoints input, AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_<SERVICE>, or a profile's endpoint_url or services section); if it is a private endpoint you trust, the administrator who enables this policy pack adds its URL to trustedEndpoints in the policy config",
            };
        case "unusable-file":
            return {
                happened: `${quoted(failure.detail)}, so the pack did not read it while ${where}`,
                todo: "point that setting at the real file (a regular file of normal size), or remove it",
            };
        case "unexpected":
            return {
                happened: `an unexpected error occurred while ${where} ${aws}`,
                todo: "run again; if it persists, report it with this message",
            };
    }
}

function stepWords(failure: CheckFailure): string {
    const s = failure.step;
    switch (s.kind) {
        case "credentials":
            return "resolving the provider's credentials";
        case "web-identity":
            return `exchanging the web identity token for role ${s.roleArn} (assumeRoleWithWebIdentity)`;
        case "assume-role":
            return `assuming role ${s.roleArn} (assumeRoles[${s.position}])`;
        case "identify":
            return "identifying the account (sts:GetCallerIdentity)";
        case "account-summary":
            return `reading the account summary${s.via ? ` through ${s.via}` : ""}`;
        case "describe-organization":
            return `reading the account's organization (organizations:DescribeOrganization)${s.via ? ` through ${s.via}` : ""}`;
        case "organization-features":
            return `reading the organization's centralized root access features (iam:ListOrganizationsFeatures${s.via ? ` through ${s.via}` : ""})`;
        case "virtual-mfa-devices":
            return `listing the account's assigned virtual MFA devices (iam:ListVirtualMFADevices)${s.via ? ` through ${s.via}` : ""}`;
    }
}
