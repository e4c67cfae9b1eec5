/**
 * fast-check generators of `pulumi:providers:aws` and `pulumi:providers:aws-native` provider inputs
 * as the engine sends them to an analyzer: well-formed and malformed, as JSON text (how pulumi-aws 7
 * sends complex inputs) and as objects, with wrong types, broken JSON, huge and unicode strings
 * (lone surrogates included), unknowns at the top level and nested, and secrets.
 *
 * Values are built as a {@link Tree} first, in which {@link Sec} marks a value the engine would send
 * as a secret; {@link toWire} turns it into the wire form ({@link secret} wrappers), and JSON text
 * forms unwrap it (the whole text is then sent as a secret, as a Pulumi output computed from a secret
 * is).
 *
 * Secret values are recognizable: they start with {@link MARK}, which nothing else generated here
 * contains, so a substring search of the pack's output for the marker finds any secret that leaked,
 * whole or in part. Where markers may appear depends on the {@link MarkerMode}:
 *
 * - `"credentials"`: only in the credential inputs the pack promises to redact (accessKey, secretKey,
 *   token, assumeRoles[].externalId / assumeRole.externalId, assumeRoleWithWebIdentity.webIdentityToken),
 *   secret-wrapped or not;
 * - `"wrapped"`: in any input, but always inside a secret-wrapped value.
 */
import fc from "fast-check";
import { StackResource, UNKNOWN, providerResource, resourceUsing, secret } from "../harness/engine";

/** The prefix of every generated secret value. */
export const MARK = "SECRETmark";

/** A value the engine sends as a secret. */
export class Sec {
    constructor(readonly value: Tree) {}
}

/** A generated input value, secrets marked with {@link Sec}. */
export type Tree = null | boolean | number | string | Sec | Tree[] | { [key: string]: Tree };

/** Where secret markers may appear (see the module comment). */
export type MarkerMode = "credentials" | "wrapped";

export const AWS = "pulumi:providers:aws";
export const AWS_NATIVE = "pulumi:providers:aws-native";

/** How a provider appears in the stack: as a resource, only as a resource's provider, or both. */
export type Presence = "listed" | "referenced" | "both";

/** One generated provider. */
export interface ProviderSpec {
    name: string;
    type: typeof AWS | typeof AWS_NATIVE;
    props: { [key: string]: Tree };
    presence: Presence;
}

/** Local things the generated inputs may point at; never anything but 127.0.0.1. */
export interface LocalTargets {
    /** The fake AWS endpoint, e.g. http://127.0.0.1:43210. */
    fakeUrl: string;
    /** A 127.0.0.1 URL where nothing listens (connection refused). */
    closedUrl: string;
    /** Existing local files that are safe to read (regular files, /dev/null, a directory). */
    files: string[];
}

/** The wire form of a tree: {@link Sec} becomes the engine's secret wrapper. */
export function toWire(t: Tree): unknown {
    if (t instanceof Sec) {
        return secret(toWire(t.value));
    }
    if (Array.isArray(t)) {
        return t.map(toWire);
    }
    if (t !== null && typeof t === "object") {
        return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, toWire(v)]));
    }
    return t;
}

/** The tree without secret marks (what a policy sees after the engine unwraps secrets). */
export function plain(t: Tree): unknown {
    if (t instanceof Sec) {
        return plain(t.value);
    }
    if (Array.isArray(t)) {
        return t.map(plain);
    }
    if (t !== null && typeof t === "object") {
        return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, plain(v)]));
    }
    return t;
}

function hasSec(t: Tree): boolean {
    if (t instanceof Sec) {
        return true;
    }
    if (Array.isArray(t)) {
        return t.some(hasSec);
    }
    if (t !== null && typeof t === "object") {
        return Object.values(t).some(hasSec);
    }
    return false;
}

/** JSON text of a tree; a secret itself when anything inside it was. */
function textOf(t: Tree, text: string = JSON.stringify(plain(t))): Tree {
    return hasSec(t) ? new Sec(text) : text;
}

