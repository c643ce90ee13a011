/**
 * The formatter: 4-space indentation inside blocks, one clause per line, one space around `=>`,
 * `==`, `->` and after commas, none inside `choice<…>`, `f(…)` and `[…]`.
 *
 * It decides the whitespace of every gap between two tokens from the tokens and the AST, keeping
 * only two choices of the author: whether a `{ … }` block is written on one line, and blank lines
 * between clauses (at most one). Label member descriptions and hotkeys, the `=>` of rules and
 * trailing comments are aligned in runs of consecutive lines. Everything is derived from the
 * narrowest layout, so formatting twice changes nothing. A document with syntax errors is left alone:
 * rearranging text the parser did not understand could lose it.
 */
import { AstUtils, CstUtils, GrammarAST, type AstNode, type CstNode, type LangiumDocument } from 'langium';
import type { Formatter } from 'langium/lsp';
import type {
    DocumentFormattingParams,
    DocumentOnTypeFormattingOptions,
    DocumentRangeFormattingParams,
    Range,
    TextEdit,
} from 'vscode-languageserver';
import { isNameRule } from '../parser/name-rules.js';

const INDENT = '    ';

/** AST node types that are clauses of the block they are in (each starts its own line). */
const CLAUSE_NODES = new Set([
    'Field',
    'Split',
    'SplitBucket',
    'LabelMember',
    'Rule',
    'Route',
    'Quality',
    'RateBound',
    'LetStatement',
    'ForStatement',
    'IfStatement',
    'ExpressionStatement',
]);

/** Keywords that start a clause inside the block of the given AST node type. */
const CLAUSE_KEYWORDS: Record<string, ReadonlySet<string>> = {
    Task: new Set(['ask', 'show', 'requires', 'budget']),
    HumanLabeler: new Set(['skills', 'cost', 'accuracy', 'pool']),
    ModelLabeler: new Set(['input', 'output', 'decode', 'cost', 'accuracy']),
    Quality: new Set(['target', 'aggregate', 'gold', 'at']),
    Learn: new Set(['strategy', 'diversity', 'batch', 'budget', 'retrain', 'stop', 'features', 'seed']),
    ShiftMonitor: new Set(['metric', 'warn', 'alert']),
    PredictionMonitor: new Set(['confidence']),
};

/** Tokens never followed by a space, and tokens never preceded by one. */
const NO_SPACE_AFTER = new Set(['(', '[', '.']);
const NO_SPACE_BEFORE = new Set([')', ']', ',', '.', ':']);
/** Words after which `(` is a group, not a call: `not (a or b)`. */
const SPACE_BEFORE_GROUP = new Set(['and', 'or', 'not', 'if', 'where', 'in']);

interface Leaf {
    readonly node: CstNode;
    readonly text: string;
    /** The grammar rule the token comes from when it is a keyword (`ClassLabelType`, `CompareOp`, `Name`, …). */
    readonly rule?: string;
    readonly comment: boolean;
}

export class DprogFormatter implements Formatter {
    get formatOnTypeOptions(): DocumentOnTypeFormattingOptions | undefined {
        return undefined;
    }

    formatDocument(document: LangiumDocument, _params: DocumentFormattingParams): TextEdit[] {
        return this.format(document);
    }

    formatDocumentRange(document: LangiumDocument, params: DocumentRangeFormattingParams): TextEdit[] {
        const range = params.range;
        return this.format(document).filter((edit) => inside(edit.range, range));
    }

    formatDocumentOnType(): TextEdit[] {
        return [];
    }

    /** The edits that format the whole document (none when it has syntax errors). */
    format(document: LangiumDocument): TextEdit[] {
        const { parseResult, textDocument } = document;
        const root = parseResult.value.$cstNode;
        if (!root || parseResult.lexerErrors.length > 0 || parseResult.parserErrors.length > 0) {
            return [];
        }
        const text = textDocument.getText();
        const leaves = formattedLeaves(root);
        const clauseStarts = collectClauseStarts(leaves);
        const gaps = layoutGaps(leaves, text, clauseStarts);
        alignColumns(gaps, clauseStarts);
        const edits: TextEdit[] = [];
        const replace = (start: number, end: number, newText: string) => {
            if (text.substring(start, end) !== newText) {
                edits.push({ range: { start: textDocument.positionAt(start), end: textDocument.positionAt(end) }, newText });
            }
        };
        for (const { leaf, start, gap } of gaps) {
            replace(start, leaf.node.offset, gap);
        }
        // Exactly one newline at the end of the file.
        const last = gaps.at(-1);
        replace(last?.leaf.node.end ?? 0, text.length, last ? '\n' : '');
        return edits;
    }
}

