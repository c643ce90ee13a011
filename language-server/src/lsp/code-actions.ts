/**
 * Quick fixes, keyed by the issue codes of validation/issue-codes.ts:
 * - a misspelt name → the closest match the checker suggested;
 * - a name that is not a member of its label set → add it to the label set (in whichever file);
 * - split percentages that do not sum to 100% → rescale them, or adjust the last bucket;
 * - an unused labeler, label set or task → remove its declaration.
 */
import {
    AstUtils,
    CstUtils,
    GrammarUtils,
    URI,
    type AstNode,
    type IndexManager,
    type LangiumDocument,
    type LangiumDocuments,
} from 'langium';
import type { CodeActionProvider } from 'langium/lsp';
import {
    CodeActionKind,
    type CodeAction,
    type CodeActionParams,
    type Command,
    type Diagnostic,
    type Range,
    type TextEdit,
} from 'vscode-languageserver';
import { isDprogFile, isLabelSet, isSplit, type LabelSet, type Split } from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';
import { DatasetIssues, NameIssues, UnusedIssues } from '../validation/issue-codes.js';

interface IssueData {
    code?: string;
    refText?: string;
    suggestion?: string;
    labelSet?: string;
    name?: string;
}

export class DprogCodeActionProvider implements CodeActionProvider {
    private readonly documents: LangiumDocuments;
    private readonly index: IndexManager;

    constructor(services: DprogServices) {
        this.documents = services.shared.workspace.LangiumDocuments;
        this.index = services.shared.workspace.IndexManager;
    }

    getCodeActions(document: LangiumDocument, params: CodeActionParams): Array<Command | CodeAction> {
        const actions: CodeAction[] = [];
        for (const diagnostic of params.context.diagnostics) {
            for (const fix of this.fixesFor(document, diagnostic)) {
                actions.push(fix);
            }
        }
        return actions;
    }

    private fixesFor(document: LangiumDocument, diagnostic: Diagnostic): CodeAction[] {
        const data = (diagnostic.data ?? {}) as IssueData;
        const code = data.code ?? String(diagnostic.code ?? '');
        const fixes: Array<CodeAction | undefined> = [];
        switch (code) {
            case NameIssues.unresolved:
            case NameIssues.unknownMember:
                fixes.push(replaceWithSuggestion(document, diagnostic, data));
                break;
            case NameIssues.unknownLabelMember:
                fixes.push(replaceWithSuggestion(document, diagnostic, data), this.addLabelMember(diagnostic, data));
                break;
            case DatasetIssues.splitSum:
                for (const fix of splitFixes(document, diagnostic)) {
                    fixes.push(fix);
                }
                break;
            case UnusedIssues.labeler:
            case UnusedIssues.labelSet:
            case UnusedIssues.task:
                fixes.push(removeDeclaration(document, diagnostic, data));
                break;
        }
        return fixes.filter((fix): fix is CodeAction => fix !== undefined);
    }

    /** Adds the unknown name as a member of the label set it must belong to, wherever that is declared. */
    private addLabelMember(diagnostic: Diagnostic, data: IssueData): CodeAction | undefined {
        if (!data.labelSet || !data.refText || !/^[A-Za-z_]\w*$/.test(data.refText)) {
            return undefined;
        }
        const description = this.index.allElements('LabelSet').find((d) => d.name === data.labelSet);
        const owner = description && this.documents.getDocument(URI.parse(description.documentUri.toString()));
        const root = owner?.parseResult.value;
        const labelSet = isDprogFile(root)
            ? root.elements.find((e): e is LabelSet => isLabelSet(e) && e.name === data.labelSet)
            : undefined;
        const edit = owner && labelSet ? memberInsertion(owner, labelSet, data.refText) : undefined;
        if (!owner || !edit) {
            return undefined;
        }
        return {
            title: `Add member '${data.refText}' to label set '${data.labelSet}'`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            edit: { changes: { [owner.textDocument.uri]: [edit] } },
        };
    }
}

function replaceWithSuggestion(document: LangiumDocument, diagnostic: Diagnostic, data: IssueData): CodeAction | undefined {
    if (!data.suggestion) {
        return undefined;
    }
    return {
        title: `Replace '${data.refText ?? document.textDocument.getText(diagnostic.range)}' with '${data.suggestion}'`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: true,
        edit: { changes: { [document.textDocument.uri]: [{ range: diagnostic.range, newText: data.suggestion }] } },
    };
}

/** A new member after the last one, in the label set's own layout (one line, or one member per line). */
function memberInsertion(document: LangiumDocument, labelSet: LabelSet, name: string): TextEdit | undefined {
    const text = document.textDocument.getText();
    const last = labelSet.members[labelSet.members.length - 1]?.$cstNode;
    if (!last) {
        const open = labelSet.$cstNode ? CstUtils.flattenCst(labelSet.$cstNode).find((leaf) => leaf.text === '{') : undefined;
        return open ? insertAt(document, open.end, ` ${name} `) : undefined;
    }
    const close = CstUtils.flattenCst(labelSet.$cstNode!)
        .toArray()
        .reverse()
        .find((leaf) => leaf.text === '}');
    const multiLine = close !== undefined && text.substring(last.end, close.offset).includes('\n');
    if (!multiLine) {
        return insertAt(document, last.end, `, ${name}`);
    }
    const lineStart = text.lastIndexOf('\n', last.offset - 1) + 1;
    const indent = text.substring(lineStart, last.offset).match(/^[ \t]*/)![0];
    return insertAt(document, last.end, `\n${indent}${name}`);
}

