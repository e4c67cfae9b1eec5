/**
 * The HTML audit page (`check --html`): rendered from the JSON document, every value escaped, one
 * self-contained page whose only script and style the Content-Security-Policy allows by hash.
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import type { StackValidationPolicy } from "@pulumi/policy";
import type { CheckResult } from "../../policypack/cli/check";
import { jsonOutput } from "../../policypack/cli/output";
import { htmlReport } from "../../policypack/report/html";

const XSS_NAMES = ["<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>", `"'><svg onload=alert(3)>`, "Fish & Chips"];
const PROVIDER = { urn: "urn:pulumi:dev::app::pulumi:providers:aws::default", name: "default", type: "pulumi:providers:aws" };

type Status = "compliant" | "violation" | "not-applicable" | "could-not-check" | "exempt";

/** A check result document as jsonOutput prints it (checkResult.schema.json), from a list of accounts. */
function documentOf(accounts: Array<{ id: string; name?: string; statuses: [Status, Status] }>, extra: Record<string, unknown> = {}): string {
    const result = (policy: string, enforcementLevel: string, status: Status, id: string) => ({
        policy,
        enforcementLevel,
        status,
        evidence: `iam:GetAccountSummary at 2025-06-01T10:00:00.000Z returned AccountMFAEnabled=${status === "violation" ? 0 : 1}`,
        ...(status === "violation" || status === "could-not-check" ? { message: `Account ${id}: ${policy} ${status} <b>bold</b>` } : {}),
    });
    const failed = (s: Status) => s === "violation" || s === "could-not-check";
    return JSON.stringify({
        schemaVersion: 1,
        tool: { name: "aws-root-mfa", version: "0.1.0" },
        outcome: accounts.some((a) => failed(a.statuses[0])) ? "failed" : "passed",
        exitCode: accounts.some((a) => failed(a.statuses[0])) ? 1 : 0,
        strict: false,
        summary: {
            accounts: accounts.length,
            compliantAccounts: accounts.filter((a) => a.statuses.every((s) => s === "compliant" || s === "not-applicable") && a.statuses.includes("compliant")).length,
            exemptAccounts: accounts.filter((a) => a.statuses.every((s) => s === "exempt")).length,
            mandatoryViolations: accounts.filter((a) => a.statuses[0] === "violation").length,
            advisoryViolations: accounts.filter((a) => a.statuses[1] === "violation").length,
            couldNotCheck: accounts.filter((a) => a.statuses.includes("could-not-check")).length,
        },
        policies: [{ name: "aws-root-mfa-enabled", enforcementLevel: "mandatory", severity: "critical" }, { name: "aws-root-hardware-mfa", enforcementLevel: "advisory" }],
        providers: [PROVIDER],
        accounts: accounts.map((a) => ({
            accountId: a.id,
            partition: "aws",
            providers: [PROVIDER],
            results: [result("aws-root-mfa-enabled", "mandatory", a.statuses[0], a.id), result("aws-root-hardware-mfa", "advisory", a.statuses[1], a.id)],
            ...(a.name !== undefined ? { name: a.name, organizationStatus: "ACTIVE" } : {}),
        })),
        problems: [],
        couldNotRead: [],
        ...extra,
    }, null, 2) + "\n";
}

const ACCOUNTS = XSS_NAMES.map((name, i) => ({ id: `10000000000${i}`, name, statuses: (["violation", "compliant"] as [Status, Status]) }))
    .concat([
        { id: "200000000001", name: "prod", statuses: ["compliant", "compliant"] },
        { id: "200000000002", name: "sandbox", statuses: ["could-not-check", "could-not-check"] },
        { id: "200000000003", name: "gov", statuses: ["not-applicable", "violation"] },
        { id: "200000000004", name: "legacy", statuses: ["exempt", "exempt"] },
    ]);

function textOf(html: string): string {
    return html.replace(/<[^>]*>/g, "");
}

