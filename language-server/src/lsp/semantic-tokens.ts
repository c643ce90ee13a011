/**
 * Semantic highlighting. Keywords are contextual (a field may be called `text`, a parameter `x`),
 * so a TextMate grammar cannot tell a keyword from a name; the server can. Every name gets the
 * token of what it denotes (label members, labelers, datasets, fields, tasks, …), wherever it is
 * declared or referenced, and words used as keywords get the `keyword` token.
 */
import { AstUtils, CstUtils, GrammarAST, type AstNode } from 'langium';
import { AbstractSemanticTokenProvider, type SemanticTokenAcceptor } from 'langium/lsp';
import { SemanticTokenModifiers, SemanticTokenTypes } from 'vscode-languageserver';
import { isLabelMember, isLearn, isModelInput } from '../generated/ast.js';
import { isNameRule } from '../parser/name-rules.js';

/** The token of each kind of declaration (by AST type). */
const TOKEN_OF: Record<string, string> = {
    ProgramHeader: SemanticTokenTypes.namespace,
    Dataset: SemanticTokenTypes.struct,
    Field: SemanticTokenTypes.property,
    BuiltinMember: SemanticTokenTypes.property,
    SplitBucket: SemanticTokenTypes.property,
    LabelSet: SemanticTokenTypes.enum,
    LabelMember: SemanticTokenTypes.enumMember,
    HumanLabeler: SemanticTokenTypes.class,
    ModelLabeler: SemanticTokenTypes.class,
    RulesLabeler: SemanticTokenTypes.class,
    Rule: SemanticTokenTypes.property,
    Task: SemanticTokenTypes.function,
    Flow: SemanticTokenTypes.function,
    BuiltinFunction: SemanticTokenTypes.function,
    Parameter: SemanticTokenTypes.parameter,
    LetStatement: SemanticTokenTypes.variable,
    LoopVariable: SemanticTokenTypes.variable,
};

const BUILTINS = new Set(['BuiltinFunction', 'BuiltinMember']);

export class DprogSemanticTokenProvider extends AbstractSemanticTokenProvider {
    protected highlightElement(node: AstNode, acceptor: SemanticTokenAcceptor): void {
        // The declared name.
        const declared = TOKEN_OF[node.$type];
        if (declared && 'name' in node && typeof node.name === 'string') {
            const modifiers = [
                SemanticTokenModifiers.declaration,
                ...(BUILTINS.has(node.$type) ? [SemanticTokenModifiers.defaultLibrary] : []),
            ];
            acceptor({ node, property: 'name' as never, type: declared, modifier: modifiers });
        }
        // References, by what they resolve to.
        for (const { reference, container, property, index } of AstUtils.streamReferences(node)) {
            const target = 'ref' in reference ? reference.ref : undefined;
            const type = target ? TOKEN_OF[target.$type] : undefined;
            if (type && container === node) {
                const modifier = BUILTINS.has(target!.$type) ? SemanticTokenModifiers.defaultLibrary : undefined;
                acceptor({ node, property: property as never, index, type, modifier });
            }
        }
        // Names that are not references: `from` sources, skills, a model's input field, a learn's split.
        if (isLabelMember(node)) {
            node.sources.forEach((_, index) => acceptor({ node, property: 'sources', index, type: SemanticTokenTypes.enumMember }));
        } else if ('skills' in node && Array.isArray(node.skills)) {
            node.skills.forEach((_, index) => acceptor({ node, property: 'skills' as never, index, type: SemanticTokenTypes.variable }));
        } else if (isModelInput(node) && node.field) {
            acceptor({ node, property: 'field', type: SemanticTokenTypes.property });
        } else if (isLearn(node) && node.stopSplit) {
            acceptor({ node, property: 'stopSplit', type: SemanticTokenTypes.property });
        }
        // Words used as keywords here (as opposed to names spelt like keywords).
        this.highlightOwnKeywords(node, acceptor);
    }

    private highlightOwnKeywords(node: AstNode, acceptor: SemanticTokenAcceptor): void {
        const cst = node.$cstNode;
        if (!cst) {
            return;
        }
        const iterator = CstUtils.streamCst(cst).iterator();
        for (let next = iterator.next(); !next.done; next = iterator.next()) {
            const child = next.value;
            if (child.astNode !== node) {
                iterator.prune();
                continue;
            }
            const source = child.grammarSource;
            if (
                GrammarAST.isKeyword(source) &&
                /^[a-z_]+$/i.test(source.value) &&
                !isNameRule(AstUtils.getContainerOfType(source, GrammarAST.isParserRule)?.name)
            ) {
                acceptor({ cst: child, type: SemanticTokenTypes.keyword });
            }
        }
    }
}