/** The tree with every string (inside JSON text and secrets too) passed through `f`. */
export function mapStrings(t: Tree, f: (s: string) => string): Tree {
    if (typeof t === "string") {
        return f(t);
    }
    if (t instanceof Sec) {
        return new Sec(mapStrings(t.value, f));
    }
    if (Array.isArray(t)) {
        return t.map((e) => mapStrings(e, f));
    }
    if (t !== null && typeof t === "object") {
        return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, mapStrings(v, f)]));
    }
    return t;
}

/** A tree's wire form as short JSON, long strings cut, for failure reports. */
export function describeTree(t: unknown, max = 160): string {
    return JSON.stringify(toWire(t as Tree), (_k, v: unknown) =>
        typeof v === "string" && v.length > max ? `${v.slice(0, max)}…(${v.length} chars)` : v);
}

/** Every secret value (marked string) in a tree, unwrapped or not. */
export function markedStrings(t: unknown, out: string[] = []): string[] {
    if (typeof t === "string") {
        if (t.includes(MARK)) {
            out.push(t);
        }
    } else if (t instanceof Sec) {
        markedStrings(t.value, out);
    } else if (Array.isArray(t)) {
        t.forEach((e) => markedStrings(e, out));
    } else if (t !== null && typeof t === "object") {
        Object.values(t).forEach((e) => markedStrings(e, out));
    }
    return out;
}

/** The stack resources of a generated stack, in wire form. */
export function stackResources(providers: readonly ProviderSpec[]): StackResource[] {
    const resources: StackResource[] = [];
    for (const p of providers) {
        const provider = providerResource(p.name, toWire(p.props) as Record<string, unknown>, p.type);
        if (p.presence !== "referenced") {
            resources.push(provider);
        }
        if (p.presence !== "listed") {
            resources.push(resourceUsing(provider, `${p.name}-res`, p.type === AWS ? "aws:s3/bucket:Bucket" : "aws-native:s3:Bucket"));
        }
    }
    return resources;
}

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const alnumChar = fc.constantFrom(...ALNUM.split(""));

/** A short plain word (never contains the marker). */
export const word = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-".split("")), minLength: 1, maxLength: 12 });

/** A secret value: the marker and 24+ random characters, sometimes with whitespace or punctuation inside. */
export const secretValue: fc.Arbitrary<string> = fc.oneof(
    { weight: 6, arbitrary: fc.string({ unit: alnumChar, minLength: 24, maxLength: 40 }).map((s) => MARK + s) },
    {
        weight: 2,
        arbitrary: fc.tuple(
            fc.string({ unit: alnumChar, minLength: 12, maxLength: 20 }),
            fc.constantFrom(" ", "  ", "\n", "\t \n", "/", "+", "=", "-", "_", ".", ":", "@", "é", "\u2028"),
            fc.string({ unit: alnumChar, minLength: 12, maxLength: 20 }),
        ).map(([a, sep, b]) => `${MARK}${a}${sep}${b}`),
    },
    // Long enough to be a "long token" the pack masks by shape as well.
    { weight: 1, arbitrary: fc.string({ unit: alnumChar, minLength: 60, maxLength: 400 }).map((s) => MARK + s) },
);

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Huge strings, ~1 kB to ~100 kB, from a short repeated pattern. */
export const hugeString: fc.Arbitrary<string> = fc
    .tuple(
        fc.string({ unit: fc.oneof(alnumChar, fc.constantFrom("{", "[", '"', "\\", " ", "é", "😀", "\n")), minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1_000, max: 100_000 }),
    )
    .map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n));

/** Plain strings of every sort (never the marker). */
export const anyString: fc.Arbitrary<string> = fc.oneof(
    { weight: 4, arbitrary: word },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 16 }) },
    { weight: 2, arbitrary: fc.string({ unit: fc.oneof(fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), loneSurrogate), maxLength: 16 }) },
    { weight: 1, arbitrary: hugeString },
    {
        weight: 2,
        arbitrary: fc.constantFrom(
            "", " ", "\n", "null", " null ", "undefined", "true", "0", "-1", "[]", "{}", "[null]", '""', "\u0000",
            "\uFEFF", "__proto__", "constructor", "toString", "hasOwnProperty", "04da6b54-80e4-46f7-96ec-b56ff0331ba9x",
        ),
    },
);

