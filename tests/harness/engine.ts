/**
 * Drives a compiled Node.js policy pack the way the Pulumi CLI does: spawns
 * `@pulumi/pulumi/cmd/run-policy-pack` in the pack directory with the analyzer environment, reads
 * the gRPC port from the first stdout line, and talks to the pack's `pulumirpc.Analyzer` service.
 *
 * Property values are marshalled like the engine marshals them for analyzers
 * (`MarshalProperties` with KeepUnknowns, KeepSecrets and SkipInternalKeys): secrets travel as the
 * signature-wrapped object built by {@link secret}, unknowns as the {@link UNKNOWN} string.
 */
import { ChildProcess, spawn } from "child_process";
import { performance } from "perf_hooks";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as apb from "@pulumi/pulumi/proto/analyzer_pb";

/** Stack name the harness runs under (`PULUMI_NODEJS_STACK`, URNs, `configureStack`). */
export const STACK = "dev";
/** Project name the harness runs under (`PULUMI_NODEJS_PROJECT`, URNs, `configureStack`). */
export const PROJECT = "app";
/** Organization the harness runs under (`PULUMI_NODEJS_ORGANIZATION`, `configureStack`). */
export const ORGANIZATION = "org";

/** How long {@link startPack} waits for the port line before giving up. */
const STARTUP_TIMEOUT_MS = 30_000;
/** Grace period between SIGTERM and SIGKILL in {@link PackProcess.close}. */
const KILL_GRACE_MS = 2_000;
/** The pack's server accepts 400 MiB messages; let the client send and receive as much. */
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

/** Signature key of special values (`specialSigKey` in @pulumi/pulumi/runtime/rpc.js). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** Signature value marking a secret (`specialSecretSig` in @pulumi/pulumi/runtime/rpc.js). */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * The sentinel the engine sends for any value not known during preview (`UnknownStringValue`
 * in the Go SDK, `unknownValue` in @pulumi/pulumi/runtime/rpc.js). The engine uses this string
 * sentinel for unknowns of every type. Policies that read such a value raise
 * `UnknownValueError`, which the pack turns into an advisory "can't run ... during preview"
 * diagnostic.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The wire form of a secret value, as produced by {@link secret}. */
export interface SecretValue<T> {
    readonly [SIG_KEY]: typeof SECRET_SIG;
    readonly value: T;
}

/**
 * Wraps `value` the way the engine marshals a secret for an analyzer. The pack unwraps it again
 * before calling `validateResource`/`validateStack`, so policies see the plain value.
 */
export function secret<T>(value: T): SecretValue<T> {
    return { [SIG_KEY]: SECRET_SIG, value };
}

/** A policy or diagnostic enforcement level, as the `analyzer.proto` enum names it. */
export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";

/** A policy severity; `"unspecified"` when the policy declares none. */
export type Severity = "unspecified" | "low" | "medium" | "high" | "critical";

/** Whether a policy validates single resources or the whole stack. */
export type PolicyType = "unknown" | "resource" | "stack";

const LEVEL_TO_PROTO: Record<EnforcementLevel, apb.EnforcementLevel> = {
    advisory: apb.EnforcementLevel.ADVISORY,
    mandatory: apb.EnforcementLevel.MANDATORY,
    disabled: apb.EnforcementLevel.DISABLED,
    remediate: apb.EnforcementLevel.REMEDIATE,
};

const PROTO_TO_LEVEL: Record<apb.EnforcementLevel, EnforcementLevel> = {
    [apb.EnforcementLevel.ADVISORY]: "advisory",
    [apb.EnforcementLevel.MANDATORY]: "mandatory",
    [apb.EnforcementLevel.DISABLED]: "disabled",
    [apb.EnforcementLevel.REMEDIATE]: "remediate",
};

