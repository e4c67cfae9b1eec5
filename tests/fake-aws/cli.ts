/**
 * Runs a fake AWS endpoint for manual demos:
 *
 *     node -r ts-node/register/transpile-only tests/fake-aws/cli.ts --accounts 10
 *
 * Creates N accounts, each with one IAM user, in one organization managed by the first
 * account (root MFA on every other account), prints AWS_ENDPOINT_URL and each user's
 * credentials, and serves until SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { FakeAws } from "./index";

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { accounts: { type: "string", default: "3" } } });
    const count = Number(values.accounts);
    if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new Error(`--accounts must be a positive integer, got ${values.accounts}`);

    const aws = await FakeAws.start();
    const organizationId = "o-fakeaws000";
    const accountIds = Array.from({ length: count }, (_, i) => String(100_000_000_000 + i + 1));
    aws.addOrganization({ id: organizationId, managementAccountId: accountIds[0], rootCredentialsManagement: true, rootSessions: true });
    console.log(`AWS_ENDPOINT_URL=${aws.url}`);
    console.log(`# organization ${organizationId}, management account ${accountIds[0]}; region: any (e.g. AWS_REGION=us-east-1)`);
    for (const [i, id] of accountIds.entries()) {
        const mfa = i % 2 === 0;
        aws.addAccount({ id, organizationId, summary: { AccountMFAEnabled: mfa ? 1 : 0 }, rootVirtualMfa: mfa });
        const keys = aws.addUser(id, "demo");
        console.log(`${id} root-mfa=${mfa ? "on " : "off"} AWS_ACCESS_KEY_ID=${keys.accessKeyId} AWS_SECRET_ACCESS_KEY=${keys.secretAccessKey}`);
    }
    console.log("# serving; Ctrl-C to stop");

    const stop = (): void => {
        void aws.close().then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
}

main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
