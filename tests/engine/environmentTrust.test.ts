/**
 * The environment is the stack's (issue 17): the Pulumi CLI copies the stack's ESC
 * environmentVariables into the pack's environment, so nothing the environment (or the stack)
 * sets may decide what the pack trusts. A CA bundle it names adds no trust, a credentials server
 * or metadata endpoint it names is not asked unless AWS documents it or the policy config trusts
 * it, and a proxy (the environment's or a provider's) only ever carries TLS the pack verifies.
 *
 * Each adversary is a liar on 127.0.0.1 (tests/support/network.ts `startLiar`): it records every
 * connection and request and answers as an attacker would (forged credentials, a root user with
 * MFA). A pack that believed it would clear a noncompliant account; each test asserts that the
 * liar got nothing it could use, and that the account is reported or fails closed, mandatory.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { FakeAws } from "../fake-aws";
import { Diagnostic, PackProcess, StackResource, providerResource, startPack } from "../harness/engine";
import { Liar, LiarConnectMode, TlsFront, startLiar, startTlsFront } from "../support/network";
import { PACK_DIR, awsEnv, diagnosticsOf, freshAccountId, trustingFake } from "../support/world";

const MFA = "aws-root-mfa-enabled";
const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1 };
const CONTAINER_TOKEN = "container-authorization-token-never-sent-0042";

function show(ds: Diagnostic[]): string {
    return ds.map((d) => `[${d.policyName}/${d.enforcementLevel}] ${d.message}`).join("\n---\n");
}

/** The highest resident set size of a process so far (VmHWM), in bytes. */
function peakRss(pid: number): number {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    assert.ok(kb, `no VmHWM for process ${pid}`);
    return Number(kb[1]) * 1024;
}

/** Asserts the liar got nothing: no connection, no request, no CONNECT. */
function untouched(liar: Liar): void {
    assert.deepEqual(liar.requests.map((r) => `${r.method} ${r.url}`), [], "requests reached the liar");
    assert.deepEqual(liar.connects, [], "CONNECTs reached the liar");
    assert.deepEqual(liar.connections, [], "connections reached the liar");
}

/**
 * The one aws-root-mfa-enabled diagnostic naming `provider`: mandatory, failing closed (never a
 * verdict on the account, let alone none: no diagnostic would mean the account was cleared).
 */
function failedClosed(ds: Diagnostic[], provider: string): string {
    const mine = diagnosticsOf(ds, MFA).filter((d) => d.message.includes(`provider "${provider}"`));
    assert.equal(mine.length, 1, `expected one ${MFA} diagnostic for provider "${provider}":\n${show(ds)}`);
    assert.equal(mine[0].enforcementLevel, "mandatory");
    assert.match(mine[0].message, /fails closed/);
    assert.doesNotMatch(mine[0].message, /root MFA is not enabled/);
    return mine[0].message;
}

/** The one root MFA violation of `accountId` whose "Targeted by" names `provider`. */
function violation(ds: Diagnostic[], accountId: string, provider: string): string {
    const mine = diagnosticsOf(ds, MFA).filter((d) => d.message.includes(`Account ${accountId} (partition aws): root MFA is not enabled`) && new RegExp(`Targeted by: [^\\n]*provider "${provider}"`).test(d.message));
    assert.equal(mine.length, 1, `expected the violation of ${accountId} attributed to "${provider}":\n${show(ds)}`);
    assert.equal(mine[0].enforcementLevel, "mandatory");
    return mine[0].message;
}

