/**
 * `npm run demo`: the pack doing its job in a few seconds, with no AWS account and no Pulumi CLI.
 *
 * Starts the bundled AWS-compatible endpoint (tests/fake-aws) holding a sample organization, starts
 * the compiled pack exactly as the Pulumi CLI starts it (tests/harness), replays what
 * `pulumi preview --policy-pack . --policy-pack-config <demo config>` sends it for a sample stack
 * (a default provider and explicit providers that assume roles into the sample accounts), and prints
 * the "Policies:" block as `pulumi preview` prints it, a one-line summary and where to go next.
 *
 * Exit code: 0 when no mandatory violation was reported, 1 when one was (as `pulumi preview`
 * fails), 2 when the demo itself could not run.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { FakeAws } from "../tests/fake-aws";
import { Diagnostic, PROJECT, STACK, PackProcess, StackResource, providerResource, resourceUsing, startPack } from "../tests/harness/engine";
import { awsEnv, roleProvider } from "../tests/support/world";
import { policiesBlock } from "../policypack/cli/policiesBlock";
import { demoPolicyConfig } from "./policyConfig";

const PACK_DIR = path.resolve(__dirname, "..");

/** One account of the sample organization, and the provider of the sample stack that deploys into it. */
interface SampleAccount {
    provider: string;
    id: string;
    what: string;
    partition?: "aws" | "aws-us-gov";
    member?: boolean;
    summary: Record<string, number>;
}

const ORGANIZATION_ID = "o-demo0000001";
const MANAGEMENT: SampleAccount = {
    provider: "default_7_48_0",
    id: "111111111111",
    what: "management account, root MFA on (the default provider's credentials)",
    member: true,
    summary: { AccountMFAEnabled: 1, AccountPasswordPresent: 1 },
};
const ACCOUNTS: SampleAccount[] = [
    MANAGEMENT,
    { provider: "payments-prod", id: "222222222222", what: "member, root MFA on and no root password", member: true, summary: { AccountMFAEnabled: 1, AccountPasswordPresent: 0 } },
    { provider: "analytics-dev", id: "333333333333", what: "member, root password and no MFA", member: true, summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 1 } },
    { provider: "sandbox", id: "444444444444", what: "member, root credentials removed centrally", member: true, summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 0 } },
    { provider: "legacy-standalone", id: "555555555555", what: "standalone, no root MFA and no root password", summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 0 } },
    { provider: "govcloud", id: "666666666666", what: "GovCloud (US) account", partition: "aws-us-gov", summary: { AccountMFAEnabled: 0, AccountPasswordPresent: 1 } },
];

/** Fills the endpoint with the sample organization; returns the deployer's keys (in the management account). */
function sampleOrganization(fake: FakeAws): { accessKeyId: string; secretAccessKey: string; roleArns: Map<string, string> } {
    for (const a of ACCOUNTS) {
        fake.addAccount({ id: a.id, partition: a.partition, organizationId: a.member ? ORGANIZATION_ID : undefined, summary: a.summary });
    }
    fake.addOrganization({ id: ORGANIZATION_ID, managementAccountId: MANAGEMENT.id, rootCredentialsManagement: true });
    const deployer = fake.addUser(MANAGEMENT.id, "ci-deployer");
    const roleArns = new Map<string, string>();
    for (const a of ACCOUNTS.filter((x) => x !== MANAGEMENT)) {
        roleArns.set(a.provider, fake.addRole(a.id, "Deploy", { trustedAccounts: [MANAGEMENT.id] }));
    }
    return { ...deployer, roleArns };
}

/** The sample stack: the default provider, one explicit provider per other account, a bucket on each. */
function sampleStack(roleArns: ReadonlyMap<string, string>): StackResource[] {
    const stack: StackResource = { urn: stackUrn(), type: "pulumi:pulumi:Stack", name: `${PROJECT}-${STACK}`, properties: {} };
    const providers = [
        providerResource(MANAGEMENT.provider, { region: "us-east-1", skipCredentialsValidation: "false", version: "7.48.0" }),
        ...[...roleArns].map(([name, roleArn]) => roleProvider(name, roleArn, name === "govcloud" ? { region: "us-gov-west-1" } : {})),
    ];
    return [stack, ...providers, ...providers.map((p) => resourceUsing(p, `${p.name.startsWith("default") ? "assets" : p.name}-bucket`))];
}

