const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
    return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A scalar value as XML text: dates as ISO-8601, everything else via String(). */
export type XmlValue = string | number | boolean | Date;

/** `<tag>escaped value</tag>`, or "" when the value is undefined (an absent member). */
export function el(tag: string, value: XmlValue | undefined): string {
    if (value === undefined) return "";
    const text = value instanceof Date ? value.toISOString() : String(value);
    return `<${tag}>${escapeXml(text)}</${tag}>`;
}

/** `<tag>children</tag>` where `children` is already-built XML; "" when undefined. */
export function node(tag: string, children: string | undefined): string {
    return children === undefined ? "" : `<${tag}>${children}</${tag}>`;
}

/** A Query-protocol list: `<tag><member>…</member>…</tag>` from already-built member XML. */
export function memberList(tag: string, members: readonly string[]): string {
    return node(tag, members.map((m) => node("member", m)).join(""));
}
