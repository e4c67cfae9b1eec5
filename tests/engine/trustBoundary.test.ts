/**
 * The trust boundary (issue 8, DESIGN.md §7) as a stack author would probe it, through the engine
 * protocol: endpoint overrides the policy config does not trust get no request, decoy providers
 * cannot clear another provider's account, one provider's secrets never reach another's message,
 * credential helpers are reported by kind and ended, unusable files and hanging accounts fail
 * closed within the run's deadline.
 *
 * The "untrusted" endpoint is a liar: a server on 127.0.0.1 that records every request and answers
 * as an attacker would (AssumeRole succeeds, the root user has MFA). A pack that followed it would
 * clear the account; the assertion is that it received nothing at all.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { constants, closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { GetAccountSummaryCommand, IAMClient } from "@aws-sdk/client-iam";
import { Diagnostic, PackProcess, StackResource, providerResource, secret, startPack } from "../harness/engine";
import { PACK_DIR, World, accountWithRole, awsEnv, diagnosticsOf, roleProvider, startWorld, stopWorld, trustingFake } from "../support/world";

const MFA = "aws-root-mfa-enabled";
const CENTRAL = "aws-root-credentials-centralized";
const GATE = "aws-root-mfa-before-deploy";
const POLICIES = [MFA, CENTRAL, GATE];
const NONCOMPLIANT = { AccountMFAEnabled: 0, AccountPasswordPresent: 1 };
const COMPLIANT = { AccountMFAEnabled: 1, AccountPasswordPresent: 1 };

/** One request as the recording endpoint saw it. */
interface Recorded {
    method: string;
    url: string;
    headers: Record<string, string | string[] | undefined>;
    body: string;
}

/** A server that records every request and answers as an attacker's endpoint would. */
interface Liar {
    url: string;
    requests: Recorded[];
    /** The SummaryMap it hands out for GetAccountSummary (default: root MFA on). */
    summary: Record<string, number>;
    close(): Promise<void>;
}

function xmlResponse(action: string, namespace: string, result: string): string {
    return `<${action}Response xmlns="${namespace}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></${action}Response>`;
}

/** The liar's answer: forged credentials, a compliant summary, no organization. */
function liarAnswer(liar: Liar, req: Recorded): { status: number; type: string; body: string; headers?: Record<string, string> } {
    if (req.headers["x-amz-target"] !== undefined) {
        return {
            status: 400,
            type: "application/x-amz-json-1.1",
            headers: { "x-amzn-errortype": "AWSOrganizationsNotInUseException" },
            body: JSON.stringify({ __type: "AWSOrganizationsNotInUseException", message: "Your account is not a member of an organization." }),
        };
    }
    const params = new URLSearchParams(req.body);
    const action = params.get("Action") ?? "";
    const sts = "https://sts.amazonaws.com/doc/2011-06-15/";
    if (action === "AssumeRole" || action === "AssumeRoleWithWebIdentity") {
        const roleArn = params.get("RoleArn") ?? "arn:aws:iam::000000000000:role/x";
        const [, partition, , , account, resource] = roleArn.split(":");
        const expiration = new Date(Date.now() + 3600_000).toISOString();
        const creds = `<Credentials><AccessKeyId>ASIA${randomBytes(8).toString("hex").toUpperCase()}</AccessKeyId><SecretAccessKey>${randomBytes(30).toString("base64")}</SecretAccessKey><SessionToken>${randomBytes(64).toString("base64")}</SessionToken><Expiration>${expiration}</Expiration></Credentials>`;
        const user = `<AssumedRoleUser><AssumedRoleId>AROAFORGED:${params.get("RoleSessionName")}</AssumedRoleId><Arn>arn:${partition}:sts::${account}:assumed-role/${(resource ?? "role/x").replace(/^role\//, "")}/${params.get("RoleSessionName")}</Arn></AssumedRoleUser>`;
        return { status: 200, type: "text/xml", body: xmlResponse(action, sts, creds + user) };
    }
    if (action === "GetCallerIdentity") {
        return { status: 200, type: "text/xml", body: xmlResponse(action, sts, "<UserId>AIDAFORGED</UserId><Account>000000000000</Account><Arn>arn:aws:iam::000000000000:user/forged</Arn>") };
    }
    if (action === "GetAccountSummary") {
        const entries = Object.entries(liar.summary).map(([k, v]) => `<entry><key>${k}</key><value>${v}</value></entry>`).join("");
        return { status: 200, type: "text/xml", body: xmlResponse(action, "https://iam.amazonaws.com/doc/2010-05-08/", `<SummaryMap>${entries}</SummaryMap>`) };
    }
    return { status: 400, type: "text/xml", body: `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>no ${action}</Message></Error><RequestId>0</RequestId></ErrorResponse>` };
}

