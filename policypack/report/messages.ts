/**
 * The words a user reads: one message per account (or per provider that could not be placed in an
 * account), naming the account, the providers that target it, what was found and how to fix it.
 */
import { AWS_NATIVE_PROVIDER_TYPE, InvalidProvider, ProviderRef } from "../discover/providers";
import type { CheckFailure } from "../posture/failure";
import type { AccountSummary } from "../posture/calls";
import type { ExemptionStatus } from "../verdict/exemptions";
import { explainFailure } from "./failures";
import { EndpointOverride, originOf } from "../posture/trust";

const MAX_LISTED_PROVIDERS = 10;

/** Names providers the way the user declared them. */
export function describeProviders(providers: readonly ProviderRef[]): string {
    const names = providers.slice(0, MAX_LISTED_PROVIDERS).map((p) => {
        const kind = p.type === AWS_NATIVE_PROVIDER_TYPE ? "aws-native provider" : "provider";
        return p.isDefault ? `default ${kind} "${p.name}" (from ${p.type === AWS_NATIVE_PROVIDER_TYPE ? "aws-native" : "aws"}:* stack config)` : `${kind} "${p.name}"`;
    });
    const more = providers.length - MAX_LISTED_PROVIDERS;
    return more > 0 ? `${names.join(", ")} and ${more} more` : names.join(", ");
}

/** The account summary entries as evidence: raw values and when they were read. */
export function describeEvidence(summary: AccountSummary, entries: readonly string[]): string {
    const values = entries.map((key) => {
        const v = (summary.entries as Record<string, number | undefined>)[key];
        return `${key}=${v === undefined ? "(missing)" : v}`;
    });
    return `iam:GetAccountSummary at ${summary.readAt} returned ${values.join(", ")}`;
}

/** A sentence about an exemption that no longer applies; empty when there is none. */
export function describeExpiredExemption(exemption: ExemptionStatus): string {
    return exemption.status === "expired"
        ? `\nExemption: the exemption for this account ("${exemption.exemption.reason}") expired on ${exemption.exemption.expires}; renew it in the policy config or fix the account.`
        : "";
}

/** The lines of a message, without empty ones. */
export function lines(...parts: Array<string | undefined | false>): string {
    return parts.filter((p): p is string => typeof p === "string" && p !== "").join("\n");
}

/** A provider whose account could not be identified: it fails closed. */
export function unidentifiedMessage(providers: readonly ProviderRef[], failure: CheckFailure): string {
    const { happened, todo } = explainFailure(failure);
    return lines(
        `The AWS account of ${describeProviders(providers)} could not be determined, so its root user could not be checked; the policy fails closed.`,
        `What happened: ${happened}.`,
        `What to do: ${todo}.`,
    );
}

/** A provider with a malformed input: it fails closed. */
export function invalidProviderMessage(p: InvalidProvider): string {
    return lines(
        `The AWS account of ${describeProviders([p.provider])} could not be determined, so its root user could not be checked; the policy fails closed.`,
        `What happened: the provider's ${p.error.message}.`,
        `What to do: correct that input of the provider (in code, or in aws:* stack config for a default provider) so that the AWS provider itself can use it.`,
    );
}

/**
 * A provider with an input still unknown in an update (or in a check outside preview): every
 * input is known by then, so it fails closed rather than waiting for a value that will not come.
 */
export function unknownInUpdateMessage(provider: ProviderRef, inputs: readonly string[]): string {
    const which = inputs.map((i) => `"${i}"`).join(", ");
    return lines(
        `The AWS account of ${describeProviders([provider])} was not checked: its input${inputs.length === 1 ? "" : "s"} ${which} ${inputs.length === 1 ? "is" : "are"} unknown in an update, where every input of a provider is known before it is used; the policy fails closed.`,
        "What to do: make the input a value known when the provider is created (not the output of a resource created in the same update), then run the update again.",
    );
}

/** A provider an untrusted endpoint override would send elsewhere: no request was made; it fails closed. */
export function untrustedEndpointMessage(providers: readonly ProviderRef[], override: EndpointOverride): string {
    const origin = originOf(override.url) ?? "a URL that is not http(s)";
    return lines(
        `The AWS account of ${describeProviders(providers)} was not checked: ${override.source} sends its ${override.services.join("/")} requests to ${origin}, which is neither a genuine AWS endpoint nor listed in trustedEndpoints in the policy config, so the pack sent it no request; the policy fails closed.`,
        `What to do: remove that endpoint override; or, if ${origin} is an endpoint you trust (a private AWS-compatible endpoint such as LocalStack, a proxy endpoint of your own), the administrator who enables this policy pack adds it to trustedEndpoints in the config of each of its policies.`,
    );
}

/** The account check that did not finish before the run's deadline: it fails closed. */
export function deadlineMessage(accountId: string, providers: readonly ProviderRef[], subject: string, seconds: number): string {
    return lines(
        `Account ${accountId}: ${subject} could not be checked in time, so this policy fails closed.`,
        `Targeted by: ${describeProviders(providers)}.`,
        `What happened: AWS did not answer within the run's limit (2 × timeoutSeconds + 1 s, with timeoutSeconds = ${seconds}).`,
        "What to do: check that this machine reaches the AWS STS, IAM and Organizations endpoints (proxy, firewall, VPC endpoints), or raise `timeoutSeconds` in this policy's config.",
    );
}

/** An account whose posture could not be read: it fails closed. */
export function undeterminedMessage(accountId: string, providers: readonly ProviderRef[], failure: CheckFailure, subject: string): string {
    const { happened, todo } = explainFailure(failure);
    return lines(
        `Account ${accountId}: ${subject} could not be checked, so this policy fails closed.`,
        `Targeted by: ${describeProviders(providers)}.`,
        `What happened: ${happened}.`,
        `What to do: ${todo}.`,
    );
}