function stackUrn(): string {
    return `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${STACK}`;
}

/** Replays a preview: ConfigureStack, GetAnalyzerInfo, Configure, Analyze per resource, AnalyzeStack. */
async function preview(pack: PackProcess, resources: StackResource[], endpointUrl: string, caFile: string | undefined): Promise<{ version: string; diagnostics: Diagnostic[] }> {
    await pack.configureStack();
    const info = await pack.getAnalyzerInfo();
    await pack.configure(demoPolicyConfig(endpointUrl, caFile));
    const diagnostics: Diagnostic[] = [];
    for (const r of resources) {
        diagnostics.push(...await pack.analyze(r));
    }
    diagnostics.push(...await pack.analyzeStack(resources));
    return { version: info.version, diagnostics };
}

function summaryLine(diagnostics: readonly Diagnostic[], accounts: number, seconds: number): string {
    const count = (level: string) => diagnostics.filter((d) => d.enforcementLevel === level).length;
    const mandatory = count("mandatory");
    const advisory = count("advisory");
    const verdict = mandatory > 0 ? "the preview would fail: a deployment into these accounts is blocked" : "the preview would pass";
    return `Summary: ${mandatory} mandatory and ${advisory} advisory violation${advisory === 1 ? "" : "s"} in ${accounts} AWS accounts; ${verdict} (${seconds.toFixed(1)} s).`;
}

async function main(): Promise<number> {
    const started = performance.now();
    if (!existsSync(path.join(PACK_DIR, "bin", "index.js"))) {
        console.error("The compiled pack (bin/index.js) is missing: run `npm ci` (or `npm run build`) first, then `npm run demo`.");
        return 2;
    }
    // https, as AWS is: the pack trusts the endpoint's test CA through trustedCaBundles.
    const fake = await FakeAws.start({ tls: true });
    let pack: PackProcess | undefined;
    try {
        const { accessKeyId, secretAccessKey, roleArns } = sampleOrganization(fake);
        console.log(`aws-root-mfa demo: a local AWS-compatible endpoint (${fake.url}) holds organization ${ORGANIZATION_ID}:`);
        for (const a of ACCOUNTS) {
            console.log(`  ${a.id}  ${a.what}  ← provider "${a.provider}"`);
        }
        console.log(`The compiled pack runs as \`pulumi preview --policy-pack ${path.relative(process.cwd(), PACK_DIR) || "."}\` starts it, for stack "${STACK}" of project "${PROJECT}".\n`);
        pack = await startPack({
            packDir: PACK_DIR,
            dryRun: true,
            env: awsEnv(fake, { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey }),
        });
        const { version, diagnostics } = await preview(pack, sampleStack(roleArns), fake.url, fake.caFile);
        const findings = diagnostics.map((d) => ({ ...d, urn: d.urn || stackUrn() }));
        process.stdout.write(policiesBlock({ name: "aws-root-mfa", version, localPath: path.relative(process.cwd(), PACK_DIR) || "." }, findings));
        console.log(summaryLine(diagnostics, ACCOUNTS.length, (performance.now() - started) / 1000));
        console.log([
            "Next:",
            "  - your own stack: `pulumi preview --policy-pack <this folder> --policy-pack-config examples/policy-config.json` (README: Quick start)",
            "  - without Pulumi, e.g. in CI: `npx aws-root-mfa check --profile <profile> --sarif` (README: Checking outside Pulumi)",
            "  - a multi-account example program: examples/ (README: Examples)",
        ].join("\n"));
        return diagnostics.some((d) => d.enforcementLevel === "mandatory") ? 1 : 0;
    } finally {
        await pack?.close();
        await fake.close();
    }
}

main().then((code) => {
    process.exitCode = code;
}, (e: unknown) => {
    console.error(`The demo could not run: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 2;
});