async function startLiar(): Promise<Liar> {
    const liar: Liar = { url: "", requests: [], summary: { ...COMPLIANT }, close: async () => undefined };
    const server: Server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const recorded: Recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
            liar.requests.push(recorded);
            const answer = liarAnswer(liar, recorded);
            res.writeHead(answer.status, { "content-type": answer.type, ...answer.headers }).end(answer.body);
        });
    });
    await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, () => resolve()));
    liar.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    liar.close = () => new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
    });
    return liar;
}

/** Every policy of the pack with the same config properties. */
function allPolicies(properties: Record<string, unknown>): Record<string, Record<string, unknown>> {
    return Object.fromEntries(POLICIES.map((p) => [p, { ...properties }]));
}

function show(ds: Diagnostic[]): string {
    return ds.map((d) => `[${d.policyName}/${d.enforcementLevel}] ${d.message}`).join("\n---\n");
}

/** The one diagnostic of `policy` whose message mentions `needle`. */
function oneMentioning(ds: Diagnostic[], policy: string, needle: string): Diagnostic {
    const found = diagnosticsOf(ds, policy).filter((d) => d.message.includes(needle));
    assert.equal(found.length, 1, `expected one ${policy} diagnostic mentioning ${needle}:\n${show(ds)}`);
    return found[0];
}

/** Asserts the root MFA violation of `accountId`, attributed to `provider` (and not to `notProvider`). */
function assertRootMfaViolation(ds: Diagnostic[], policy: string, accountId: string, provider: string, notProvider?: string): Diagnostic {
    const d = oneMentioning(ds, policy, `Account ${accountId} (partition aws): root MFA is not enabled`);
    assert.equal(d.enforcementLevel, "mandatory");
    assert.match(d.message, new RegExp(`Targeted by: [^\\n]*provider "${provider}"`));
    if (notProvider) {
        assert.ok(!d.message.includes(notProvider), `the violation of ${accountId} names ${notProvider}:\n${d.message}`);
    }
    return d;
}

/** Asserts that the provider failed closed because of an untrusted endpoint override named `source`. */
function assertRefusedEndpoint(ds: Diagnostic[], policy: string, level: string, provider: string, source: RegExp, liar: Liar): void {
    const d = oneMentioning(ds, policy, `provider "${provider}"`);
    assert.equal(d.enforcementLevel, level);
    assert.match(d.message, source);
    assert.match(d.message, /trustedEndpoints/);
    assert.match(d.message, /fails closed/);
    assert.ok(d.message.includes(new URL(liar.url).host), d.message);
    assert.doesNotMatch(d.message, /root MFA is not enabled/);
}

