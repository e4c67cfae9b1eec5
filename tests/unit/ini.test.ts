import { strict as assert } from "node:assert";
import { IniPanicError, IniSections, parseIni } from "../../policypack/discover/ini";

/** A value as written in the rows: its string, or its sub-property map. */
type V = string | { map: [string, string][] };

/** One INI input and every section it yields (names and keys as entries: they may be "__proto__"). */
export interface IniRow {
    name: string;
    text: string;
    sections: [string, [string, V][]][];
    /** Whether the Go oracle (aws-sdk-go-v2 internal/ini v1.8.6 Parse) gave exactly these sections. */
    oracle: "confirmed";
}

const PATH = "/home/u/.aws/config";

export const iniRows: IniRow[] = [
    {
        name: "a plain section and property",
        text: "[default]\nregion = us-east-1\n",
        sections: [["default", [["region", "us-east-1"]]]],
        oracle: "confirmed",
    },
    {
        name: "keys are lower-cased, values keep their case",
        text: "[default]\nRegion = US-East-1\nAWS_Access_Key_ID=AKIDEXAMPLE\n",
        sections: [["default", [["aws_access_key_id", "AKIDEXAMPLE"], ["region", "US-East-1"]]]],
        oracle: "confirmed",
    },
    {
        name: "comments: whole lines, after a header at any #/;, after a value only past a blank",
        text: "# top\n; top\n[default] # header comment\nregion = us-west-2 # comment\nx = a#b\ny = a;b\nz = a ;b\nw = a\t#c\n   ; indented comment line\n\t# tab comment line\n",
        sections: [["default", [["region", "us-west-2"], ["w", "a"], ["x", "a#b"], ["y", "a;b"], ["z", "a"]]]],
        oracle: "confirmed",
    },
    {
        name: "':' separates like '=', whichever comes first",
        text: "[default]\nregion: eu-west-1\nurl = http://x:8080\nk:v=w\n",
        sections: [["default", [["k", "v=w"], ["region", "eu-west-1"], ["url", "http://x:8080"]]]],
        oracle: "confirmed",
    },
    {
        name: "one pair of surrounding quotes is removed, a mismatched pair is kept",
        text: "[default]\na = \"x\"\nb = 'y'\nc = \"z'\nd = \"\"\ne = \"q\" # c\nf = \"'\"\ng = \"\"x\"\"\n",
        sections: [["default", [["a", "x"], ["b", "y"], ["c", "\"z'"], ["d", ""], ["e", "q"], ["f", "'"], ["g", "\"x\""]]]],
        oracle: "confirmed",
    },
    {
        name: "indented lines under an empty value are a sub-property map (comments included)",
        text: "[services s]\ns3 =\n  endpoint_url = http://a\n  Region = r\nsts =\n\tendpoint_url = http://b # not a comment\n",
        sections: [["services s", [["s3", { map: [["endpoint_url", "http://a"], ["region", "r"]] }], ["sts", { map: [["endpoint_url", "http://b # not a comment"]] }]]]],
        oracle: "confirmed",
    },
    {
        name: "an indented k = v after a non-empty value, or first in a section, is a normal property",
        text: "[default]\n  first = 1\nregion = x\n  sub = y # c\n  other = \"q\" # c\n",
        sections: [["default", [["first", "1"], ["other", "\"q\""], ["region", "x"], ["sub", "y"]]]],
        oracle: "confirmed",
    },
    {
        name: "continuation lines join a non-empty value with \\n; after an empty value or a map they are dropped",
        text: "[default]\nkey = first\n  second line\n  third ; x\nempty =\n  lost\nm =\n  a = 1\n  lost too\n",
        sections: [["default", [["empty", ""], ["key", "first\nsecond line\nthird ; x"], ["m", { map: [["a", "1"]] }]]]],
        oracle: "confirmed",
    },
    {
        name: "any section or key name, including Object.prototype names",
        text: "[profile __proto__]\n__proto__ = x\n[constructor]\nconstructor = y\n[toString]\nhasOwnProperty = z\n",
        sections: [
            ["constructor", [["constructor", "y"]]],
            ["profile __proto__", [["__proto__", "x"]]],
            ["toString", [["hasownproperty", "z"]]],
        ],
        oracle: "confirmed",
    },
    {
        name: "CRLF: \\r is trimmed from headers and values but kept at the end of a continuation",
        text: "[default]\r\nregion = us-east-1\r\nkey = a\r\n  cont\r\n",
        sections: [["default", [["key", "a\ncont\r"], ["region", "us-east-1"]]]],
        oracle: "confirmed",
    },
    {
        name: "a repeated section continues the first; a repeated key takes the last value",
        text: "[a]\nx = 1\n[b]\ny = 2\n[a]\nx = 3\nz = 4\n",
        sections: [["a", [["x", "3"], ["z", "4"]]], ["b", [["y", "2"]]]],
        oracle: "confirmed",
    },
    {
        name: "properties before any section are ignored, with their sub-properties and continuations",
        text: "x = 1\n  y = 2\n  cont\n[a]\nb = 1\n",
        sections: [["a", [["b", "1"]]]],
        oracle: "confirmed",
    },
    {
        name: "header names: blanks collapse to one space after the type; a '#' or ';' inside breaks the header",
        text: "[  profile\tfoo  ]\nk = v\n[profile  a  b]\n[a;comment]\n[x#y]\nk2 = v2\n",
        sections: [["profile a  b", [["k2", "v2"]]], ["profile foo", [["k", "v"]]]],
        oracle: "confirmed",
    },
    {
        name: "[] is a section named \"\" whose properties are ignored",
        text: "[]\nk = v\n",
        sections: [["", []]],
        oracle: "confirmed",
    },
    {
        name: "a byte order mark hides the first header (Go does not strip it)",
        text: "\uFEFF[default]\nregion = x\n[other]\nregion = y\n",
        sections: [["other", [["region", "y"]]]],
        oracle: "confirmed",
    },
    {
        name: "an empty key is a key; a sub-property under it is promoted",
        text: "[a]\n= v\n  sub = 1\n",
        sections: [["a", [["", "v"], ["sub", "1"]]]],
        oracle: "confirmed",
    },
    {
        name: "an indented header is a header; a line with no separator is ignored",
        text: "  [a]\njunk\nk=v\n",
        sections: [["a", [["k", "v"]]]],
        oracle: "confirmed",
    },
    {
        name: "Unicode: U+0085 and NBSP are Go spaces, U+0130 lower-cases to i",
        text: "[a]\n\u0130D = \u00a0v\u0085\n",
        sections: [["a", [["id", "v"]]]],
        oracle: "confirmed",
    },
];

