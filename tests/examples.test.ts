/**
 * examples/policy-config.reference.json is the README's reference config: it sets every policy's
 * enforcement level and every shared setting once, passes the policies' config schemas as the
 * Pulumi CLI checks them, and is read by the pack's own config reader, each policy taking the
 * shared settings. A property added to a schema fails here until the example sets it.
 * examples/policy-config.json, the Quick start's, works as shipped: it names no role, endpoint, CA
 * file or account of someone else's. And examples/package.json pins the versions the pack uses.
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

const EXAMPLE = path.resolve(__dirname, "..", "examples", "policy-config.reference.json");
const QUICK_START = path.resolve(__dirname, "..", "examples", "policy-config.json");

describe("examples/policy-config.json (the Quick start's)", () => {
    const quick = JSON.parse(readFileSync(QUICK_START, "utf8")) as Record<string, Record<string, unknown>>;

    it("sets every policy's default enforcement level and nothing that points at an account, role, endpoint or file", async () => {
        assert.deepEqual(Object.keys(quick).sort(), policies.map((p) => p.name).sort());
        for (const policy of policies) {
            assert.deepEqual(quick[policy.name], { enforcementLevel: policy.enforcementLevel });
        }
        const resolved = await resolvePolicyConfig(policies, QUICK_START);
        for (const policy of policies) {
            const config = readCommonConfig(resolved.get(policy.name)?.properties ?? {});
            assert.deepEqual(config.exemptions, []);
            assert.equal(config.organizationRoleFor("o-exampleorg1"), undefined);
            assert.equal(config.auditRoleFor({ accountId: "222222222222", partition: "aws" }), undefined);
            assert.deepEqual(config.posture.trust.trustedEndpoints, []);
        }
    });
});

describe("examples/package.json", () => {
    it("pins the versions of Pulumi packages and tools that the pack itself uses", () => {
        const read = (file: string) => JSON.parse(readFileSync(file, "utf8")) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
        const pack = read(path.resolve(__dirname, "..", "package.json"));
        const example = read(path.resolve(__dirname, "..", "examples", "package.json"));
        const ours = { ...pack.dependencies, ...pack.devDependencies };
        const theirs = { ...example.dependencies, ...example.devDependencies };
        assert.ok(Object.keys(theirs).length >= 4);
        for (const [name, version] of Object.entries(theirs)) {
            assert.equal(version, ours[name], `examples/package.json pins ${name} ${version}; the pack uses ${ours[name]}`);
        }
    });
});

describe("examples/policy-config.reference.json", () => {
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

    it("passes every policy's config schema, as the Pulumi CLI validates it", async () => {
        const resolved = await resolvePolicyConfig(policies, EXAMPLE);
        for (const policy of policies) {
            assert.equal(resolved.get(policy.name)?.enforcementLevel, policy.enforcementLevel);
        }
    });
});
