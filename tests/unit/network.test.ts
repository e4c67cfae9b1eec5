import { strict as assert } from "node:assert";
import { readProvider } from "../../policypack/discover/providers";
import { ProviderSettings } from "../../policypack/discover/settings";
import { attachRoute, classifyFailure } from "../../policypack/posture/failure";
import { networkSettings, noProxyMatcher } from "../../policypack/posture/network";
import { DEFAULT_CALL_LIMITS, GuardedRequestHandler, clientConfig, iam, organizations, sts } from "../../policypack/posture/sdk";
import { AwsService, EndpointTrust, UntrustedEndpointError, isGenuineAwsHost } from "../../policypack/posture/trust";
import { explainFailure } from "../../policypack/report/failures";
import { redactorFor } from "../../policypack/report/redact";
import { awsProviderInputs } from "../support/awsProviderInputs";
import { providerView } from "../support/policyView";

describe("genuine AWS hosts, and look-alikes that are not", () => {
    const genuine: Array<[AwsService, string]> = [
        ["sts", "sts.amazonaws.com"],
        ["sts", "sts.us-east-1.amazonaws.com"],
        ["sts", "sts-fips.us-east-1.amazonaws.com"],
        ["sts", "sts.us-east-1.api.aws"],
        ["sts", "sts-fips.us-gov-west-1.api.aws"],
        ["sts", "sts.cn-north-1.amazonaws.com.cn"],
        ["sts", "vpce-0a1b2c3d4e5f67890-abcdefgh.sts.us-east-1.vpce.amazonaws.com"],
        ["sts", "vpce-0a1b2c3d4e5f67890-abcdefgh-us-east-1a.sts-fips.us-east-1.vpce.amazonaws.com"],
        ["iam", "iam.amazonaws.com"],
        ["iam", "iam-fips.amazonaws.com"],
        ["iam", "iam.global.api.aws"],
        ["iam", "iam.us-gov.amazonaws.com"],
        ["iam", "iam.cn-north-1.amazonaws.com.cn"],
        ["iam", "vpce-0a1b2c3d4e5f67890-abcdefgh.iam.us-east-1.vpce.amazonaws.com"],
        ["organizations", "organizations.us-east-1.amazonaws.com"],
        ["organizations", "organizations-fips.us-east-1.amazonaws.com"],
        ["organizations", "organizations.us-gov-west-1.amazonaws.com"],
    ];
    const impostors: Array<[AwsService, string]> = [
        ["sts", "abc123.execute-api.us-east-1.amazonaws.com"],
        ["sts", "sts.us-east-1.amazonaws.com.attacker.example"],
        ["sts", "evil-sts.us-east-1.amazonaws.com"],
        ["sts", "sts.bucket.s3-website-us-east-1.amazonaws.com"],
        ["sts", "bucket.s3-website.us-east-1.amazonaws.com"],
        ["sts", "my-lb-1234567890.us-east-1.elb.amazonaws.com"],
        ["sts", "sts.my-lb-1234567890.us-east-1.elb.amazonaws.com"],
        ["sts", "vpce-0a1b2c3d4e5f67890-abcdefgh.execute-api.us-east-1.vpce.amazonaws.com"],
        ["sts", "vpce-0a1b2c3d4e5f67890.sts.us-east-1.vpce.amazonaws.com.attacker.example"],
        ["iam", "iam.us-east-1.elb.amazonaws.com"],
        ["iam", "sts.amazonaws.com"],
        ["organizations", "organizations.amazonaws.com.example"],
        ["organizations", "d-1234567890.awsapps.com"],
    ];
    for (const [service, host] of genuine) {
        it(`${host} is ${service}`, () => assert.ok(isGenuineAwsHost(service, host)));
    }
    for (const [service, host] of impostors) {
        it(`${host} is not ${service}`, () => assert.ok(!isGenuineAwsHost(service, host)));
    }
    it("a genuine host is trusted over https on 443 only", () => {
        const trust = new EndpointTrust([]);
        assert.ok(trust.allows({ protocol: "https:", hostname: "sts-fips.us-east-1.amazonaws.com" }, ["sts"]));
        assert.ok(!trust.allows({ protocol: "http:", hostname: "sts-fips.us-east-1.amazonaws.com" }, ["sts"]));
        assert.ok(!trust.allows({ protocol: "https:", hostname: "sts-fips.us-east-1.amazonaws.com", port: 8443 }, ["sts"]));
    });
});

