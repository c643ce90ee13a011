/**
 * The grammar rules a keyword may come from when it is written as a name (keywords are
 * contextual): `Name` and its parts, `NameInList` (names in route and `show` lists), `ExpressionName` and
 * `TaskClauseKeyword`. Editor features use it to tell a keyword used as a name from a keyword.
 */
const NAME_RULES: ReadonlySet<string> = new Set(['Name', 'NameInList', 'TaskClauseKeyword', 'ExpressionName']);

/** True when a keyword of this grammar rule stands for a name (`text` as a field, `key` as a member). */
export function isNameRule(ruleName: string | undefined): boolean {
    return ruleName !== undefined && NAME_RULES.has(ruleName);
}