describe("the environment is the stack's: nothing it sets decides trust", function () {
    this.timeout(90_000);
    let fake: FakeAws;
    let front: TlsFront;
    let homeAccount: string;
    let keys: Record<string, string>;
    const packs: PackProcess[] = [];
    const liars: Liar[] = [];

    async function liar(connect?: LiarConnectMode): Promise<Liar> {
        const l = await startLiar({ connect });
        liars.push(l);
        return l;
    }

    /**
     * A pack that reads the TLS front of the local endpoint, as an administrator configures it:
     * the front's URL in trustedEndpoints and its CA in trustedCaBundles (or `bundles`). `env` is
     * added to the deployer's keys.
     */
    async function httpsPack(env: Record<string, string | undefined>, bundles: string[] = [front.caFile]): Promise<PackProcess> {
        const pack = await startPack({ packDir: PACK_DIR, env: awsEnv(fake, { ...keys, AWS_ENDPOINT_URL: front.url, ...env }) });
        packs.push(pack);
        const policies = (await pack.getAnalyzerInfo()).policies.map((p) => p.name);
        await pack.configure(Object.fromEntries(policies.map((p) => [p, { trustedEndpoints: [front.url], trustedCaBundles: bundles }])));
        return pack;
    }

    /** A pack that reads the plain-http local endpoint (in trustedEndpoints); `env` as given (no keys unless it has them). */
    async function httpPack(env: Record<string, string | undefined>): Promise<PackProcess> {
        // Machine-credential settings this machine may have are left out unless the test sets them.
        const machine = { AWS_CONTAINER_AUTHORIZATION_TOKEN: undefined, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: undefined, AWS_METADATA_URL: undefined };
        const pack = await startPack({ packDir: PACK_DIR, env: awsEnv(fake, { ...machine, ...env }) });
        packs.push(pack);
        return trustingFake(pack, fake);
    }

    /** A noncompliant account with a role the deployer may assume, and a provider `name` assuming it. */
    function target(name: string, extra: Record<string, unknown> = {}): { accountId: string; roleArn: string; provider: StackResource } {
        const accountId = freshAccountId();
        fake.addAccount({ id: accountId, summary: NONCOMPLIANT });
        const roleArn = fake.addRole(accountId, "Deploy", { trustedAccounts: [homeAccount] });
        return { accountId, roleArn, provider: providerResource(name, { region: "us-east-1", assumeRoles: JSON.stringify([{ roleArn, sessionName: "deploy" }]), ...extra }) };
    }

    before(async () => {
        fake = await FakeAws.start();
        front = await startTlsFront(Number(new URL(fake.url).port));
        homeAccount = freshAccountId();
        fake.addAccount({ id: homeAccount, summary: { AccountMFAEnabled: 1, AccountPasswordPresent: 1 } });
        const user = fake.addUser(homeAccount, "deployer");
        keys = { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey };
    });
    after(async () => {
        for (const p of packs) {
            await p.close();
        }
        for (const l of liars) {
            await l.close();
        }
        await front?.close();
        await fake?.close();
    });

    describe("a TLS-intercepting proxy the environment names, with its CA", () => {
        for (const variable of ["AWS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"] as const) {
            it(`HTTPS_PROXY plus ${variable} naming the proxy's CA: the proxy decrypts nothing, its forgeries clear nothing`, async () => {
                const interceptor = await liar("intercept");
                const pack = await httpsPack({ HTTPS_PROXY: interceptor.url, [variable]: interceptor.caFile });
                const t = target("prod");
                const callsBefore = fake.calls.length;
                const ds = await pack.analyzeStack([t.provider]);
                const message = failedClosed(ds, "prod");
                assert.match(message, new RegExp(`the TLS certificate of 127\\.0\\.0\\.1:${front.port} could not be verified while assuming role`));
                assert.match(message, /trustedCaBundles in the policy config \(AWS_CA_BUNDLE and NODE_EXTRA_CA_CERTS are not used by the pack/);
                // The proxy was the route (HTTPS_PROXY is followed), but no TLS session with it was accepted.
                assert.ok(interceptor.connects.length > 0 && interceptor.connects.every((c) => c === `CONNECT 127.0.0.1:${front.port}`), interceptor.connects.join("\n"));
                assert.equal(interceptor.handshakes.completed, 0, "a TLS session with the intercepting proxy was accepted");
                assert.deepEqual(interceptor.decrypted.map((r) => r.body), [], "the proxy decrypted requests");
                assert.deepEqual(interceptor.requests, []);
                assert.deepEqual(fake.calls.slice(callsBefore).map((c) => c.action), []);
            });
        }

        it("control: were its CA in trustedCaBundles (the administrator's choice), the same proxy would decrypt and clear the account", async () => {
            const interceptor = await liar("intercept");
            const pack = await httpsPack({ HTTPS_PROXY: interceptor.url }, [front.caFile, interceptor.caFile!]);
            const t = target("prod");
            const ds = await pack.analyzeStack([t.provider]);
            assert.deepEqual(diagnosticsOf(ds, MFA), [], "the forged compliant answer was believed");
            assert.ok(interceptor.handshakes.completed > 0);
            const actions = interceptor.decrypted.map((r) => new URLSearchParams(r.body).get("Action"));
            assert.ok(actions.includes("AssumeRole") && actions.includes("GetAccountSummary"), actions.join(", "));
        });
    });

    describe("a proxy that answers CONNECT itself, with no tunnel and no TLS", () => {
        it("HTTPS_PROXY answering CONNECT with HTTP 201 and a forged AWS answer clears nothing: the account fails closed", async () => {
            const forger = await liar({ forge: 201 });
            const pack = await httpsPack({ HTTPS_PROXY: forger.url });
            const t = target("prod");
            const ds = await pack.analyzeStack([t.provider]);
            assert.ok(forger.connects.length > 0, "the proxy was the route");
            failedClosed(ds, "prod");
        });

        it("a decoy whose httpsProxy forges the CONNECT answer cannot clear the account of the honest provider beside it", async () => {
            const forger = await liar({ forge: 201 });
            const pack = await httpsPack({});
            const t = target("zzz-honest");
            const decoy = providerResource("aaa-decoy", { region: "us-east-1", assumeRoles: JSON.stringify([{ roleArn: t.roleArn, sessionName: "deploy" }]), httpsProxy: forger.url });
            const ds = await pack.analyzeStack([decoy, t.provider]);
            assert.ok(forger.connects.length > 0, "the decoy's proxy was its route");
            const message = violation(ds, t.accountId, "zzz-honest");
            assert.ok(!message.includes("aaa-decoy"), message);
            assert.ok(fake.calls.some((c) => c.action === "GetAccountSummary" && c.accountId === t.accountId), "the honest provider's account was read from the endpoint");
        });
    });

    describe("credential servers the environment names", () => {
        for (const host of ["127.0.0.1", "localhost"]) {
            it(`AWS_CONTAINER_CREDENTIALS_FULL_URI=http://${host}:<port>/creds, with its authorization token, gets no request; the message names the setting`, async () => {
                const server = await liar();
                const uri = `http://${host}:${server.port}/creds`;
                const pack = await httpPack({ AWS_CONTAINER_CREDENTIALS_FULL_URI: uri, AWS_CONTAINER_AUTHORIZATION_TOKEN: CONTAINER_TOKEN });
                const t = target("prod");
                const callsBefore = fake.calls.length;
                const ds = await pack.analyzeStack([t.provider]);
                const message = failedClosed(ds, "prod");
                assert.ok(message.includes(`the pack refused to send a request to http://${host}:${server.port} (set by AWS_CONTAINER_CREDENTIALS_FULL_URI)`), message);
                assert.match(message, /trustedEndpoints/);
                for (const d of ds) {
                    assert.ok(!d.message.includes(CONTAINER_TOKEN), d.message);
                }
                untouched(server);
                assert.deepEqual(fake.calls.slice(callsBefore).map((c) => c.action), [], "nothing was assumed with credentials from nowhere");
            });
        }

        it("control: listed in trustedEndpoints, the same credentials server is asked, with the token", async () => {
            const server = await liar();
            const pack = await httpPack({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.url}/creds`, AWS_CONTAINER_AUTHORIZATION_TOKEN: CONTAINER_TOKEN });
            const policies = (await pack.getAnalyzerInfo()).policies.map((p) => p.name);
            await pack.configure(Object.fromEntries(policies.map((p) => [p, { trustedEndpoints: [fake.url, server.url] }])));
            const t = target("prod");
            // Its forged keys are unknown to the endpoint: the account fails closed all the same.
            failedClosed(await pack.analyzeStack([t.provider]), "prod");
            assert.ok(server.requests.some((r) => r.url === "/creds" && r.headers.authorization === CONTAINER_TOKEN), server.requests.map((r) => r.url).join(", "));
        });

        it("AWS_EC2_METADATA_SERVICE_ENDPOINT (instance metadata not disabled), and a provider's ec2MetadataServiceEndpoint, get no request; each message names its setting", async () => {
            const fromEnv = await liar();
            const fromInput = await liar();
            const pack = await httpPack({ AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: fromEnv.url });
            const viaEnv = target("env-imds");
            const viaInput = target("input-imds", { ec2MetadataServiceEndpoint: fromInput.url });
            const callsBefore = fake.calls.length;
            const ds = await pack.analyzeStack([viaEnv.provider, viaInput.provider]);
            let message = failedClosed(ds, "env-imds");
            assert.ok(message.includes(`the pack refused to send a request to ${fromEnv.url} (set by AWS_EC2_METADATA_SERVICE_ENDPOINT)`), message);
            assert.match(message, /the instance metadata service \(http:\/\/169\.254\.169\.254/);
            message = failedClosed(ds, "input-imds");
            assert.ok(message.includes(`the pack refused to send a request to ${fromInput.url} (set by the provider's ec2MetadataServiceEndpoint)`), message);
            untouched(fromEnv);
            untouched(fromInput);
            assert.deepEqual(fake.calls.slice(callsBefore).map((c) => c.action), []);
        });
    });

    describe("decoy providers with proxies, beside an honest provider, on a trusted plain-http endpoint", () => {
        it("the decoys' httpProxy and httpsProxy receive nothing, and the honest provider's noncompliant account is reported as its own", async () => {
            const proxy = await liar();
            const pack = await httpPack(keys);
            const t = target("zzz-honest");
            const role = JSON.stringify([{ roleArn: t.roleArn, sessionName: "deploy" }]);
            const decoys = [
                providerResource("aaa-decoy-http", { region: "us-east-1", assumeRoles: role, httpProxy: proxy.url }),
                providerResource("aaa-decoy-https", { region: "us-east-1", assumeRoles: role, httpsProxy: proxy.url }),
            ];
            const ds = await pack.analyzeStack([...decoys, t.provider]);
            untouched(proxy);
            const message = violation(ds, t.accountId, "zzz-honest");
            // Answers read over plain http are not shared with providers whose reads differ.
            assert.ok(!message.includes("aaa-decoy"), message);
            // Each decoy read the account directly too, and got the same truth.
            violation(ds, t.accountId, "aaa-decoy-http");
            violation(ds, t.accountId, "aaa-decoy-https");
            assert.equal(diagnosticsOf(ds, MFA).length, 3, show(ds));
        });
    });

    describe("a CA bundle the environment names that is no file to read", () => {
        it("AWS_CA_BUNDLE=/proc/self/pagemap is ignored: the run completes normally, and the pack's memory does not grow", async () => {
            const pack = await httpsPack({ AWS_CA_BUNDLE: "/proc/self/pagemap" });
            const t = target("prod");
            const peakBefore = peakRss(pack.pid);
            const started = Date.now();
            const ds = await pack.analyzeStack([t.provider]);
            const elapsed = Date.now() - started;
            violation(ds, t.accountId, "prod");
            assert.equal(diagnosticsOf(ds, MFA).length, 1, show(ds));
            for (const d of ds) {
                assert.ok(!d.message.includes("pagemap") && !d.message.includes("AWS_CA_BUNDLE"), d.message);
            }
            assert.ok(front.secured.length > 0, "TLS to the endpoint was verified with trustedCaBundles");
            const grown = peakRss(pack.pid) - peakBefore;
            assert.ok(grown < 64 * 1024 * 1024, `the pack's peak RSS grew by ${Math.round(grown / 1048576)} MiB`);
            assert.ok(elapsed < 15_000, `took ${elapsed} ms`);
        });
    });
});
