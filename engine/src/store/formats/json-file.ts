/**
 * JSON files of other tools (COCO, Label Studio): the parsed value, and the line where a record
 * sits (`lineOf(['annotations', 7])`), so a rejected record can be named by file and line. The
 * positions come from one scan of the (already valid) text, made only when a line is asked for.
 */
import { readFileSync } from 'node:fs';
import { FormatError } from './format.js';

export interface JsonFile {
    value: unknown;
    /** 1-based line where the value at `path` starts (paths up to three steps deep), when there is one. */
    lineOf(path: (string | number)[]): number | undefined;
}

const MAX_DEPTH = 3;
const key = (path: readonly (string | number)[]): string => path.join('\u0000');

export function readJsonFile(file: string): JsonFile {
    const text = readFileSync(file, 'utf8');
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (error) {
        throw new FormatError(`not valid JSON (${(error as Error).message})`, file);
    }
    let starts: Map<string, number> | undefined;
    let lineStarts: number[] | undefined;
    return {
        value,
        lineOf(path) {
            starts ??= valueStarts(text);
            const offset = starts.get(key(path));
            if (offset === undefined) {
                return undefined;
            }
            lineStarts ??= [...text.matchAll(/\n/g)].map((m) => m.index! + 1);
            return 1 + countAtOrBelow(lineStarts, offset);
        },
    };
}

/** Offsets where values start, by path, for paths up to MAX_DEPTH steps (the text is valid JSON). */
function valueStarts(text: string): Map<string, number> {
    const starts = new Map<string, number>();
    let i = 0;
    const space = () => {
        while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) {
            i++;
        }
    };
    const string = (): string => {
        const start = i++;
        while (text[i] !== '"') {
            i += text[i] === '\\' ? 2 : 1;
        }
        i++;
        return JSON.parse(text.slice(start, i)) as string;
    };
    const visit = (path: string[]): void => {
        space();
        if (path.length > 0 && path.length <= MAX_DEPTH) {
            starts.set(key(path), i);
        }
        const deeper = path.length < MAX_DEPTH;
        if (text[i] === '{' || text[i] === '[') {
            const object = text[i] === '{';
            i++;
            space();
            for (let n = 0; text[i] !== (object ? '}' : ']'); n++) {
                let step = String(n);
                if (object) {
                    step = string();
                    space();
                    i++; // ':'
                }
                visit(deeper ? [...path, step] : path.concat(step).slice(0, MAX_DEPTH + 1));
                space();
                if (text[i] === ',') {
                    i++;
                }
                space();
            }
            i++;
        } else if (text[i] === '"') {
            string();
        } else {
            while (i < text.length && !',}] \t\r\n'.includes(text[i])) {
                i++;
            }
        }
    };
    visit([]);
    return starts;
}

/** How many of the sorted `starts` are at or below `offset`. */
function countAtOrBelow(starts: readonly number[], offset: number): number {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (starts[mid] <= offset) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}
