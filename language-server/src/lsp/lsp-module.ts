/** The editor services dprog adds to Langium's defaults (wired into dprog-module.ts). */
import type { Module } from 'langium';
import type { LangiumSharedServices, PartialLangiumServices, PartialLangiumSharedServices } from 'langium/lsp';
import type { DprogServices } from '../dprog-module.js';
import { DprogCompletionProvider, skipErrorMessages } from './completion-provider.js';
import { lazyCompletionParser } from '../parser/lazy-parsers.js';
import { DprogNodeKindProvider } from './node-kind-provider.js';
import { DprogHoverProvider } from './hover-provider.js';
import { DprogFormatter } from './formatter.js';
import { DprogCodeActionProvider } from './code-actions.js';
import { DprogSemanticTokenProvider } from './semantic-tokens.js';
import { DprogRenameProvider } from './rename-provider.js';
import { DprogSignatureHelpProvider } from './signature-help.js';
import { DprogInlayHintProvider } from './inlay-hints.js';
import { DprogClientCapabilities } from './client-capabilities.js';
import { DprogDocumentSymbolProvider } from './document-symbols.js';

export const DprogLspModule: Module<DprogServices, PartialLangiumServices & Pick<DprogServices, 'lsp'>> = {
    parser: {
        // Completion's own parser, built on the first completion request (see lazy-parsers.ts).
        CompletionParser: (services) => lazyCompletionParser(services, skipErrorMessages),
    },
    lsp: {
        ClientCapabilities: (services) => new DprogClientCapabilities(services.shared),
        CompletionProvider: (services) => new DprogCompletionProvider(services),
        HoverProvider: (services) => new DprogHoverProvider(services),
        Formatter: () => new DprogFormatter(),
        CodeActionProvider: (services) => new DprogCodeActionProvider(services),
        SemanticTokenProvider: (services) => new DprogSemanticTokenProvider(services),
        RenameProvider: (services) => new DprogRenameProvider(services),
        SignatureHelp: (services) => new DprogSignatureHelpProvider(services),
        InlayHintProvider: (services) => new DprogInlayHintProvider(services),
        DocumentSymbolProvider: (services) => new DprogDocumentSymbolProvider(services),
    },
};

export const DprogSharedLspModule: Module<LangiumSharedServices, PartialLangiumSharedServices> = {
    lsp: {
        NodeKindProvider: () => new DprogNodeKindProvider(),
    },
};
