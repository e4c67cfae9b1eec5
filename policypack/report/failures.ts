/** What a failed check means for the user: what happened, and what to do about it. */
import { CheckFailure, ROOT_SESSION_VIA, actionOf } from "../posture/failure";
import { quoted } from "./redact";

/** "What happened" and "what to do" for a failure, in words a user acts on. */
export function explainFailure(failure: CheckFailure): { happened: string; todo: string } {
    const action = actionOf(failure.step);
    const where = stepWords(failure);
    const aws = `(${failure.code}: ${quoted(failure.detail)})`;
    switch (failure.kind) {
        case "no-credentials":
            return {
                happened: `no AWS credentials could be obtained: ${sentence(quoted(failure.detail))}`,
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
                    : failure.step.kind === "virtual-mfa-devices" && failure.step.via === ROOT_SESSION_VIA
                    ? "the IAMAuditRootUserCredentials task policy does not allow iam:ListVirtualMFADevices, so this policy cannot read root sessions: check it through a role in each member (`aws-root-mfa check --organization --member-role OrganizationAccountAccessRole`)"
                    : failure.step.kind === "assume-root"
                    ? `sts:AssumeRoot works only for a member account (not the management account) of an organization with centralized root access and root sessions enabled (\`aws-root-mfa fix --enable-central-root\`), called by the management account or the IAM delegated administrator with sts:AssumeRoot allowed on the ${failure.step.task} task policy and not denied by a service or resource control policy; \`check --organization\` can instead read the members through a role of theirs (--member-role)`
                    : failure.step.kind === "root-credentials"
                    ? `in a root session only its task policy limits ${action}: look for a service control policy or resource control policy that denies it in account ${failure.step.accountId}, or do it in the IAM console (Root access management → the account → Take privileged action)`
                    : failure.step.kind === "assume-role" || failure.step.kind === "profile-role"
                    ? `allow the caller ${action} on ${failure.step.roleArn} and make sure the role's trust policy trusts it (and that any externalId matches)`
                    : `grant ${action} to ${"via" in failure.step && failure.step.via ? failure.step.via : "the identity the provider deploys with"} (the README has the IAM policy to attach)`,
            };
        case "throttled":
            return {
                happened: `AWS kept throttling ${action} while ${where}, beyond the retries allowed ${aws}`,
                todo: "run again; if it persists, lower `concurrency` in this policy's config",
            };
        case "timeout":
            if (failure.step.kind === "credentials") {
                return {
                    happened: `the provider's credentials were not resolved in time (${failure.detail}): a credential_process, an SSO login or container credentials took too long; a credential_process still running was ended`,
                    todo: "run the profile's credential source by hand to see where it waits (a credential_process must not wait for input), or raise `timeoutSeconds` in this policy's config",
                };
            }
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
        case "proxy-auth":
            return {
                happened: `the proxy${proxyWords(failure)} asked for credentials (HTTP 407 Proxy Authentication Required) while ${where}, so the request never reached AWS`,
                todo: "give the proxy's user and password in the proxy URL the pack uses (HTTPS_PROXY, or the provider's httpsProxy/httpProxy, as http://user:password@host:port), or ask the network team to let this machine reach the AWS endpoints without proxy authentication",
            };
        case "proxy-tunnel":
            return {
                happened: `the proxy${proxyWords(failure)} refused to open a tunnel${failure.route ? ` to ${failure.route.destination}` : ""} (${quoted(failure.detail)}) while ${where}, so the request never reached AWS and nothing the proxy sent was read`,
                todo: "ask the network team to let this machine (or its proxy) reach the AWS STS, IAM and Organizations endpoints, or set NO_PROXY / the provider's noProxy for endpoints reached without the proxy",
            };
        case "not-aws-answer":
            return {
                happened: `something other than AWS answered while ${where}: ${quoted(failure.detail)}${failure.route ? ` for ${failure.route.destination}` : ""}${proxyWords(failure) ? `, through the proxy${proxyWords(failure)}` : ""} — typically a proxy's or firewall's block page`,
                todo: "ask the network team to allow this machine (or its proxy) to reach the AWS STS, IAM and Organizations endpoints, or set NO_PROXY / the provider's noProxy for endpoints reached without the proxy; check that AWS_ENDPOINT_URL and the provider's endpoints input point at real AWS endpoints",
            };
        case "dns":
            return {
                happened: `the host name ${failure.route?.proxy ? `of the proxy${proxyWords(failure)}` : hostWords(failure).replace(/:\d+$/, "")} could not be resolved while ${where} ${aws}`,
                todo: failure.route?.proxy
                    ? "correct the proxy's host name, or check this machine's DNS"
                    : "check this machine's DNS and network access to AWS; behind a proxy, set HTTPS_PROXY (or the provider's httpsProxy) so the proxy resolves AWS's names",
            };
        case "tls":
            return {
                happened: `the TLS certificate of ${hostWords(failure)} could not be verified while ${where} ${aws}${failure.route?.ignoredCaBundle ? "; the provider's customCaBundle was not used: a stack's inputs cannot add certificate authorities the pack trusts" : ""}`,
                todo: `if this network inspects TLS with a private certificate authority, the administrator who enables this policy pack lists that CA's PEM file in trustedCaBundles in the policy config${process.env.AWS_CA_BUNDLE || process.env.NODE_EXTRA_CA_CERTS ? " (AWS_CA_BUNDLE and NODE_EXTRA_CA_CERTS are not used by the pack: the environment is the stack's to set)" : ""}; otherwise something between this machine and AWS is intercepting its traffic`,
            };
        case "plain-http-port":
            return {
                happened: `https was spoken to ${failure.route?.proxy ? `the proxy${proxyWords(failure)} or ` : ""}${hostWords(failure)}, which answered in plain http (not TLS) while ${where} ${aws}`,
                todo: "use http:// for an endpoint or proxy that serves plain http (a proxy URL usually starts with http://), or the https port of that server",
            };
        case "connection-refused":
            return {
                happened: `${failure.route?.proxy ? `the proxy${proxyWords(failure)}` : hostWords(failure)} refused the connection while ${where} ${aws}`,
                todo: failure.route?.proxy
                    ? "check that the proxy runs and that its URL (host and port) is right"
                    : "check that the endpoint runs and that its URL (AWS_ENDPOINT_URL, the provider's endpoints input, trustedEndpoints) has the right host and port; behind a proxy, set HTTPS_PROXY or the provider's httpsProxy",
            };
        case "proxy-setting":
            return {
                happened: `${failure.detail}, so no request was sent while ${where}`,
                todo: "correct that proxy setting (http://host:port or https://host:port), or remove it",
            };
        case "profile":
            return {
                happened: failure.code === "UnsupportedProfile"
                    ? `the pack cannot resolve this profile exactly as the AWS provider does, so it does not guess: ${sentence(failure.detail)}`
                    : `the shared config could not be used: ${sentence(failure.detail)}`,
                todo: failure.code === "UnsupportedProfile"
                    ? "deploy with a credential source the pack resolves as the provider does (static keys, a role chain, IAM Identity Center, credential_process, web identity, container or instance credentials: see the README's profile table)"
                    : "correct that profile in the shared config or credentials file (the AWS provider fails on it too), or point the provider at the right profile or file",
            };
        case "unexpected":
            return {
                happened: `an unexpected error occurred while ${where} ${aws}`,
                todo: "run again; if it persists, report it with this message",
            };
    }
}

/** A detail that is a sentence of its own, without its final period (the message adds one). */
function sentence(detail: string): string {
    return detail.replace(/\.$/, "");
}

/** ` at host:port (HTTPS_PROXY)`: the proxy a request went through, never its user or password. */
function proxyWords(failure: CheckFailure): string {
    const proxy = failure.route?.proxy;
    return proxy ? ` at ${proxy.address} (${proxy.source})` : "";
}

function hostWords(failure: CheckFailure): string {
    return failure.route ? failure.route.destination : "the AWS endpoint";
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
        case "profile-role":
            return `assuming role ${s.roleArn} (role_arn of profile "${s.profile}" in ${s.file})`;
        case "assume-root":
            return `opening a root session in account ${s.accountId} (sts:AssumeRoot with the ${s.task} task policy)`;
        case "identify":
            return "identifying the account (sts:GetCallerIdentity)";
        case "list-accounts":
            return "listing the organization's accounts (organizations:ListAccounts)";
        case "root-credentials":
            return `working on the root credentials of account ${s.accountId} (${s.action})`;
        case "enable-feature":
            return `enabling centralized root access (${s.action})`;
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
