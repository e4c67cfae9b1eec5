/**
 * `aws-root-mfa check --html FILE`: one self-contained HTML page for an auditor, rendered from the
 * JSON document (checkResult.schema.json) so the page and `--json` can never disagree.
 */
import { createHash } from "node:crypto";

type Status = "compliant" | "violation" | "not-applicable" | "could-not-check" | "exempt";

interface Provider { urn: string; name: string; type: string }

interface PolicyResult { policy: string; enforcementLevel: string; severity?: string; status: Status; evidence?: string; message?: string }

interface Account {
    accountId: string;
    partition: string;
    providers: Provider[];
    results: PolicyResult[];
    name?: string;
    organizationStatus?: string;
}

/** The "result" definition of checkResult.schema.json. */
interface ResultDocument {
    schemaVersion: 1;
    tool: { name: string; version: string };
    outcome: "passed" | "failed";
    exitCode: 0 | 1;
    strict: boolean;
    summary: { accounts: number; compliantAccounts: number; exemptAccounts: number; mandatoryViolations: number; advisoryViolations: number; couldNotCheck: number };
    policies: Array<{ name: string; enforcementLevel: string; severity?: string }>;
    accounts: Account[];
    organization?: { id: string; managementAccountId: string; listedBy: string; readPath: string; memberRole?: string; features: string[]; listedAt: string };
    problems: Array<{ providers: Provider[]; message: string; policies: Array<{ policy: string; enforcementLevel: string; status: Status }> }>;
    couldNotRead: Array<{ provider: Provider; encryptedInputs: string[]; message: string }>;
}

// The words the text output uses.
const STATUS_WORDS: Record<Status, string> = {
    compliant: "compliant",
    violation: "violation",
    "not-applicable": "not applicable",
    "could-not-check": "could not check",
    exempt: "exempt",
};

// Sort order of a policy column, worst first; a policy that did not run sorts last.
const STATUS_RANK: Record<Status, number> = { violation: 0, "could-not-check": 1, exempt: 2, "not-applicable": 3, compliant: 4 };
const NOT_RUN_RANK = 5;

const FILTER_STATUSES: Status[] = ["violation", "could-not-check", "compliant", "not-applicable", "exempt"];

const STYLE = `
:root { color-scheme: light; --fg: #1b1b1b; --muted: #555; --line: #c8c8c8; --head: #f1f1f1; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 110rem; padding: 1rem 1.5rem 3rem; color: var(--fg); background: #fff; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.5rem; margin: 0.5rem 0; }
h2 { font-size: 1.2rem; margin: 1.75rem 0 0.5rem; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.92em; }
.outcome { display: inline-block; padding: 0.15rem 0.6rem; border-radius: 0.25rem; font-weight: 700; border: 2px solid; }
.outcome-passed { color: #0b5a1f; background: #e3f4e6; }
.outcome-failed { color: #8a1010; background: #fde7e7; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem; margin: 0.75rem 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
dl.counts { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 1rem 0; }
dl.counts div { border: 1px solid var(--line); border-radius: 0.35rem; padding: 0.5rem 0.9rem; min-width: 9rem; }
dl.counts dt { color: var(--muted); font-size: 0.85rem; }
dl.counts dd { margin: 0; font-size: 1.6rem; font-weight: 700; }
.controls { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; margin: 0.5rem 0; }
.controls[hidden] { display: none; }
.controls input, .controls select { font: inherit; padding: 0.2rem 0.4rem; }
#shown { font-weight: 600; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; color: var(--muted); padding: 0.25rem 0; }
td.ev { min-width: 20rem; }
th, td { border: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: var(--head); position: sticky; top: 0; z-index: 1; }
thead th button { font: inherit; font-weight: 700; border: 0; background: none; padding: 0; cursor: pointer; color: inherit; text-align: left; }
thead th button:focus-visible { outline: 2px solid #1a55c4; outline-offset: 2px; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
.level { display: block; font-weight: 400; font-size: 0.8rem; color: var(--muted); }
tbody th { font-weight: 400; white-space: nowrap; }
.st { font-weight: 600; white-space: nowrap; }
.st-compliant { background: #e3f4e6; color: #0b5a1f; }
.st-violation { background: #fde7e7; color: #8a1010; }
.st-could-not-check { background: #fff1cc; color: #6b4a00; }
.st-not-applicable { background: #f0f0f0; color: #4a4a4a; }
.st-exempt { background: #e6eefb; color: #23406e; }
.st-none { color: var(--muted); }
details summary { cursor: pointer; }
.evidence dt { font-weight: 600; margin-top: 0.3rem; }
.evidence dd { margin: 0 0 0 1rem; }
.msg { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.25rem 0; }
.problems li { margin-bottom: 0.75rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  .controls, #shown { display: none; }
  .table-wrap { overflow: visible; }
  td.ev { min-width: 0; }
  thead th { position: static; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  tbody tr[hidden] { display: table-row; }
  th[aria-sort] button::after { content: none; }
  .st, .outcome { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
`;