const accountId = fc.stringMatching(/^\d{12}$/);
/** Partitions; never aws-us-gov, whose accounts the pack (documentedly) skips without any call. */
const partition = fc.constantFrom("aws", "aws", "aws", "aws-cn", "aws-iso", "aws-iso-b", "aws-eusc", "aws-x");

function validRoleArn(name: fc.Arbitrary<string>): fc.Arbitrary<string> {
    return fc
        .tuple(partition, accountId, fc.constantFrom("", "path/", "a/b/"), name)
        .map(([p, a, path, n]) => `arn:${p}:iam::${a}:role/${path}${n}`);
}

const invalidRoleArn = fc.oneof(
    fc.tuple(accountId, word).map(([a, n]) => `arn:aws:sts::${a}:assumed-role/${n}/s`),
    fc.tuple(accountId, word).map(([a, n]) => `arn:aws:iam::${a}:user/${n}`),
    fc.tuple(fc.stringMatching(/^\d{1,11}$/), word).map(([a, n]) => `arn:aws:iam::${a}:role/${n}`),
    fc.constantFrom("arn:aws:iam::123456789012:role/", "arn:aws:iam::123456789012:role", "role/x", "arn:gcp:iam::123456789012:role/x"),
    anyString,
);

/** Generators for one marker mode and one set of local targets. */
export class InputArbitraries {
    /** Wrong-typed values: numbers, booleans, null, lists and objects, unknowns at any depth. */
    readonly junk: fc.Arbitrary<Tree>;
    /** A stack of 1–6 distinctly named providers. */
    readonly stack: fc.Arbitrary<ProviderSpec[]>;