/** Command lines of this machine's processes that contain `marker` (their pids). */
function processesWith(marker: string): number[] {
    const pids: number[] = [];
    for (const entry of readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(marker)) pids.push(Number(entry));
        } catch {
            // Gone meanwhile.
        }
    }
    return pids;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the trust boundary through the engine protocol", function () {
    this.timeout(120_000);
    let world: World;
    let liar: Liar;
    let extraPack: PackProcess | undefined;
    const dir = mkdtempSync(path.join(tmpdir(), "aws-root-mfa-trust-"));

    before(async () => {
        world = await startWorld({ dryRun: true });
        liar = await startLiar();
    });
    beforeEach(async () => {
        liar.requests.length = 0;
        liar.summary = { ...COMPLIANT };
        await world.pack.configure({});
    });
    afterEach(async () => {
        await extraPack?.close();
        extraPack = undefined;
    });
    after(async () => {
        await stopWorld(world);
        await liar?.close();
        rmSync(dir, { recursive: true, force: true });
    });

    describe("endpoint overrides", () => {
        it("a provider's untrusted iam endpoint gets no request; the provider fails closed naming its endpoints input and trustedEndpoints", async () => {
            const b = accountWithRole(world, NONCOMPLIANT);
            const p = roleProvider("sneaky", b.roleArn, { endpoints: JSON.stringify([{ iam: liar.url }]) });
            const ds = await world.pack.analyzeStack([p]);
            assertRefusedEndpoint(ds, MFA, "mandatory", "sneaky", /endpoints input \(iam\)/, liar);
            assertRefusedEndpoint(ds, CENTRAL, "advisory", "sneaky", /endpoints input \(iam\)/, liar);
            assert.equal(diagnosticsOf(ds, MFA)[0].urn, p.urn);
            assert.deepEqual(liar.requests.map((r) => `${r.method} ${r.url} ${r.body}`), [], "the untrusted endpoint received requests");
            assert.equal(world.fake.calls.filter((c) => c.params.RoleArn === b.roleArn).length, 0, "not even its STS, which is trusted, was called");
        });

        it("…and the same with an auditRoleArn configured", async () => {
            const b = accountWithRole(world, NONCOMPLIANT);
            world.fake.addRole(b.accountId, "RootMfaAudit", { trustedAccounts: [world.homeAccount] });
            await world.pack.configure(allPolicies({ auditRoleArn: "arn:{partition}:iam::{accountId}:role/RootMfaAudit" }));
            const p = roleProvider("sneaky-audited", b.roleArn, { endpoints: JSON.stringify([{ iam: liar.url }]) });
            const ds = await world.pack.analyzeStack([p]);
            assertRefusedEndpoint(ds, MFA, "mandatory", "sneaky-audited", /endpoints input \(iam\)/, liar);
            assert.deepEqual(liar.requests.map((r) => `${r.method} ${r.url} ${r.body}`), [], "the untrusted endpoint received requests");
            assert.equal(world.fake.count("GetAccountSummary", b.accountId), 0);
        });

        it("AWS_ENDPOINT_URL_IAM at an untrusted server: every provider fails closed naming the variable, and nothing is sent anywhere", async () => {
            const b = accountWithRole(world, NONCOMPLIANT);
            extraPack = await trustingFake(await startPack({
                packDir: PACK_DIR,
                env: awsEnv(world.fake, { AWS_ACCESS_KEY_ID: world.deployer.accessKeyId, AWS_SECRET_ACCESS_KEY: world.deployer.secretAccessKey, AWS_ENDPOINT_URL_IAM: liar.url }),
            }), world.fake);
            const before = world.fake.calls.length;
            const roles = roleProvider("prod", b.roleArn);
            const def = providerResource("default_7_48_0", { version: "7.48.0", region: "us-east-1" });
            const ds = await extraPack.analyzeStack([roles, def]);
            for (const name of ["prod", "default_7_48_0"]) {
                assertRefusedEndpoint(ds, MFA, "mandatory", name, /AWS_ENDPOINT_URL_IAM/, liar);
            }
            assert.equal(diagnosticsOf(ds, MFA).length, 2, show(ds));
            assert.deepEqual(liar.requests.map((r) => `${r.method} ${r.url} ${r.body}`), [], "the untrusted endpoint received requests");
            assert.equal(world.fake.calls.length, before, "no provider got any request, not even to the trusted STS");
        });

        it("the same AWS_ENDPOINT_URL_IAM listed in trustedEndpoints is followed: the verdict comes from it", async () => {
            // The fake says the account is compliant; the trusted private endpoint says it is not.
            const a = accountWithRole(world, COMPLIANT);
            liar.summary = { ...NONCOMPLIANT };
            extraPack = await trustingFake(await startPack({
                packDir: PACK_DIR,
                env: awsEnv(world.fake, { AWS_ACCESS_KEY_ID: world.deployer.accessKeyId, AWS_SECRET_ACCESS_KEY: world.deployer.secretAccessKey, AWS_ENDPOINT_URL_IAM: liar.url }),
            }), world.fake);
            await extraPack.configure(allPolicies({ trustedEndpoints: [world.fake.url, liar.url] }));
            const ds = await extraPack.analyzeStack([roleProvider("private", a.roleArn)]);
            assertRootMfaViolation(ds, MFA, a.accountId, "private");
            assert.ok(liar.requests.some((r) => r.body.includes("Action=GetAccountSummary")), "the trusted endpoint was read");
            assert.equal(world.fake.count("GetAccountSummary", a.accountId), 0, "IAM was not read from the environment's general endpoint");
            assert.ok(world.fake.calls.some((c) => c.action === "AssumeRole" && c.params.RoleArn === a.roleArn), "STS still came from AWS_ENDPOINT_URL");
        });
    });

    describe("decoys cannot clear another provider's account", () => {
        function decoyWithEndpoints(accountId: string): StackResource {
            return roleProvider("aaa-decoy", `arn:aws:iam::${accountId}:role/does-not-exist`, { endpoints: JSON.stringify([{ sts: liar.url, iam: liar.url }]) });
        }

        it("a decoy naming the account's role with its own sts/iam endpoints, in preview (AnalyzeStack alone)", async () => {
            const b = accountWithRole(world, NONCOMPLIANT);
            const decoy = decoyWithEndpoints(b.accountId);
            const honest = roleProvider("zzz-honest", b.roleArn);
            const ds = await world.pack.analyzeStack([decoy, honest]);
            assertRootMfaViolation(ds, MFA, b.accountId, "zzz-honest", "aaa-decoy");
            assertRefusedEndpoint(ds, MFA, "mandatory", "aaa-decoy", /endpoints input \(sts\)/, liar);
            assert.equal(diagnosticsOf(ds, MFA).length, 2, show(ds));
            assert.deepEqual(liar.requests, []);
        });

        it("a decoy with its own endpoints, in an update: Analyze of the honest provider is invalid", async () => {
            const update = await startWorld({ dryRun: false });
            try {
                const b = accountWithRole(update, NONCOMPLIANT);
                const decoy = decoyWithEndpoints(b.accountId);
                const honest = roleProvider("zzz-honest", b.roleArn);
                const decoyDs = await update.pack.analyze(decoy);
                assertRefusedEndpoint(decoyDs, GATE, "mandatory", "aaa-decoy", /endpoints input \(sts\)/, liar);
                const ds = await update.pack.analyze(honest);
                assertRootMfaViolation(ds, GATE, b.accountId, "zzz-honest", "aaa-decoy");
                assert.equal(diagnosticsOf(ds, GATE)[0].urn, honest.urn);
                const stack = await update.pack.analyzeStack([decoy, honest]);
                assertRootMfaViolation(stack, MFA, b.accountId, "zzz-honest", "aaa-decoy");
                assert.deepEqual(liar.requests.map((r) => `${r.method} ${r.url} ${r.body}`), [], "the untrusted endpoint received requests");
            } finally {
                await stopWorld(update);
            }
        });

        it("a decoy naming a role it cannot assume (trusted endpoints) gets its own fail-closed message, not merged into the account", async () => {
            const b = accountWithRole(world, NONCOMPLIANT);
            const decoyArn = `arn:aws:iam::${b.accountId}:role/does-not-exist`;
            const decoy = roleProvider("aaa-decoy", decoyArn);
            const honest = roleProvider("zzz-honest", b.roleArn);
            const ds = await world.pack.analyzeStack([decoy, honest]);
            assertRootMfaViolation(ds, MFA, b.accountId, "zzz-honest", "aaa-decoy");
            const d = oneMentioning(ds, MFA, 'provider "aaa-decoy"');
            assert.equal(d.enforcementLevel, "mandatory");
            assert.match(d.message, /could not be determined/);
            assert.match(d.message, new RegExp(`sts:AssumeRole was denied while assuming role ${decoyArn.replace(/[/.]/g, "\\$&")}`));
            assert.doesNotMatch(d.message, /root MFA is not enabled/);
            assert.equal(diagnosticsOf(ds, MFA).length, 2, show(ds));
        });

        it("a decoy naming the same twelve digits in aws-us-gov does not make the commercial account 'not applicable'", async () => {
            const b = accountWithRole(world, NONCOMPLIANT);
            const decoy = roleProvider("aaa-decoy", `arn:aws-us-gov:iam::${b.accountId}:role/never`);
            const honest = roleProvider("zzz-honest", b.roleArn);
            const ds = await world.pack.analyzeStack([decoy, honest]);
            assertRootMfaViolation(ds, MFA, b.accountId, "zzz-honest", "aaa-decoy");
            const d = oneMentioning(ds, MFA, 'provider "aaa-decoy"');
            assert.match(d.message, /fails closed/);
            assert.doesNotMatch(d.message, /root MFA is not enabled/);
        });
    });

    describe("secrets across providers", () => {
        const SESSION = "p1-secret-session-0042";

        it("the fake's denial quotes the caller's session name (so a leak would show)", async () => {
            const a = accountWithRole(world, NONCOMPLIANT);
            world.fake.deny(a.accountId, "iam:GetAccountSummary");
            const sts = new STSClient({ endpoint: world.fake.url, region: "us-east-1", credentials: world.deployer });
            const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: a.roleArn, RoleSessionName: SESSION }));
            const c = assumed.Credentials!;
            const iam = new IAMClient({ endpoint: world.fake.url, region: "us-east-1", credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken } });
            await assert.rejects(iam.send(new GetAccountSummaryCommand({})), (e: Error) => e.message.includes(`assumed-role/Deploy/${SESSION}`));
            sts.destroy();
            iam.destroy();
        });

        it("p1's secret session name never reaches p2's message (update: Analyze p1, Analyze p2, then the stack)", async () => {
            const update = await startWorld({ dryRun: false });
            try {
                const a = accountWithRole(update, NONCOMPLIANT);
                update.fake.deny(a.accountId, "iam:GetAccountSummary");
                const p1 = providerResource("p1", {
                    region: "us-east-1",
                    assumeRoles: secret(JSON.stringify([{ roleArn: a.roleArn, sessionName: SESSION }])),
                    skipCredentialsValidation: "false",
                });
                const p2 = roleProvider("p2", a.roleArn);
                const d1 = diagnosticsOf(await update.pack.analyze(p1), GATE);
                assert.equal(d1.length, 1, show(d1));
                assert.match(d1[0].message, /iam:GetAccountSummary was denied/);
                assert.ok(!d1[0].message.includes(SESSION), d1[0].message);
                const d2 = diagnosticsOf(await update.pack.analyze(p2), GATE);
                assert.equal(d2.length, 1, show(d2));
                assert.equal(d2[0].enforcementLevel, "mandatory");
                assert.match(d2[0].message, new RegExp(`Account ${a.accountId}: root MFA could not be checked`));
                assert.match(d2[0].message, /provider "p2"/);
                assert.match(d2[0].message, /iam:GetAccountSummary was denied/);
                assert.ok(!d2[0].message.includes(SESSION), d2[0].message);
                // The failure is p2's own: AWS's denial names p2's session, not p1's.
                assert.match(d2[0].message, /assumed-role\/Deploy\/deploy /);
                assert.ok(update.fake.calls.some((c) => c.action === "GetAccountSummary" && c.principalArn?.endsWith("/Deploy/deploy")), "p2's own credentials were tried");
                const stack = await update.pack.analyzeStack([p1, p2]);
                assert.ok(diagnosticsOf(stack, MFA).length >= 1, show(stack));
                for (const d of stack) {
                    assert.ok(!d.message.includes(SESSION), d.message);
                }
                assert.ok(!update.pack.stderr().includes(SESSION));
            } finally {
                await stopWorld(update);
            }
        });
    });

    describe("credential helpers and files", () => {
        let marker = "";
        afterEach(() => {
            if (marker) {
                // Only the helpers this test made the pack start, by pid.
                for (const pid of processesWith(marker)) {
                    try {
                        process.kill(pid, "SIGKILL");
                    } catch {
                        // Already gone.
                    }
                }
            }
            marker = "";
        });

        it("a failing credential_process is reported by kind and exit code, never quoting its command line or output", async () => {
            const script = path.join(dir, "failing-helper.js");
            writeFileSync(script, 'process.stdout.write("password=hunter2-0042\\n"); process.stderr.write("password=hunter2-0042\\n"); process.exit(3);\n');
            const config = path.join(dir, "config-failing-helper");
            writeFileSync(config, `[profile helper]\ncredential_process = ${JSON.stringify(process.execPath)} ${JSON.stringify(script)} --client-secret=cs-0042-secret\nregion = us-east-1\n`);
            const p = providerResource("with-helper", { region: "us-east-1", profile: "helper", sharedConfigFiles: JSON.stringify([config]) });
            const ds = await world.pack.analyzeStack([p]);
            const d = oneMentioning(ds, MFA, 'provider "with-helper"');
            assert.equal(d.enforcementLevel, "mandatory");
            assert.match(d.message, /fails closed/);
            assert.match(d.message, /the credential_process of profile "helper" \(\S+config-failing-helper\) failed: it exited with code 3/);
            for (const x of ds) {
                assert.ok(!x.message.includes("cs-0042-secret"), x.message);
                assert.ok(!x.message.includes("hunter2-0042"), x.message);
            }
            assert.ok(!world.pack.stderr().includes("cs-0042-secret") && !world.pack.stderr().includes("hunter2-0042"), "the pack's log quotes the helper");
        });

        it("a credential_process that never exits is ended, with its children, when the check gives up", async () => {
            marker = `cp-hang-${process.pid}-${Date.now()}`;
            const script = path.join(dir, `${marker}.sh`);
            writeFileSync(script, `sh -c 'sleep 7777; echo ${marker}' &\nsleep 7777\n`);
            const config = path.join(dir, "config-hanging-helper");
            writeFileSync(config, `[profile hang]\ncredential_process = /bin/sh ${script}\nregion = us-east-1\n`);
            await world.pack.configure(allPolicies({ timeoutSeconds: 2 }));
            const p = providerResource("hanging-helper", { region: "us-east-1", profile: "hang", sharedConfigFiles: JSON.stringify([config]) });
            let seen = false;
            let watching = true;
            const watcher = (async () => {
                while (watching) {
                    seen ||= processesWith(marker).length >= 2;
                    await sleep(100);
                }
            })();
            const ds = await world.pack.analyzeStack([p]).finally(() => (watching = false));
            await watcher;
            assert.ok(seen, "the helper and its child ran while the check waited");
            const d = oneMentioning(ds, MFA, 'provider "hanging-helper"');
            assert.match(d.message, /fails closed/);
            assert.match(d.message, /credential_process of profile "hang"|did not (finish|answer) in time/);
            let left = processesWith(marker);
            for (let i = 0; i < 20 && left.length > 0; i++) {
                await sleep(100);
                left = processesWith(marker);
            }
            assert.deepEqual(left, [], "the helper or its child outlived the check");
        });

        it("six providers whose sharedConfigFiles are FIFOs fail closed without blocking the compliant default provider", async () => {
            const fifos = Array.from({ length: 6 }, (_, i) => path.join(dir, `fifo-${i}`));
            try {
                for (const f of fifos) execFileSync("mkfifo", [f]);
                const fifoProviders = fifos.map((f, i) => providerResource(`fifo-${i}`, { region: "us-east-1", profile: "ci", sharedConfigFiles: JSON.stringify([f]) }));
                const def = providerResource("default_7_48_0", { version: "7.48.0", region: "us-east-1" });
                const ds = await world.pack.analyzeStack([...fifoProviders, def]);
                for (let i = 0; i < fifos.length; i++) {
                    const d = oneMentioning(ds, MFA, `provider "fifo-${i}"`);
                    assert.equal(d.enforcementLevel, "mandatory");
                    assert.match(d.message, /is not a regular file/);
                    assert.ok(d.message.includes(fifos[i]), d.message);
                }
                assert.equal(diagnosticsOf(ds, MFA).length, 6, show(ds));
                assert.ok(!ds.some((d) => d.message.includes("default_7_48_0")), show(ds));
                assert.equal(world.fake.count("GetAccountSummary", world.homeAccount), 1, "the default provider's account was read");
            } finally {
                // Should the pack have opened one, a writer that opens and closes releases it.
                for (const f of fifos) {
                    try {
                        closeSync(openSync(f, constants.O_WRONLY | constants.O_NONBLOCK));
                    } catch {
                        // No reader: nothing blocked on it.
                    }
                }
            }
        });
    });

    describe("one deadline per run", () => {
        it("96 accounts whose IAM never answers: the stack analysis returns within 2 × timeoutSeconds + 3 s, every account failed closed", async () => {
            const accounts = Array.from({ length: 96 }, () => accountWithRole(world, NONCOMPLIANT));
            for (const a of accounts) world.fake.fault({ action: "GetAccountSummary", accountId: a.accountId, kind: "hang" });
            const providers = accounts.map((a, i) => roleProvider(`hang-${String(i).padStart(2, "0")}`, a.roleArn));
            await world.pack.configure(allPolicies({ timeoutSeconds: 2 }));
            const started = Date.now();
            const ds = await world.pack.analyzeStack(providers);
            const elapsed = Date.now() - started;
            assert.ok(elapsed < (2 * 2 + 3) * 1000, `took ${elapsed} ms`);
            const mine = diagnosticsOf(ds, MFA);
            accounts.forEach((a, i) => {
                // Its account fails closed; on a very slow machine its provider may not even have
                // been identified in time, which fails it closed too.
                const d = mine.filter((x) => x.message.includes(`\nAccount ${a.accountId}:`) || x.message.includes(`provider "${providers[i].name}" could not be determined`));
                assert.equal(d.length, 1, `account ${a.accountId}:\n${show(mine.slice(0, 3))}`);
                assert.match(d[0].message, /could not be (checked|determined)/);
                assert.match(d[0].message, /fails closed/);
                assert.doesNotMatch(d[0].message, /root MFA is not enabled/);
                assert.equal(d[0].enforcementLevel, "mandatory");
            });
            assert.equal(mine.length, 96, show(mine.slice(0, 3)));
        });
    });
});
