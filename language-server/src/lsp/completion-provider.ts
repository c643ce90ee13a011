/**
 * Context-aware completion. On top of Langium's grammar-driven proposals:
 * - only the labelers that can produce the task's output type in `route`;
 * - only members of the left side's label set after `==` / `!=`;
 * - members of the label set in `from` (the previous version is unknown here: its current members);
 * - fields and built-in members of the receiver's type after `x.`;
 * - snippets for the main declarations, and `.dprog` files in `import "…"`;
 * - no keyword proposals that only exist because names may be keywords.
 *
 * Speed: Langium re-tokenizes the whole document and re-parses everything before the cursor on
 * every request. Top-level declarations are independent, so this provider parses from the start of
 * the declaration around the cursor and tokenizes only that window (see performance.md).
 */
import {
    AstUtils,
    CstUtils,
    GrammarAST,
    GrammarUtils,
    URI,
    type AstNode,
    type AstNodeDescription,
    type AstNodeDescriptionProvider,
    type AstNodeLocator,
    type FileSystemProvider,
    type LangiumDocument,
    type LangiumDocuments,
    type ReferenceInfo,
    type Stream,
} from 'langium';
import {
    DefaultCompletionProvider,
    findFirstFeatures,
    findNextFeatures,
    type CompletionAcceptor,
    type CompletionBacktrackingInformation,
    type CompletionContext,
    type CompletionProviderOptions,
    type CompletionValueItem,
    type NextFeature,
} from 'langium/lsp';
import { stream } from 'langium';
import {
    CompletionItemKind,
    InsertTextFormat,
    type CancellationToken,
    type CompletionList,
    type CompletionParams,
    type Position,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
    isDprogFile,
    isHumanLabeler,
    isLabelerDecl,
    isLabelMember,
    isLabelSet,
    isRoute,
    isTask,
    type LabelerDecl,
    type Task,
} from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';
import type { DprogTypeComputer } from '../types/type-computer.js';
import { labelSetOf, typeToString } from '../types/type-descriptions.js';
import type { DprogScopeProvider } from '../scoping/scope-provider.js';
import { SNIPPETS } from './snippets.js';
import { CompletionProbe, comparedExpression, receiverOf } from './completion-probe.js';
import { importCompletions, importPathAt } from './import-completion.js';
import { isNameRule } from '../parser/name-rules.js';
import { aggregationFits } from '../validation/quality.js';
import type { DprogClientCapabilities } from './client-capabilities.js';

/** What the text just before the cursor looks like in the contexts completed specially. */
const COMPARISON = /(==|!=)\s*$/;
const MEMBER_ACCESS = /\.\s*$/;
const FROM_SOURCES = /\bfrom\s*(\[[^\]]*)?$/;
/** `route cascade a, b, ` on the cursor's line: the comma continues the list, only labelers fit. */
const ROUTE_LIST_CONTINUES = /\broute[ \t]+(cascade|best)[ \t]+[\w \t,]*,[ \t]*$/;
/** Marks the items of a context where only they fit. */
const EXCLUSIVE = 'dprog.exclusive';

export class DprogCompletionProvider extends DefaultCompletionProvider {
    override readonly completionOptions: CompletionProviderOptions = { triggerCharacters: ['.', '<', '>'] };

    private readonly typeComputer: DprogTypeComputer;
    private readonly dprogScopes: DprogScopeProvider;
    private readonly descriptions: AstNodeDescriptionProvider;
    private readonly documents: LangiumDocuments;
    private readonly locator: AstNodeLocator;
    private readonly probe: CompletionProbe;
    private readonly fileSystem: FileSystemProvider;
    private readonly client: DprogClientCapabilities;
    /** The cross-reference of a route's labelers in the grammar. */
    private readonly routeLabeler: GrammarAST.CrossReference | undefined;
    /** Recent probes by document version and position (a request asks once per feature). */
    private readonly probes = new Map<string, Promise<AstNode | undefined>>();

    constructor(services: DprogServices) {
        super(services);
        this.typeComputer = services.types.TypeComputer;
        this.dprogScopes = services.references.ScopeProvider as DprogScopeProvider;
        this.descriptions = services.workspace.AstNodeDescriptionProvider;
        this.documents = services.shared.workspace.LangiumDocuments;
        this.locator = services.workspace.AstNodeLocator;
        this.probe = new CompletionProbe(services);
        this.fileSystem = services.shared.workspace.FileSystemProvider;
        this.client = services.lsp.ClientCapabilities;
        const route = this.grammar.rules.find((rule) => rule.name === 'Route');
        this.routeLabeler = route ? AstUtils.streamAllContents(route).find(GrammarAST.isCrossReference) : undefined;
    }