    constructor(readonly mode: MarkerMode, readonly local: LocalTargets) {
        const leafJunk: fc.Arbitrary<Tree> = fc.oneof(
            fc.integer(),
            fc.double({ noNaN: true, noDefaultInfinity: true }),
            fc.boolean(),
            fc.constant(null),
            fc.constant(UNKNOWN),
            anyString,
            // Wrapped secrets of the wrong type: a marker inside them may only be inside a Sec.
            mode === "wrapped" ? secretValue.map((s) => new Sec(s)) : fc.constant(UNKNOWN),
        );
        const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
            tree: fc.oneof(
                { depthSize: "small", withCrossShrink: true },
                leafJunk,
                fc.array(tie("tree"), { maxLength: 4 }),
                fc.dictionary(word, tie("tree"), { maxKeys: 4 }),
                tie("tree").map((t) => new Sec(t)),
            ),
        }));
        this.junk = fc.oneof(
            { weight: 3, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()) },
            { weight: 1, arbitrary: fc.constant(UNKNOWN) },
            { weight: 1, arbitrary: fc.constant<Tree>([UNKNOWN]) },
            { weight: 1, arbitrary: fc.constant<Tree>({ value: UNKNOWN }) },
            { weight: 4, arbitrary: tree },
        );

        // Provider names from a safe alphabet ([A-Za-z0-9_-]): short ones, long ones (Pulumi puts no
        // limit on names), and the engine's default provider names.
        const names = fc.oneof(
            { weight: 6, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/) },
            { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...`${ALNUM}_-`.split("")), minLength: 1, maxLength: 64, size: "max" }) },
            { weight: 1, arbitrary: fc.constantFrom("default", "default_7_48_0", "default_1_79_0", "default_6_0_0") },
        );
        const presence = fc.constantFrom<Presence>("listed", "listed", "listed", "referenced", "both");
        const provider: fc.Arbitrary<ProviderSpec> = fc.oneof(
            { weight: 6, arbitrary: fc.record({ name: names, type: fc.constant(AWS), presence, props: this.awsInputs() }) },
            { weight: 1, arbitrary: fc.record({ name: names, type: fc.constant(AWS_NATIVE), presence, props: this.awsNativeInputs() }) },
        );
        this.stack = fc.uniqueArray(provider, { minLength: 1, maxLength: 6, selector: (p) => p.name });
    }

    /**
     * A string leaf: plain, or secret. Credential leaves carry the marker in "credentials" mode
     * (wrapped or not); in "wrapped" mode any leaf may carry it, always wrapped.
     */
    leaf(kind: "credential" | "other", plainValue: fc.Arbitrary<string>, markedValue: fc.Arbitrary<string>): fc.Arbitrary<Tree> {
        if (this.mode === "credentials") {
            return kind === "credential"
                ? fc.tuple(markedValue, fc.boolean()).map(([v, wrap]): Tree => (wrap ? new Sec(v) : v))
                : fc.tuple(plainValue, fc.integer({ min: 0, max: 4 })).map(([v, w]): Tree => (w === 0 ? new Sec(v) : v));
        }
        return fc.oneof(
            { weight: 3, arbitrary: plainValue as fc.Arbitrary<Tree> },
            { weight: 1, arbitrary: plainValue.map((v): Tree => new Sec(v)) },
            { weight: 3, arbitrary: markedValue.map((v): Tree => new Sec(v)) },
        );
    }

    /** A string input: mostly a string, sometimes a wrong type, unknown, empty or huge. */
    stringInput(kind: "credential" | "other", plainValue: fc.Arbitrary<string>, markedValue: fc.Arbitrary<string> = secretValue): fc.Arbitrary<Tree> {
        return fc.oneof(
            { weight: 16, arbitrary: this.leaf(kind, plainValue, markedValue) },
            { weight: 1, arbitrary: this.junk },
            { weight: 1, arbitrary: fc.constantFrom<Tree>(UNKNOWN, "", null) },
            { weight: 2, arbitrary: anyString },
        );
    }

    /**
     * A complex input: JSON text (as pulumi-aws 7 sends it), an object, broken JSON, a wrong type,
     * unknown, or empty.
     */
    structured(value: fc.Arbitrary<Tree>): fc.Arbitrary<Tree> {
        const broken = fc.tuple(value, fc.nat(), fc.constantFrom("truncate", "append", "bom", "quotes", "prefix", "nul")).map(([t, n, how]) => {
            const text = JSON.stringify(plain(t)) ?? "";
            const cut = text.length === 0 ? "" : text.slice(0, n % text.length);
            const mutated = how === "truncate" ? cut
                : how === "append" ? `${text},}`
                    : how === "bom" ? `\uFEFF${text}`
                        : how === "quotes" ? text.replace(/"/g, "'")
                            : how === "prefix" ? `[${text}`
                                : `${cut}\u0000${text.slice(cut.length)}`;
            return textOf(t, mutated);
        });
        return fc.oneof(
            { weight: 20, arbitrary: value.map((t) => textOf(t)) },
            { weight: 10, arbitrary: value },
            { weight: 3, arbitrary: broken },
            { weight: 2, arbitrary: this.junk },
            { weight: 2, arbitrary: fc.constantFrom<Tree>(UNKNOWN, "", "null", "  null\n", null, "[]", "{}") },
            { weight: 1, arbitrary: hugeString },
        );
    }

    /** A field of an object input: usually well typed, sometimes not. */
    field(good: fc.Arbitrary<Tree>): fc.Arbitrary<Tree> {
        return fc.oneof({ weight: 15, arbitrary: good }, { weight: 1, arbitrary: this.junk });
    }

    roleArn(): fc.Arbitrary<Tree> {
        return this.leaf("other", fc.oneof({ weight: 4, arbitrary: validRoleArn(word) }, { weight: 1, arbitrary: invalidRoleArn }), validRoleArn(secretValue));
    }

    duration(): fc.Arbitrary<Tree> {
        return this.leaf("other", fc.oneof(
            fc.constantFrom("1h", "15m", "15m30s", "900s", "0s", "1.5h", "1x", "h", "", " 1h ", "100ms", "1h1h", "-1h"),
            anyString,
        ), secretValue);
    }

    /** One role object of assumeRoles / assumeRole (aws-native: durationSeconds as a number). */
    role(native: boolean): fc.Arbitrary<Tree> {
        const text = (kind: "credential" | "other") => this.leaf(kind, anyString, secretValue);
        const seconds = native
            ? fc.oneof(fc.integer({ min: -10, max: 100_000 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom<Tree>("900", "abc", 1e300))
            : fc.oneof(fc.integer({ min: -10, max: 100_000 }), fc.constantFrom<Tree>("3600", "1h", 0.5));
        return fc.record({
            roleArn: this.field(this.roleArn()),
            sessionName: sometimes(this.field(this.leaf("other", fc.oneof(word, anyString), secretValue)), 0.4),
            externalId: sometimes(this.field(text("credential")), 0.5),
            duration: sometimes(this.field(this.duration())),
            durationSeconds: sometimes(this.field(seconds)),
            policy: sometimes(this.field(this.leaf("other", fc.oneof(fc.constant('{"Version":"2012-10-17","Statement":[]}'), anyString), secretValue))),
            policyArns: sometimes(this.field(fc.array(this.leaf("other", fc.oneof(word.map((w) => `arn:aws:iam::aws:policy/${w}`), anyString), secretValue), { maxLength: 3 }))),
            tags: sometimes(this.field(fc.dictionary(word, this.field(text("other")), { maxKeys: 3 }))),
            transitiveTagKeys: sometimes(this.field(fc.array(this.field(text("other")), { maxLength: 3 }))),
            sourceIdentity: sometimes(this.field(text("other"))),
            xExtra: sometimes(this.junk),
        }).map(withoutUndefined);
    }

    /** The assumeRoleWithWebIdentity object. */
    webIdentity(): fc.Arbitrary<Tree> {
        return fc.record({
            roleArn: this.field(this.roleArn()),
            sessionName: sometimes(this.field(this.leaf("other", fc.oneof(word, anyString), secretValue)), 0.4),
            webIdentityToken: sometimes(this.field(this.leaf("credential", anyString, secretValue)), 0.7),
            webIdentityTokenFile: sometimes(this.field(this.path()), 0.3),
            duration: sometimes(this.field(this.duration())),
            policy: sometimes(this.field(this.leaf("other", anyString, secretValue))),
            policyArns: sometimes(this.field(fc.array(this.leaf("other", anyString, secretValue), { maxLength: 2 }))),
        }).map(withoutUndefined);
    }

    /** A local file path: missing, a directory, /dev/null, or one of the prepared files. */
    path(): fc.Arbitrary<Tree> {
        return this.leaf("other", fc.oneof(
            word.map((w) => `/nonexistent/aws-root-mfa-properties/${w}`),
            fc.constantFrom(...this.local.files, "", "~/.aws/none", "relative/none"),
        ), secretValue.map((s) => `/nonexistent/aws-root-mfa-properties/${s}`));
    }

    paths(): fc.Arbitrary<Tree> {
        return this.structured(fc.array(this.field(this.path()), { maxLength: 3 }));
    }

    /** A URL; only ever 127.0.0.1 (the fake, or a closed port), or something that is not an http(s) URL. */
    url(): fc.Arbitrary<Tree> {
        const { fakeUrl, closedUrl } = this.local;
        return this.leaf("other", fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom(fakeUrl, `${fakeUrl}/`, fakeUrl.replace("http:", "https:")) },
            { weight: 1, arbitrary: fc.constant(closedUrl) },
            { weight: 3, arbitrary: fc.constantFrom("ftp://127.0.0.1/", "127.0.0.1", "not a url", "http://", "http:// 127.0.0.1", "") },
        ), secretValue.map((s) => `${fakeUrl}/${s}`));
    }

    endpoints(services: readonly string[]): fc.Arbitrary<Tree> {
        const entry = fc.record(
            Object.fromEntries([...services, "s3", "ec2"].map((s) => [s, this.field(this.url())])),
            { requiredKeys: [] },
        ).map((r) => r as Tree);
        return this.structured(fc.oneof({ weight: 4, arbitrary: fc.array(this.field(entry), { maxLength: 3 }) }, { weight: 1, arbitrary: entry }));
    }

    accountIds(): fc.Arbitrary<Tree> {
        return this.structured(fc.array(this.field(this.leaf("other", fc.oneof(accountId, anyString), secretValue)), { maxLength: 3 }));
    }

    region(): fc.Arbitrary<Tree> {
        return this.stringInput("other", fc.oneof(
            { weight: 3, arbitrary: fc.constantFrom("us-east-1", "eu-west-1", "cn-north-1", "us-iso-east-1", "us-gov-west-1") },
            { weight: 2, arbitrary: anyString },
        ));
    }

    profile(): fc.Arbitrary<Tree> {
        return this.stringInput("other", fc.oneof(
            fc.constantFrom("default", "p1", "p2", "__proto__", "constructor", "toString"),
            anyString,
        ));
    }

    /** accessKey/secretKey/token together: both keys (the common case), one of them, or none. */
    staticKeys(): fc.Arbitrary<{ [key: string]: Tree }> {
        const key = this.stringInput("credential", anyString);
        return fc.oneof(
            { weight: 3, arbitrary: fc.record({ accessKey: key, secretKey: key, token: key }, { requiredKeys: ["accessKey", "secretKey"] }) },
            { weight: 2, arbitrary: fc.record({ accessKey: key, secretKey: key, token: key }, { requiredKeys: [] }) },
            { weight: 3, arbitrary: fc.constant({}) },
        );
    }

    /** Inputs of a `pulumi:providers:aws` resource. */
    awsInputs(): fc.Arbitrary<{ [key: string]: Tree }> {
        return fc.tuple(
            this.staticKeys(),
            fc.record({
                region: sometimes(this.region(), 0.6),
                profile: sometimes(this.profile()),
                assumeRoles: sometimes(this.structured(fc.array(this.field(this.role(false)), { maxLength: 3 })), 0.4),
                assumeRole: sometimes(this.structured(this.role(false))),
                assumeRoleWithWebIdentity: sometimes(this.structured(this.webIdentity())),
                sharedConfigFiles: sometimes(this.paths()),
                sharedCredentialsFiles: sometimes(this.paths()),
                endpoints: sometimes(this.endpoints(["sts", "iam", "organizations"])),
                stsRegion: sometimes(this.region()),
                allowedAccountIds: sometimes(this.accountIds()),
                forbiddenAccountIds: sometimes(this.accountIds()),
                skipCredentialsValidation: sometimes(fc.constantFrom<Tree>("true", "false", true, UNKNOWN)),
                version: sometimes(fc.constantFrom<Tree>("7.48.0", UNKNOWN, 7)),
                xOther: sometimes(this.junk),
            }),
        ).map(([keys, rest]) => withoutUndefined({ ...keys, ...rest }));
    }

    /** Inputs of a `pulumi:providers:aws-native` resource. */
    awsNativeInputs(): fc.Arbitrary<{ [key: string]: Tree }> {
        return fc.tuple(
            this.staticKeys(),
            fc.record({
                region: sometimes(this.region(), 0.6),
                profile: sometimes(this.profile()),
                assumeRole: sometimes(this.structured(this.role(true)), 0.4),
                sharedCredentialsFile: sometimes(this.stringInput("other", fc.oneof(fc.constantFrom(...this.local.files), anyString),
                    secretValue.map((s) => `/nonexistent/${s}`))),
                endpoints: sometimes(this.endpoints(["sts"])),
                allowedAccountIds: sometimes(this.accountIds()),
                forbiddenAccountIds: sometimes(this.accountIds()),
                roleArn: sometimes(this.roleArn()),
                skipCredentialsValidation: sometimes(fc.constantFrom<Tree>(true, false, "true", UNKNOWN)),
            }),
        ).map(([keys, rest]) => withoutUndefined({ ...keys, ...rest }));
    }
}

/** `arb` present with probability `present`, else absent (shrinks towards absent). */
function sometimes<T>(arb: fc.Arbitrary<T>, present = 0.2): fc.Arbitrary<T | undefined> {
    const weight = Math.round(present * 100);
    return fc.oneof({ weight: 100 - weight, arbitrary: fc.constant(undefined) }, { weight, arbitrary: arb });
}

function withoutUndefined(obj: { [key: string]: Tree | undefined }): { [key: string]: Tree } {
    const out: { [key: string]: Tree } = {};
    for (const [k, v] of Object.entries(obj)) {
        if (v !== undefined) {
            out[k] = v;
        }
    }
    return out;
}
