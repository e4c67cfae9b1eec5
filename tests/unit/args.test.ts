import assert from "node:assert/strict";
import { CliError, parseCommand } from "../../policypack/cli/args";

describe("the command line of check --organization and fix", () => {
    it("reads check --organization with a member role and an HTML file", () => {
        const command = parseCommand(["check", "--organization", "--member-role", "OrganizationAccountAccessRole", "--html", "out.html"]);
        assert.equal(command.kind, "check");
        assert.ok(command.kind === "check");
        assert.equal(command.options.organization, true);
        assert.equal(command.options.memberRole, "OrganizationAccountAccessRole");
        assert.equal(command.options.html, "out.html");
    });

    it("reads fix: a plan by default, --apply with --yes, accounts, a log", () => {
        const plan = parseCommand(["fix"]);
        assert.deepEqual(plan, { kind: "fix", options: { accounts: [], apply: false, yes: false, log: undefined, enableCentralRoot: false, format: "text", config: undefined } });
        const apply = parseCommand(["fix", "--apply", "-y", "--account", "123456789012", "--account", "210987654321", "--log", "fix.jsonl", "--json"]);
        assert.deepEqual(apply, { kind: "fix", options: { accounts: ["123456789012", "210987654321"], apply: true, yes: true, log: "fix.jsonl", enableCentralRoot: false, format: "json", config: undefined } });
    });

    const refused: Array<[string, string[], RegExp]> = [
        ["a member role without --organization", ["check", "--member-role", "R"], /use it with --organization/],
        ["--organization with --profile", ["check", "--organization", "--profile", "p"], /without --profile/],
        ["--organization with --stack-state", ["check", "--organization", "--stack-state", "s.json"], /without --profile, --role-arn and --stack-state/],
        ["a role path as a member role", ["check", "--organization", "--member-role", "path/Role"], /not an IAM role name/],
        ["an empty --html", ["check", "--html", " "], /--html needs a file name/],
        ["a short account id", ["fix", "--account", "12"], /not a 12-digit AWS account id/],
        ["--yes without --apply", ["fix", "--yes"], /--yes confirms --apply/],
        ["accounts with --enable-central-root", ["fix", "--enable-central-root", "--account", "123456789012"], /without --account/],
        ["a check option on fix", ["fix", "--organization"], /--organization applies to `aws-root-mfa check` only/],
        ["a fix option on check", ["check", "--apply"], /--apply applies to `aws-root-mfa fix` only/],
        ["SARIF from fix", ["fix", "--sarif"], /--sarif applies to `aws-root-mfa check` only/],
        ["an unknown command", ["repair"], /the commands are `aws-root-mfa check` and `aws-root-mfa fix`/],
    ];
    for (const [what, argv, message] of refused) {
        it(`refuses ${what}`, () => {
            assert.throws(() => parseCommand(argv), (e: unknown) => e instanceof CliError && message.test(e.message));
        });
    }
});