const PROTO_TO_SEVERITY: Record<apb.PolicySeverity, Severity> = {
    [apb.PolicySeverity.POLICY_SEVERITY_UNSPECIFIED]: "unspecified",
    [apb.PolicySeverity.POLICY_SEVERITY_LOW]: "low",
    [apb.PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
    [apb.PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
    [apb.PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};

const PROTO_TO_POLICY_TYPE: Record<apb.PolicyType, PolicyType> = {
    [apb.PolicyType.POLICY_TYPE_UNKNOWN]: "unknown",
    [apb.PolicyType.POLICY_TYPE_RESOURCE]: "resource",
    [apb.PolicyType.POLICY_TYPE_STACK]: "stack",
};

/** Maps a proto enforcement level to its name; rejects values the CLI would also reject. */
function levelName(level: apb.EnforcementLevel): EnforcementLevel {
    const name = PROTO_TO_LEVEL[level];
    if (name === undefined) {
        throw new Error(`invalid enforcement level ${level}`);
    }
    return name;
}

/** A provider as the engine passes it alongside a resource. */
export interface ProviderRef {
    urn: string;
    type: string;
    name: string;
    properties: Record<string, unknown>;
}

/** A resource to analyze: what the engine knows about one resource (its inputs or outputs). */
export interface StackResource {
    urn: string;
    type: string;
    name: string;
    properties: Record<string, unknown>;
    /** The provider that manages the resource; the pack exposes it as `args.provider`. */
    provider?: ProviderRef;
    /** URN of the parent resource (AnalyzeStack only; the pack links it to `resource.parent`). */
    parent?: string;
}

/** A policy violation reported by the pack. */
export interface Diagnostic {
    policyName: string;
    policyPackName: string;
    message: string;
    /** URN passed to `reportViolation`, or `""` when the policy gave none. */
    urn: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    /** Omitted when the policy declares no severity. */
    severity?: Severity;
}

/** A policy's configuration JSON schema, as declared in `configSchema`. */
export interface PolicyConfigSchema {
    properties: Record<string, unknown>;
    required?: string[];
}

/** A compliance framework a policy declares. */
export interface PolicyFramework {
    name: string;
    version: string;
    reference: string;
    specification: string;
}

/** One policy as the pack describes it in `GetAnalyzerInfo`. */
export interface PolicyInfo {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    severity: Severity;
    policyType: PolicyType;
    framework?: PolicyFramework;
    remediationSteps?: string;
    url?: string;
    configSchema?: PolicyConfigSchema;
}

/** A policy's configuration as it travels in `PolicyConfig` messages. */
export interface ResolvedPolicyConfig {
    enforcementLevel: EnforcementLevel;
    properties?: Record<string, unknown>;
}

/** The pack's self-description (`GetAnalyzerInfo`). */
export interface AnalyzerInfo {
    name: string;
    version: string;
    policies: PolicyInfo[];
    /**
     * The pack's programmatic `initialConfig`, if any. Like the CLI, this reads an unset proto
     * enforcement level as `"advisory"` (the proto3 zero value).
     */
    initialConfig?: Record<string, ResolvedPolicyConfig>;
}

/**
 * Policy configuration keyed by policy name (or `"all"` for an enforcement level applied to every
 * policy), in the shape of a `pulumi up --policy-pack-config` file.
 */
export type PolicyPackConfig = Record<string, { enforcementLevel?: string; [property: string]: unknown }>;

/** Options for {@link startPack}. */
export interface StartPackOptions {
    /** Directory holding the compiled pack (its package.json `main` is the entry point). */
    packDir: string;
    /**
     * Environment overrides applied last, on top of `process.env` and the analyzer variables;
     * a key set to `undefined` is removed from the child's environment.
     */
    env?: Record<string, string | undefined>;
    /** Whether the pack runs for a preview (`PULUMI_NODEJS_DRY_RUN`); default `true`. */
    dryRun?: boolean;
    /** Stack configuration (`"aws:region"` → value) passed as `PULUMI_CONFIG`; default `{}`. */
    stackConfig?: Record<string, string>;
}

/** A running policy pack and its gRPC client. */
export interface PackProcess {
    /** The child's process id. */
    readonly pid: number;
    /** The gRPC port the pack printed. */
    readonly port: number;
    /** Milliseconds from spawn to the port line. */
    readonly startupMs: number;
    /** Everything the pack wrote to stdout after the port line. */
    stdout(): string;
    /** Everything the pack wrote to stderr. */
    stderr(): string;
    /** `GetAnalyzerInfo`: the pack's name, version, policies and initial config. */
    getAnalyzerInfo(): Promise<AnalyzerInfo>;
    /**
     * `ConfigureStack` with the stack, project, organization, dry-run flag and stack config the
     * pack was started with. Resolves quietly if the pack does not implement the RPC.
     */
    configureStack(tags?: Record<string, string>): Promise<void>;
    /**
     * `Configure`, after reconciling `config` as the CLI does (`ReconcilePolicyPackConfig`):
     * every policy starts from its declared enforcement level plus the `default`s of its config
     * schema, then the pack's `initialConfig` and finally `config` (an `"all"` enforcement level
     * first) are applied. Unlike the CLI, the result is not validated against the policies'
     * config schemas; the pack itself never validates config. Resolves with the per-policy
     * config that was sent; rejects with the raw gRPC error if the pack fails the call, or with
     * a plain Error for an invalid enforcement level (which the CLI rejects before calling).
     */
    configure(config: PolicyPackConfig): Promise<Record<string, ResolvedPolicyConfig>>;
    /** `AnalyzeStack` over `resources`; rejects with the raw gRPC error (with `.code`). */
    analyzeStack(resources: StackResource[]): Promise<Diagnostic[]>;
    /** `Analyze` of one resource; rejects with the raw gRPC error (with `.code`). */
    analyze(resource: StackResource): Promise<Diagnostic[]>;
    /** Closes the client and stops the pack (SIGTERM, then SIGKILL after 2 s); idempotent. */
    close(): Promise<void>;
}

/** Children not yet reaped, killed if the test process exits without closing them. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Starts the policy pack in `packDir` as the CLI does: `node <run-policy-pack> <engine> .` with
 * cwd = `packDir`, where `run-policy-pack` is resolved from `packDir` (so the pack's own
 * `@pulumi/pulumi` is used). The engine address argument is ignored by the runtime. Resolves once
 * the pack has printed its port; rejects with the pack's stderr if it exits first, prints
 * something else, or takes longer than 30 s.
 */
export async function startPack(opts: StartPackOptions): Promise<PackProcess> {
    const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [opts.packDir] });
    const dryRun = String(opts.dryRun ?? true);
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        PULUMI_CONFIG: JSON.stringify(opts.stackConfig ?? {}),
        PULUMI_NODEJS_ORGANIZATION: ORGANIZATION,
        PULUMI_NODEJS_PROJECT: PROJECT,
        PULUMI_NODEJS_STACK: STACK,
        PULUMI_NODEJS_DRY_RUN: dryRun,
        PULUMI_ORGANIZATION: ORGANIZATION,
        PULUMI_PROJECT: PROJECT,
        PULUMI_STACK: STACK,
        PULUMI_DRY_RUN: dryRun,
    };
    for (const [key, value] of Object.entries(opts.env ?? {})) {
        if (value === undefined) {
            delete env[key];
        } else {
            env[key] = value;
        }
    }

    const started = performance.now();
    const child = spawn(process.execPath, [runPolicyPack, "127.0.0.1:0", "."], {
        cwd: opts.packDir,
        env,
        stdio: ["ignore", "pipe", "pipe"],
    });
    trackChild(child);
    const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));

    let stdout = "";
    let stderr = "";
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => (stderr += chunk));
    child.stdout!.setEncoding("utf8");

    const portLine = await new Promise<string>((resolve, reject) => {
        let pending = "";
        let settled = false;
        const fail = (reason: string) => {
            settled = true;
            clearTimeout(timer);
            child.kill("SIGKILL");
            // Let stderr drain so the error carries the pack's complete output.
            void closed.then(() => reject(new Error(`policy pack in ${opts.packDir} ${reason}\n--- stderr ---\n${stderr}`)));
        };
        const timer = setTimeout(() => fail(`printed no port within ${STARTUP_TIMEOUT_MS} ms`), STARTUP_TIMEOUT_MS);
        child.once("error", (err) => settled || fail(`could not be spawned: ${err.message}`));
        child.once("exit", (code, signal) => settled || fail(`exited (code ${code}, signal ${signal}) before printing its port`));
        child.stdout!.on("data", (chunk: string) => {
            if (settled) {
                stdout += chunk;
                return;
            }
            pending += chunk;
            const newline = pending.indexOf("\n");
            if (newline < 0) {
                return;
            }
            settled = true;
            clearTimeout(timer);
            stdout += pending.slice(newline + 1);
            resolve(pending.slice(0, newline).trim());
        });
    });
    const startupMs = performance.now() - started;

    if (!/^\d+$/.test(portLine)) {
        child.kill("SIGKILL");
        await closed;
        throw new Error(`policy pack in ${opts.packDir} printed ${JSON.stringify(portLine)} instead of a port\n--- stderr ---\n${stderr}`);
    }
    const port = Number(portLine);
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
        "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
        "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    });

    return new GrpcPackProcess(child, closed, client, port, startupMs, dryRun === "true", opts.stackConfig ?? {},
        () => stdout, () => stderr);
}

