/**
 * The AWS shared config and credentials files read as the AWS SDK for Go v2 reads them
 * (aws-sdk-go-v2 internal/ini v1.8.6), which is how pulumi-aws reads them. The JavaScript SDK
 * reads the same files differently (comments, quotes, sub-properties, duplicate sections), so the
 * pack must not use it to decide which credentials pulumi-aws would use.
 *
 * Section and key names live in Maps: a profile may be called `__proto__` or `constructor`.
 */

/** A property's value: a string, or (indented lines under an empty value) a map of sub-properties. */
export interface IniValue {
    str: string;
    map?: ReadonlyMap<string, string>;
}

/** One `[section]` of a file, or the merge of several files' sections of the same name. */
export interface IniSection {
    name: string;
    values: Map<string, IniValue>;
    /** The file each key was read from. */
    sourceFile: Map<string, string>;
    /** Problems found while merging files (partial credentials); loading the profile then fails. */
    errors: string[];
}

/** Sections by name. */
export type IniSections = Map<string, IniSection>;

function newSection(name: string): IniSection {
    return { name, values: new Map(), sourceFile: new Map(), errors: [] };
}

/** Go's unicode.IsSpace. */
function isGoSpace(c: string): boolean {
    switch (c) {
        case "\t": case "\n": case "\v": case "\f": case "\r": case " ": case "\u0085": case "\u00a0":
        case "\u1680": case "\u2028": case "\u2029": case "\u202f": case "\u205f": case "\u3000":
            return true;
        default:
            return c >= "\u2000" && c <= "\u200a";
    }
}

/** Go's strings.TrimSpace: unlike String.prototype.trim it keeps a byte order mark and trims U+0085. */
export function trimSpace(s: string): string {
    let start = 0;
    let end = s.length;
    while (start < end && isGoSpace(s[start])) {
        start++;
    }
    while (end > start && isGoSpace(s[end - 1])) {
        end--;
    }
    return s.slice(start, end);
}

/** Go's strings.TrimLeft / TrimRight with the cutset " \t". */
function trimLeftBlank(s: string): string {
    let i = 0;
    while (i < s.length && isLineSpace(s[i])) {
        i++;
    }
    return s.slice(i);
}

function trimRightBlank(s: string): string {
    let i = s.length;
    while (i > 0 && isLineSpace(s[i - 1])) {
        i--;
    }
    return s.slice(0, i);
}

/**
 * Go's strings.ToLower: simple case mapping, one code point at a time. JavaScript's toLowerCase
 * turns U+0130 into two code points; Go turns it into "i".
 */
export function toLower(s: string): string {
    let out = "";
    for (const c of s) {
        if (c === "\u0130") {
            out += "i";
            continue;
        }
        const lower = c.toLowerCase();
        out += [...lower].length === 1 ? lower : c;
    }
    return out;
}

/**
 * Go's strings.EqualFold against an ASCII word: besides ASCII case, U+017F (long s) folds to "s"
 * and U+212A (Kelvin sign) to "k".
 */
export function equalFold(s: string, asciiWord: string): boolean {
    const runes = [...s];
    if (runes.length !== asciiWord.length) {
        return false;
    }
    return runes.every((r, i) => {
        const want = asciiWord[i].toLowerCase();
        const got = r === "\u017f" ? "s" : r === "\u212a" ? "k" : r.length === 1 && r < "\u0080" ? r.toLowerCase() : r;
        return got === want;
    });
}

/**
 * Go's strconv.ParseInt(s, base, 64): base 0 (what the INI layer uses) takes a sign, 0b/0o/0x
 * or a leading 0 (octal) and "_" between digits; base 10 (environment variables) takes a sign and
 * decimal digits. Undefined when Go reports a syntax or range error.
 */
