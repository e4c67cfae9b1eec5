/**
 * The redactor (issue 17): every message is cleaned of its own providers' secrets and the
 * environment's keys, however many, then of the other providers' secrets; when those are more than
 * the pack checks a message against, or a provider had more than the pack keeps, the message is
 * withheld, never printed half-checked. Secrets reach the pack as the engine sends them: through
 * the collector wrapped around @pulumi/policy's own protobuf messages.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { DiscoveredProvider, isAwsProviderType, readProvider } from "../../policypack/discover/providers";
import { quoted, redactorFor } from "../../policypack/report/redact";
import { MAX_KEPT_VALUES, forgetNotedSecrets, installSecretCollector } from "../../policypack/report/secrets";
import { analyzerMessages } from "../../policypack/analyzerMessages";
import { providerView } from "../support/policyView";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

// google-protobuf as @pulumi/pulumi's analyzer messages load it.
const analyzerPb = require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [path.dirname(require.resolve("@pulumi/policy"))] });
const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.dirname(analyzerPb)] }));

/**
 * A provider as the engine sends it (its secrets noted by the collector) and as a policy then reads
 * it; `unreadable` makes the collector's walk of its inputs fail.
 */
function provider(name: string, inputs: Record<string, unknown>, unreadable = false): DiscoveredProvider {
    const view = providerView(name, inputs);
    const Message = analyzerMessages()!.AnalyzerProviderResource as unknown as new () => Record<string, (v?: unknown) => unknown>;
    const message = new Message();
    message.setType(view.type);
    message.setName(name);
    message.setUrn(view.urn);
    const struct = Struct.fromJavaScript(inputs);
    if (unreadable) {
        struct.toJavaScript = () => {
            throw new RangeError("Maximum call stack size exceeded");
        };
    }
    message.setProperties(struct);
    message.getProperties();
    return readProvider(view);
}

