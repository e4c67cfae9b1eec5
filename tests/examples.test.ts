/**
 * examples/policy-config.json is the README's reference config: it sets every policy's enforcement
 * level and every shared setting once, passes the policies' config schemas as the Pulumi CLI checks
 * them, and is read by the pack's own config reader, each policy taking the shared settings. A
 * property added to a schema fails here until the example sets it.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { policies } from "../policypack/pack";
import { readCommonConfig } from "../policypack/config";
import { resolvePolicyConfig } from "../policypack/cli/config";
import { SHARED_SETTINGS, notePackConfig, withSharedSettings } from "../policypack/sharedConfig";

function withoutLevel(entry: Record<string, unknown>): Record<string, unknown> {
    const { enforcementLevel: _level, ...properties } = entry;
    return properties;
}

const EXAMPLE = path.resolve(__dirname, "..", "examples", "policy-config.json");

describe("examples/policy-config.json", () => {
    const example = JSON.parse(readFileSync(EXAMPLE, "utf8")) as Record<string, Record<string, unknown>>;

    it("configures every policy of the pack, and nothing else", () => {
        assert.deepEqual(Object.keys(example).sort(), policies.map((p) => p.name).sort());
    });

    it("sets the shared settings once, in aws-root-mfa-enabled: every property of the common schema", () => {
        const { enforcementLevel, ...properties } = example["aws-root-mfa-enabled"];
        assert.equal(enforcementLevel, "mandatory");
        assert.deepEqual(Object.keys(properties).sort(), [...SHARED_SETTINGS].sort());
        for (const policy of policies) {
            assert.deepEqual(Object.keys(policy.configSchema?.properties ?? {}).sort(), [...SHARED_SETTINGS].sort(), `${policy.name} declares exactly the shared settings`);
        }
    });

    for (const policy of policies) {
        describe(policy.name, () => {
            it("sets its default enforcement level", () => {
                assert.equal(example[policy.name].enforcementLevel, policy.enforcementLevel);
            });

            it("reads the shared settings as written, though it sets them only once", () => {
                notePackConfig(new Map(Object.entries(example).map(([name, entry]) => [name, withoutLevel(entry)])));
                try {
                    const config = readCommonConfig(withSharedSettings(withoutLevel(example[policy.name])).raw);
                    const shared = example["aws-root-mfa-enabled"];
                    assert.deepEqual(config.exemptions.map((e) => e.accountId), ["555555555555", "666666666666"]);
                    assert.equal(config.organizationRoleFor("o-exampleorg1"), "arn:aws:iam::111111111111:role/RootMfaPolicyPackOrgRead");
                    assert.equal(config.auditRoleFor({ accountId: "222222222222", partition: "aws" }), "arn:aws:iam::222222222222:role/RootMfaAudit");
                    assert.deepEqual(config.posture.trust.trustedEndpoints, shared.trustedEndpoints);
                    assert.equal(config.posture.timeoutSeconds, shared.timeoutSeconds);
                    assert.equal(config.posture.concurrency, shared.concurrency);
                } finally {
                    notePackConfig(new Map());
                }
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
