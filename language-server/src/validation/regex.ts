/** Regular expression literals (`/…/flags`) as written in rules. */

/** The compiled expression, or why it does not compile. */
export function parseRegexLiteral(literal: string): { regex: RegExp } | { error: string } {
    const end = literal.lastIndexOf('/');
    if (!literal.startsWith('/') || end <= 0) {
        return { error: 'a regular expression is written /pattern/flags' };
    }
    const flags = literal.slice(end + 1);
    const unknown = [...new Set(flags.replace(/[gimsuy]/g, ''))];
    if (unknown.length > 0) {
        return {
            error:
                `unknown flag${unknown.length > 1 ? 's' : ''} ${unknown.map((f) => `'${f}'`).join(', ')}; the flags are g, i, ` +
                `m, s, u and y`,
        };
    }
    if (new Set(flags).size < flags.length) {
        return { error: `a flag is given twice in '${flags}'` };
    }
    try {
        return { regex: new RegExp(literal.slice(1, end), flags) };
    } catch (error) {
        return { error: (error as Error).message.replace(/^Invalid regular expression: /, '') };
    }
}