/** `count` distinct strings that occur nowhere else. */
function values(prefix: string, count: number, length = 0): string[] {
    return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(6, "0")}`.padEnd(length, "x"));
}

const ACCOUNT = "123456789012";
const WITHHELD_TAIL = " withheld because the stack's AWS providers carry more secret values than the policy pack can check a message against, so the message could not be made safe to print; the policy fails closed.\nWhat to do: give the stack's AWS providers fewer secret inputs (every string inside a secret list or JSON value counts, e.g. in defaultTags or ignoreTags), then run the check again.";

/** A message as the pack writes one, quoting AWS's words. */
function denial(session: string, extra = ""): string {
    return `Account ${ACCOUNT}: root MFA could not be checked, so this policy fails closed.\nWhat happened: iam:GetAccountSummary was denied (AccessDenied: ${quoted(`User: arn:aws:sts::${ACCOUNT}:assumed-role/Deploy/${session} is not authorized to perform: iam:GetAccountSummary${extra}`)}).`;
}

describe("redaction of secrets across providers (issue 17)", () => {
    before(() => installSecretCollector(isAwsProviderType));
    beforeEach(() => forgetNotedSecrets());
    afterEach(() => forgetNotedSecrets());

    const p2Inputs = { region: "us-east-1", assumeRoles: secret(JSON.stringify([{ roleArn: `arn:aws:iam::${ACCOUNT}:role/Deploy`, sessionName: "p2-secret-session-0042" }])) };

    it("a provider's own secrets are removed however many there are, and its message is not withheld", () => {
        const many = values("own-tag", 10_050);
        const p1 = provider("p1", { region: "us-east-1", defaultTags: secret(JSON.stringify({ tags: Object.fromEntries(many.map((v, i) => [`k${i}`, v])) })) });
        const p2 = provider("p2", p2Inputs);
        const redact = redactorFor([p1, p2], {});
        const out = redact(denial("deploy", ` (tags ${many[0]}, ${many[5_000]}, ${many[10_049]})`), [p1.provider]);
        assert.equal(out, `Account ${ACCOUNT}: root MFA could not be checked, so this policy fails closed.\nWhat happened: iam:GetAccountSummary was denied (AccessDenied: User: arn:aws:sts::${ACCOUNT}:assumed-role/Deploy/deploy is not authorized to perform: iam:GetAccountSummary (tags [redacted], [redacted], [redacted])).`);
    });

    const cases: Array<{ name: string; others: number; withheld: boolean }> = [
        { name: "another provider's secret is removed below the limit", others: 9_990, withheld: false },
        { name: "exactly at the limit (10,000 values of other providers) the message is still checked", others: 10_000, withheld: false },
        { name: "one value above the limit the message is withheld", others: 10_001, withheld: true },
        { name: "10,050 values of another provider: withheld", others: 10_050, withheld: true },
    ];
    for (const c of cases) {
        it(c.name, () => {
            const theirs = values("p1-value", c.others);
            // A secret list: exactly one noted value per entry.
            const p1 = provider("p1", { region: "us-east-1", ignoreTags: { keys: secret(theirs) } });
            const p2 = provider("p2", p2Inputs);
            const redact = redactorFor([p1, p2], {});
            const message = denial("p2-secret-session-0042", ` (read with ${theirs[theirs.length - 1]})`);
            const out = redact(message, [p2.provider]);
            assert.ok(!out.includes("p2-secret-session-0042"), out);
            assert.ok(!out.includes(theirs[theirs.length - 1]), out);
            if (c.withheld) {
                assert.equal(out, `Account ${ACCOUNT} (provider "p2"): the details of this violation were${WITHHELD_TAIL}`);
                assert.match(out.split("\n", 1)[0], /fails closed/);
            } else {
                assert.equal(out, `Account ${ACCOUNT}: root MFA could not be checked, so this policy fails closed.\nWhat happened: iam:GetAccountSummary was denied (AccessDenied: User: arn:aws:sts::${ACCOUNT}:assumed-role/Deploy/[redacted] is not authorized to perform: iam:GetAccountSummary (read with [redacted])).`);
            }
            // p1's own message is checked against p2's few secrets only.
            assert.doesNotMatch(redact(denial("deploy"), [p1.provider]), /withheld/);
        });
    }

    it("the characters of other providers' secrets count too (4,000,000 in all)", () => {
        const p2 = provider("p2", p2Inputs);
        const within = provider("p1", { region: "us-east-1", ignoreTags: { keys: secret(values("long", 2, 1_999_000)) } });
        assert.doesNotMatch(redactorFor([within, p2], {})(denial("x"), [p2.provider]), /withheld/);
        forgetNotedSecrets();
        const beyond = provider("p1", { region: "us-east-1", ignoreTags: { keys: secret(values("long", 2, 2_000_001)) } });
        assert.match(redactorFor([beyond, p2], {})(denial("x"), [p2.provider]), /^Account 123456789012 \(provider "p2"\): the details of this violation were withheld/);
    });

    it("a provider with more secrets than the pack keeps has its own messages withheld too, and so has every other", () => {
        const p1 = provider("p1", { region: "us-east-1", ignoreTags: { keys: secret(values("kept", MAX_KEPT_VALUES + 1)) } });
        const p2 = provider("p2", { region: "us-east-1" });
        const redact = redactorFor([p1, p2], {});
        assert.equal(redact(denial("deploy"), [p1.provider]), `Account ${ACCOUNT} (provider "p1"): the details of this violation were${WITHHELD_TAIL}`);
        assert.equal(redact(denial("deploy"), [p2.provider]), `Account ${ACCOUNT} (provider "p2"): the details of this violation were${WITHHELD_TAIL}`);
    });

    it("a provider whose inputs the collector could not walk to the end has every message withheld, its own and the others'", () => {
        const p1 = provider("p1", { region: "us-east-1", ignoreTags: { keys: secret(["p1-secret-0042"]) } }, true);
        const p2 = provider("p2", p2Inputs);
        const redact = redactorFor([p1, p2], {});
        assert.equal(redact(denial("p1-secret-0042"), [p1.provider]), `Account ${ACCOUNT} (provider "p1"): the details of this violation were${WITHHELD_TAIL}`);
        assert.equal(redact(denial("p1-secret-0042"), [p2.provider]), `Account ${ACCOUNT} (provider "p2"): the details of this violation were${WITHHELD_TAIL}`);
    });

    it("a withheld message names the account when it names one, else the providers it is about, else neither", () => {
        const p1 = provider("p1", { region: "us-east-1", ignoreTags: { keys: secret(values("p1-value", 10_050)) } });
        const p2 = provider("p2", p2Inputs);
        const p3 = provider("p3", { region: "us-east-1" });
        const redact = redactorFor([p1, p2, p3], {});
        assert.equal(
            redact('The AWS account of provider "p2" could not be determined (User: p2-secret-session-0042), so its root user could not be checked; the policy fails closed.', [p2.provider]),
            `The AWS account of provider "p2": the details of this violation were${WITHHELD_TAIL}`,
        );
        assert.equal(redact(denial("p2-secret-session-0042"), [p2.provider, p3.provider]), `Account ${ACCOUNT} (provider "p2", provider "p3"): the details of this violation were${WITHHELD_TAIL}`);
        assert.equal(redact("The aws-root-mfa-enabled policy config is invalid: p1-value-000001.", []), `The details of this violation were${WITHHELD_TAIL}`);
        // About every provider: nothing is another's, so nothing is withheld.
        assert.equal(redact(`All of them: p1-value-000001 and p2-secret-session-0042.`, [p1.provider, p2.provider, p3.provider]), "All of them: [redacted] and [redacted].");
    });

    it("a withheld explanation is itself cleaned of every secret the pack kept", () => {
        const p1 = provider("p1", { region: "us-east-1", ignoreTags: { keys: secret([...values("p1-value", 10_050), "details of this violation"]) } });
        const p2 = provider("p2", p2Inputs);
        const out = redactorFor([p1, p2], {})(denial("p2-secret-session-0042"), [p2.provider]);
        assert.ok(out.startsWith(`Account ${ACCOUNT} (provider "p2"): the [redacted] were withheld`), out);
    });

    it("the environment's keys and proxy credentials are removed, also from a message withheld for another provider's secrets", () => {
        const env = { AWS_ACCESS_KEY_ID: "AKIAENVKEY0000000042", AWS_SECRET_ACCESS_KEY: "env/secret+key/0042", HTTPS_PROXY: "http://env-user:env%20pass%21@proxy:1" };
        const p2 = provider("p2", p2Inputs);
        const own = provider("p1", { region: "us-east-1", ignoreTags: { keys: secret(values("p1-value", 10_050)) } });
        const redact = redactorFor([own, p2], env);
        assert.equal(
            redact(`keys AKIAENVKEY0000000042 / env/secret+key/0042 via env pass! as env-user, p1-value-000007`, [own.provider]),
            "keys [redacted] / [redacted] via [redacted] as [redacted], [redacted]",
        );
        const withheld = redact(`Account ${ACCOUNT}: env/secret+key/0042`, [p2.provider]);
        assert.match(withheld, /withheld/);
        assert.ok(!withheld.includes("env/secret+key/0042"));
    });

    it("a secret inside a longer one is removed with it, longest first: no part of the longer one is left", () => {
        const p1 = provider("p1", { region: "us-east-1", ignoreTags: { keys: secret(["secret", "abcd-secret-long-value", "xxabc-1234", "1234-yyzz"]) } });
        const redact = redactorFor([p1], {});
        assert.equal(redact("a abcd-secret-long-value b secret c", []), "a [redacted] b [redacted] c");
        // Overlapping secrets become one replacement.
        assert.equal(redact("d xxabc-1234-yyzz e", []), "d [redacted] e");
        // Side by side, each is replaced.
        assert.equal(redact("f secretsecret g", []), "f [redacted][redacted] g");
    });

    it("a secret with white space is removed in the form an error gives it once the white space is folded", () => {
        const p1 = provider("p1", { region: "us-east-1", ignoreTags: { keys: secret(["line one\n    line\ttwo  "]) } });
        const redact = redactorFor([p1], {});
        assert.equal(redact("said: line one line two.", []), "said: [redacted].");
        assert.equal(redact("said: line one\n    line\ttwo  .", []), "said: [redacted].");
    });

    it("a secret that is part of a provider's name is left in a message about that provider", () => {
        const p1 = provider("prod-east", { region: "us-east-1", ignoreTags: { keys: secret(["prod-east"]) } });
        const redact = redactorFor([p1], {});
        assert.equal(redact('provider "prod-east" failed', [p1.provider]), 'provider "prod-east" failed');
        assert.equal(redact('provider "prod-east" failed', []), 'provider "[redacted]" failed');
    });

    it("key shapes in quoted text are masked only after every secret is removed", () => {
        const token = "ZZZZ0042longsecrettokenvalue/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        const p1 = provider("p1", { region: "us-east-1", token: secret(token) });
        const out = redactorFor([p1], {})(`token ${quoted(`${token} AKIAABCDEFGHIJKLMNOP ${"Q".repeat(40)}`)}`, []);
        assert.equal(out, "token [redacted] [redacted] [redacted]");
    });
});