/** Remembers `child` until it is reaped, and kills leftovers when the test process exits. */
function trackChild(child: ChildProcess): void {
    liveChildren.add(child);
    child.once("close", () => liveChildren.delete(child));
    if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.once("exit", () => liveChildren.forEach((c) => c.kill("SIGKILL")));
    }
}

/** Adapts a grpc-js unary call to a promise that rejects with the raw `ServiceError`. */
function unary<T>(invoke: (callback: (err: grpc.ServiceError | null, res: T) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => invoke((err, res) => (err ? reject(err) : resolve(res))));
}

class GrpcPackProcess implements PackProcess {
    readonly pid: number;

    constructor(
        private readonly child: ChildProcess,
        private readonly closed: Promise<void>,
        private readonly client: AnalyzerClient,
        readonly port: number,
        readonly startupMs: number,
        private readonly dryRun: boolean,
        private readonly stackConfig: Record<string, string>,
        readonly stdout: () => string,
        readonly stderr: () => string,
    ) {
        this.pid = child.pid!;
    }

    async getAnalyzerInfo(): Promise<AnalyzerInfo> {
        const res = await unary<apb.AnalyzerInfo>((cb) => this.client.getAnalyzerInfo(new Empty(), cb));
        const info: AnalyzerInfo = {
            name: res.getName(),
            version: res.getVersion(),
            policies: res.getPoliciesList().map(policyInfo),
        };
        const initial = res.getInitialconfigMap();
        if (initial.getLength() > 0) {
            info.initialConfig = {};
            initial.forEach((config, name) => (info.initialConfig![name] = policyConfig(config)));
        }
        return info;
    }

