/**
 * examples/policy-config.json is the README's reference config: it must set every option of every
 * policy, pass the policies' config schemas as the Pulumi CLI checks them, and be read by the
 * pack's own config reader. A property added to a schema fails here until the example sets it.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { policies } from "../policypack/pack";
import { readCommonConfig } from "../policypack/config";
import { resolvePolicyConfig } from "../policypack/cli/config";

const EXAMPLE = path.resolve(__dirname, "..", "examples", "policy-config.json");

describe("examples/policy-config.json", () => {
    const example = JSON.parse(readFileSync(EXAMPLE, "utf8")) as Record<string, Record<string, unknown>>;

    it("configures every policy of the pack, and nothing else", () => {
        assert.deepEqual(Object.keys(example).sort(), policies.map((p) => p.name).sort());
    });

    for (const policy of policies) {
        describe(policy.name, () => {
            it("sets its enforcement level and every property of its config schema", () => {
                const entry = example[policy.name];
                const { enforcementLevel, ...properties } = entry;
                assert.equal(enforcementLevel, policy.enforcementLevel);
                assert.deepEqual(Object.keys(properties).sort(), Object.keys(policy.configSchema?.properties ?? {}).sort());
            });

            it("is read by the pack's config reader as written", () => {
                const config = readCommonConfig(example[policy.name]);
                assert.deepEqual(config.exemptions.map((e) => e.accountId), ["555555555555", "666666666666"]);
                assert.equal(config.organizationRoleFor("o-exampleorg1"), "arn:aws:iam::111111111111:role/RootMfaPolicyPackOrgRead");
                assert.equal(config.auditRoleFor({ accountId: "222222222222", partition: "aws" }), "arn:aws:iam::222222222222:role/RootMfaAudit");
                assert.equal(config.posture.timeoutSeconds, example[policy.name].timeoutSeconds);
                assert.equal(config.posture.concurrency, example[policy.name].concurrency);
            });
        });
    }

    it("passes every policy's config schema, as the Pulumi CLI validates it", () => {
        const resolved = resolvePolicyConfig(policies, EXAMPLE);
        for (const policy of policies) {
            assert.equal(resolved.get(policy.name)?.enforcementLevel, policy.enforcementLevel);
        }
    });
});
