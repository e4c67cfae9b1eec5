/** The command line of `aws-root-mfa check`, and its help text. */
import { parseArgs } from "node:util";

/** A problem the user fixes (arguments, files): printed as a message, exit code 2. */
export class CliError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CliError";
    }
}

/** What `aws-root-mfa check` was asked to do. */
export interface CheckOptions {
    profiles: string[];
    roleArns: string[];
    stackState?: string;
    config?: string;
    format: "text" | "json" | "sarif";
    /** The repository file SARIF results point at. */
    sarifLocation: string;
    /** Advisory policies fail the run too. */
    strict: boolean;
    /** Every account of the organization the ambient credentials manage. */
    organization: boolean;
    /** With `organization`: read each member through this role instead of sts:AssumeRoot. */
    memberRole?: string;
    /** Also write the self-contained HTML page here. */
    html?: string;
}

/** What `aws-root-mfa fix` was asked to do. */
export interface FixOptions {
    /** Only these member accounts (default: every member). */
    accounts: string[];
    /** Change things (default: only the plan). */
    apply: boolean;
    /** No confirmation prompt (needed with --apply when standard input is not a terminal). */
    yes: boolean;
    /** Append every action as a JSON line here. */
    log?: string;
    /** Enable centralized root access (RootCredentialsManagement, RootSessions) instead of deleting credentials. */
    enableCentralRoot: boolean;
    format: "text" | "json";
    config?: string;
}

/** The parsed command line: a check or a fix to run, or help to print. */
export type Command = { kind: "help" } | { kind: "version" } | { kind: "check"; options: CheckOptions } | { kind: "fix"; options: FixOptions };

/** `aws-root-mfa --help`. */
export const HELP = `aws-root-mfa check: is root MFA on in the AWS accounts you deploy into? (CIS AWS Foundations Benchmark v5.0.0, 1.4)

Runs every stack policy of the aws-root-mfa policy pack that the config enables (by default
aws-root-mfa-enabled, aws-root-credentials-centralized and aws-root-no-access-keys) outside Pulumi:
finds each account, reads its root posture, and reports every account, compliant ones too.

Usage:
  aws-root-mfa check [options]
  aws-root-mfa check --organization [--member-role NAME] [options]
  aws-root-mfa fix [--account ID]... [--apply [--yes]] [--log FILE] [--json]
  aws-root-mfa fix --enable-central-root [--apply [--yes]]
  npx aws-root-mfa check [options]

Which accounts (default: the one the ambient credentials reach, as the AWS CLI would):
  --profile NAME        an AWS profile (~/.aws/config); repeat for several
                          aws-root-mfa check --profile prod --profile staging
  --role-arn ARN        a role to assume with the ambient credentials; repeat for several
                          aws-root-mfa check --role-arn arn:aws:iam::123456789012:role/Deploy
  --stack-state FILE    every AWS provider of a stack, from \`pulumi stack export\` (- reads standard input);
                        encrypted secret inputs cannot be read: export with --show-secrets if a provider needs them
                          pulumi stack export --file state.json && aws-root-mfa check --stack-state state.json
                          pulumi stack export | aws-root-mfa check --stack-state -

Every account of an AWS Organization (with the management account's or the IAM delegated
administrator's credentials: organizations:ListAccounts, organizations:DescribeOrganization,
iam:ListOrganizationsFeatures, and sts:AssumeRoot or sts:AssumeRole on the member role):
  --organization        list every account (every page of organizations:ListAccounts) and check each one:
                        through sts:AssumeRoot with the IAMAuditRootUserCredentials task policy when the
                        organization has centralized root access with root sessions (no role needed in
                        the members), else through --member-role; accounts not ACTIVE are not applicable
                          aws-root-mfa check --organization --html root-mfa.html
  --member-role NAME    read each member through this role instead (e.g. OrganizationAccountAccessRole)
                          aws-root-mfa check --organization --member-role OrganizationAccountAccessRole
  --html FILE           also write one self-contained HTML page for an auditor (any check)

Settings:
  --config FILE         the policy pack config, the same JSON as \`pulumi preview --policy-pack-config\`
                        (enforcement levels, exemptions, organizationRoleArn, auditRoleArn, ...)
                          aws-root-mfa check --config examples/policy-config.json
  --strict              advisory policies fail the run too (exit 1), not only mandatory ones
                          aws-root-mfa check --profile prod --strict

Output (default: text: a table of every account, then the violations as \`pulumi preview\` prints them;
on a terminal, a progress line on stderr and colour, unless NO_COLOR is set):
  --json                one JSON document on stdout
                          aws-root-mfa check --json > findings.json
  --sarif               SARIF 2.1.0 on stdout, for code-scanning tools
                          aws-root-mfa check --stack-state state.json --sarif > aws-root-mfa.sarif
  --sarif-location PATH the repository file each SARIF result points at (default: Pulumi.yaml, the project
                        whose accounts are checked; code scanning needs a file in the repository)
                          aws-root-mfa check --sarif --sarif-location infra/Pulumi.yaml
  -h, --help            this help
  --version             the pack's version

aws-root-mfa fix: delete the root credentials members of an organization with centralized root access
still have (from the management account or the IAM delegated administrator):
  (no option)           the plan: per member, what it has (password, access keys, signing certificates,
                        MFA devices; read through sts:AssumeRoot with IAMAuditRootUserCredentials); nothing changes
  --account ID          only this member; repeat for several
  --apply               delete them (sts:AssumeRoot with IAMDeleteRootUserCredentials), then read each
                        account again and print the aws-root-credentials-removed verdict; asks first on a terminal
  --yes, -y             do not ask (needed with --apply when standard input is not a terminal)
  --log FILE            append every action as a JSON line (no secrets; access keys by their last 4 characters)
  --json                the plan or what was done as one JSON document
  --enable-central-root plan (or with --apply enable) RootCredentialsManagement and RootSessions
                          aws-root-mfa fix --account 123456789012
                          aws-root-mfa fix --apply --yes --log fix.jsonl
  fix exits 0 when every account was read (and, with --apply, is compliant afterwards), 1 otherwise, 2 when it cannot run.

Exit codes of check, by the enforcement level of each policy (from --config, else the policy's own):
  0  passed: no mandatory policy found a violation or failed to check an account
     (advisory findings are printed, and fail the run only with --strict)
  1  failed: a mandatory policy found a violation, or could not check an account (it fails closed)
  2  the command could not run: bad arguments, or a --config or --stack-state file it cannot use
`;

