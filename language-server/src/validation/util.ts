/** Small helpers shared by the checks. */
import * as path from 'node:path';
import { AstUtils, GrammarUtils, type AstNode } from 'langium';
import { isDatasetTypeRef, type Dataset, type Task } from '../generated/ast.js';

/** The 1-based line a node starts on, for messages that point at another declaration. */
export function lineOf(node: AstNode): number {
    return (node.$cstNode?.range.start.line ?? 0) + 1;
}

/** `80%` as a person writes it (ratios are stored as 0.8). */
export function percent(ratio: number): string {
    return `${Math.round(ratio * 1e6) / 1e4}%`;
}

/**
 * A share as the message should quote it: `9200%` for `92%`-style input, but for a plain number
 * (which is a share: `0.92`) above 1, what was written and what was probably meant, so
 * `target 92` says "92 (a plain number is a share: 92 means 9200%); did you mean 92%?".
 */
export function foundShare(node: AstNode, property: string, ratio: number): string {
    const written = GrammarUtils.findNodesForProperty(node.$cstNode, property).at(-1)?.text;
    if (written && /^\d+(\.\d+)?$/.test(written) && ratio > 1 && ratio <= 100) {
        return `${written} (a plain number is a share: ${written} means ${percent(ratio)}); did you mean ${written}%?`;
    }
    return `${percent(ratio)}.`;
}

/**
 * A path written in a program, resolved relative to the program's file, or undefined when the
 * program is not a file on disk (an unsaved editor buffer): such paths cannot be checked.
 */
export function resolveProgramPath(node: AstNode, written: string): string | undefined {
    const document = AstUtils.getDocument(node);
    if (document.uri.scheme !== 'file') {
        return undefined;
    }
    return path.resolve(path.dirname(document.uri.fsPath), written);
}

/** The dataset a task labels items of: its first parameter typed by a dataset. */
export function datasetOfTask(task: Task | undefined): Dataset | undefined {
    for (const param of task?.params ?? []) {
        if (isDatasetTypeRef(param.type) && param.type.dataset?.ref) {
            return param.type.dataset?.ref;
        }
    }
    return undefined;
}