export function parseInt64(s: string, base: 0 | 10): bigint | undefined {
    let neg = false;
    let u = s;
    if (u[0] === "+" || u[0] === "-") {
        neg = u[0] === "-";
        u = u.slice(1);
    }
    if (u === "") {
        return undefined;
    }
    let radix = 10;
    let digits = u;
    if (base === 0 && u[0] === "0") {
        const prefix = u.length >= 3 ? asciiLower(u[1]) : "";
        radix = prefix === "b" ? 2 : prefix === "o" ? 8 : prefix === "x" ? 16 : 8;
        digits = u.slice(radix === 8 && prefix !== "o" ? 1 : 2);
    }
    let n = 0n;
    let underscores = false;
    for (const c of digits) {
        if (c === "_" && base === 0) {
            underscores = true;
            continue;
        }
        const l = asciiLower(c);
        const d = c >= "0" && c <= "9" ? c.charCodeAt(0) - 48 : l >= "a" && l <= "z" ? l.charCodeAt(0) - 87 : 99;
        if (d >= radix) {
            return undefined;
        }
        n = n * BigInt(radix) + BigInt(d);
        if (n > 0xffff_ffff_ffff_ffffn) {
            return undefined;
        }
    }
    if (underscores && !underscoreOK(u)) {
        return undefined;
    }
    if (n > (neg ? 1n << 63n : (1n << 63n) - 1n)) {
        return undefined;
    }
    return neg ? -n : n;
}

function asciiLower(c: string): string {
    return c >= "A" && c <= "Z" ? c.toLowerCase() : c;
}

/** Underscores must sit between digits (a base prefix counts as a digit). */
function underscoreOK(s: string): boolean {
    let saw = "^";
    let i = 0;
    const prefix = s.length >= 2 && s[0] === "0" ? asciiLower(s[1]) : "";
    const hex = prefix === "x";
    if (prefix === "b" || prefix === "o" || hex) {
        i = 2;
        saw = "0";
    }
    for (; i < s.length; i++) {
        const c = s[i];
        if ((c >= "0" && c <= "9") || (hex && asciiLower(c) >= "a" && asciiLower(c) <= "f")) {
            saw = "0";
        } else if (c === "_") {
            if (saw !== "0") {
                return false;
            }
            saw = "_";
        } else {
            if (saw === "_") {
                return false;
            }
            saw = "!";
        }
    }
    return saw !== "_";
}

function isLineSpace(c: string | undefined): boolean {
    return c === " " || c === "\t";
}

function isLineComment(line: string): boolean {
    const trimmed = trimLeftBlank(line);
    return trimmed.startsWith("#") || trimmed.startsWith(";");
}

function cut(s: string, sep: string): string {
    const i = s.indexOf(sep);
    return i < 0 ? s : s.slice(0, i);
}

/** A section header's comment starts at any "#" or ";". */
function trimProfileComment(s: string): string {
    return cut(cut(s, "#"), ";");
}

/** A property's comment starts only at a "#" or ";" after a space or tab. */
function trimPropertyComment(s: string): string {
    return cut(cut(cut(cut(s, " #"), " ;"), "\t#"), "\t;");
}

/** `key = value` or `key: value`, split at whichever of "=" and ":" comes first. */
function splitProperty(s: string): [string, string] | undefined {
    const equals = s.indexOf("=");
    const colon = s.indexOf(":");
    const sep = equals === -1 || (colon !== -1 && colon < equals) ? ":" : "=";
    const i = s.indexOf(sep);
    if (i < 0) {
        return undefined;
    }
    return [trimSpace(s.slice(0, i)), trimSpace(s.slice(i + 1))];
}

/** "type name" → ["type", "name"]; a name without blanks has an empty type. */
function splitProfile(s: string): [string, string] {
    let first = 0;
    for (let i = 0; i < s.length; i++) {
        if (isLineSpace(s[i])) {
            if (first === 0) {
                first = i;
            }
        } else if (first !== 0) {
            return [s.slice(0, first), s.slice(i)];
        }
    }
    return first === 0 ? ["", s] : ["", ""];
}

/** Go's parser panics (and pulumi-aws with it) on a property whose value is one lone quote. */
export class IniPanicError extends Error {
    constructor(readonly path: string, readonly line: number) {
        super(`${path}, line ${line}: a value that is a single quote character crashes the AWS SDK for Go's parser, so pulumi-aws cannot read this file; quote the value or remove the stray quote.`);
        this.name = "IniPanicError";
    }
}

