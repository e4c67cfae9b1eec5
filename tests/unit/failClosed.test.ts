/**
 * Every message about an account or provider that could not be checked says, in its first line,
 * that the policy fails closed — what a user reading `pulumi preview` learns first — and no
 * violation message says so there. (Exit codes no longer read this text: issue 19.)
 */
import { strict as assert } from "node:assert";
import type { ProviderRef } from "../../policypack/discover/providers";
import { InputError } from "../../policypack/discover/inputs";
import type { CheckFailure } from "../../policypack/posture/failure";
import { invalidProviderMessage, undeterminedMessage, unidentifiedMessage } from "../../policypack/report/messages";
import { configErrorMessage, unexpectedErrorMessage } from "../../policypack/policies/stackCheck";
import { ConfigError } from "../../policypack/config";

/** The first line of the message says the policy fails closed. */
function saysFailsClosed(message: string): boolean {
    return message.split("\n", 1)[0].includes("fails closed");
}

const provider: ProviderRef = { urn: "urn:pulumi:dev::app::pulumi:providers:aws::prod", name: "prod", type: "pulumi:providers:aws", isDefault: false, secrets: [] };
const denied: CheckFailure = { kind: "access-denied", step: { kind: "account-summary" }, code: "AccessDenied", detail: "not authorized" };

describe("fail-closed messages", () => {
    const failClosed: Array<[string, string]> = [
        ["an account that could not be read", undeterminedMessage("123456789012", [provider], denied, "root MFA")],
        ["a provider whose account could not be identified", unidentifiedMessage([provider], denied)],
        ["a provider with a malformed input", invalidProviderMessage({ status: "invalid", provider, error: new InputError("assumeRoles", "is not valid JSON") })],
        ["an invalid policy config", configErrorMessage("aws-root-mfa-enabled", new ConfigError("timeoutSeconds", "must be a number from 1 to 300"))],
        ["an unexpected error", unexpectedErrorMessage("aws-root-mfa-enabled", [provider], new TypeError("boom"))],
    ];
    for (const [what, message] of failClosed) {
        it(`recognises ${what}`, () => assert.equal(saysFailsClosed(message), true, message));
    }

    it("does not take a violation for one, even when a later line mentions failing closed", () => {
        const violation = "Account 123456789012 (partition aws): root MFA is not enabled and the root user has a password.\nTargeted by: provider \"prod\".\nNote: an account that cannot be read fails closed.";
        assert.equal(saysFailsClosed(violation), false);
    });
});
