/**
 * What the connected editor declared it can do (LSP `initialize`), for the features that must
 * adapt: completion sends snippets only to clients with `snippetSupport` (others, such as
 * Neovim 0.7, would insert the snippet's `${1:…}` text literally). Outside a language server
 * (tests, the CLI) nothing is declared: the LSP defaults hold until `update` is called.
 */
import type { LangiumSharedServices } from 'langium/lsp';
import type { ClientCapabilities } from 'vscode-languageserver';

export class DprogClientCapabilities {
    private declared: ClientCapabilities = {};

    constructor(shared: LangiumSharedServices) {
        shared.lsp.LanguageServer.onInitialize((params) => this.update(params.capabilities));
    }

    update(capabilities: ClientCapabilities): void {
        this.declared = capabilities;
    }

    /** Whether completion items may be snippets (`insertTextFormat: 2`). */
    get snippetSupport(): boolean {
        return this.declared.textDocument?.completion?.completionItem?.snippetSupport === true;
    }
}
