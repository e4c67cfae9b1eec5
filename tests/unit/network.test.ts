import { strict as assert } from "node:assert";
import { readProvider } from "../../policypack/discover/providers";
import { NetworkInputs, ProviderSettings } from "../../policypack/discover/settings";
import { Target, targetOf } from "../../policypack/discover/target";
import { clientRoute, regionOf } from "../../policypack/posture/calls";
import { attachRoute, classifyFailure, routeOf } from "../../policypack/posture/failure";
import { networkSettings, noProxyMatcher } from "../../policypack/posture/network";
import { DEFAULT_CALL_LIMITS, GuardedRequestHandler, ProfileClientSettings, clientConfig, iam, organizations, sts } from "../../policypack/posture/sdk";
import { AwsService, EndpointTrust, UntrustedEndpointError, isGenuineAwsHost } from "../../policypack/posture/trust";
import { explainFailure } from "../../policypack/report/failures";
import { redactorFor } from "../../policypack/report/redact";
import { forgetNotedSecrets } from "../../policypack/report/secrets";
import { awsProviderInputs } from "../support/awsProviderInputs";
import { closedPort } from "../support/network";
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
    // The SDK's own loaders must find nothing either: the pack decides every setting itself.
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

    type Service = "sts" | "iam" | "organizations";
    const limits = { ...DEFAULT_CALL_LIMITS, maxAttempts: 1 };

    /**
     * Where the SDK would send a call of the client the pack makes for `target` (region and route
     * decided as posture/calls.ts makeClients decides them): a guard that trusts nothing refuses it
     * and names it.
     */
    async function resolvedHost(service: Service, target: Target, env: NodeJS.ProcessEnv, profile: ProfileClientSettings | undefined): Promise<string> {
        const handler = new GuardedRequestHandler(limits, { trust: new EndpointTrust([]), services: [] });
        const config = clientConfig(limits, regionOf(target, service, profile), { accessKeyId: "AKIAEXAMPLEEXAMPLE00", secretAccessKey: "example" }, clientRoute(target, service, profile, env), handler);
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

    const GOV_ROLE = "arn:aws-us-gov:iam::111111111111:role/Deploy";
    interface Case {
        service: Service;
        /** The provider's inputs, as @pulumi/aws sends them. */
        provider: { region?: string; stsRegion?: string; useFipsEndpoint?: boolean; useDualstackEndpoint?: boolean; assumeRoles?: Array<{ roleArn: string }> };
        env?: NodeJS.ProcessEnv;
        profile?: ProfileClientSettings;
        host: string;
    }
    const cases: Case[] = [
        { service: "sts", provider: { region: "us-east-1", useFipsEndpoint: true }, host: "sts-fips.us-east-1.amazonaws.com" },
        { service: "sts", provider: { region: "us-east-1", useDualstackEndpoint: true }, host: "sts.us-east-1.api.aws" },
        { service: "sts", provider: { region: "us-gov-west-1", useFipsEndpoint: true }, host: "sts.us-gov-west-1.amazonaws.com" },
        { service: "sts", provider: { region: "eu-west-1", stsRegion: "us-east-1", useDualstackEndpoint: true }, host: "sts.us-east-1.api.aws" },
        { service: "iam", provider: { region: "us-east-1", useFipsEndpoint: true }, host: "iam-fips.amazonaws.com" },
        { service: "iam", provider: { region: "us-gov-west-1" }, host: "iam.us-gov.amazonaws.com" },
        { service: "organizations", provider: { region: "us-east-1", useFipsEndpoint: true }, host: "organizations-fips.us-east-1.amazonaws.com" },
        { service: "organizations", provider: { region: "us-east-1" }, host: "organizations.us-east-1.amazonaws.com" },
        // No region anywhere: the partition of the role assumed decides it.
        { service: "sts", provider: { assumeRoles: [{ roleArn: GOV_ROLE }], useFipsEndpoint: true }, host: "sts.us-gov-west-1.amazonaws.com" },
        { service: "iam", provider: { assumeRoles: [{ roleArn: GOV_ROLE }] }, host: "iam.us-gov.amazonaws.com" },
        // The variants from the environment, or else the profile; the provider's `false` does not turn the environment's off.
        { service: "sts", provider: { region: "us-east-1" }, env: { AWS_USE_FIPS_ENDPOINT: "true" }, host: "sts-fips.us-east-1.amazonaws.com" },
        { service: "sts", provider: { region: "us-east-1", useFipsEndpoint: false }, env: { AWS_USE_FIPS_ENDPOINT: "true" }, host: "sts-fips.us-east-1.amazonaws.com" },
        { service: "sts", provider: { region: "us-east-1" }, profile: { useDualstackEndpoint: true }, host: "sts.us-east-1.api.aws" },
        { service: "sts", provider: {}, profile: { region: "us-west-2", useFipsEndpoint: true }, host: "sts-fips.us-west-2.amazonaws.com" },
        // Organizations is served from us-east-1 in the aws partition, whatever the client's region.
        { service: "organizations", provider: {}, profile: { region: "us-west-2", useFipsEndpoint: true }, host: "organizations-fips.us-east-1.amazonaws.com" },
    ];
    cases.forEach((c, i) => {
        const from = [JSON.stringify(c.provider), c.env ? `env ${JSON.stringify(c.env)}` : "", c.profile ? `profile ${JSON.stringify(c.profile)}` : ""].filter((x) => x).join(", ");
        it(`${c.service} of a provider ${from} goes to ${c.host}, a host the trust boundary accepts`, async () => {
            const { type, inputs } = await awsProviderInputs(`variants${i}`, c.provider);
            const provider = readProvider(providerView(`variants${i}`, inputs, type));
            assert.equal(provider.status, "ready");
            const target = targetOf((provider as { settings: ProviderSettings }).settings, {});
            assert.equal(await resolvedHost(c.service, target, c.env ?? {}, c.profile), c.host);
            assert.ok(new EndpointTrust([]).allows({ protocol: "https:", hostname: c.host }, [c.service]));
        });
    });
});