    async configureStack(tags: Record<string, string> = {}): Promise<void> {
        const req = new apb.AnalyzerStackConfigureRequest()
            .setStack(STACK)
            .setProject(PROJECT)
            .setOrganization(ORGANIZATION)
            .setDryRun(this.dryRun);
        for (const [key, value] of Object.entries(this.stackConfig)) {
            req.getConfigMap().set(key, value);
        }
        for (const [key, value] of Object.entries(tags)) {
            req.getTagsMap().set(key, value);
        }
        try {
            await unary((cb) => this.client.configureStack(req, cb));
        } catch (err) {
            if ((err as grpc.ServiceError).code !== grpc.status.UNIMPLEMENTED) {
                throw err;
            }
        }
    }

    async configure(config: PolicyPackConfig): Promise<Record<string, ResolvedPolicyConfig>> {
        const given = parsePolicyPackConfig(config);
        const info = await this.getAnalyzerInfo();
        const resolved = reconcilePolicyPackConfig(info, given);
        if (Object.keys(resolved).length === 0) {
            return resolved; // The CLI skips the RPC when there is nothing to configure.
        }
        const req = new apb.ConfigureAnalyzerRequest();
        for (const [name, entry] of Object.entries(resolved)) {
            const pc = new apb.PolicyConfig()
                .setEnforcementlevel(LEVEL_TO_PROTO[entry.enforcementLevel])
                .setProperties(Struct.fromJavaScript((entry.properties ?? {}) as Record<string, JavaScriptValue>));
            req.getPolicyconfigMap().set(name, pc);
        }
        await unary((cb) => this.client.configure(req, cb));
        return resolved;
    }

    async analyzeStack(resources: StackResource[]): Promise<Diagnostic[]> {
        const req = new apb.AnalyzeStackRequest().setResourcesList(resources.map((r) => {
            const res = new apb.AnalyzerResource()
                .setUrn(r.urn)
                .setType(r.type)
                .setName(r.name)
                .setProperties(encodeProperties(r.properties))
                .setOptions(defaultOptions());
            if (r.provider) {
                res.setProvider(providerMessage(r.provider));
            }
            if (r.parent) {
                res.setParent(r.parent);
            }
            return res;
        }));
        const res = await unary<apb.AnalyzeResponse>((cb) => this.client.analyzeStack(req, cb));
        return res.getDiagnosticsList().map(diagnostic);
    }

    async analyze(r: StackResource): Promise<Diagnostic[]> {
        const req = new apb.AnalyzeRequest()
            .setUrn(r.urn)
            .setType(r.type)
            .setName(r.name)
            .setProperties(encodeProperties(r.properties))
            .setOptions(defaultOptions());
        if (r.provider) {
            req.setProvider(providerMessage(r.provider));
        }
        const res = await unary<apb.AnalyzeResponse>((cb) => this.client.analyze(req, cb));
        return res.getDiagnosticsList().map(diagnostic);
    }