    // ------------------------------------------------------------------ what to propose

    override async getCompletion(
        document: LangiumDocument,
        params: CompletionParams,
        cancelToken?: CancellationToken,
    ): Promise<CompletionList | undefined> {
        const importPath = importPathAt(document, params.position);
        if (importPath !== undefined) {
            return { isIncomplete: false, items: await importCompletions(this.fileSystem, document, importPath, params.position) };
        }
        const list = await super.getCompletion(document, params, cancelToken);
        // Where the type on the left decides (`x.`, `==`, `from`), nothing else fits.
        const exclusive = list?.items.filter((item) => item.data === EXCLUSIVE);
        if (list && exclusive && exclusive.length > 0) {
            return { ...list, items: exclusive.map(({ data: _marker, ...item }) => item) };
        }
        return list;
    }

    protected override completionFor(context: CompletionContext, next: NextFeature, acceptor: CompletionAcceptor): void | Promise<void> {
        if (this.routeLabeler && this.continuesRoute(context)) {
            // The parser reads `a, ` at the cursor as a clause separator; the author means another labeler.
            const exclusive: CompletionAcceptor = (ctx, item) => acceptor(ctx, { ...item, data: EXCLUSIVE });
            return super.completionForCrossReference(context, { feature: this.routeLabeler }, exclusive);
        }
        if (GrammarAST.isKeyword(next.feature) && isNameRule(ruleNameOf(next.feature))) {
            // Offered only because names may be keywords: propose the names that fit instead.
            return this.completionForName(context, acceptor);
        }
        return super.completionFor(context, next, acceptor);
    }

    protected override completionForKeyword(
        context: CompletionContext,
        keyword: GrammarAST.Keyword,
        acceptor: CompletionAcceptor,
    ): void | Promise<void> {
        const snippet = SNIPPETS[keyword.value];
        if (snippet && ruleNameOf(keyword) === snippet.rule && this.client.snippetSupport) {
            // The snippet replaces the keyword's own item: one `task` in the list, not two.
            return acceptor(context, {
                label: keyword.value,
                labelDetails: { description: snippet.description },
                kind: CompletionItemKind.Snippet,
                detail: snippet.description,
                insertText: snippet.body,
                insertTextFormat: InsertTextFormat.Snippet,
                sortText: '0',
            });
        }
        if (ruleNameOf(keyword) === 'AggregationMethod' && !this.aggregationFits(context, keyword.value)) {
            return;
        }
        return super.completionForKeyword(context, keyword, acceptor);
    }

    /** After `route cascade a, ` on the same line, inside a task's route. */
    private continuesRoute(context: CompletionContext): boolean {
        const before = context.textDocument.getText().substring(Math.max(0, context.offset - 300), context.offset);
        return ROUTE_LIST_CONTINUES.test(before) && isRoute(context.node);
    }

    /** The methods the checker accepts for the task's output type (validation/quality.ts). */
    private aggregationFits(context: CompletionContext, method: string): boolean {
        const task = AstUtils.getContainerOfType(context.node, isTask);
        const output = task?.output ? this.typeComputer.typeOf(task.output) : undefined;
        if (!output || output.kind === 'error') {
            return true;
        }
        return aggregationFits(method, output);
    }

    protected override completionForCrossReference(
        context: CompletionContext,
        next: NextFeature<GrammarAST.CrossReference>,
        acceptor: CompletionAcceptor,
    ): void | Promise<void> {
        const assignment = AstUtils.getContainerOfType(next.feature, GrammarAST.isAssignment);
        const rule = ruleNameOf(next.feature);
        const before = context.textDocument.getText().substring(Math.max(0, context.tokenOffset - 200), context.tokenOffset);
        if (assignment?.feature === 'member' && rule === 'MemberExpression' && MEMBER_ACCESS.test(before)) {
            return this.completeFromProbe(context, acceptor, (node) => {
                const receiver = receiverOf(node);
                return receiver ? this.dprogScopes.membersOfType(this.typeComputer.typeOf(receiver)).getAllElements() : undefined;
            });
        }
        if (COMPARISON.test(before)) {
            // After `left ==`: the members of left's label set, and nothing else, when left is a label.
            const isTarget = assignment?.feature === 'target' && rule === 'NameExpression';
            return this.completeFromProbe(
                context,
                acceptor,
                (node) => {
                    const left = node.$type === 'NameExpression' ? comparedExpression(node) : undefined;
                    const labelSet = left ? labelSetOf(this.typeComputer.typeOf(left)) : undefined;
                    if (!labelSet) {
                        return undefined;
                    }
                    return isTarget
                        ? stream(labelSet.members).map((member) => this.descriptions.createDescription(member, member.name))
                        : stream([]);
                },
                () => super.completionForCrossReference(context, next, acceptor),
            );
        }
        return super.completionForCrossReference(context, next, acceptor);
    }

