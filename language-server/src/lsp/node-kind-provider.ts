/** What kind of thing each declaration is, for outline symbols and completion item icons. */
import type { AstNode, AstNodeDescription } from 'langium';
import { DefaultNodeKindProvider } from 'langium/lsp';
import { CompletionItemKind, SymbolKind } from 'vscode-languageserver';

const SYMBOL_KINDS: Record<string, SymbolKind> = {
    ProgramHeader: SymbolKind.Module,
    Dataset: SymbolKind.Struct,
    Field: SymbolKind.Field,
    Split: SymbolKind.Property,
    SplitBucket: SymbolKind.Property,
    LabelSet: SymbolKind.Enum,
    LabelMember: SymbolKind.EnumMember,
    HumanLabeler: SymbolKind.Class,
    ModelLabeler: SymbolKind.Class,
    RulesLabeler: SymbolKind.Class,
    Rule: SymbolKind.Property,
    Task: SymbolKind.Function,
    Flow: SymbolKind.Function,
    Parameter: SymbolKind.Variable,
    LetStatement: SymbolKind.Variable,
    LoopVariable: SymbolKind.Variable,
    BuiltinFunction: SymbolKind.Function,
    BuiltinMember: SymbolKind.Property,
};

const COMPLETION_KINDS: Record<string, CompletionItemKind> = {
    Dataset: CompletionItemKind.Struct,
    Field: CompletionItemKind.Field,
    LabelSet: CompletionItemKind.Enum,
    LabelMember: CompletionItemKind.EnumMember,
    HumanLabeler: CompletionItemKind.Class,
    ModelLabeler: CompletionItemKind.Class,
    RulesLabeler: CompletionItemKind.Class,
    Task: CompletionItemKind.Function,
    Flow: CompletionItemKind.Function,
    Parameter: CompletionItemKind.Variable,
    LetStatement: CompletionItemKind.Variable,
    LoopVariable: CompletionItemKind.Variable,
    BuiltinFunction: CompletionItemKind.Function,
    BuiltinMember: CompletionItemKind.Property,
};

export class DprogNodeKindProvider extends DefaultNodeKindProvider {
    override getSymbolKind(node: AstNode | AstNodeDescription): SymbolKind {
        return SYMBOL_KINDS[typeOfNode(node)] ?? SymbolKind.Field;
    }

    override getCompletionItemKind(node: AstNode | AstNodeDescription): CompletionItemKind {
        return COMPLETION_KINDS[typeOfNode(node)] ?? CompletionItemKind.Reference;
    }
}

function typeOfNode(node: AstNode | AstNodeDescription): string {
    return '$type' in node ? node.$type : node.type;
}
