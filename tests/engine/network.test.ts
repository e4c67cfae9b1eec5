/**
 * Behind a corporate network, end to end: proxies from the environment and the provider's inputs,
 * a private CA for TLS, FIPS and dual-stack endpoints, and the failures a network causes. Each
 * environment is its own pack process; every endpoint and proxy is on 127.0.0.1.
 *
 * The environment is the stack's (issue 17): a proxy only carries https (CONNECT, TLS verified end
 * to end against Node's roots and the policy config's trustedCaBundles), plain http always goes
 * direct, and no CA from the environment or the stack is trusted. So proxies are exercised with
 * the TLS front of the local endpoint, its CA listed in trustedCaBundles.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { FakeAws } from "../fake-aws";
import { ssoProfileFiles } from "../fake-aws/sso";
import { Diagnostic, PackProcess, providerResource, secret, startPack } from "../harness/engine";
import { TestProxy, TlsFront, closedPort, startProxy, startTlsFront } from "../support/network";
import { PACK_DIR, awsEnv, diagnosticsOf, freshAccountId, trustingFake } from "../support/world";

const POLICY = "aws-root-mfa-enabled";
const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1 };
const PASSWORD = "pr0xy-Pa55word-never-printed";

/** A home account with a deployer whose keys are the pack's environment credentials. */
function deployer(fake: FakeAws): { homeAccount: string; keys: Record<string, string> } {
    const homeAccount = freshAccountId();
    fake.addAccount({ id: homeAccount, summary: { AccountMFAEnabled: 1, AccountPasswordPresent: 1 } });
    const user = fake.addUser(homeAccount, "deployer");
    return { homeAccount, keys: { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey } };
}

/** A noncompliant account with a role the deployer assumes, and a provider that assumes it. */
function noncompliantTarget(fake: FakeAws, homeAccount: string, name: string, extra: Record<string, unknown> = {}) {
    const accountId = freshAccountId();
    fake.addAccount({ id: accountId, summary: NONCOMPLIANT });
    const roleArn = fake.addRole(accountId, "Deploy", { trustedAccounts: [homeAccount] });
    return { accountId, provider: providerResource(name, { region: "us-east-1", assumeRoles: JSON.stringify([{ roleArn, sessionName: "deploy" }]), ...extra }) };
}

function flagged(ds: Diagnostic[], accountId: string): void {
    const mine = diagnosticsOf(ds, POLICY).filter((d) => d.message.includes(`Account ${accountId} (partition aws): root MFA is not enabled`));
    assert.equal(mine.length, 1, ds.map((d) => d.message).join("\n---\n"));
}

/** The one aws-root-mfa-enabled message, which must not contain the proxy password. */
function onlyMessage(ds: Diagnostic[]): string {
    const mine = diagnosticsOf(ds, POLICY);
    assert.equal(mine.length, 1, ds.map((d) => d.message).join("\n---\n"));
    for (const d of ds) {
        assert.ok(!d.message.includes(PASSWORD) && !d.message.includes("proxyuser"), d.message);
    }
    return mine[0].message;
}

/**
 * The pack trusting the TLS front: its URL in trustedEndpoints, its CA (and `bundles`) in
 * trustedCaBundles, for every policy.
 */
async function trustingFront(pack: PackProcess, front: TlsFront, bundles: string[] = [front.caFile], endpoints: string[] = [front.url]): Promise<PackProcess> {
    const policies = (await pack.getAnalyzerInfo()).policies.map((p) => p.name);
    await pack.configure(Object.fromEntries(policies.map((p) => [p, { trustedEndpoints: endpoints, trustedCaBundles: bundles }])));
    return pack;
}

/** The highest resident set size of a process so far (VmHWM), in bytes. */
function peakRss(pid: number): number {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    assert.ok(kb, `no VmHWM for process ${pid}`);
    return Number(kb[1]) * 1024;
}