    /**
     * Completes from a probe of the declaration around the cursor (see completion-probe.ts):
     * `candidates` gets the placeholder's AST node; when it has nothing to say, `otherwise` runs.
     */
    private async completeFromProbe(
        context: CompletionContext,
        acceptor: CompletionAcceptor,
        candidates: (node: AstNode) => Stream<AstNodeDescription> | undefined,
        otherwise?: () => void | Promise<void>,
        detail?: string,
    ): Promise<void> {
        const node = await this.probeAt(context);
        const found = node ? candidates(node) : undefined;
        if (!found) {
            return otherwise?.();
        }
        for (const description of found) {
            acceptor(context, { ...this.createReferenceCompletionItem(description), detail: detail ?? description.type, data: EXCLUSIVE });
        }
    }

    /**
     * dprog documents declarations with description strings, not comments: reading the string is
     * cheap, where Langium's comment lookup walks the syntax tree for every proposal.
     */
    protected override createReferenceCompletionItem(description: AstNodeDescription): CompletionValueItem {
        const node = description.node as (AstNode & { description?: unknown }) | undefined;
        return {
            nodeDescription: description,
            kind: this.nodeKindProvider.getCompletionItemKind(description),
            detail: description.type,
            documentation: typeof node?.description === 'string' ? node.description : undefined,
            sortText: '0',
        };
    }

    protected override getReferenceCandidates(refInfo: ReferenceInfo, context: CompletionContext): Stream<AstNodeDescription> {
        const candidates = super.getReferenceCandidates(refInfo, context);
        if (refInfo.property === 'labelers' && (isRoute(refInfo.container) || refInfo.container.$type === 'Route')) {
            const task = AstUtils.getContainerOfType(context.node, isTask);
            return task ? this.labelersFor(task, candidates, context.tokenOffset) : candidates;
        }
        return candidates;
    }

    /** Labelers that can produce the task's output type (people with the required skills), not yet in its route. */
    private labelersFor(task: Task, candidates: Stream<AstNodeDescription>, cursor: number): Stream<AstNodeDescription> {
        const wanted = task.output ? typeToString(this.typeComputer.typeOf(task.output)) : undefined;
        const listed = new Set(
            (task.route?.labelers ?? [])
                .filter((ref) => !ref.$refNode || cursor < ref.$refNode.offset || cursor > ref.$refNode.end)
                .map((ref) => ref.$refText),
        );
        return candidates.filter((description) => {
            if (listed.has(description.name)) {
                return false;
            }
            const labeler = this.nodeOf(description);
            if (isHumanLabeler(labeler)) {
                // People can give any label, if they have the skills the task requires.
                return task.skills.every((skill) => labeler.skills.includes(skill));
            }
            if (!isLabelerDecl(labeler) || wanted === undefined) {
                return true;
            }
            return producedType(labeler, this.typeComputer) === wanted;
        });
    }

    /** Names that fit where a name is expected; so far the sources of a `from` migration. */
    private completionForName(context: CompletionContext, acceptor: CompletionAcceptor): Promise<void> | void {
        const before = context.textDocument.getText().substring(Math.max(0, context.tokenOffset - 500), context.tokenOffset);
        if (!AstUtils.getContainerOfType(context.node, isLabelSet) || !FROM_SOURCES.test(before)) {
            return;
        }
        return this.completeFromProbe(
            context,
            acceptor,
            (node) => {
                if (!isLabelMember(node) || !isLabelSet(node.$container)) {
                    return undefined;
                }
                const taken = new Set([node.name, ...node.sources]);
                return stream(node.$container.members)
                    .filter((member) => member.name !== undefined && !taken.has(member.name))
                    .map((member) => this.descriptions.createDescription(member, member.name));
            },
            undefined,
            '(the previous version is unknown here: members of this version)',
        );
    }

