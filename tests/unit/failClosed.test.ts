/**
 * `aws-root-mfa check` exits 2 ("could not check") on fail-closed findings and 1 on violations: it
 * tells them apart with the pack's own predicate, which must recognise every fail-closed message
 * the pack builds, and no violation message.
 */
import { strict as assert } from "node:assert";
import type { ProviderRef } from "../../policypack/discover/providers";
import { InputError } from "../../policypack/discover/inputs";
import type { CheckFailure } from "../../policypack/posture/failure";
import { invalidProviderMessage, isFailClosedMessage, undeterminedMessage, unidentifiedMessage } from "../../policypack/report/messages";
import { configErrorMessage, unexpectedErrorMessage } from "../../policypack/policies/stackCheck";
import { ConfigError } from "../../policypack/config";

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
        it(`recognises ${what}`, () => assert.equal(isFailClosedMessage(message), true, message));
    }

    it("does not take a violation for one, even when a later line mentions failing closed", () => {
        const violation = "Account 123456789012 (partition aws): root MFA is not enabled and the root user has a password.\nTargeted by: provider \"prod\".\nNote: an account that cannot be read fails closed.";
        assert.equal(isFailClosedMessage(violation), false);
    });
});
