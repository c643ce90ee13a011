/**
 * JSON files of other tools (COCO, Label Studio): the parsed value, and the line where a record
 * sits (`lineOf(['annotations', 7])`), so a rejected record can be named by file and line.
 */
import { readFileSync } from 'node:fs';
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import { FormatError } from './format.js';

export interface JsonFile {
    value: unknown;
    /** 1-based line where the value at `path` starts, when there is one. */
    lineOf(path: (string | number)[]): number | undefined;
}

export function readJsonFile(file: string): JsonFile {
    const text = readFileSync(file, 'utf8');
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (error) {
        throw new FormatError(`not valid JSON (${(error as Error).message})`, file);
    }
    let tree: Node | undefined;
    let lineStarts: number[] | undefined;
    return {
        value,
        lineOf(path) {
            tree ??= parseTree(text);
            const node = tree && findNodeAtLocation(tree, path);
            if (!node) return undefined;
            lineStarts ??= [...text.matchAll(/\n/g)].map((m) => m.index! + 1);
            return 1 + countBelow(lineStarts, node.offset);
        },
    };
}

/** How many of the sorted `starts` are at or below `offset`. */
function countBelow(starts: readonly number[], offset: number): number {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (starts[mid] <= offset) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}