    private nodeOf(description: AstNodeDescription): AstNode | undefined {
        if (description.node) {
            return description.node;
        }
        const document = this.documents.getDocument(URI.parse(description.documentUri.toString()));
        return document ? this.locator.getAstNode(document.parseResult.value, description.path) : undefined;
    }

    /** The probe's placeholder node for this context; one probe per request position, shared by its features. */
    private probeAt(context: CompletionContext): Promise<AstNode | undefined> {
        const { start, end } = declarationBounds(context.document, context.tokenOffset);
        const tokenEnd = Math.max(context.tokenOffset, Math.min(context.tokenEndOffset, end));
        const key = `${context.document.uri.toString()}@${context.textDocument.version}:${context.tokenOffset}-${tokenEnd}`;
        let probe = this.probes.get(key);
        if (!probe) {
            probe = this.probe.nodeAtCursor(context.document, start, end, context.tokenOffset, tokenEnd);
            this.probes.set(key, probe);
            if (this.probes.size > 8) {
                this.probes.delete(this.probes.keys().next().value!);
            }
        }
        return probe;
    }

    // ------------------------------------------------------------------ speed: parse only the declaration around the cursor

    protected override *buildContexts(document: LangiumDocument, position: Position): IterableIterator<CompletionContext> {
        const cst = document.parseResult.value.$cstNode;
        if (!cst) {
            return;
        }
        const textDocument = document.textDocument;
        const text = textDocument.getText();
        const offset = textDocument.offsetAt(position);
        const start = declarationBounds(document, offset).start;
        const features = (at: number): NextFeature[] => this.findFeaturesFrom(textDocument, start, at);
        const partialContext = { document, textDocument, offset, position };
        const dataTypeRuleOffsets = this.findDataTypeRuleStart(cst, offset);
        if (dataTypeRuleOffsets) {
            const [ruleStart, ruleEnd] = dataTypeRuleOffsets;
            yield {
                ...partialContext,
                node: CstUtils.findLeafNodeBeforeOffset(cst, ruleStart)?.astNode,
                tokenOffset: ruleStart,
                tokenEndOffset: ruleEnd,
                features: features(Math.max(start, ruleStart)),
            };
        }
        const { nextTokenStart, nextTokenEnd, previousTokenStart, previousTokenEnd } = this.backtrackInWindow(text, start, offset);
        const astNodeOffset = offset <= nextTokenStart && previousTokenStart !== undefined ? previousTokenStart : nextTokenStart;
        const astNode = CstUtils.findLeafNodeBeforeOffset(cst, astNodeOffset)?.astNode;
        let performNextCompletion = true;
        if (previousTokenStart !== undefined && previousTokenEnd !== undefined && previousTokenEnd === offset) {
            yield {
                ...partialContext,
                node: astNode,
                tokenOffset: previousTokenStart,
                tokenEndOffset: previousTokenEnd,
                features: features(previousTokenStart),
            };
            performNextCompletion = this.performNextTokenCompletion(
                document,
                text.substring(previousTokenStart, previousTokenEnd),
                previousTokenStart,
                previousTokenEnd,
            );
            if (performNextCompletion) {
                yield {
                    ...partialContext,
                    node: astNode,
                    tokenOffset: previousTokenEnd,
                    tokenEndOffset: previousTokenEnd,
                    features: features(previousTokenEnd),
                };
            }
        }
        if (!astNode) {
            const entry = GrammarUtils.getEntryRule(this.grammar)!;
            yield {
                ...partialContext,
                tokenOffset: nextTokenStart,
                tokenEndOffset: nextTokenEnd,
                features: findFirstFeatures(entry.definition).map((f) => f[f.length - 1]),
            };
        } else if (performNextCompletion) {
            yield {
                ...partialContext,
                node: astNode,
                tokenOffset: nextTokenStart,
                tokenEndOffset: nextTokenEnd,
                features: features(nextTokenStart),
            };
        }
    }

    /** Like Langium's findFeaturesAt, parsing only from `start` (a declaration boundary) to `offset`. */
    private findFeaturesFrom(document: TextDocument, start: number, offset: number): NextFeature[] {
        const text = document.getText().substring(start, offset);
        const parserResult = this.completionParser.parse(text);
        const tokens = parserResult.tokens;
        if (parserResult.tokenIndex === 0) {
            return findNextFeatures([[this.buildSyntheticEntryRuleCall(GrammarUtils.getEntryRule(this.grammar)!)]], tokens);
        }
        const leftoverTokens = [...tokens].splice(parserResult.tokenIndex);
        return findNextFeatures([parserResult.elementStack.map((feature) => ({ feature }))], leftoverTokens);
    }