describe("the SDK's FIPS and dual-stack endpoints are genuine hosts, without any config", () => {
    const saved: Record<string, string | undefined> = {};
    const cleared = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_ORGANIZATIONS", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_CONFIG_FILE"];
    before(() => {
        for (const name of cleared) {
            saved[name] = process.env[name];
            delete process.env[name];
        }
        process.env.AWS_CONFIG_FILE = "/nonexistent/aws-root-mfa-test/config";
    });
    after(() => {
        for (const name of cleared) {
            if (saved[name] === undefined) {
                delete process.env[name];
            } else {
                process.env[name] = saved[name];
            }
        }
    });

    /** Where the SDK would send a call: a guard that trusts nothing refuses it and names it. */
    async function resolvedHost(service: "sts" | "iam" | "organizations", region: string, variants: { useFipsEndpoint?: boolean; useDualstackEndpoint?: boolean }): Promise<string> {
        const config = clientConfig({ ...DEFAULT_CALL_LIMITS, maxAttempts: 1 }, region, { accessKeyId: "AKIAEXAMPLEEXAMPLE00", secretAccessKey: "example" }, undefined, new GuardedRequestHandler(DEFAULT_CALL_LIMITS, { trust: new EndpointTrust([]), services: [] }), variants);
        try {
            if (service === "sts") {
                await new (sts().STSClient)(config).send(new (sts().GetCallerIdentityCommand)({}));
            } else if (service === "iam") {
                await new (iam().IAMClient)(config).send(new (iam().GetAccountSummaryCommand)({}));
            } else {
                await new (organizations().OrganizationsClient)(config).send(new (organizations().DescribeOrganizationCommand)({}));
            }
        } catch (e) {
            assert.ok(e instanceof UntrustedEndpointError, String(e));
            return new URL(e.origin).hostname;
        } finally {
            config.requestHandler.destroy();
        }
        assert.fail("the request was not refused");
    }

    const cases: Array<["sts" | "iam" | "organizations", string, { useFipsEndpoint?: boolean; useDualstackEndpoint?: boolean }, string]> = [
        ["sts", "us-east-1", { useFipsEndpoint: true }, "sts-fips.us-east-1.amazonaws.com"],
        ["sts", "us-east-1", { useDualstackEndpoint: true }, "sts.us-east-1.api.aws"],
        ["sts", "us-gov-west-1", { useFipsEndpoint: true }, "sts.us-gov-west-1.amazonaws.com"],
        ["iam", "us-east-1", { useFipsEndpoint: true }, "iam-fips.amazonaws.com"],
        ["iam", "us-gov-west-1", {}, "iam.us-gov.amazonaws.com"],
        ["organizations", "us-east-1", { useFipsEndpoint: true }, "organizations-fips.us-east-1.amazonaws.com"],
        ["organizations", "us-east-1", {}, "organizations.us-east-1.amazonaws.com"],
    ];
    for (const [service, region, variants, host] of cases) {
        it(`${service} in ${region} with ${JSON.stringify(variants)} goes to ${host}, a host the trust boundary accepts`, async () => {
            assert.equal(await resolvedHost(service, region, variants), host);
            assert.ok(new EndpointTrust([]).allows({ protocol: "https:", hostname: host }, [service]));
        });
    }
});

