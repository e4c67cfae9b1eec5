/**
 * The "Policies:" block of `pulumi preview`, rendered the way the Pulumi CLI (v3.248,
 * pkg/backend/display) renders it without colour: one header per pack, then each violation sorted
 * by enforcement level, severity, policy name and resource URN, its message indented under it.
 * `aws-root-mfa check` prints findings this way, and so does `npm run demo`.
 */

/** One violation, as the engine hands it to the display. */
export interface PolicyFinding {
    policyName: string;
    enforcementLevel: string;
    /** Omitted or "unspecified" when the policy declares none. */
    severity?: string;
    /** The resource the violation is about (the stack's URN for a stack-wide one). */
    urn: string;
    /** The full message: the policy's description, a newline, then the policy's own lines. */
    message: string;
}

/** Where the pack ran from, for the header line. */
export interface PackLabel {
    name: string;
    version: string;
    /** The `--policy-pack` path, for a local pack; omitted for a published one. */
    localPath?: string;
}

const ENFORCEMENT_RANK: Record<string, number> = { remediate: 0, mandatory: 1, advisory: 2, disabled: 3 };
const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, unspecified: 4 };

/** The resource type and name a URN names, as the CLI shows them (`URN.Type()`, `URN.Name()`). */
export function urnTypeAndName(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    if (parts.length < 4) {
        return { type: "", name: urn };
    }
    return { type: parts[2].split("$").pop() ?? parts[2], name: parts.slice(3).join("::") };
}

/** The ✅ / ⚠️ / ❌ mark of a pack's header: ❌ when any violation is mandatory. */
export function packMark(findings: readonly PolicyFinding[]): string {
    if (findings.some((f) => f.enforcementLevel === "mandatory")) {
        return "❌";
    }
    return findings.length > 0 ? "⚠️" : "✅";
}

/** The "Policies:" block for one pack, ending with an empty line, as `pulumi preview` prints it. */
export function policiesBlock(pack: PackLabel, findings: readonly PolicyFinding[]): string {
    const local = pack.localPath === undefined ? "" : ` (local: ${pack.localPath})`;
    const out = ["Policies:", `    ${packMark(findings)} ${pack.name}@v${pack.version}${local}`];
    const rank = (table: Record<string, number>, key: string | undefined) => table[key ?? "unspecified"] ?? 99;
    const sorted = [...findings].sort((a, b) =>
        rank(ENFORCEMENT_RANK, a.enforcementLevel) - rank(ENFORCEMENT_RANK, b.enforcementLevel)
        || rank(SEVERITY_RANK, a.severity) - rank(SEVERITY_RANK, b.severity)
        || compare(a.policyName, b.policyName)
        || compare(a.urn, b.urn));
    for (const f of sorted) {
        const severity = f.severity && f.severity !== "unspecified" ? ` [severity: ${f.severity}]` : "";
        const { type, name } = urnTypeAndName(f.urn);
        out.push(`        - [${f.enforcementLevel}]${severity}  ${f.policyName}  (${type}: ${name})`);
        out.push(...f.message.replace(/\n$/, "").split("\n").map((line) => `          ${line}`));
    }
    out.push("");
    return out.join("\n") + "\n";
}

function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
