/** A plain-text table: left-aligned text, right-aligned numbers, a rule under the header. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
    const widths = header.map((h, c) => rows.reduce((width, r) => Math.max(width, r[c].length), h.length));
    const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => /^-?[\d.,%$]+$/.test(r[c])));
    const line = (cells: readonly string[]) =>
        cells
            .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
            .join('  ')
            .trimEnd();
    return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
