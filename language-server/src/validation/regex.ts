/** Regular expression literals (`/…/flags`) as written in rules. */

/** The compiled expression, or why it does not compile. */
export function parseRegexLiteral(literal: string): { regex: RegExp } | { error: string } {
    const end = literal.lastIndexOf('/');
    if (!literal.startsWith('/') || end <= 0) {
        return { error: 'a regular expression is written /pattern/flags' };
    }
    try {
        return { regex: new RegExp(literal.slice(1, end), literal.slice(end + 1)) };
    } catch (error) {
        return { error: (error as Error).message.replace(/^Invalid regular expression: /, '') };
    }
}