/** One pair of matching surrounding quotes is removed. */
function unquote(s: string): string | undefined {
    if (s === "'" || s === "\"") {
        return undefined;
    }
    const quoted = (q: string) => s.startsWith(q) && s.endsWith(q);
    return quoted("'") || quoted("\"") ? s.slice(1, s.length - 1) : s;
}

type Token =
    | { kind: "section"; name: string }
    | { kind: "property"; key: string; value: string }
    | { kind: "sub-property"; key: string; value: string }
    | { kind: "continuation"; value: string };

/** A line's token; null for a property whose value would crash Go's parser. */
function tokenize(line: string): Token | undefined | null {
    const header = trimSpace(trimProfileComment(line));
    if (header.startsWith("[") && header.endsWith("]")) {
        const [type, name] = splitProfile(trimSpace(header.slice(1, header.length - 1)));
        return { kind: "section", name: type === "" ? name : `${type} ${name}` };
    }
    if (!isLineSpace(line[0])) {
        const kv = splitProperty(trimRightBlank(trimPropertyComment(line)));
        if (!kv) {
            return undefined;
        }
        const value = unquote(kv[1]);
        return value === undefined ? null : { kind: "property", key: toLower(kv[0]), value };
    }
    // Indented lines keep their comments: they belong to the value.
    const indented = trimLeftBlank(line);
    const kv = splitProperty(indented);
    if (kv) {
        const value = unquote(kv[1]);
        return value === undefined ? null : { kind: "sub-property", key: toLower(kv[0]), value };
    }
    return { kind: "continuation", value: indented };
}

/**
 * Parses one shared config or credentials file. `path` is recorded as each key's source file.
 * Lines are split on "\n" only (a CRLF file keeps "\r" at the end of continuation lines, as in Go).
 * Throws IniPanicError where Go's parser panics.
 */
export function parseIni(text: string, path: string): IniSections {
    const sections: IniSections = new Map();
    // "" is both "before any section" and the name of an empty "[]" section: Go ignores properties in either.
    let current = "";
    let currentKey = "";

    const setProperty = (key: string, value: string) => {
        if (current === "") {
            return;
        }
        const section = sections.get(current)!;
        currentKey = key;
        section.values.set(key, { str: value });
        section.sourceFile.set(key, path);
    };

    // Go tokenizes every line before parsing any: a crashing value anywhere crashes the whole file.
    const tokens = text.split("\n").map((line, i) => {
        if (trimSpace(line) === "" || isLineComment(line)) {
            return undefined;
        }
        const token = tokenize(line);
        if (token === null) {
            throw new IniPanicError(path, i + 1);
        }
        return token;
    });
    for (const token of tokens) {
        if (!token) {
            continue;
        }
        switch (token.kind) {
            case "section":
                current = token.name;
                currentKey = "";
                if (!sections.has(current)) {
                    sections.set(current, newSection(current));
                }
                break;
            case "property":
                setProperty(token.key, token.value);
                break;
            case "sub-property": {
                if (current === "") {
                    break;
                }
                const section = sections.get(current)!;
                const parent = currentKey === "" ? undefined : section.values.get(currentKey);
                if (!parent || parent.str !== "") {
                    // No empty value to hang it under: Go makes it an ordinary property.
                    setProperty(token.key, trimSpace(trimPropertyComment(token.value)));
                    break;
                }
                const map = parent.map ? new Map(parent.map) : new Map<string, string>();
                map.set(token.key, token.value);
                section.values.set(currentKey, { str: "", map });
                break;
            }
            case "continuation": {
                if (currentKey === "") {
                    break;
                }
                const section = sections.get(current)!;
                const value = section.values.get(currentKey)!;
                if (value.str !== "" && !value.map) {
                    section.values.set(currentKey, { str: `${value.str}\n${token.value}` });
                }
                break;
            }
        }
    }
    return sections;
}

/** Section names in Go's sort.Strings order (UTF-8 byte order, i.e. code point order). */
export function sortedNames(sections: IniSections): string[] {
    const cmp = (a: string, b: string): number => {
        const x = [...a];
        const y = [...b];
        for (let i = 0; i < Math.min(x.length, y.length); i++) {
            const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
            if (d !== 0) {
                return d;
            }
        }
        return x.length - y.length;
    };
    return [...sections.keys()].sort(cmp);
}
