/**
 * The account checks the AWS provider itself makes: `allowedAccountIds` and `forbiddenAccountIds`.
 * A provider whose resolved account breaks them will refuse to deploy; the pack says so early.
 */
import type { ProviderRef } from "../discover/providers";

/** A provider whose own account rules exclude the account it reaches. */
export interface AccountRuleBreach {
    provider: ProviderRef;
    rule: "allowedAccountIds" | "forbiddenAccountIds";
    /** The ids the rule lists. */
    ids: string[];
}

/** The breaches among `providers` when they reach `accountId`. */
export function accountRuleBreaches(
    accountId: string,
    providers: ReadonlyArray<{ provider: ProviderRef; allowedAccountIds?: string[]; forbiddenAccountIds?: string[] }>,
): AccountRuleBreach[] {
    const breaches: AccountRuleBreach[] = [];
    for (const p of providers) {
        if (p.allowedAccountIds && p.allowedAccountIds.length > 0 && !p.allowedAccountIds.includes(accountId)) {
            breaches.push({ provider: p.provider, rule: "allowedAccountIds", ids: p.allowedAccountIds });
        }
        if (p.forbiddenAccountIds?.includes(accountId)) {
            breaches.push({ provider: p.provider, rule: "forbiddenAccountIds", ids: p.forbiddenAccountIds });
        }
    }
    return breaches;
}