    async close(): Promise<void> {
        this.client.close();
        let escalate: NodeJS.Timeout | undefined;
        if (this.child.exitCode === null && this.child.signalCode === null) {
            this.child.kill("SIGTERM");
            escalate = setTimeout(() => this.child.kill("SIGKILL"), KILL_GRACE_MS);
        }
        await this.closed;
        clearTimeout(escalate);
    }
}

/** Converts a `PolicyInfo` message. */
function policyInfo(p: apb.PolicyInfo): PolicyInfo {
    const info: PolicyInfo = {
        name: p.getName(),
        description: p.getDescription(),
        enforcementLevel: levelName(p.getEnforcementlevel()),
        severity: PROTO_TO_SEVERITY[p.getSeverity()],
        policyType: PROTO_TO_POLICY_TYPE[p.getPolicyType()],
    };
    const framework = p.getFramework();
    if (framework) {
        info.framework = {
            name: framework.getName(),
            version: framework.getVersion(),
            reference: framework.getReference(),
            specification: framework.getSpecification(),
        };
    }
    if (p.getRemediationSteps()) {
        info.remediationSteps = p.getRemediationSteps();
    }
    if (p.getUrl()) {
        info.url = p.getUrl();
    }
    const schema = p.getConfigschema();
    if (schema) {
        info.configSchema = { properties: schema.getProperties()?.toJavaScript() ?? {} };
        if (schema.getRequiredList().length > 0) {
            info.configSchema.required = schema.getRequiredList();
        }
    }
    return info;
}

/** Converts a `PolicyConfig` message. */
function policyConfig(c: apb.PolicyConfig): ResolvedPolicyConfig {
    const config: ResolvedPolicyConfig = { enforcementLevel: levelName(c.getEnforcementlevel()) };
    const properties = c.getProperties();
    if (properties) {
        config.properties = properties.toJavaScript();
    }
    return config;
}

/** Converts an `AnalyzeDiagnostic` message. */
function diagnostic(d: apb.AnalyzeDiagnostic): Diagnostic {
    const out: Diagnostic = {
        policyName: d.getPolicyname(),
        policyPackName: d.getPolicypackname(),
        message: d.getMessage(),
        urn: d.getUrn(),
        description: d.getDescription(),
        enforcementLevel: levelName(d.getEnforcementlevel()),
    };
    const severity = PROTO_TO_SEVERITY[d.getSeverity()];
    if (severity !== "unspecified") {
        out.severity = severity;
    }
    return out;
}

/** The options the engine sends for a resource with no options set (all fields present). */
function defaultOptions(): apb.AnalyzerResourceOptions {
    return new apb.AnalyzerResourceOptions().setCustomtimeouts(new apb.AnalyzerResourceOptions.CustomTimeouts());
}

/** Builds an `AnalyzerProviderResource` message. */
function providerMessage(p: ProviderRef): apb.AnalyzerProviderResource {
    return new apb.AnalyzerProviderResource()
        .setUrn(p.urn)
        .setType(p.type)
        .setName(p.name)
        .setProperties(encodeProperties(p.properties));
}

/**
 * Encodes resource properties into the `Struct` the engine sends to analyzers: keys starting
 * with `__` (internal keys such as `__defaults`) are dropped at every level, `undefined` object
 * members are omitted and `undefined` array elements become `null`; secrets ({@link secret}) and
 * unknowns ({@link UNKNOWN}) are already in wire form.
 */
export function encodeProperties(properties: Record<string, unknown>): Struct {
    return Struct.fromJavaScript(marshalObject(properties));
}

function marshalObject(obj: Record<string, unknown>): Record<string, JavaScriptValue> {
    const out: Record<string, JavaScriptValue> = {};
    for (const [key, value] of Object.entries(obj)) {
        if (value !== undefined && !key.startsWith("__")) {
            out[key] = marshalValue(value, key);
        }
    }
    return out;
}

function marshalValue(value: unknown, path: string): JavaScriptValue {
    if (value === null || typeof value === "string" || typeof value === "boolean") {
        return value;
    }
    if (typeof value === "number") {
        if (!Number.isFinite(value)) {
            throw new TypeError(`property ${path}: ${value} cannot be marshalled`);
        }
        return value;
    }
    if (Array.isArray(value)) {
        return value.map((e, i) => (e === undefined ? null : marshalValue(e, `${path}[${i}]`)));
    }
    if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
        return marshalObject(value as Record<string, unknown>);
    }
    throw new TypeError(`property ${path}: ${typeof value} ${String(value)} is not a plain JSON value`);
}