// Sorts and filters the server-rendered rows through their data-* attributes; holds no data.
const SCRIPT = `
(function () {
  "use strict";
  var table = document.getElementById("accounts");
  if (!table) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var keys = rows.map(function (r) { return r.getAttribute("data-q"); });
  var statuses = rows.map(function (r) { return r.getAttribute("data-s"); });
  var search = document.getElementById("filter-text");
  var select = document.getElementById("filter-status");
  var shown = document.getElementById("shown");
  var collator = new Intl.Collator(undefined, { numeric: true });
  function filter() {
    var q = search.value.trim().toLowerCase();
    var s = select.value ? " " + select.value + " " : "";
    var n = 0;
    for (var i = 0; i < rows.length; i++) {
      var show = (!q || keys[i].indexOf(q) !== -1) && (!s || statuses[i].indexOf(s) !== -1);
      if (rows[i].hidden === show) rows[i].hidden = !show;
      if (show) n++;
    }
    shown.textContent = n + " of " + rows.length + " account" + (rows.length === 1 ? "" : "s") + " shown";
  }
  function sortBy(th) {
    var col = th.cellIndex;
    var byRank = th.getAttribute("data-sort") === "status";
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    var order = rows.map(function (r, i) {
      var v = r.cells[col].getAttribute("data-v");
      return { r: r, v: byRank ? Number(v) : v, i: i };
    });
    order.sort(function (a, b) {
      var c = byRank ? a.v - b.v : collator.compare(a.v, b.v);
      return c !== 0 ? c * dir : a.i - b.i;
    });
    var fragment = document.createDocumentFragment();
    for (var k = 0; k < order.length; k++) fragment.appendChild(order[k].r);
    tbody.appendChild(fragment);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
  }
  table.tHead.addEventListener("click", function (e) {
    var button = e.target.closest("button");
    if (button) sortBy(button.parentNode);
  });
  search.addEventListener("input", filter);
  select.addEventListener("change", filter);
  // Printing shows every row (the print stylesheet) with its evidence and messages open.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) { d.open = true; return true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
  document.getElementById("controls").hidden = false;
  filter();
})();
`;

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for an HTML element's content or a quoted attribute value. */
function esc(text: string | number): string {
    return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function sha256(text: string): string {
    return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function providerList(providers: Provider[]): string {
    return providers.map((p) => `<span title="${esc(p.urn)}">${esc(p.name)}</span>`).join(", ");
}

// Evidence strings carry the time of the reading; shown in the summary so it needs no click.
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g;

function readTimes(results: PolicyResult[]): string {
    const times = [...new Set(results.flatMap((r) => r.evidence?.match(ISO_TIME) ?? []))].sort();
    return times.length === 0 ? "" : times.length === 1 ? times[0] : `${times[0]} to ${times[times.length - 1]}`;
}

function evidenceCell(results: PolicyResult[]): string {
    const withEvidence = results.filter((r) => r.evidence);
    const failing = results.filter((r) => r.message && (r.status === "violation" || r.status === "could-not-check"));
    const parts: string[] = [];
    if (withEvidence.length > 0) {
        const when = readTimes(withEvidence);
        parts.push(`<details class="evidence"><summary>Evidence${when ? `, read ${esc(when)}` : ""}</summary><dl>${withEvidence
            .map((r) => `<dt>${esc(r.policy)}</dt><dd class="msg">${esc(r.evidence!)}</dd>`).join("")}</dl></details>`);
    }
    if (failing.length > 0) {
        parts.push(`<details class="messages"><summary>${plural(failing.length, "message")}: ${esc(failing.map((r) => `${r.policy} ${STATUS_WORDS[r.status]}`).join(", "))}</summary>${failing
            .map((r) => `<h3 class="mono">${esc(r.policy)} (${esc(r.enforcementLevel)})</h3><div class="msg">${esc(r.message!)}</div>`).join("")}</details>`);
    }
    return parts.join("") || "—";
}

function accountsTable(doc: ResultDocument, policyNames: string[]): string {
    const hasName = doc.accounts.some((a) => a.name !== undefined);
    const hasOrgStatus = doc.accounts.some((a) => a.organizationStatus !== undefined);
    const level = new Map(doc.policies.map((p) => [p.name, p.enforcementLevel]));
    const sortable = (label: string, kind: "text" | "status", extra = "") =>
        `<th scope="col" data-sort="${kind}"><button type="button">${esc(label)}</button>${extra}</th>`;
    const head = [
        sortable("Account", "text"),
        hasName ? sortable("Name", "text") : "",
        hasOrgStatus ? `<th scope="col">Organization status</th>` : "",
        `<th scope="col">Partition</th>`,
        ...policyNames.map((n) => sortable(n, "status", level.has(n) ? `<span class="level">${esc(level.get(n)!)}</span>` : "")),
        `<th scope="col">Providers</th>`,
        `<th scope="col">Evidence and messages</th>`,
    ].join("");
    const rows = doc.accounts.map((a) => {
        const statuses = [...new Set(a.results.map((r) => r.status))];
        const cells = policyNames.map((n) => {
            const r = a.results.find((x) => x.policy === n);
            return r
                ? `<td class="st st-${esc(r.status)}" data-v="${STATUS_RANK[r.status]}">${esc(STATUS_WORDS[r.status])}</td>`
                : `<td class="st st-none" data-v="${NOT_RUN_RANK}">not run</td>`;
        });
        return `<tr data-q="${esc(`${a.accountId} ${a.name ?? ""}`.toLowerCase())}" data-s=" ${esc(statuses.join(" "))} ">`
            + `<th scope="row" class="mono" data-v="${esc(a.accountId)}">${esc(a.accountId)}</th>`
            + (hasName ? `<td data-v="${esc(a.name ?? "")}">${esc(a.name ?? "")}</td>` : "")
            + (hasOrgStatus ? `<td>${esc(a.organizationStatus ?? "")}</td>` : "")
            + `<td>${esc(a.partition)}</td>`
            + cells.join("")
            + `<td>${providerList(a.providers)}</td>`
            + `<td class="ev">${evidenceCell(a.results)}</td></tr>`;
    });
    const total = plural(doc.accounts.length, "account");
    return `<div class="controls" id="controls" hidden>`
        + `<label>Account id or name <input type="search" id="filter-text" autocomplete="off"></label>`
        + `<label>Status <select id="filter-status"><option value="">any</option>${FILTER_STATUSES
            .map((s) => `<option value="${s}">${STATUS_WORDS[s]}</option>`).join("")}</select></label></div>`
        + `<p id="shown" role="status">${doc.accounts.length} of ${total} shown</p>`
        + `<div class="table-wrap"><table id="accounts"><caption>Every account, one column per policy; click a column header to sort</caption>`
        // No whitespace between rows: Chromium walks such text nodes on every row moved, and
        // sorting 5,000 rows took half a minute.
        + `<thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
}

function problemsSection(doc: ResultDocument): string {
    if (doc.problems.length === 0) return "";
    const items = doc.problems.map((p) => `<li>`
        + (p.providers.length > 0 ? `<p>Providers: ${providerList(p.providers)}</p>` : "")
        + `<p>Policies: ${esc(p.policies.map((q) => `${q.policy} (${q.enforcementLevel}): ${STATUS_WORDS[q.status]}`).join(", "))}</p>`
        + `<div class="msg">${esc(p.message)}</div></li>`);
    return `<section id="problems" aria-labelledby="problems-h"><h2 id="problems-h">Problems (${doc.problems.length})</h2><p>Failures about no identified account, each once with every policy it stopped.</p><ul class="problems">${items.join("")}</ul></section>`;
}

function couldNotReadSection(doc: ResultDocument): string {
    if (doc.couldNotRead.length === 0) return "";
    const items = doc.couldNotRead.map((u) => `<li><p>Provider <span class="mono">${esc(u.provider.name)}</span> (<span class="mono">${esc(u.provider.urn)}</span>), encrypted inputs: ${esc(u.encryptedInputs.join(", "))}</p><div class="msg">${esc(u.message)}</div></li>`);
    return `<section id="could-not-read" aria-labelledby="could-not-read-h"><h2 id="could-not-read-h">Could not read (${doc.couldNotRead.length})</h2><ul class="problems">${items.join("")}</ul></section>`;
}

function header(doc: ResultDocument): string {
    const org = doc.organization;
    const meta: Array<[string, string]> = [
        ["Tool", `${esc(doc.tool.name)} ${esc(doc.tool.version)}`],
        ["Policies", esc(doc.policies.map((p) => `${p.name} (${p.enforcementLevel})`).join(", ")) || "none"],
        ["Fails on", doc.strict ? "a mandatory or advisory (--strict) policy's violation or failure to check" : "a mandatory policy's violation or failure to check"],
    ];
    if (org) {
        meta.push(
            ["Members listed at", `<time datetime="${esc(org.listedAt)}">${esc(org.listedAt)}</time>`],
            ["Organization", `<span class="mono">${esc(org.id)}</span>`],
            ["Management account", `<span class="mono">${esc(org.managementAccountId)}</span>`],
            ["Listed by", `<span class="mono">${esc(org.listedBy)}</span>`],
            ["Read path", esc(org.readPath) + (org.memberRole ? ` (role <span class="mono">${esc(org.memberRole)}</span>)` : "")],
            ["Root access features", esc(org.features.join(", ")) || "none"],
        );
    }
    return `<header><h1>AWS root user check: ${esc(doc.tool.name)} ${esc(doc.tool.version)}</h1>`
        + `<p class="outcome outcome-${esc(doc.outcome)}">${doc.outcome === "failed" ? "Failed" : "Passed"} (exit ${esc(doc.exitCode)})</p>`
        + `<dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl></header>`;
}

function counts(doc: ResultDocument): string {
    const s = doc.summary;
    const items: Array<[string, string, number]> = [
        ["accounts", "Accounts", s.accounts],
        ["compliant", "Compliant", s.compliantAccounts],
        ["exempt", "Exempt", s.exemptAccounts],
        ["mandatory", "Mandatory violations", s.mandatoryViolations],
        ["advisory", "Advisory violations", s.advisoryViolations],
        ["could-not-check", "Could not check", s.couldNotCheck],
    ];
    return `<dl class="counts" aria-label="Summary">${items.map(([key, label, n]) => `<div><dt>${label}</dt><dd data-count="${key}">${esc(n)}</dd></div>`).join("")}</dl>`;
}

/**
 * The audit page of a check: `document` is the JSON text `jsonOutput` prints (a result, not an
 * error document). One HTML5 page with no external resource, its inline style and script allowed
 * by hash in a `default-src 'none'` Content-Security-Policy; every value from the document is
 * escaped (account names come from AWS Organizations). The rows are rendered here; the script
 * only sorts and filters them.
 */
export function htmlReport(document: string): string {
    const doc = JSON.parse(document) as ResultDocument;
    if (doc.schemaVersion !== 1 || (doc.outcome !== "passed" && doc.outcome !== "failed") || !Array.isArray(doc.accounts)) {
        throw new Error(`htmlReport: not a check result (schemaVersion ${String(doc.schemaVersion)}, outcome ${String(doc.outcome)})`);
    }
    // Columns: the policies that ran, then any a result names that the list does not.
    const policyNames = [...new Set([...doc.policies.map((p) => p.name), ...doc.accounts.flatMap((a) => a.results.map((r) => r.policy))])];
    const csp = `default-src 'none'; style-src ${sha256(STYLE)}; script-src ${sha256(SCRIPT)}; base-uri 'none'; form-action 'none'`;
    const title = `${doc.tool.name} ${doc.tool.version}: ${doc.outcome} (${plural(doc.summary.accounts, "account")})`;
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${header(doc)}
<main>
<section aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>${counts(doc)}</section>
${problemsSection(doc)}
${couldNotReadSection(doc)}
<section aria-labelledby="accounts-h"><h2 id="accounts-h">Accounts (${doc.accounts.length})</h2>
${doc.accounts.length > 0 ? accountsTable(doc, policyNames) : "<p>No AWS account was checked.</p>"}
</section>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