describe("proxy choice, as pulumi-aws makes it, for https only", () => {
    // The destination and every proxy are ports on 127.0.0.1 that nothing listens on: each request
    // fails at once, and the route the request guard attached to its error says whether it went
    // direct or through a proxy, and which setting chose that proxy.
    const PROXIES = ["p-http", "p-https", "env-http", "env-https", "lower-http", "lower-https"] as const;
    type Proxy = (typeof PROXIES)[number];
    const ports = new Map<Proxy, number>();
    let destination = 0;
    before(async () => {
        destination = await closedPort();
        for (const name of PROXIES) {
            ports.set(name, await closedPort());
        }
    });
    const urlOf = (value: string) => (ports.has(value as Proxy) ? `http://127.0.0.1:${ports.get(value as Proxy)}` : value);
    const withUrls = <T extends Record<string, string | undefined>>(settings: T): T =>
        Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, v === undefined ? v : urlOf(v)])) as T;

    /** The proxy a request to the destination went through, as `name (source)`, or undefined when it went direct. */
    async function routeTaken(protocol: "https" | "http", inputs: NetworkInputs, env: NodeJS.ProcessEnv): Promise<string | undefined> {
        const endpoint = `${protocol}://127.0.0.1:${destination}`;
        const limits = { ...DEFAULT_CALL_LIMITS, maxAttempts: 1 };
        const handler = new GuardedRequestHandler(limits, { trust: new EndpointTrust([endpoint]), services: ["sts"], network: networkSettings(withUrls(inputs as Record<string, string | undefined>), withUrls(env)) });
        const config = clientConfig(limits, "us-east-1", { accessKeyId: "AKIAEXAMPLEEXAMPLE00", secretAccessKey: "example" }, { useFipsEndpoint: false, useDualstackEndpoint: false, endpoint }, handler);
        try {
            await new (sts().STSClient)(config).send(new (sts().GetCallerIdentityCommand)({}));
        } catch (e) {
            assert.equal((e as NodeJS.ErrnoException).code, "ECONNREFUSED", String(e));
            const route = routeOf(e);
            assert.equal(route?.destination, `127.0.0.1:${destination}`);
            if (!route?.proxy) {
                return undefined;
            }
            const name = PROXIES.find((n) => route.proxy!.address === `127.0.0.1:${ports.get(n)}`);
            return `${name} (${route.proxy.source})`;
        } finally {
            config.requestHandler.destroy();
        }
        assert.fail("the request reached a port nothing listens on");
    }

    const EVERY_ENV = { HTTP_PROXY: "env-http", HTTPS_PROXY: "env-https", http_proxy: "lower-http", https_proxy: "lower-https" };
    const rows: Array<{ rule: string; protocol: "https" | "http"; inputs?: NetworkInputs; env?: NodeJS.ProcessEnv; via: string | undefined }> = [
        { rule: "environment only: HTTPS_PROXY", protocol: "https", env: { HTTP_PROXY: "env-http", HTTPS_PROXY: "env-https" }, via: "env-https (HTTPS_PROXY)" },
        { rule: "HTTP_PROXY never serves https", protocol: "https", env: { HTTP_PROXY: "env-http", http_proxy: "lower-http" }, via: undefined },
        { rule: "lower-case https_proxy counts", protocol: "https", env: { https_proxy: "lower-https" }, via: "lower-https (https_proxy)" },
        { rule: "upper case wins over lower case", protocol: "https", env: { https_proxy: "lower-https", HTTPS_PROXY: "env-https" }, via: "env-https (HTTPS_PROXY)" },
        { rule: "the provider's httpsProxy wins over the environment", protocol: "https", inputs: { httpsProxy: "p-https", httpProxy: "p-http" }, env: EVERY_ENV, via: "p-https (the provider's httpsProxy)" },
        { rule: "HTTPS_PROXY wins over the provider's httpProxy", protocol: "https", inputs: { httpProxy: "p-http" }, env: EVERY_ENV, via: "env-https (HTTPS_PROXY)" },
        { rule: "the provider's httpProxy serves https when no https proxy is set anywhere (HTTP_PROXY set or not)", protocol: "https", inputs: { httpProxy: "p-http" }, env: { HTTP_PROXY: "env-http" }, via: "p-http (the provider's httpProxy)" },
        { rule: "the provider's empty httpsProxy means no proxy, whatever else is set", protocol: "https", inputs: { httpsProxy: "", httpProxy: "p-http" }, env: EVERY_ENV, via: undefined },
        { rule: "NO_PROXY bypasses the environment's proxy", protocol: "https", env: { HTTPS_PROXY: "env-https", NO_PROXY: "127.0.0.1" }, via: undefined },
        { rule: "NO_PROXY bypasses the provider's proxy too", protocol: "https", inputs: { httpsProxy: "p-https" }, env: { NO_PROXY: "127.0.0.1" }, via: undefined },
        { rule: "the provider's noProxy replaces NO_PROXY", protocol: "https", inputs: { noProxy: "other.example.com" }, env: { HTTPS_PROXY: "env-https", NO_PROXY: "127.0.0.1" }, via: "env-https (HTTPS_PROXY)" },
        { rule: "the provider's empty noProxy replaces NO_PROXY too", protocol: "https", inputs: { noProxy: "" }, env: { HTTPS_PROXY: "env-https", NO_PROXY: "127.0.0.1" }, via: "env-https (HTTPS_PROXY)" },
        { rule: "the provider's noProxy bypasses its own proxy", protocol: "https", inputs: { httpsProxy: "p-https", noProxy: "127.0.0.1" }, via: undefined },
        { rule: "plain http never goes through a proxy: not the provider's httpProxy, nor HTTP_PROXY", protocol: "http", inputs: { httpProxy: "p-http" }, env: { HTTP_PROXY: "env-http", http_proxy: "lower-http" }, via: undefined },
        { rule: "plain http never goes through a proxy: not even with every proxy setting there is", protocol: "http", inputs: { httpsProxy: "p-https", httpProxy: "p-http" }, env: EVERY_ENV, via: undefined },
    ];
    for (const row of rows) {
        it(`${row.protocol}: ${row.rule}`, async () => {
            assert.equal(await routeTaken(row.protocol, row.inputs ?? {}, row.env ?? {}), row.via);
        });
    }

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
        // The redactor also counts every provider the engine sent this process (a global the pack
        // forgets at each analysis): start from none, as an analysis of this one provider would.
        forgetNotedSecrets();
        const redact = redactorFor([p], { HTTPS_PROXY: "http://env-user:env%20pass%21@proxy:1" });
        // Neither withheld nor left in: a message about no provider, and one about this provider.
        assert.equal(redact("a S3cret-proxy-pw b corp-user c env pass! d env-user", []), "a [redacted] b [redacted] c [redacted] d [redacted]");
        assert.equal(redact("a S3cret-proxy-pw b corp-user c env pass! d env-user", [p.provider]), "a [redacted] b [redacted] c [redacted] d [redacted]");
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