/**
 * Parses a `--policy-pack-config`-style object the way the CLI does: `enforcementLevel` must be
 * one of the four level names, the other keys become properties, and entries with neither are
 * dropped.
 */
function parsePolicyPackConfig(config: PolicyPackConfig): Record<string, Partial<ResolvedPolicyConfig>> {
    const result: Record<string, Partial<ResolvedPolicyConfig>> = {};
    for (const [name, { enforcementLevel, ...properties }] of Object.entries(config)) {
        const entry: Partial<ResolvedPolicyConfig> = {};
        if (enforcementLevel !== undefined) {
            if (!Object.prototype.hasOwnProperty.call(LEVEL_TO_PROTO, enforcementLevel)) {
                throw new Error(`parsing enforcement level for "${name}": "${enforcementLevel}" is not a valid enforcement level`);
            }
            entry.enforcementLevel = enforcementLevel as EnforcementLevel;
        }
        if (Object.keys(properties).length > 0) {
            entry.properties = properties;
        }
        if (entry.enforcementLevel !== undefined || entry.properties !== undefined) {
            result[name] = entry;
        }
    }
    return result;
}

/** Port of the CLI's `ReconcilePolicyPackConfig`, minus JSON-schema validation. */
function reconcilePolicyPackConfig(
    info: AnalyzerInfo,
    given: Record<string, Partial<ResolvedPolicyConfig>>,
): Record<string, ResolvedPolicyConfig> {
    const result: Record<string, Partial<ResolvedPolicyConfig>> = {};
    for (const policy of info.policies) {
        const entry: Partial<ResolvedPolicyConfig> = { enforcementLevel: policy.enforcementLevel };
        for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (schema !== null && typeof schema === "object" && "default" in schema) {
                (entry.properties ??= {})[key] = (schema as { default: unknown }).default;
            }
        }
        result[policy.name] = entry;
    }
    applyConfig(result, info.initialConfig ?? {});
    applyConfig(result, given);

    const resolved: Record<string, ResolvedPolicyConfig> = {};
    for (const [name, entry] of Object.entries(result)) {
        if (entry.enforcementLevel === undefined) {
            throw new Error(`invalid enforcement level "" for "${name}"`);
        }
        resolved[name] = { enforcementLevel: entry.enforcementLevel, ...(entry.properties && { properties: entry.properties }) };
    }
    return resolved;
}

/** Port of the CLI's `applyConfig`: `"all"` sets every level, then per-policy entries merge in. */
function applyConfig(
    result: Record<string, Partial<ResolvedPolicyConfig>>,
    config: Record<string, Partial<ResolvedPolicyConfig>>,
): void {
    const all = config["all"]?.enforcementLevel;
    if (all !== undefined) {
        for (const entry of Object.values(result)) {
            entry.enforcementLevel = all;
        }
    }
    for (const [name, entry] of Object.entries(config)) {
        const current = result[name] ?? {};
        const properties = entry.properties && Object.keys(entry.properties).length > 0
            ? { ...current.properties, ...entry.properties }
            : current.properties;
        result[name] = { enforcementLevel: entry.enforcementLevel ?? current.enforcementLevel, properties };
    }
}

/** URN of a resource of `type` named `name` in the harness stack. */
function urnOf(type: string, name: string): string {
    return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

/** URN of a provider resource: `urn:pulumi:dev::app::<type>::<name>`. */
export function providerUrn(name: string, type = "pulumi:providers:aws"): string {
    return urnOf(type, name);
}

/** A provider resource (e.g. an explicit `aws.Provider`) as it appears in the stack. */
export function providerResource(name: string, properties: Record<string, unknown>, type = "pulumi:providers:aws"): StackResource {
    return { urn: providerUrn(name, type), type, name, properties };
}

/** A resource of `type` named `name` managed by `provider` (which it references in `provider`). */
export function resourceUsing(
    provider: StackResource,
    name: string,
    type = "aws:s3/bucket:Bucket",
    properties: Record<string, unknown> = {},
): StackResource {
    const { urn, type: providerType, name: providerName, properties: providerProperties } = provider;
    return {
        urn: urnOf(type, name),
        type,
        name,
        properties,
        provider: { urn, type: providerType, name: providerName, properties: providerProperties },
    };
}
