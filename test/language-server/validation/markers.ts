/**
 * Expected diagnostics written inside .dprog test resources (see resources/README.md):
 *   // $TEST$ error "code"              the next »…« range carries a diagnostic of that severity and code
 *   // $TEST$ warning "code" "text"     … whose message also contains "text"
 *   // $TEST$ no error "code"           no diagnostic of that severity and code in the file
 *   // $TEST$ no errors                 no error at all in the file
 * Every error in a file must be expected; warnings, infos and hints only when a $TEST$ names them.
 */
export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Range {
    start: { line: number; character: number };
    end: { line: number; character: number };
}

export interface Expectation {
    kind: 'present' | 'absent' | 'no-errors';
    severity?: Severity;
    code?: string;
    message?: string;
    /** Where the diagnostic must be (present only). */
    range?: Range;
    /** 1-based line of the $TEST$ comment, for failure messages. */
    line: number;
}

export interface MarkedFile {
    /** The text with the »« markers removed: what gets parsed. */
    text: string;
    expectations: Expectation[];
}

const TEST_COMMENT = /\$TEST\$\s+(no\s+errors|(no\s+)?(error|warning|info|hint)\s+"([^"]+)"(?:\s+"([^"]*)")?)/;

export function parseMarkers(source: string): MarkedFile {
    // Remove the markers, remembering where each range starts and ends in the cleaned text.
    const ranges: Array<{ start: number; end: number }> = [];
    const open: number[] = [];
    let text = '';
    for (const char of source) {
        if (char === '»') {
            open.push(text.length);
        } else if (char === '«') {
            const start = open.pop();
            if (start === undefined) {
                throw new Error(`'«' without '»' at offset ${text.length}`);
            }
            ranges.push({ start, end: text.length });
        } else {
            text += char;
        }
    }
    if (open.length > 0) {
        throw new Error(`'»' without '«' at offset ${open[0]}`);
    }
    ranges.sort((a, b) => a.start - b.start);
    const position = offsetToPosition(text);
    const expectations: Expectation[] = [];
    const claimed = new Set<number>();
    let offset = 0;
    text.split('\n').forEach((lineText, index) => {
        const match = TEST_COMMENT.exec(lineText);
        const lineEnd = offset + lineText.length;
        offset = lineEnd + 1;
        if (!match) {
            return;
        }
        const line = index + 1;
        if (/^no\s+errors$/.test(match[1])) {
            expectations.push({ kind: 'no-errors', line });
            return;
        }
        const severity = match[3] as Severity;
        if (match[2]) {
            expectations.push({ kind: 'absent', severity, code: match[4], line });
            return;
        }
        const next = ranges.findIndex((r, i) => !claimed.has(i) && r.start >= lineEnd);
        if (next < 0) {
            throw new Error(`line ${line}: $TEST$ ${severity} "${match[4]}" has no »…« range after it`);
        }
        claimed.add(next);
        const range = { start: position(ranges[next].start), end: position(ranges[next].end) };
        expectations.push({ kind: 'present', severity, code: match[4], message: match[5], range, line });
    });
    return { text, expectations };
}

function offsetToPosition(text: string): (offset: number) => { line: number; character: number } {
    const lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
        if (text[i] === '\n') {
            lineStarts.push(i + 1);
        }
    }
    return (offset) => {
        let line = 0;
        while (line + 1 < lineStarts.length && lineStarts[line + 1] <= offset) {
            line++;
        }
        return { line, character: offset - lineStarts[line] };
    };
}

/** A diagnostic as the tests compare it. */
export interface Found {
    severity: Severity;
    code: string;
    message: string;
    range: Range;
}

function show(d: Found): string {
    return (
        `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ` +
        `${d.severity} ${d.code}: ${d.message}`
    );
}

function sameRange(a: Range, b: Range): boolean {
    return (
        a.start.line === b.start.line &&
        a.start.character === b.start.character &&
        a.end.line === b.end.line &&
        a.end.character === b.end.character
    );
}

/** Every way the diagnostics of one file disagree with its expectations, as readable lines. */
export function mismatches(found: Found[], expectations: Expectation[]): string[] {
    const problems: string[] = [];
    const matched = new Set<Found>();
    for (const e of expectations) {
        if (e.kind === 'present') {
            const hit = found.find(
                (d) =>
                    !matched.has(d) &&
                    d.severity === e.severity &&
                    d.code === e.code &&
                    sameRange(d.range, e.range!) &&
                    (e.message === undefined || d.message.includes(e.message)),
            );
            if (hit) {
                matched.add(hit);
            } else {
                const r = e.range!;
                problems.push(
                    `line ${e.line}: expected ${e.severity} "${e.code}"${e.message ? ` "${e.message}"` : ''} at ` +
                        `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`,
                );
            }
        } else if (e.kind === 'absent') {
            for (const d of found.filter((d) => d.severity === e.severity && d.code === e.code)) {
                problems.push(`line ${e.line}: expected no ${e.severity} "${e.code}", found ${show(d)}`);
            }
        } else {
            for (const d of found.filter((d) => d.severity === 'error')) {
                problems.push(`line ${e.line}: expected no errors, found ${show(d)}`);
            }
        }
    }
    // Errors are never incidental: each must be expected.
    for (const d of found) {
        if (d.severity === 'error' && !matched.has(d) && !problems.some((p) => p.includes(show(d)))) {
            problems.push(`unexpected ${show(d)}`);
        }
    }
    return problems;
}