describe("behind a proxy (https endpoint, CONNECT)", function () {
    this.timeout(60_000);
    let fake: FakeAws;
    let front: TlsFront;
    let proxy: TestProxy;
    // HTTP_PROXY never carries https: whatever reaches this one is a fault.
    let httpOnly: TestProxy;
    let home: string;
    let homeAccount: string;
    let ssoAccount: string;
    let pack: PackProcess;

    before(async () => {
        fake = await FakeAws.start();
        front = await startTlsFront(Number(new URL(fake.url).port));
        proxy = await startProxy();
        httpOnly = await startProxy();
        home = mkdtempSync(path.join(tmpdir(), "aws-root-mfa-net-"));
        const d = deployer(fake);
        homeAccount = d.homeAccount;
        ssoAccount = freshAccountId();
        fake.addAccount({ id: ssoAccount, summary: NONCOMPLIANT });
        const { configFile } = ssoProfileFiles(home, { fake, profile: "dev", accountId: ssoAccount, roleName: "Admin", token: "sso-access-token-0123456789" });
        pack = await trustingFront(await startPack({
            packDir: PACK_DIR,
            env: awsEnv(fake, { ...d.keys, HOME: home, AWS_CONFIG_FILE: configFile, AWS_ENDPOINT_URL: front.url, HTTPS_PROXY: proxy.url, HTTP_PROXY: httpOnly.url }),
        }), front);
    });
    after(async () => {
        await pack?.close();
        await httpOnly?.close();
        await proxy?.close();
        await front?.close();
        await fake?.close();
        rmSync(home, { recursive: true, force: true });
    });

    it("every call of a run goes through HTTPS_PROXY (CONNECT): STS, IAM, Organizations, SSO and web identity; HTTP_PROXY carries none", async () => {
        const role = noncompliantTarget(fake, homeAccount, "prod");
        const token = "eyJhbGciOiJSUzI1NiJ9.web-identity-token-value-0123456789";
        const webAccount = freshAccountId();
        fake.addAccount({ id: webAccount, summary: NONCOMPLIANT });
        const webRole = fake.addRole(webAccount, "WebDeploy", { webIdentityTokens: [token] });
        const web = providerResource("oidc", { region: "us-east-1", assumeRoleWithWebIdentity: secret(JSON.stringify({ roleArn: webRole, webIdentityToken: token })) });
        const sso = providerResource("sso", { region: "us-east-1", profile: "dev" });
        const callsBefore = fake.calls.length;
        const logBefore = proxy.log.length;
        const ds = await pack.analyzeStack([role.provider, web, sso]);
        flagged(ds, role.accountId);
        flagged(ds, webAccount);
        flagged(ds, ssoAccount);
        const calls = fake.calls.slice(callsBefore);
        for (const action of ["AssumeRole", "AssumeRoleWithWebIdentity", "GetRoleCredentials", "GetAccountSummary", "DescribeOrganization"]) {
            assert.ok(calls.some((c) => c.action === action), `${action} was called`);
        }
        const passed = proxy.log.slice(logBefore);
        assert.ok(passed.length > 0 && passed.every((line) => line === `CONNECT 127.0.0.1:${front.port}`), passed.join("\n"));
        // The proxy only sees tunnels, not requests: every connection the endpoint ever accepted must be one of them.
        assert.ok(front.peers.length > 0);
        const direct = front.peers.filter((peer) => !proxy.tunnels.includes(peer));
        assert.deepEqual(direct, [], `connections that bypassed the proxy (peer ports); tunnels: ${proxy.tunnels.join(", ")}`);
        assert.deepEqual(httpOnly.log, []);
        assert.deepEqual(httpOnly.connections, []);
    });

    it("the provider's noProxy replaces NO_PROXY: listing the endpoint's host:port sends it direct", async () => {
        const role = noncompliantTarget(fake, homeAccount, "direct", { noProxy: `example.com, 127.0.0.1:${front.port}` });
        const logBefore = proxy.log.length;
        const peersBefore = front.peers.length;
        flagged(await pack.analyzeStack([role.provider]), role.accountId);
        assert.deepEqual(proxy.log.slice(logBefore), []);
        const peers = front.peers.slice(peersBefore);
        assert.ok(peers.length > 0 && peers.every((peer) => !proxy.tunnels.includes(peer)), "the endpoint was reached directly");
    });

    it("the provider's httpsProxy wins over HTTPS_PROXY; a 407 is explained without the proxy's password", async () => {
        const guarded = await startProxy("auth", { user: "proxyuser", password: "right-password" });
        try {
            const role = noncompliantTarget(fake, homeAccount, "authed", { httpsProxy: `http://proxyuser:${PASSWORD}@127.0.0.1:${guarded.port}` });
            const logBefore = proxy.log.length;
            const callsBefore = fake.calls.length;
            const message = onlyMessage(await pack.analyzeStack([role.provider]));
            assert.match(message, new RegExp(`the proxy at 127\\.0\\.0\\.1:${guarded.port} \\(the provider's httpsProxy\\) asked for credentials \\(HTTP 407 Proxy Authentication Required\\)`));
            assert.match(message, /give the proxy's user and password/);
            assert.ok(guarded.log.length > 0 && guarded.log.every((l) => l === `CONNECT 127.0.0.1:${front.port}`), guarded.log.join("\n"));
            assert.deepEqual(proxy.log.slice(logBefore), [], "HTTPS_PROXY was not used");
            assert.equal(fake.calls.length, callsBefore, "nothing reached the endpoint");
        } finally {
            await guarded.close();
        }
    });

    it("HTTPS_PROXY wins over the provider's httpProxy, as pulumi-aws ranks them for https", async () => {
        const other = await startProxy("auth", { user: "proxyuser", password: "right-password" });
        try {
            const role = noncompliantTarget(fake, homeAccount, "http-proxied", { httpProxy: other.url });
            const logBefore = proxy.log.length;
            flagged(await pack.analyzeStack([role.provider]), role.accountId);
            assert.deepEqual(other.connections, []);
            const passed = proxy.log.slice(logBefore);
            assert.ok(passed.length > 0 && passed.every((l) => l === `CONNECT 127.0.0.1:${front.port}`), passed.join("\n"));
        } finally {
            await other.close();
        }
    });

    it("a proxy's or firewall's HTML page instead of AWS's answer is named as such: answering CONNECT (403, 404), or inside inspected TLS (403, 404, 200)", async () => {
        const blocking: TestProxy[] = [];
        try {
            for (const status of [403, 404]) {
                blocking.push(await startProxy({ page: status }));
            }
            for (const status of [403, 404, 200]) {
                blocking.push(await startProxy({ page: status, inspect: true }));
            }
            // A TLS-inspecting firewall's CA is one the administrator would list.
            await trustingFront(pack, front, [front.caFile, ...blocking.flatMap((b) => (b.caFile ? [b.caFile] : []))]);
            for (const [i, proxied] of blocking.entries()) {
                const status = [403, 404, 403, 404, 200][i];
                const role = noncompliantTarget(fake, homeAccount, `blocked${status}-${i}`, { httpsProxy: proxied.url });
                const callsBefore = fake.calls.length;
                const message = onlyMessage(await pack.analyzeStack([role.provider]));
                if (proxied.caFile) {
                    // Inside the tunnel: a page where AWS's answer should be.
                    assert.match(message, new RegExp(`something other than AWS answered while assuming role .*: HTTP ${status} with a web page \\(text/html; charset=utf-8\\) for 127\\.0\\.0\\.1:${front.port}, through the proxy at 127\\.0\\.0\\.1:${proxied.port} \\(the provider's httpsProxy\\)`), message);
                    assert.match(message, /block page/);
                } else {
                    // The page answers CONNECT: the tunnel was refused, and the page is not read.
                    assert.match(message, new RegExp(`the proxy at 127\\.0\\.0\\.1:${proxied.port} \\(the provider's httpsProxy\\) refused to open a tunnel to 127\\.0\\.0\\.1:${front.port} \\(CONNECT answered with HTTP ${status}[^)]*\\) while assuming role .*, so the request never reached AWS and nothing the proxy sent was read`), message);
                }
                assert.match(message, /ask the network team/);
                assert.ok(proxied.log.length > 0 && proxied.log.every((l) => l === `CONNECT 127.0.0.1:${front.port}`), proxied.log.join("\n"));
                assert.equal(fake.calls.length, callsBefore, "nothing reached the endpoint");
            }
        } finally {
            await trustingFront(pack, front);
            for (const b of blocking) {
                await b.close();
            }
        }
    });

    it("a proxy that refuses connections is named, with what to check", async () => {
        const port = await closedPort();
        const role = noncompliantTarget(fake, homeAccount, "refused", { httpsProxy: `http://proxyuser:${PASSWORD}@127.0.0.1:${port}` });
        const message = onlyMessage(await pack.analyzeStack([role.provider]));
        assert.match(message, new RegExp(`the proxy at 127\\.0\\.0\\.1:${port} \\(the provider's httpsProxy\\) refused the connection`));
        assert.match(message, /check that the proxy runs and that its URL \(host and port\) is right/);
    });

    it("a provider proxy input that is no http(s) URL fails closed, naming the input, not its value", async () => {
        const role = noncompliantTarget(fake, homeAccount, "socks", { httpsProxy: `socks5://proxyuser:${PASSWORD}@127.0.0.1:1080` });
        const message = onlyMessage(await pack.analyzeStack([role.provider]));
        assert.match(message, /httpsProxy/);
        assert.match(message, /is not a proxy URL/);
    });
});

describe("a plain-http endpoint is never reached through a proxy", function () {
    this.timeout(60_000);
    let fake: FakeAws;
    let proxy: TestProxy;
    let home: string;
    let homeAccount: string;
    let ssoAccount: string;
    let pack: PackProcess;

    before(async () => {
        fake = await FakeAws.start();
        proxy = await startProxy();
        home = mkdtempSync(path.join(tmpdir(), "aws-root-mfa-net-"));
        const d = deployer(fake);
        homeAccount = d.homeAccount;
        ssoAccount = freshAccountId();
        fake.addAccount({ id: ssoAccount, summary: NONCOMPLIANT });
        const { configFile } = ssoProfileFiles(home, { fake, profile: "dev", accountId: ssoAccount, roleName: "Admin", token: "sso-access-token-0123456789" });
        // Every proxy variable names the proxy; trustedEndpoints lists the http endpoint (trustingFake).
        pack = await trustingFake(await startPack({
            packDir: PACK_DIR,
            env: awsEnv(fake, { ...d.keys, HOME: home, AWS_CONFIG_FILE: configFile, HTTP_PROXY: proxy.url, http_proxy: proxy.url, HTTPS_PROXY: proxy.url, https_proxy: proxy.url }),
        }), fake);
    });
    after(async () => {
        await pack?.close();
        await proxy?.close();
        await fake?.close();
        rmSync(home, { recursive: true, force: true });
    });

    it("HTTP_PROXY and HTTPS_PROXY: every call (STS, IAM, Organizations, SSO, web identity) goes direct to the trusted http endpoint", async () => {
        const role = noncompliantTarget(fake, homeAccount, "prod");
        const token = "eyJhbGciOiJSUzI1NiJ9.web-identity-token-value-0123456789";
        const webAccount = freshAccountId();
        fake.addAccount({ id: webAccount, summary: NONCOMPLIANT });
        const webRole = fake.addRole(webAccount, "WebDeploy", { webIdentityTokens: [token] });
        const web = providerResource("oidc", { region: "us-east-1", assumeRoleWithWebIdentity: secret(JSON.stringify({ roleArn: webRole, webIdentityToken: token })) });
        const sso = providerResource("sso", { region: "us-east-1", profile: "dev" });
        const callsBefore = fake.calls.length;
        const ds = await pack.analyzeStack([role.provider, web, sso]);
        flagged(ds, role.accountId);
        flagged(ds, webAccount);
        flagged(ds, ssoAccount);
        const calls = fake.calls.slice(callsBefore);
        for (const action of ["AssumeRole", "AssumeRoleWithWebIdentity", "GetRoleCredentials", "GetAccountSummary", "DescribeOrganization"]) {
            assert.ok(calls.some((c) => c.action === action), `${action} was called`);
        }
        assert.deepEqual(proxy.log, []);
        assert.deepEqual(proxy.connections, [], "not even a connection reached the proxy");
    });

    it("the provider's httpProxy and httpsProxy are not used either: a proxy asking for credentials, one serving a block page, a refused port", async () => {
        const guarded = await startProxy("auth", { user: "proxyuser", password: "right-password" });
        const blocking = await startProxy({ page: 403 });
        const refused = await closedPort();
        try {
            const targets = [
                noncompliantTarget(fake, homeAccount, "authed", { httpProxy: `http://proxyuser:${PASSWORD}@127.0.0.1:${guarded.port}` }),
                noncompliantTarget(fake, homeAccount, "blocked", { httpProxy: blocking.url, httpsProxy: blocking.url }),
                noncompliantTarget(fake, homeAccount, "refused", { httpsProxy: `http://127.0.0.1:${refused}` }),
            ];
            const ds = await pack.analyzeStack(targets.map((t) => t.provider));
            for (const t of targets) {
                flagged(ds, t.accountId);
                assert.ok(fake.count("GetAccountSummary", t.accountId) > 0, `account ${t.accountId} was read`);
            }
            assert.deepEqual([...guarded.connections, ...blocking.connections, ...proxy.connections], []);
            for (const d of ds) {
                assert.ok(!d.message.includes(PASSWORD), d.message);
            }
        } finally {
            await guarded.close();
            await blocking.close();
        }
    });
});

describe("NO_PROXY from the environment", function () {
    this.timeout(60_000);
    let fake: FakeAws;
    let front: TlsFront;
    let proxy: TestProxy;
    let pack: PackProcess;
    let homeAccount: string;

    before(async () => {
        fake = await FakeAws.start();
        front = await startTlsFront(Number(new URL(fake.url).port));
        proxy = await startProxy();
        const d = deployer(fake);
        homeAccount = d.homeAccount;
        pack = await trustingFront(await startPack({ packDir: PACK_DIR, env: awsEnv(fake, { ...d.keys, AWS_ENDPOINT_URL: front.url, https_proxy: proxy.url, no_proxy: "localhost,127.0.0.0/8" }) }), front);
    });
    after(async () => {
        await pack?.close();
        await proxy?.close();
        await front?.close();
        await fake?.close();
    });

    it("a host NO_PROXY matches goes direct", async () => {
        const role = noncompliantTarget(fake, homeAccount, "prod");
        flagged(await pack.analyzeStack([role.provider]), role.accountId);
        assert.deepEqual(proxy.log, []);
        assert.deepEqual(proxy.connections, []);
        assert.ok(front.secured.length > 0, "the endpoint was reached directly");
    });

    it("a provider noProxy that does not match sends through the proxy again", async () => {
        const role = noncompliantTarget(fake, homeAccount, "proxied", { noProxy: "internal.example.com" });
        const peersBefore = front.peers.length;
        flagged(await pack.analyzeStack([role.provider]), role.accountId);
        assert.ok(proxy.log.length >= 1 && proxy.log.every((l) => l === `CONNECT 127.0.0.1:${front.port}`), proxy.log.join("\n"));
        const peers = front.peers.slice(peersBefore);
        assert.ok(peers.length > 0 && peers.every((peer) => proxy.tunnels.includes(peer)), "every new connection came through the proxy");
    });
});

describe("TLS with a private CA", function () {
    this.timeout(60_000);
    let fake: FakeAws;
    let front: TlsFront;
    let proxy: TestProxy;
    let homeAccount: string;
    let keys: Record<string, string>;
    const packs: PackProcess[] = [];

    /**
     * A pack whose endpoint is the TLS front (listed in trustedEndpoints), with `env` added and
     * `bundles` as trustedCaBundles.
     */
    async function packWith(env: Record<string, string | undefined>, bundles: string[], trusted: string[] = [front.url]): Promise<PackProcess> {
        const pack = await startPack({ packDir: PACK_DIR, env: awsEnv(fake, { ...keys, AWS_ENDPOINT_URL: front.url, ...env }) });
        packs.push(pack);
        return trustingFront(pack, front, bundles, trusted);
    }

    before(async () => {
        fake = await FakeAws.start();
        front = await startTlsFront(Number(new URL(fake.url).port));
        proxy = await startProxy();
        const d = deployer(fake);
        homeAccount = d.homeAccount;
        keys = d.keys;
    });
    after(async () => {
        for (const p of packs) {
            await p.close();
        }
        await proxy?.close();
        await front?.close();
        await fake?.close();
    });

    it("with the test CA in trustedCaBundles the TLS endpoint is read, through HTTPS_PROXY (CONNECT) or direct", async () => {
        const pack = await packWith({ HTTPS_PROXY: `http://proxyuser:${PASSWORD}@127.0.0.1:${proxy.port}` }, [front.caFile]);
        const viaProxy = noncompliantTarget(fake, homeAccount, "prod");
        const callsBefore = fake.calls.length;
        let securedBefore = front.secured.length;
        flagged(await pack.analyzeStack([viaProxy.provider]), viaProxy.accountId);
        assert.ok(fake.calls.length > callsBefore);
        assert.ok(proxy.log.length > 0 && proxy.log.every((l) => l === `CONNECT 127.0.0.1:${front.port}`), proxy.log.join("\n"));
        let secured = front.secured.slice(securedBefore);
        assert.ok(secured.length > 0 && secured.every((peer) => proxy.tunnels.includes(peer)), "TLS was verified end to end, through the tunnel");

        // An empty httpsProxy input means no proxy for https, as in the provider.
        const direct = noncompliantTarget(fake, homeAccount, "direct", { httpsProxy: "" });
        const logBefore = proxy.log.length;
        securedBefore = front.secured.length;
        flagged(await pack.analyzeStack([direct.provider]), direct.accountId);
        assert.equal(proxy.log.length, logBefore);
        secured = front.secured.slice(securedBefore);
        assert.ok(secured.length > 0 && secured.every((peer) => !proxy.tunnels.includes(peer)), "the endpoint was reached directly");
    });

    for (const where of ["AWS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "customCaBundle"] as const) {
        it(`with the test CA only in ${where}, TLS fails closed before any request reaches the endpoint, and the message points at trustedCaBundles`, async () => {
            const pack = await packWith(where === "customCaBundle" ? {} : { [where]: front.caFile }, []);
            const role = noncompliantTarget(fake, homeAccount, `ca-in-${where}`, where === "customCaBundle" ? { customCaBundle: front.caFile } : {});
            const callsBefore = fake.calls.length;
            const securedBefore = front.secured.length;
            const peersBefore = front.peers.length;
            const ds = await pack.analyzeStack([role.provider]);
            const message = onlyMessage(ds);
            assert.equal(diagnosticsOf(ds, POLICY)[0].enforcementLevel, "mandatory");
            assert.match(message, /could not be determined, so its root user could not be checked; the policy fails closed/);
            assert.match(message, new RegExp(`the TLS certificate of 127\\.0\\.0\\.1:${front.port} could not be verified while assuming role`));
            assert.match(message, /lists that CA's PEM file in trustedCaBundles in the policy config/);
            if (where === "customCaBundle") {
                assert.match(message, /the provider's customCaBundle was not used: a stack's inputs cannot add certificate authorities the pack trusts/);
            } else {
                assert.match(message, /AWS_CA_BUNDLE and NODE_EXTRA_CA_CERTS are not used by the pack: the environment is the stack's to set/);
            }
            assert.ok(front.peers.length > peersBefore, "the pack did try the endpoint");
            assert.equal(front.secured.length, securedBefore, "no TLS handshake completed");
            assert.deepEqual(fake.calls.slice(callsBefore).map((c) => c.action), [], "no request reached the endpoint");
        });
    }

    it("a CONNECT answered with 407 is explained without the proxy's user or password", async () => {
        const guarded = await startProxy("auth", { user: "proxyuser", password: "right-password" });
        try {
            const pack = await packWith({ HTTPS_PROXY: `http://proxyuser:${PASSWORD}@127.0.0.1:${guarded.port}` }, [front.caFile]);
            const role = noncompliantTarget(fake, homeAccount, "tunnel-auth");
            const message = onlyMessage(await pack.analyzeStack([role.provider]));
            assert.match(message, new RegExp(`the proxy at 127\\.0\\.0\\.1:${guarded.port} \\(HTTPS_PROXY\\) asked for credentials \\(HTTP 407`));
            assert.deepEqual([...new Set(guarded.log)], [`CONNECT 127.0.0.1:${front.port}`]);
        } finally {
            await guarded.close();
        }
    });

    it("a trustedCaBundles file that does not exist, and one under /proc, fail closed naming the path and trustedCaBundles, without reading it", async () => {
        const missing = path.join(tmpdir(), "aws-root-mfa-absent", "ca.pem");
        for (const bundle of [missing, "/proc/self/pagemap"]) {
            const pack = await packWith({}, [bundle]);
            const role = noncompliantTarget(fake, homeAccount, "bundle");
            const callsBefore = fake.calls.length;
            const peakBefore = peakRss(pack.pid);
            const ds = await pack.analyzeStack([role.provider]);
            const message = onlyMessage(ds);
            assert.equal(diagnosticsOf(ds, POLICY)[0].enforcementLevel, "mandatory");
            assert.match(message, /fails closed/);
            const problem = bundle === missing ? "does not exist" : "is under /proc, where no credentials or certificates are kept";
            assert.ok(message.includes(`the file ${bundle} (trustedCaBundles[0] in the policy config) ${problem}, so the pack did not read it`), message);
            assert.deepEqual(fake.calls.slice(callsBefore).map((c) => c.action), [], "no request was sent");
            const grown = peakRss(pack.pid) - peakBefore;
            assert.ok(grown < 64 * 1024 * 1024, `the pack's peak RSS grew by ${Math.round(grown / 1048576)} MiB`);
        }
    });

    it("an HTTPS_PROXY that is no http(s) URL fails closed naming the setting, not its value", async () => {
        const pack = await packWith({ HTTPS_PROXY: `socks5://proxyuser:${PASSWORD}@127.0.0.1:1080` }, [front.caFile]);
        const proxied = noncompliantTarget(fake, homeAccount, "socks");
        const message = onlyMessage(await pack.analyzeStack([proxied.provider]));
        assert.match(message, /the proxy set in HTTPS_PROXY is not an http\(s\) proxy URL such as http:\/\/proxy\.example\.com:3128, so no request was sent/);
        assert.match(message, /correct that proxy setting/);
    });

    it("https to a plain-http port, and a refused connection, each say what to check", async () => {
        const plainAsHttps = `https://127.0.0.1:${new URL(fake.url).port}`;
        const refused = `http://127.0.0.1:${await closedPort()}`;
        const pack = await packWith({ AWS_ENDPOINT_URL: undefined }, [front.caFile], [plainAsHttps, refused]);
        const eproto = noncompliantTarget(fake, homeAccount, "eproto", { endpoints: JSON.stringify([{ sts: plainAsHttps }]) });
        let message = onlyMessage(await pack.analyzeStack([eproto.provider]));
        assert.match(message, new RegExp(`https was spoken to 127\\.0\\.0\\.1:${new URL(fake.url).port}, which answered in plain http \\(not TLS\\)`));
        assert.match(message, /use http:\/\/ for an endpoint or proxy that serves plain http/);
        const closed = noncompliantTarget(fake, homeAccount, "closed", { endpoints: JSON.stringify([{ sts: refused }]) });
        message = onlyMessage(await pack.analyzeStack([closed.provider]));
        assert.match(message, new RegExp(`${new URL(refused).host.replace(/\./g, "\\.")} refused the connection while assuming role`));
        assert.match(message, /check that the endpoint runs/);
    });
});

describe("FIPS and dual-stack endpoints", function () {
    this.timeout(60_000);
    let fake: FakeAws;
    let proxy: TestProxy;
    let pack: PackProcess;
    let homeAccount: string;

    before(async () => {
        fake = await FakeAws.start();
        // The proxy logs where each CONNECT goes and refuses every genuine AWS host: nothing leaves 127.0.0.1.
        proxy = await startProxy();
        const d = deployer(fake);
        homeAccount = d.homeAccount;
        pack = await startPack({ packDir: PACK_DIR, env: awsEnv(fake, { ...d.keys, AWS_ENDPOINT_URL: undefined, HTTPS_PROXY: proxy.url }) });
    });
    after(async () => {
        await pack?.close();
        await proxy?.close();
        await fake?.close();
    });

    for (const [inputs, host] of [
        [{}, "sts.us-east-1.amazonaws.com"],
        [{ useFipsEndpoint: "true" }, "sts-fips.us-east-1.amazonaws.com"],
        [{ useDualstackEndpoint: "true" }, "sts.us-east-1.api.aws"],
        [{ useFipsEndpoint: "true", useDualstackEndpoint: "true" }, "sts-fips.us-east-1.api.aws"],
    ] as const) {
        it(`${JSON.stringify(inputs)} reaches ${host}, a genuine AWS host, without any config`, async () => {
            const role = noncompliantTarget(fake, homeAccount, "gov", inputs);
            const logBefore = proxy.log.length;
            const message = onlyMessage(await pack.analyzeStack([role.provider]));
            assert.deepEqual([...new Set(proxy.log.slice(logBefore))], [`CONNECT ${host}:443`]);
            assert.match(message, new RegExp(`the proxy at 127\\.0\\.0\\.1:${proxy.port} \\(HTTPS_PROXY\\) refused to open a tunnel to ${host.replace(/\./g, "\\.")}:443 \\(CONNECT answered with HTTP 502[^)]*\\) while assuming role`), message);
        });
    }

    it("AWS_USE_FIPS_ENDPOINT, which the SDK reads itself, applies when the provider does not set useFipsEndpoint", async () => {
        const fips = await startPack({ packDir: PACK_DIR, env: awsEnv(fake, { AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE00", AWS_SECRET_ACCESS_KEY: "example-secret", AWS_ENDPOINT_URL: undefined, HTTPS_PROXY: proxy.url, AWS_USE_FIPS_ENDPOINT: "true" }) });
        try {
            const role = noncompliantTarget(fake, homeAccount, "env-fips", { useFipsEndpoint: "false" });
            const logBefore = proxy.log.length;
            onlyMessage(await fips.analyzeStack([role.provider]));
            assert.deepEqual([...new Set(proxy.log.slice(logBefore))], ["CONNECT sts-fips.us-east-1.amazonaws.com:443"]);
        } finally {
            await fips.close();
        }
    });
});
