/**
 * Behind a corporate network, end to end: proxies from the environment and the provider's inputs,
 * a private CA for TLS, FIPS and dual-stack endpoints, and the failures a network causes. Each
 * environment is its own pack process; every endpoint and proxy is on 127.0.0.1.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
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

describe("behind a proxy (plain-http endpoint)", function () {
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
        pack = await trustingFake(await startPack({ packDir: PACK_DIR, env: awsEnv(fake, { ...d.keys, HOME: home, AWS_CONFIG_FILE: configFile, HTTP_PROXY: proxy.url }) }), fake);
    });
    after(async () => {
        await pack?.close();
        await proxy?.close();
        await fake?.close();
        rmSync(home, { recursive: true, force: true });
    });

    it("every call of a run passes HTTP_PROXY: STS, IAM, Organizations, SSO and web identity", async () => {
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
        const passed = proxy.log.slice(logBefore);
        assert.equal(passed.length, calls.length, `proxy saw ${passed.join(", ")}; the endpoint saw ${calls.map((c) => c.action).join(", ")}`);
        assert.ok(passed.every((line) => line.includes(`${fake.url}/`)), passed.join("\n"));
        for (const action of ["AssumeRole", "AssumeRoleWithWebIdentity", "GetRoleCredentials", "GetAccountSummary", "DescribeOrganization"]) {
            assert.ok(calls.some((c) => c.action === action), `${action} was called`);
        }
    });

    it("the provider's noProxy replaces NO_PROXY: listing the endpoint's host:port sends it direct", async () => {
        const role = noncompliantTarget(fake, homeAccount, "direct", { noProxy: `example.com, 127.0.0.1:${new URL(fake.url).port}` });
        const logBefore = proxy.log.length;
        flagged(await pack.analyzeStack([role.provider]), role.accountId);
        assert.deepEqual(proxy.log.slice(logBefore), []);
    });

    it("the provider's httpProxy wins over HTTP_PROXY; a 407 is explained without the proxy's password", async () => {
        const guarded = await startProxy("auth", { user: "proxyuser", password: "right-password" });
        try {
            const role = noncompliantTarget(fake, homeAccount, "authed", { httpProxy: `http://proxyuser:${PASSWORD}@127.0.0.1:${guarded.port}` });
            const logBefore = proxy.log.length;
            const message = onlyMessage(await pack.analyzeStack([role.provider]));
            assert.match(message, new RegExp(`the proxy at 127\\.0\\.0\\.1:${guarded.port} \\(the provider's httpProxy\\) asked for credentials \\(HTTP 407 Proxy Authentication Required\\)`));
            assert.match(message, /give the proxy's user and password/);
            assert.ok(guarded.log.length > 0);
            assert.deepEqual(proxy.log.slice(logBefore), [], "HTTP_PROXY was not used");
        } finally {
            await guarded.close();
        }
    });

    it("a proxy's or firewall's HTML page instead of AWS's answer (403, 404, 200) is named as such", async () => {
        for (const status of [403, 404, 200]) {
            const blocking = await startProxy({ page: status });
            try {
                const role = noncompliantTarget(fake, homeAccount, `blocked${status}`, { httpProxy: blocking.url });
                const message = onlyMessage(await pack.analyzeStack([role.provider]));
                assert.match(message, new RegExp(`something other than AWS answered while assuming role .*: HTTP ${status} with a web page \\(text/html; charset=utf-8\\) for 127\\.0\\.0\\.1:\\d+, through the proxy at 127\\.0\\.0\\.1:${blocking.port} \\(the provider's httpProxy\\)`), message);
                assert.match(message, /block page/);
                assert.match(message, /ask the network team/);
            } finally {
                await blocking.close();
            }
        }
    });

    it("a proxy that refuses connections is named, with what to check", async () => {
        const port = await closedPort();
        const role = noncompliantTarget(fake, homeAccount, "refused", { httpProxy: `http://proxyuser:${PASSWORD}@127.0.0.1:${port}` });
        const message = onlyMessage(await pack.analyzeStack([role.provider]));
        assert.match(message, new RegExp(`the proxy at 127\\.0\\.0\\.1:${port} \\(the provider's httpProxy\\) refused the connection`));
        assert.match(message, /check that the proxy runs and that its URL \(host and port\) is right/);
    });

    it("a provider proxy input that is no http(s) URL fails closed, naming the input, not its value", async () => {
        const role = noncompliantTarget(fake, homeAccount, "socks", { httpsProxy: `socks5://proxyuser:${PASSWORD}@127.0.0.1:1080` });
        const message = onlyMessage(await pack.analyzeStack([role.provider]));
        assert.match(message, /httpsProxy/);
        assert.match(message, /is not a proxy URL/);
    });
});

describe("NO_PROXY from the environment", function () {
    this.timeout(60_000);
    let fake: FakeAws;
    let proxy: TestProxy;
    let pack: PackProcess;
    let homeAccount: string;

    before(async () => {
        fake = await FakeAws.start();
        proxy = await startProxy();
        const d = deployer(fake);
        homeAccount = d.homeAccount;
        pack = await trustingFake(await startPack({ packDir: PACK_DIR, env: awsEnv(fake, { ...d.keys, http_proxy: proxy.url, no_proxy: "localhost,127.0.0.0/8" }) }), fake);
    });
    after(async () => {
        await pack?.close();
        await proxy?.close();
        await fake?.close();
    });

    it("a host NO_PROXY matches goes direct", async () => {
        const role = noncompliantTarget(fake, homeAccount, "prod");
        flagged(await pack.analyzeStack([role.provider]), role.accountId);
        assert.deepEqual(proxy.log, []);
    });

    it("a provider noProxy that does not match sends through the proxy again", async () => {
        const role = noncompliantTarget(fake, homeAccount, "proxied", { noProxy: "internal.example.com" });
        flagged(await pack.analyzeStack([role.provider]), role.accountId);
        assert.ok(proxy.log.length >= 2 && proxy.log.every((l) => l.includes(fake.url)), proxy.log.join("\n"));
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

    /** A pack whose endpoint is the TLS front (listed in trustedEndpoints), with `env` added. */
    async function packWith(env: Record<string, string | undefined>, trusted: string[] = [front.url]): Promise<PackProcess> {
        const pack = await startPack({ packDir: PACK_DIR, env: awsEnv(fake, { ...keys, AWS_ENDPOINT_URL: front.url, ...env }) });
        packs.push(pack);
        const policies = (await pack.getAnalyzerInfo()).policies.map((p) => p.name);
        await pack.configure(Object.fromEntries(policies.map((p) => [p, { trustedEndpoints: trusted }])));
        return pack;
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

    it("with the test CA in AWS_CA_BUNDLE the TLS endpoint is read, through HTTPS_PROXY (CONNECT) or direct", async () => {
        const pack = await packWith({ AWS_CA_BUNDLE: front.caFile, HTTPS_PROXY: `http://proxyuser:${PASSWORD}@127.0.0.1:${proxy.port}` });
        const viaProxy = noncompliantTarget(fake, homeAccount, "prod");
        const callsBefore = fake.calls.length;
        flagged(await pack.analyzeStack([viaProxy.provider]), viaProxy.accountId);
        assert.ok(fake.calls.length > callsBefore);
        assert.ok(proxy.log.length > 0 && proxy.log.every((l) => l === `CONNECT 127.0.0.1:${front.port}`), proxy.log.join("\n"));

        // An empty httpsProxy input means no proxy for https, as in the provider.
        const direct = noncompliantTarget(fake, homeAccount, "direct", { httpsProxy: "" });
        const logBefore = proxy.log.length;
        flagged(await pack.analyzeStack([direct.provider]), direct.accountId);
        assert.equal(proxy.log.length, logBefore);
    });

    it("without it, the message names the TLS failure, the host and the CA settings; customCaBundle adds no trust", async () => {
        const pack = await packWith({});
        const assumedBefore = fake.count("AssumeRole");
        const role = noncompliantTarget(fake, homeAccount, "untrusted-ca", { customCaBundle: front.caFile });
        const message = onlyMessage(await pack.analyzeStack([role.provider]));
        assert.match(message, new RegExp(`the TLS certificate of 127\\.0\\.0\\.1:${front.port} could not be verified while assuming role`));
        assert.match(message, /the provider's customCaBundle was not used: a stack's inputs cannot add certificate authorities the pack trusts/);
        assert.match(message, /AWS_CA_BUNDLE .* or NODE_EXTRA_CA_CERTS/);
        assert.equal(fake.count("AssumeRole"), assumedBefore, "no request reached the endpoint");
    });

    it("a CONNECT answered with 407 is explained without the proxy's user or password", async () => {
        const guarded = await startProxy("auth", { user: "proxyuser", password: "right-password" });
        try {
            const pack = await packWith({ AWS_CA_BUNDLE: front.caFile, HTTPS_PROXY: `http://proxyuser:${PASSWORD}@127.0.0.1:${guarded.port}` });
            const role = noncompliantTarget(fake, homeAccount, "tunnel-auth");
            const message = onlyMessage(await pack.analyzeStack([role.provider]));
            assert.match(message, new RegExp(`the proxy at 127\\.0\\.0\\.1:${guarded.port} \\(HTTPS_PROXY\\) asked for credentials \\(HTTP 407`));
            assert.deepEqual([...new Set(guarded.log)], [`CONNECT 127.0.0.1:${front.port}`]);
        } finally {
            await guarded.close();
        }
    });

    it("an unreadable AWS_CA_BUNDLE, and an HTTPS_PROXY that is no http(s) URL, each fail closed naming the setting", async () => {
        const missing = path.join(tmpdir(), "aws-root-mfa-absent", "ca.pem");
        const pack = await packWith({ AWS_CA_BUNDLE: missing, HTTPS_PROXY: `socks5://proxyuser:${PASSWORD}@127.0.0.1:1080` });
        const direct = noncompliantTarget(fake, homeAccount, "bundle", { httpsProxy: "" });
        let message = onlyMessage(await pack.analyzeStack([direct.provider]));
        assert.match(message, new RegExp(`the file ${missing.replace(/[./]/g, "\\$&")} \\(AWS_CA_BUNDLE\\) could not be read \\(ENOENT\\), so the pack did not read it`));
        const proxied = noncompliantTarget(fake, homeAccount, "socks");
        message = onlyMessage(await pack.analyzeStack([proxied.provider]));
        assert.match(message, /the proxy set in HTTPS_PROXY is not an http\(s\) proxy URL such as http:\/\/proxy\.example\.com:3128, so no request was sent/);
        assert.match(message, /correct that proxy setting/);
    });

    it("NODE_EXTRA_CA_CERTS (read by Node at start) is honoured", async () => {
        const pack = await packWith({ NODE_EXTRA_CA_CERTS: front.caFile });
        const role = noncompliantTarget(fake, homeAccount, "extra");
        flagged(await pack.analyzeStack([role.provider]), role.accountId);
    });

    it("https to a plain-http port, and a refused connection, each say what to check", async () => {
        const plainAsHttps = `https://127.0.0.1:${new URL(fake.url).port}`;
        const refused = `http://127.0.0.1:${await closedPort()}`;
        const pack = await packWith({ AWS_ENDPOINT_URL: undefined }, [plainAsHttps, refused]);
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
            assert.match(message, new RegExp(`something other than AWS answered while assuming role .*: HTTP 502 .*for ${host.replace(/\./g, "\\.")}:443, through the proxy at 127\\.0\\.0\\.1:${proxy.port} \\(HTTPS_PROXY\\)`));
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
