/**
 * How many items each dataset has right now: jsonl lines, csv rows (after the header), image glob
 * matches. A source that does not exist (yet) or cannot be read has an unknown count (null): a
 * program may be written before its data arrives.
 */
import { existsSync, readFileSync } from 'node:fs';
import { regularFileProblem } from '../../../engine/src/data/regular-file.js';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { globSync } from 'tinyglobby';
import type { Dataset } from '../generated/ast.js';

export function countDatasetItems(dataset: Pick<Dataset, 'format' | 'path'>, programDir: string): number | null {
    try {
        if (dataset.format === 'images') {
            // A folder that does not exist yet means "no data yet" (unknown), not "no items".
            const parts = dataset.path.split('/');
            const firstPattern = parts.findIndex((part) => /[*?[\]{}]/.test(part));
            const folder = path.resolve(programDir, parts.slice(0, firstPattern < 0 ? parts.length - 1 : firstPattern).join('/'));
            if (!existsSync(folder)) {
                return null;
            }
            return globSync(dataset.path, { cwd: programDir, onlyFiles: true }).length;
        }
        const file = path.resolve(programDir, dataset.path);
        // Unknown unless a regular file: a FIFO or device (/dev/zero) would hang or never end.
        if (regularFileProblem(file) !== undefined) {
            return null;
        }
        const text = readFileSync(file, 'utf8');
        if (dataset.format === 'jsonl') {
            return text.split('\n').filter((line) => line.trim() !== '').length;
        }
        const rows = parse(text, { skip_empty_lines: true, relax_column_count: true, bom: true }) as unknown[];
        return Math.max(0, rows.length - 1);
    } catch {
        return null;
    }
}