/** The tokens the formatter places: every non-empty visible token, and comments. */
function formattedLeaves(root: CstNode): Leaf[] {
    return CstUtils.flattenCst(root)
        .toArray()
        .filter((node) => node.length > 0 && (!node.hidden || /^\/[/*]/.test(node.text)))
        .map((node) => ({
            node,
            text: node.text,
            rule: GrammarAST.isKeyword(node.grammarSource)
                ? AstUtils.getContainerOfType(node.grammarSource, GrammarAST.isParserRule)?.name
                : undefined,
            comment: node.hidden,
        }));
}

/** The whitespace before every token, block by block (separator commas dropped: the next gap's edit spans them). */
function layoutGaps(leaves: Leaf[], text: string, clauseStarts: Set<CstNode>): Gap[] {
    const multiLine = multiLineBlocks(leaves, text);
    const removed = separatorCommas(leaves, clauseStarts, multiLine);
    // Blocks open at each point: true for multi-line ones.
    const open: boolean[] = [];
    const gaps: Gap[] = [];
    let previous: Leaf | undefined;
    /** The last token that is not a comment (a comma before a comment still separates). */
    let previousCode: Leaf | undefined;
    let previousEnd = 0;
    for (let i = 0; i < leaves.length; i++) {
        const leaf = leaves[i];
        if (removed.has(i)) {
            continue;
        }
        const isClose = leaf.text === '}' && !leaf.comment;
        const newlines = (text.substring(previousEnd, leaf.node.offset).match(/\n/g) ?? []).length;
        const place = { leaf, previous, previousCode, isClose, depth: open.length - (isClose ? 1 : 0), newlines, open, clauseStarts };
        gaps.push({ leaf, start: previousEnd, gap: gapBefore(place) });
        if (leaf.text === '{' && !leaf.comment) {
            open.push(multiLine.has(leaf.node));
        } else if (isClose) {
            open.pop();
        }
        previous = leaf;
        previousCode = leaf.comment ? previousCode : leaf;
        previousEnd = leaf.node.end;
    }
    return gaps;
}

/** Where a token stands relative to the tokens and blocks before it. */
interface Place {
    leaf: Leaf;
    previous: Leaf | undefined;
    previousCode: Leaf | undefined;
    isClose: boolean;
    /** Blocks open around the token (a closing brace counts outside its block). */
    depth: number;
    /** Newlines between the previous token and this one in the source. */
    newlines: number;
    /** Blocks open: true for multi-line ones. */
    open: readonly boolean[];
    clauseStarts: Set<CstNode>;
}

/** The whitespace to put before one token. */
function gapBefore({ leaf, previous, previousCode, isClose, depth, newlines, open, clauseStarts }: Place): string {
    const indent = INDENT.repeat(Math.max(0, depth));
    const lineBreak = (keepBlank: boolean) => (keepBlank && newlines >= 2 ? '\n\n' : '\n') + indent;
    const inMultiLine = open[open.length - 1];
    if (!previous) {
        return '';
    }
    if (previous.comment && previous.text.startsWith('//')) {
        return lineBreak(!isClose);
    }
    if (leaf.comment) {
        return newlines > 0 ? lineBreak(true) : ' '; // a trailing comment: aligned below
    }
    if (isClose) {
        return inMultiLine ? `\n${indent}` : ' ';
    }
    if (previous.text === '{' && !previous.comment) {
        return inMultiLine ? lineBreak(false) : ' ';
    }
    if (clauseStarts.has(leaf.node) && (depth === 0 || inMultiLine)) {
        return lineBreak(true);
    }
    if (clauseStarts.has(leaf.node) && previousCode?.text !== ',' && previousCode?.text !== '{') {
        return ', '; // clauses on one line are separated by commas
    }
    if (depth === 0 && newlines > 0 && isDescription(leaf)) {
        // A description on its own line under a declaration header: a continuation line.
        return `\n${INDENT}`;
    }
    if (previous.comment && newlines > 0) {
        return `\n${indent}`;
    }
    return spaceBetween(previous, leaf) ? ' ' : '';
}

/** The whitespace to put before a token (from the end of the token before it). */
interface Gap {
    readonly leaf: Leaf;
    readonly start: number;
    gap: string;
}

type AnchorKind = 'description' | 'key' | 'arrow' | 'comment';

/**
 * Aligns columns in runs of consecutive lines, as in language.md: label members' descriptions and
 * hotkeys, the `=>` of rules, and trailing comments. Columns are computed from the narrowest
 * layout, so formatting again gives the same result.
 */
function alignColumns(gaps: Gap[], clauseStarts: Set<CstNode>): void {
    // Split into output lines: each starts at a gap with a newline (or at the first token).
    const lines: Gap[][] = [];
    for (const gap of gaps) {
        if (lines.length === 0 || gap.gap.includes('\n')) {
            lines.push([gap]);
        } else {
            lines[lines.length - 1].push(gap);
        }
    }
    const anchorOf = (line: Gap[], index: number): AnchorKind | undefined => {
        const { leaf, gap } = line[index];
        if (index === 0) {
            return undefined;
        }
        if (leaf.comment) {
            return gap.includes('\n') ? undefined : 'comment';
        }
        // Only clauses that have their line to themselves: a rule, a label member.
        const first = line[0].leaf;
        const owner = leaf.node.astNode;
        if (!clauseStarts.has(first.node) || owner.$cstNode?.offset !== first.node.offset) {
            return undefined;
        }
        if (owner.$type === 'Rule' && leaf.text === '=>' && leaf.rule === 'Rule') {
            return 'arrow';
        }
        if (owner.$type === 'LabelMember' && isDescription(leaf)) {
            return 'description';
        }
        if (owner.$type === 'LabelMember' && leaf.text === 'key' && leaf.rule === 'LabelMember') {
            return 'key';
        }
        return undefined;
    };
    const indentOf = (line: Gap[]) => line[0].gap.substring(line[0].gap.lastIndexOf('\n') + 1);
    /** The line's width up to (not including) the token at `index`, with a single space before it. */
    const widthBefore = (line: Gap[], index: number) => {
        let width = indentOf(line).length;
        for (let i = 0; i < index; i++) {
            width += (i === 0 ? 0 : line[i].gap.length) + line[i].leaf.text.length;
        }
        return width + 1;
    };
    for (const kind of ['description', 'key', 'arrow', 'comment'] as const) {
        let run: Array<{ line: Gap[]; index: number }> = [];
        const flush = () => {
            if (run.length > 1) {
                const column = run.reduce((max, { line, index }) => Math.max(max, widthBefore(line, index)), 0);
                for (const { line, index } of run) {
                    line[index].gap = ' '.repeat(column - widthBefore(line, index) + 1);
                }
            }
            run = [];
        };
        for (const line of lines) {
            const index = line.findIndex((_, i) => anchorOf(line, i) === kind);
            const continues =
                run.length > 0 && (line[0].gap.match(/\n/g) ?? []).length === 1 && indentOf(line) === indentOf(run[run.length - 1].line);
            if (index < 0 || !continues) {
                flush();
            }
            if (index >= 0) {
                run.push({ line, index });
            }
        }
        flush();
    }
}

/** The first token of every clause: of each declaration, and of each clause inside a block. */
function collectClauseStarts(leaves: Leaf[]): Set<CstNode> {
    const starts = new Set<CstNode>();
    const firstLeafOf = new Map<AstNode, CstNode>();
    for (const leaf of leaves) {
        if (leaf.comment) {
            continue;
        }
        // The first token of each AST node (walking up while this token is also its parents' first).
        let node: AstNode | undefined = leaf.node.astNode;
        while (node && !firstLeafOf.has(node)) {
            firstLeafOf.set(node, leaf.node);
            const container: AstNode | undefined = node.$container;
            if (container?.$type === 'DprogFile' || (container && CLAUSE_NODES.has(node.$type) && node.$containerProperty !== 'elseIf')) {
                starts.add(leaf.node);
            }
            node = container;
        }
        // Clause keywords owned directly by a block node (`ask`, `cost`, `target`, …).
        const owner = leaf.node.astNode;
        if (!isNameRule(leaf.rule) && CLAUSE_KEYWORDS[owner.$type]?.has(leaf.text) && isAfterOpenBrace(owner, leaf.node)) {
            starts.add(leaf.node);
        }
    }
    return starts;
}

/** True when `token` comes after the node's own `{` (it is in the node's block, not its header). */
function isAfterOpenBrace(owner: AstNode, token: CstNode): boolean {
    const brace = ownOpenBrace(owner);
    return brace !== undefined && brace.offset < token.offset;
}

function ownOpenBrace(owner: AstNode): CstNode | undefined {
    const cst = owner.$cstNode;
    if (!cst) {
        return undefined;
    }
    for (const leaf of CstUtils.flattenCst(cst)) {
        if (leaf.text === '{' && leaf.astNode === owner && !leaf.hidden) {
            return leaf;
        }
    }
    return undefined;
}

/** The `{` tokens of blocks written over several lines (the rest stay on one line). */
function multiLineBlocks(leaves: Leaf[], text: string): Set<CstNode> {
    const result = new Set<CstNode>();
    const stack: CstNode[] = [];
    for (const leaf of leaves) {
        if (leaf.comment) {
            continue;
        }
        if (leaf.text === '{') {
            stack.push(leaf.node);
        } else if (leaf.text === '}') {
            const open = stack.pop();
            if (open && text.substring(open.end, leaf.node.offset).includes('\n')) {
                result.add(open);
            }
        }
    }
    return result;
}

/** Commas that only separate clauses in multi-line blocks: redundant once each clause has its line. */
function separatorCommas(leaves: Leaf[], clauseStarts: Set<CstNode>, multiLine: Set<CstNode>): Set<number> {
    const removed = new Set<number>();
    const stack: CstNode[] = [];
    for (let i = 0; i < leaves.length; i++) {
        const leaf = leaves[i];
        if (leaf.comment) {
            continue;
        }
        if (leaf.text === '{') {
            stack.push(leaf.node);
        } else if (leaf.text === '}') {
            stack.pop();
        } else if (leaf.text === ',' && stack.length > 0 && multiLine.has(stack[stack.length - 1])) {
            const next = leaves.slice(i + 1).find((l) => !l.comment);
            if (next && (clauseStarts.has(next.node) || next.text === '}')) {
                removed.add(i);
            }
        }
    }
    return removed;
}

/** A `description` string (of a program, dataset, label set, labeler, task or flow). */
function isDescription(leaf: Leaf): boolean {
    const source: GrammarAST.AbstractElement | undefined = leaf.node.grammarSource as GrammarAST.AbstractElement | undefined;
    const assignment = source ? AstUtils.getContainerOfType(source, GrammarAST.isAssignment) : undefined;
    return leaf.text.startsWith('"') && assignment?.feature === 'description';
}

/** Whether one space separates two tokens on the same line. */
function spaceBetween(previous: Leaf, next: Leaf): boolean {
    const isTypeBracket = (leaf: Leaf) => (leaf.text === '<' || leaf.text === '>') && leaf.rule !== 'CompareOp';
    if (NO_SPACE_AFTER.has(previous.text) || NO_SPACE_BEFORE.has(next.text)) {
        return false;
    }
    if (isTypeBracket(next) || (previous.text === '<' && isTypeBracket(previous))) {
        return false; // choice<Verdict>, list<box<Vehicle>>
    }
    if (previous.text === '-' && previous.rule === 'SignedNumber') {
        return false;
    }
    if (next.text === '(' && /^[A-Za-z_]\w*$/.test(previous.text) && !SPACE_BEFORE_GROUP.has(previous.text)) {
        return false; // calls and parameter lists: classify(e), length(body)
    }
    return true;
}

function inside(range: Range, outer: Range): boolean {
    const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
    return before(outer.start, range.start) && before(range.end, outer.end);
}