describe("proxy choice, as pulumi-aws makes it", () => {
    const env = { HTTP_PROXY: "http://env-http:3128", HTTPS_PROXY: "http://env-https:3128", NO_PROXY: "internal.example.com" };
    const host = (n: ReturnType<typeof networkSettings>, protocol: string, hostname = "sts.us-east-1.amazonaws.com") => {
        const p = n.proxyFor(protocol, hostname, protocol === "https:" ? 443 : 80);
        return p && `${p.url.host} (${p.source})`;
    };
    it("environment only: HTTPS_PROXY for https, HTTP_PROXY for http, never HTTP_PROXY for https", () => {
        assert.equal(host(networkSettings({}, env), "https:"), "env-https:3128 (HTTPS_PROXY)");
        assert.equal(host(networkSettings({}, env), "http:"), "env-http:3128 (HTTP_PROXY)");
        assert.equal(host(networkSettings({}, { HTTP_PROXY: env.HTTP_PROXY }), "https:"), undefined);
    });
    it("lower-case variables count; upper case wins", () => {
        assert.equal(host(networkSettings({}, { https_proxy: "http://lower:1" }), "https:"), "lower:1 (https_proxy)");
        assert.equal(host(networkSettings({}, { https_proxy: "http://lower:1", HTTPS_PROXY: "http://upper:2" }), "https:"), "upper:2 (HTTPS_PROXY)");
    });
    it("the provider's inputs win; its httpProxy serves https only when no https proxy is set anywhere", () => {
        assert.equal(host(networkSettings({ httpProxy: "http://p-http:1" }, env), "http:"), "p-http:1 (the provider's httpProxy)");
        assert.equal(host(networkSettings({ httpProxy: "http://p-http:1" }, env), "https:"), "env-https:3128 (HTTPS_PROXY)");
        assert.equal(host(networkSettings({ httpProxy: "http://p-http:1" }, {}), "https:"), "p-http:1 (the provider's httpProxy)");
        assert.equal(host(networkSettings({ httpsProxy: "p-https:2" }, env), "https:"), "p-https:2 (the provider's httpsProxy)");
        assert.equal(host(networkSettings({ httpsProxy: "" }, env), "https:"), undefined);
    });
    it("the provider's noProxy replaces NO_PROXY", () => {
        assert.equal(host(networkSettings({}, env), "https:", "svc.internal.example.com"), undefined);
        assert.equal(host(networkSettings({ noProxy: "other.example.com" }, env), "https:", "svc.internal.example.com"), "env-https:3128 (HTTPS_PROXY)");
    });
    it("NO_PROXY entries: names and their subdomains, leading dots, *, ports, IPs and CIDRs", () => {
        const m = noProxyMatcher(" Example.com, .only-sub.org, *.star.net, host:8443, 10.1.0.0/16, 192.0.2.7, ::1 ");
        const table: Array<[string, number, boolean]> = [
            ["example.com", 443, true], ["a.example.com", 443, true], ["badexample.com", 443, false],
            ["only-sub.org", 443, false], ["a.only-sub.org", 443, true],
            ["star.net", 443, false], ["x.star.net", 443, true],
            ["host", 8443, true], ["host", 443, false],
            ["10.1.200.3", 443, true], ["10.2.0.1", 443, false], ["192.0.2.7", 80, true], ["[::1]", 443, true],
            ["127.0.0.1", 443, false], ["localhost", 443, false],
        ];
        for (const [h, port, bypass] of table) {
            assert.equal(m(h, port), bypass, `${h}:${port}`);
        }
        assert.ok(noProxyMatcher("*")("anything", 1));
    });
});

describe("provider inputs for the network", () => {
    it("are read as @pulumi/aws sends them, and a proxy URL with a password is kept out of messages", async () => {
        const { type, inputs } = await awsProviderInputs("corp", {
            region: "us-east-1",
            httpProxy: "http://corp-user:S3cret-proxy-pw@proxy.corp.example:3128",
            noProxy: "internal.example.com",
            customCaBundle: "/etc/ssl/corp-ca.pem",
            useFipsEndpoint: true,
            useDualstackEndpoint: true,
        });
        const p = readProvider(providerView("corp", inputs, type));
        assert.equal(p.status, "ready");
        const settings = (p as { settings: ProviderSettings }).settings;
        assert.deepEqual(settings.network, {
            httpProxy: "http://corp-user:S3cret-proxy-pw@proxy.corp.example:3128",
            noProxy: "internal.example.com",
            customCaBundle: "/etc/ssl/corp-ca.pem",
            useFipsEndpoint: true,
            useDualstackEndpoint: true,
        });
        const redact = redactorFor([p], { HTTPS_PROXY: "http://env-user:env%20pass%21@proxy:1" });
        assert.equal(redact("a S3cret-proxy-pw b corp-user c env pass! d env-user", []), "a [redacted] b [redacted] c [redacted] d [redacted]");
    });
});

describe("network failures explained", () => {
    function explained(error: Error, route: Parameters<typeof attachRoute>[1]): string {
        attachRoute(error, route);
        const f = classifyFailure({ kind: "identify" }, error);
        const { happened, todo } = explainFailure(f);
        return `${happened}. ${todo}`;
    }
    it("a DNS failure names the host, or the proxy when one is used", () => {
        const direct = explained(Object.assign(new Error("getaddrinfo ENOTFOUND sts.us-east-1.amazonaws.com"), { code: "ENOTFOUND", hostname: "sts.us-east-1.amazonaws.com" }), { destination: "sts.us-east-1.amazonaws.com:443" });
        assert.match(direct, /^the host name sts\.us-east-1\.amazonaws\.com could not be resolved while identifying the account/);
        assert.match(direct, /check this machine's DNS .* set HTTPS_PROXY/);
        const viaProxy = explained(Object.assign(new Error("getaddrinfo EAI_AGAIN proxy.corp.example"), { code: "EAI_AGAIN" }), { destination: "sts.us-east-1.amazonaws.com:443", proxy: { address: "proxy.corp.example:3128", source: "HTTPS_PROXY" } });
        assert.match(viaProxy, /^the host name of the proxy at proxy\.corp\.example:3128 \(HTTPS_PROXY\) could not be resolved/);
        assert.match(viaProxy, /correct the proxy's host name/);
    });
});
