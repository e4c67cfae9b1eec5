/**
 * Exemptions from policy config: an account a platform team has decided not to gate, for a reason,
 * optionally until a date.
 */

/** One exemption as configured. */
export interface Exemption {
    accountId: string;
    reason: string;
    /** Last day (UTC, YYYY-MM-DD) on which the exemption applies. */
    expires?: string;
}

/** Whether an exemption covers an account today. */
export type ExemptionStatus =
    | { status: "none" }
    | { status: "active"; exemption: Exemption }
    | { status: "expired"; exemption: Exemption & { expires: string } };

/**
 * The exemption for an account on `today` (YYYY-MM-DD, UTC). An exemption applies through its
 * `expires` day; an active one wins over an expired one for the same account.
 */
export function exemptionFor(accountId: string, exemptions: readonly Exemption[], today: string): ExemptionStatus {
    let expired: ExemptionStatus = { status: "none" };
    for (const exemption of exemptions) {
        if (exemption.accountId !== accountId) {
            continue;
        }
        if (exemption.expires === undefined || exemption.expires >= today) {
            return { status: "active", exemption };
        }
        if (expired.status === "none" || exemption.expires > expired.exemption.expires) {
            expired = { status: "expired", exemption: { ...exemption, expires: exemption.expires } };
        }
    }
    return expired;
}

/** Today's date in UTC as YYYY-MM-DD. */
export function todayUtc(now: Date = new Date()): string {
    return now.toISOString().slice(0, 10);
}