/** Parses `argv` (without node and the script); throws CliError on anything it cannot use. */
export function parseCommand(argv: readonly string[]): Command {
    let parsed: ReturnType<typeof parse>;
    try {
        parsed = parse(argv);
    } catch (e) {
        throw new CliError(e instanceof Error ? e.message : "the arguments could not be read");
    }
    const { values, positionals } = parsed;
    if (values.help || positionals[0] === "help") {
        return { kind: "help" };
    }
    if (values.version) {
        return { kind: "version" };
    }
    if (positionals.length === 0) {
        throw new CliError("missing command: use `aws-root-mfa check` or `aws-root-mfa fix`");
    }
    if ((positionals[0] !== "check" && positionals[0] !== "fix") || positionals.length > 1) {
        throw new CliError(`unknown command "${positionals.join(" ")}": the commands are \`aws-root-mfa check\` and \`aws-root-mfa fix\``);
    }
    const only = (command: string, names: ReadonlyArray<keyof typeof values>) => {
        for (const name of names) {
            if (values[name] !== undefined) {
                throw new CliError(`--${name} applies to \`aws-root-mfa ${command}\` only`);
            }
        }
    };
    if (positionals[0] === "fix") {
        only("check", ["profile", "role-arn", "stack-state", "sarif", "sarif-location", "strict", "organization", "member-role", "html"]);
        const accounts = values.account ?? [];
        for (const a of accounts) {
            if (!/^\d{12}$/.test(a)) {
                throw new CliError(`--account "${a}" is not a 12-digit AWS account id`);
            }
        }
        if (values["enable-central-root"] && accounts.length > 0) {
            throw new CliError("--enable-central-root acts on the organization, not on accounts: use it without --account");
        }
        if (values.yes && !values.apply) {
            throw new CliError("--yes confirms --apply: without --apply nothing is changed, so there is nothing to confirm");
        }
        if (values.log !== undefined && values.log.trim() === "") {
            throw new CliError("--log needs a file name");
        }
        return {
            kind: "fix",
            options: {
                accounts,
                apply: values.apply === true,
                yes: values.yes === true,
                log: values.log,
                enableCentralRoot: values["enable-central-root"] === true,
                format: values.json ? "json" : "text",
                config: values.config,
            },
        };
    }
    only("fix", ["account", "apply", "yes", "log", "enable-central-root"]);
    if (values.json && values.sarif) {
        throw new CliError("--json and --sarif cannot be used together: choose one output format");
    }
    const profiles = values.profile ?? [];
    const roleArns = values["role-arn"] ?? [];
    for (const p of profiles) {
        if (p.trim() === "") {
            throw new CliError("--profile needs a profile name");
        }
    }
    for (const arn of roleArns) {
        if (!/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/.test(arn)) {
            throw new CliError(`--role-arn "${arn}" is not an IAM role ARN (arn:aws:iam::123456789012:role/Name)`);
        }
    }
    if (values["sarif-location"] !== undefined && !values.sarif) {
        throw new CliError("--sarif-location applies to --sarif output only");
    }
    if (values["sarif-location"] !== undefined && (values["sarif-location"].trim() === "" || /^[a-z][a-z0-9+.-]*:/i.test(values["sarif-location"]) || /^[/\\]/.test(values["sarif-location"]) || values["sarif-location"].split(/[/\\]/).includes(".."))) {
        throw new CliError(`--sarif-location "${values["sarif-location"]}" must be a path relative to the repository root, e.g. infra/Pulumi.yaml`);
    }
    if (values.organization && (profiles.length > 0 || roleArns.length > 0 || values["stack-state"] !== undefined)) {
        throw new CliError("--organization checks every account of the organization the ambient credentials manage: use it without --profile, --role-arn and --stack-state (set AWS_PROFILE to list with a profile)");
    }
    if (values["member-role"] !== undefined && !values.organization) {
        throw new CliError("--member-role names the role each member of the organization is read through: use it with --organization");
    }
    if (values["member-role"] !== undefined && !/^[\w+=,.@-]{1,64}$/.test(values["member-role"])) {
        throw new CliError(`--member-role "${values["member-role"]}" is not an IAM role name (letters, digits and +=,.@_- only, at most 64), e.g. OrganizationAccountAccessRole`);
    }
    if (values.html !== undefined && values.html.trim() === "") {
        throw new CliError("--html needs a file name");
    }
    if (values["stack-state"] !== undefined && (profiles.length > 0 || roleArns.length > 0)) {
        throw new CliError("--stack-state checks the stack's own providers: use it without --profile and --role-arn");
    }
    return {
        kind: "check",
        options: {
            profiles,
            roleArns,
            stackState: values["stack-state"],
            config: values.config,
            format: values.json ? "json" : values.sarif ? "sarif" : "text",
            sarifLocation: (values["sarif-location"] ?? "Pulumi.yaml").split("\\").join("/"),
            strict: values.strict === true,
            organization: values.organization === true,
            ...(values["member-role"] !== undefined ? { memberRole: values["member-role"] } : {}),
            ...(values.html !== undefined ? { html: values.html } : {}),
        },
    };
}

function parse(argv: readonly string[]) {
    return parseArgs({
        args: [...argv],
        allowPositionals: true,
        strict: true,
        options: {
            profile: { type: "string", multiple: true },
            "role-arn": { type: "string", multiple: true },
            "stack-state": { type: "string" },
            config: { type: "string" },
            json: { type: "boolean" },
            sarif: { type: "boolean" },
            "sarif-location": { type: "string" },
            strict: { type: "boolean" },
            organization: { type: "boolean" },
            "member-role": { type: "string" },
            html: { type: "string" },
            account: { type: "string", multiple: true },
            apply: { type: "boolean" },
            yes: { type: "boolean", short: "y" },
            log: { type: "string" },
            "enable-central-root": { type: "boolean" },
            help: { type: "boolean", short: "h" },
            version: { type: "boolean" },
        },
    });
}