/** The rows' shape of parsed sections, sorted for comparison. */
function shape(sections: IniSections): [string, [string, V][]][] {
    return [...sections]
        .map(([name, s]): [string, [string, V][]] => [name, [...s.values]
            .map(([k, v]): [string, V] => [k, v.map ? { map: [...v.map].sort() } : v.str])
            .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))])
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

describe("parseIni (Go's internal/ini)", () => {
    for (const row of iniRows) {
        it(row.name, () => {
            const sections = parseIni(row.text, PATH);
            assert.deepEqual(shape(sections), row.sections);
            for (const [name, section] of sections) {
                assert.equal(section.name, name);
                assert.deepEqual(section.errors, []);
                // Every string value records its file; map entries do not add keys of their own.
                assert.deepEqual([...section.sourceFile.keys()].sort(), [...section.values.keys()].sort());
                assert.ok([...section.sourceFile.values()].every((f) => f === PATH));
            }
        });
    }

    it("a value that is one lone quote throws, as Go's parser panics (confirmed with the Go oracle)", () => {
        assert.throws(() => parseIni("[a]\nok = 1\nk = \" # c\n", PATH), (e: unknown) => e instanceof IniPanicError && e.line === 3 && e.path === PATH);
        assert.throws(() => parseIni("  k = '\n[a]\n", PATH), IniPanicError);
        // Indented, the comment is part of the value, so no lone quote (promoted, the comment is then cut).
        assert.deepEqual(shape(parseIni("[a]\n  k = \" # c\n", PATH)), [["a", [["k", "\""]]]]);
    });
});
