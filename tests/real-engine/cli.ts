/**
 * The real Pulumi CLI on a local file backend, offline: a YAML program whose `aws` provider is the
 * fake plugin in ./fake-provider, the pack started through scripts/analyzer-shim/aws-root-mfa, and the AWS SDK
 * inside the pack pointed at the local AWS-compatible endpoint.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FakeAws } from "../fake-aws";
import { policies } from "../../policypack/pack";
import { PACK_DIR, awsEnv } from "../support/world";

/** The pack's policies: the config file sets each of them. */
export const POLICIES = policies.map((p) => p.name);

let cliPathPrefix: string | undefined;

/** The PATH prefix from scripts/pulumi-cli.sh (builds the CLI on first use; minutes when cold). */
export function cliPath(): string {
    cliPathPrefix ??= execFileSync(path.join(PACK_DIR, "scripts/pulumi-cli.sh"), { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
    return cliPathPrefix;
}

/** The policy config file's content: every policy's settings, plus the trusted local endpoint. */
export function policyConfig(fake: FakeAws, perPolicy: Record<string, unknown> = {}): Record<string, unknown> {
    const config: Record<string, unknown> = {};
    for (const policy of POLICIES) {
        // The local endpoint is not AWS: the administrator trusts it, as for LocalStack.
        config[policy] = { trustedEndpoints: [fake.url], ...(perPolicy[policy] as Record<string, unknown> | undefined) };
    }
    return config;
}

/** What one CLI command did. */
export interface CliResult {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** A YAML provider or resource declaration for the program. */
export type ProgramResources = Record<string, { type: string; properties?: Record<string, unknown>; options?: Record<string, unknown> }>;

/**
 * One offline Pulumi project and stack in a temporary directory: PULUMI_HOME, the file backend,
 * the program and the fake provider's log all live there and go with {@link Project.remove}.
 */
export class Project {
    readonly dir: string;
    readonly programDir: string;
    readonly providerLog: string;
    private readonly env: NodeJS.ProcessEnv;

    private constructor(readonly fake: FakeAws, awsCredentials: Record<string, string>) {
        this.dir = mkdtempSync(path.join(os.tmpdir(), "aws-root-mfa-cli-"));
        this.programDir = path.join(this.dir, "program");
        this.providerLog = path.join(this.dir, "provider.log");
        const inherited: NodeJS.ProcessEnv = {};
        for (const key of ["HOME", "LANG", "TMPDIR"]) {
            if (process.env[key] !== undefined) inherited[key] = process.env[key];
        }
        this.env = {
            ...inherited,
            PATH: `${cliPath()}:${process.env.PATH}`,
            PULUMI_HOME: path.join(this.dir, "pulumi-home"),
            PULUMI_BACKEND_URL: `file://${path.join(this.dir, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: "",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            NO_COLOR: "1",
            FAKE_AWS_PROVIDER_LOG: this.providerLog,
            ...definedOnly(awsEnv(fake, awsCredentials)),
        };
    }

    /** A project with the program below, its stack `dev` created with `stackConfig`. */
    static async create(fake: FakeAws, opts: { credentials: Record<string, string>; stackConfig: Record<string, unknown>; resources: ProgramResources }): Promise<Project> {
        const project = new Project(fake, opts.credentials);
        try {
            mkdirSync(project.programDir);
            mkdirSync(path.join(project.dir, "backend"));
            writeFileSync(path.join(project.programDir, "Pulumi.yaml"), JSON.stringify({
                name: "app",
                runtime: "yaml",
                plugins: { providers: [{ name: "aws", path: path.join(__dirname, "fake-provider") }] },
                resources: opts.resources,
            }, null, 2));
            writeFileSync(path.join(project.programDir, "Pulumi.dev.yaml"), JSON.stringify({ config: opts.stackConfig }, null, 2));
            await project.expectOk(["login", project.env.PULUMI_BACKEND_URL!]);
            await project.expectOk(["stack", "init", "dev"]);
        } catch (err) {
            project.remove();
            throw err;
        }
        return project;
    }

    /** Runs `pulumi <args>` in the program directory (asynchronously: the fake endpoint lives in this process). */
    run(args: string[]): Promise<CliResult> {
        return this.spawned("pulumi", [...args, "--non-interactive"]);
    }

    /** Runs the pack's own `aws-root-mfa <args>` (the compiled bin) with the same environment as `pulumi`. */
    runCheck(args: string[]): Promise<CliResult> {
        return this.spawned(process.execPath, [path.resolve(__dirname, "..", "..", "bin", "cli", "main.js"), ...args]);
    }

    private spawned(file: string, args: string[]): Promise<CliResult> {
        return new Promise((resolve, reject) => {
            const child = spawn(file, args, { cwd: this.programDir, env: this.env, stdio: ["ignore", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d) => (stdout += d));
            child.stderr.on("data", (d) => (stderr += d));
            child.on("error", reject);
            child.on("close", (status) => resolve({ status, stdout, stderr }));
        });
    }

    /** Runs `pulumi <args>` and fails with its output unless it exits 0. */
    async expectOk(args: string[]): Promise<CliResult> {
        const result = await this.run(args);
        if (result.status !== 0) {
            throw new Error(`pulumi ${args.join(" ")} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
        }
        return result;
    }

    /** Writes a policy config file in the project's directory and returns its path. */
    writeConfig(name: string, content: unknown): string {
        const file = path.join(this.dir, name);
        writeFileSync(file, JSON.stringify(content, null, 2));
        return file;
    }

    /** The fake provider's log lines (`create <urn>` …) since the project was made. */
    providerCalls(): string[] {
        return existsSync(this.providerLog) ? readFileSync(this.providerLog, "utf8").split("\n").filter(Boolean) : [];
    }

    /** Deletes everything the project wrote. */
    remove(): void {
        rmSync(this.dir, { recursive: true, force: true });
    }
}

/**
 * What `--policy-pack` names: the checkout's compiled pack (bin/), started through the analyzer
 * shim, as this CLI has no nodejs language host to start a pack directory with (README).
 */
export const POLICY_PACK = path.join(PACK_DIR, "scripts/analyzer-shim/aws-root-mfa");

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
    return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