/** The names of every attribute of every element (escaped text has no "<", values no '"'). */
function attributeNames(html: string): string[] {
    return [...new Set((html.match(/<[a-z][^>]*>/gi) ?? []).flatMap((tag) => tag.replace(/="[^"]*"/g, "").split(/\s+/).slice(1).map((a) => a.toLowerCase())))];
}

function inner(html: string, tag: "script" | "style"): string[] {
    return [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1]);
}

describe("htmlReport (check --html)", () => {
    const html = htmlReport(documentOf(ACCOUNTS, {
        organization: { id: "o-abc123", managementAccountId: "200000000001", listedBy: "200000000001", readPath: "assume-root", features: ["RootCredentialsManagement"], listedAt: "2025-06-01T09:59:58.000Z" },
    }));

    it("escapes every value: attacker-chosen account names render as text, never as markup", () => {
        for (const name of XSS_NAMES) {
            const escaped = name.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
            assert.ok(html.includes(`>${escaped}</td>`), `name ${name} not rendered as text`);
        }
        assert.ok(!html.includes("<img"), "an <img> element from a name");
        assert.ok(!html.includes("<svg"), "an <svg> element from a name");
        assert.deepEqual(attributeNames(html).filter((a) => a.startsWith("on")), [], "an event handler attribute");
        assert.equal(html.match(/<script/g)?.length, 1, "one script element only");
        assert.equal(html.match(/<\/script>/g)?.length, 1, "a name closed the script element");
        assert.ok(html.includes("&lt;b&gt;bold&lt;/b&gt;"), "a message's markup is escaped");
        assert.ok(!html.includes("<b>bold"), "a message's markup reached the page");
    });

    it("shows the summary counts, the outcome and the organization", () => {
        const count = (key: string) => html.match(new RegExp(`data-count="${key}">(\\d+)<`))?.[1];
        assert.deepEqual(
            ["accounts", "compliant", "exempt", "mandatory", "advisory", "could-not-check"].map(count),
            ["8", "1", "1", "4", "1", "1"],
        );
        assert.match(html, /<title>aws-root-mfa 0\.1\.0: failed \(8 accounts\)<\/title>/);
        assert.match(textOf(html), /Failed \(exit 1\)/);
        for (const text of ["o-abc123", "assume-root", "2025-06-01T09:59:58.000Z", "RootCredentialsManagement"]) assert.ok(textOf(html).includes(text), text);
        assert.match(textOf(html), /8 of 8 accounts shown/);
    });

    it("has a row for every account, with each policy's status in words, its evidence and time, and the messages", () => {
        const rows = [...html.matchAll(/<tr data-q="[^"]*" data-s="([^"]*)"><th scope="row"[^>]*>(\d{12})<\/th>/g)];
        assert.deepEqual(rows.map((m) => m[2]), ACCOUNTS.map((a) => a.id));
        assert.equal(rows[5][1], " could-not-check ");
        assert.equal(rows[7][1], " exempt ");
        for (const word of ["violation", "compliant", "could not check", "not applicable", "exempt"]) {
            assert.match(html, new RegExp(`<td class="st st-[a-z-]+" data-v="\\d">${word}</td>`), word);
        }
        assert.match(html, /<summary>Evidence, read 2025-06-01T10:00:00\.000Z<\/summary>/);
        assert.match(html, /Account 200000000002: aws-root-hardware-mfa could-not-check/);
        assert.match(html, /<span class="level">advisory<\/span>/);
    });

    it("is self-contained: a default-src 'none' CSP allowing its one script and style by hash, no URL to load", () => {
        const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)?.[1].replace(/&#39;/g, "'");
        assert.ok(csp, "no CSP meta");
        const hash = (s: string) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;
        const [script] = inner(html, "script");
        const [style] = inner(html, "style");
        assert.match(csp, /^default-src 'none'; /);
        assert.ok(csp.includes(`script-src ${hash(script)}`), "script hash");
        assert.ok(csp.includes(`style-src ${hash(style)}`), "style hash");
        assert.ok(!/unsafe-inline|unsafe-eval|https?:|\*/.test(csp), csp);
        const attributes = attributeNames(html);
        for (const name of ["src", "href", "action", "srcset", "poster", "style", "background"]) assert.ok(!attributes.includes(name), `a ${name} attribute`);
        assert.deepEqual(attributes.filter((a) => a.startsWith("on")), [], "an inline event handler (the CSP blocks it)");
        assert.ok(!/<(link|img|iframe|object|embed|base|form)\b/i.test(html), "an element that loads a resource");
        assert.ok(!/url\(|@import/i.test(style), "a stylesheet URL");
    });

    it("renders a page with no accounts", () => {
        const empty = htmlReport(documentOf([]));
        assert.match(empty, /<title>aws-root-mfa 0\.1\.0: passed \(0 accounts\)<\/title>/);
        assert.match(textOf(empty), /Passed \(exit 0\)/);
        assert.match(textOf(empty), /No AWS account was checked\./);
        assert.ok(!empty.includes("<table"), "a table with no rows");
        assert.ok(!textOf(empty).includes("Members listed at"), "a time that is not in the data");
        assert.ok(!empty.includes('id="problems"') && !empty.includes('id="could-not-read"'), "empty problem sections");
    });

    it("lists the problems and the providers it could not read", () => {
        const page = htmlReport(documentOf([], {
            outcome: "failed",
            exitCode: 1,
            problems: [{ providers: [{ ...PROVIDER, name: "<i>eu</i>" }], message: "The account of provider \"eu\" could not be found.\nWhat to do: <fix it>", policies: [{ policy: "aws-root-mfa-enabled", enforcementLevel: "mandatory", status: "could-not-check" }] }],
            couldNotRead: [{ provider: PROVIDER, encryptedInputs: ["accessKey", "secretKey"], message: "Its inputs are secrets." }],
        }));
        const problems = page.match(/<section id="problems"[\s\S]*?<\/section>/)?.[0] ?? "";
        assert.match(textOf(problems), /Problems \(1\)/);
        assert.ok(problems.includes("&lt;i&gt;eu&lt;/i&gt;") && problems.includes("&lt;fix it&gt;"));
        assert.match(textOf(problems), /aws-root-mfa-enabled \(mandatory\): could not check/);
        const unread = page.match(/<section id="could-not-read"[\s\S]*?<\/section>/)?.[0] ?? "";
        assert.match(textOf(unread), /Could not read \(1\)[\s\S]*accessKey, secretKey[\s\S]*Its inputs are secrets\./);
    });

    it("renders what jsonOutput prints, and refuses an error document", () => {
        const policy = (name: string) => ({ name, description: name, enforcementLevel: "mandatory", validateStack: () => undefined }) as unknown as StackValidationPolicy;
        const result: CheckResult = {
            pack: { name: "aws-root-mfa", version: "9.9.9" },
            policies: [{ policy: policy("aws-root-mfa-enabled"), enforcementLevel: "mandatory" }],
            providers: [PROVIDER],
            accounts: [{ accountId: "123456789012", partition: "aws-us-gov", providers: [PROVIDER], results: [{ policy: "aws-root-mfa-enabled", enforcementLevel: "mandatory", status: "not-applicable", evidence: "partition aws-us-gov: CIS 1.4 does not apply" }] }],
            problems: [],
            unreadable: [],
            strict: true,
            exitCode: 0,
        };
        const page = htmlReport(jsonOutput(result));
        assert.match(page, /<th scope="row" class="mono" data-v="123456789012">123456789012<\/th><td>aws-us-gov<\/td><td class="st st-not-applicable" data-v="3">not applicable<\/td>/);
        assert.match(textOf(page), /mandatory or advisory \(--strict\)/);
        assert.throws(() => htmlReport(JSON.stringify({ schemaVersion: 1, tool: result.pack, outcome: "error", exitCode: 2, error: "no" })), /not a check result/);
    });
});