    /** Langium's backtrackToAnyToken, tokenizing from `start` to the end of the cursor's line only. */
    private backtrackInWindow(text: string, start: number, offset: number): CompletionBacktrackingInformation {
        const lineEnd = text.indexOf('\n', offset);
        const windowEnd = lineEnd < 0 ? text.length : lineEnd;
        const tokens = this.lexer.tokenize(text.substring(start, windowEnd)).tokens;
        let previous: { startOffset: number; endOffset: number } | undefined;
        const previousInfo = () => ({
            previousTokenStart: previous ? start + previous.startOffset : undefined,
            previousTokenEnd: previous ? start + previous.endOffset + 1 : undefined,
        });
        for (const token of tokens) {
            const tokenStart = start + token.startOffset;
            const tokenEnd = start + (token.endOffset ?? token.startOffset);
            if (tokenStart >= offset) {
                return { nextTokenStart: offset, nextTokenEnd: offset, ...previousInfo() };
            }
            if (tokenEnd >= offset) {
                return { nextTokenStart: tokenStart, nextTokenEnd: tokenEnd + 1, ...previousInfo() };
            }
            previous = { startOffset: token.startOffset, endOffset: token.endOffset ?? token.startOffset };
        }
        return { nextTokenStart: offset, nextTokenEnd: offset, ...previousInfo() };
    }
}

/**
 * The top-level declaration around `offset`, as a text range: from the start of the last
 * declaration that begins a line before the cursor (a boundary the full parse agrees on; 0 when
 * the cursor is in the header or the imports) to the start of the next such declaration after it.
 */
/** Declaration starts per parse result (a new parse makes a new root). */
const declarationStarts = new WeakMap<AstNode, number[]>();

export function declarationBounds(document: LangiumDocument, offset: number): { start: number; end: number } {
    const root = document.parseResult.value;
    const text = document.textDocument.getText();
    if (!isDprogFile(root)) {
        return { start: 0, end: text.length };
    }
    let starts = declarationStarts.get(root);
    if (!starts) {
        starts = root.elements
            .map((element) => element.$cstNode?.offset)
            .filter((start): start is number => start !== undefined && (start === 0 || text[start - 1] === '\n'));
        declarationStarts.set(root, starts);
    }
    // Binary search: the index of the first start at or after the cursor.
    let low = 0;
    let high = starts.length;
    while (low < high) {
        const middle = (low + high) >> 1;
        if (starts[middle] < offset) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    return { start: low > 0 ? starts[low - 1] : 0, end: low < starts.length ? starts[low] : text.length };
}

/**
 * The completion parser always stops at the cursor, usually inside a choice of alternatives, and
 * Chevrotain then builds a "expected one of …" message by computing every lookahead path of that
 * choice: tens of milliseconds where names may be any of 110 keywords (its source says "can be
 * slow … consider caching"). Completion reads only the parser's position, never the message, so
 * its parser throws the same exception without one.
 */
export function skipErrorMessages(parser: unknown): void {
    interface Recognizer {
        raiseNoAltException(): never;
        SAVE_ERROR(error: Error): Error;
        LA(i: number): unknown;
    }
    const wrapper = (parser as { wrapper?: Recognizer }).wrapper;
    if (!wrapper || typeof wrapper.raiseNoAltException !== 'function' || typeof wrapper.SAVE_ERROR !== 'function') {
        return; // a different Langium: keep its behaviour
    }
    wrapper.raiseNoAltException = function (this: Recognizer): never {
        // Without a stack trace either: nobody reads it, and capturing it is not free.
        const error = Object.assign(Object.create(Error.prototype) as Error, {
            name: 'NoViableAltException',
            message: '',
            token: this.LA(1),
            previousToken: this.LA(0),
            resyncedTokens: [],
        });
        throw this.SAVE_ERROR(error);
    };
}

function ruleNameOf(element: GrammarAST.AbstractElement): string | undefined {
    return AstUtils.getContainerOfType(element, GrammarAST.isParserRule)?.name;
}

/** The label type a model or rules labeler declares, as written. */
function producedType(labeler: LabelerDecl, types: DprogTypeComputer): string | undefined {
    const output = 'output' in labeler ? labeler.output : undefined;
    return output ? typeToString(types.typeOf(output)) : undefined;
}