function splitFixes(document: LangiumDocument, diagnostic: Diagnostic): CodeAction[] {
    const split = AstUtils.getContainerOfType(nodeAt(document, diagnostic.range), isSplit);
    if (!split || split.buckets.length === 0 || split.buckets.some((b) => b.share === undefined || !(b.share > 0))) {
        return [];
    }
    const percents = split.buckets.map((b) => b.share! * 100);
    const sum = percents.reduce((a, b) => a + b, 0);
    const fixes: CodeAction[] = [];
    // Rescale every bucket in proportion, to one decimal, putting the rounding remainder on the largest.
    const scaled = percents.map((p) => Math.round((p * 1000) / sum) / 10);
    const largest = scaled.indexOf(scaled.reduce((a, b) => Math.max(a, b), -Infinity));
    scaled[largest] = Math.round((100 - scaled.reduce((a, b, i) => (i === largest ? a : a + b), 0)) * 10) / 10;
    if (scaled.every((p) => p > 0)) {
        fixes.push(splitAction(document, diagnostic, split, scaled, `Rescale the split to 100% (${describe(split, scaled)})`, true));
    }
    // Give the last bucket whatever the others leave.
    const rest = Math.round((100 - percents.slice(0, -1).reduce((a, b) => a + b, 0)) * 1000) / 1000;
    if (rest > 0 && split.buckets.length > 1) {
        const adjusted = [...percents.slice(0, -1), rest];
        fixes.push(
            splitAction(
                document,
                diagnostic,
                split,
                adjusted,
                `Set '${split.buckets[split.buckets.length - 1].name}' to ${formatPercent(rest)} so the split sums to 100%`,
                false,
            ),
        );
    }
    return fixes;
}

function splitAction(
    document: LangiumDocument,
    diagnostic: Diagnostic,
    split: Split,
    percents: number[],
    title: string,
    preferred: boolean,
): CodeAction {
    const edits: TextEdit[] = [];
    split.buckets.forEach((bucket, i) => {
        const node = GrammarUtils.findNodeForProperty(bucket.$cstNode, 'share');
        if (node && Math.abs(bucket.share! * 100 - percents[i]) > 1e-9) {
            edits.push({ range: node.range, newText: formatPercent(percents[i]) });
        }
    });
    return {
        title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: preferred,
        edit: { changes: { [document.textDocument.uri]: edits } },
    };
}

function describe(split: Split, percents: number[]): string {
    return split.buckets.map((b, i) => `${b.name} ${formatPercent(percents[i])}`).join(', ');
}

function formatPercent(value: number): string {
    return `${Number(value.toFixed(3))}%`;
}

/** Removes a top-level declaration with the comment lines right above it and one blank line after. */
function removeDeclaration(document: LangiumDocument, diagnostic: Diagnostic, data: IssueData): CodeAction | undefined {
    let node: AstNode | undefined = nodeAt(document, diagnostic.range);
    while (node?.$container && !isDprogFile(node.$container)) {
        node = node.$container;
    }
    const cst = node?.$cstNode;
    if (!node || !cst) {
        return undefined;
    }
    const text = document.textDocument.getText();
    let start = text.lastIndexOf('\n', cst.offset - 1) + 1;
    // Comment lines directly above describe the declaration: they go with it.
    for (;;) {
        const previousLineStart = text.lastIndexOf('\n', start - 2) + 1;
        if (start === 0 || !/^\s*\/\//.test(text.substring(previousLineStart, start - 1))) {
            break;
        }
        start = previousLineStart;
    }
    let end = cst.end;
    const after = text.substring(end).match(/^[ \t]*(\r?\n)?([ \t]*\r?\n)?/)![0];
    end += after.length;
    const kind = diagnostic.message.match(/^(Labeler|Label set|Task)/)?.[1]?.toLowerCase() ?? 'declaration';
    return {
        title: `Remove unused ${kind} '${data.name ?? ''}'`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: {
            changes: {
                [document.textDocument.uri]: [
                    {
                        range: { start: document.textDocument.positionAt(start), end: document.textDocument.positionAt(end) },
                        newText: '',
                    },
                ],
            },
        },
    };
}

function nodeAt(document: LangiumDocument, range: Range): AstNode | undefined {
    const root = document.parseResult.value.$cstNode;
    const offset = document.textDocument.offsetAt(range.start);
    return root
        ? (CstUtils.findLeafNodeAtOffset(root, offset)?.astNode ?? CstUtils.findLeafNodeBeforeOffset(root, offset)?.astNode)
        : undefined;
}

function insertAt(document: LangiumDocument, offset: number, newText: string): TextEdit {
    const position = document.textDocument.positionAt(offset);
    return { range: { start: position, end: position }, newText };
}
