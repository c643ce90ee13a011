/** Dependency injection: the dprog language's services on top of Langium's defaults. */
import { inject, type Module } from 'langium';
import {
    createDefaultModule,
    createDefaultSharedModule,
    type DefaultSharedModuleContext,
    type LangiumServices,
    type LangiumSharedServices,
    type PartialLangiumServices,
    type PartialLangiumSharedServices,
} from 'langium/lsp';
import { DprogGeneratedModule, DprogGeneratedSharedModule } from './generated/module.js';
import { DprogValueConverter } from './parser/value-converter.js';
import { DprogLexerErrorMessageProvider, DprogParserErrorMessageProvider } from './parser/error-messages.js';
import { lazily, lazyLangiumParser } from './parser/lazy-parsers.js';
import { DprogLexer } from './parser/lexer.js';
import { DprogScopeProvider } from './scoping/scope-provider.js';
import { DprogScopeComputation } from './scoping/scope-computation.js';
import { DprogTypeComputer } from './types/type-computer.js';
import { DprogWorkspaceManager } from './builtins/workspace-manager.js';
import { registerValidationChecks } from './validation/dprog-validator.js';
import { DprogLspModule, DprogSharedLspModule } from './lsp/lsp-module.js';
import { DprogLinker } from './scoping/linker.js';
import { DprogDocumentValidator } from './workspace/document-validator.js';
import { PreviousVersions } from './validation/previous-versions.js';
import { ImportAwareDocumentBuilder } from './workspace/import-aware-builder.js';
import type { DprogClientCapabilities } from './lsp/client-capabilities.js';
import { DprogDocumentUpdateHandler } from './workspace/file-watching.js';

/** Services dprog adds to Langium's. */
export type DprogAddedServices = {
    types: {
        TypeComputer: DprogTypeComputer;
    };
    validation: {
        /** Where `from` migrations learn the previous version of a label set (set by the compiler). */
        PreviousVersions: PreviousVersions;
    };
    lsp: {
        /** What the connected editor can do (snippets, watched files). */
        ClientCapabilities: DprogClientCapabilities;
    };
};

export type DprogServices = LangiumServices & DprogAddedServices;

export const DprogModule: Module<DprogServices, PartialLangiumServices & Omit<DprogAddedServices, 'lsp'>> = {
    parser: {
        LangiumParser: (services) => lazyLangiumParser(services),
        // dprog's lexer (with the nesting limit), built on first use like the parsers.
        Lexer: (services) => lazily(() => new DprogLexer(services)),
        ValueConverter: () => new DprogValueConverter(),
        ParserErrorMessageProvider: () => new DprogParserErrorMessageProvider(),
        LexerErrorMessageProvider: () => new DprogLexerErrorMessageProvider(),
    },
    references: {
        ScopeProvider: (services) => new DprogScopeProvider(services),
        ScopeComputation: (services) => new DprogScopeComputation(services),
        Linker: (services) => new DprogLinker(services),
    },
    validation: {
        DocumentValidator: (services) => new DprogDocumentValidator(services),
        PreviousVersions: () => new PreviousVersions(),
    },
    types: {
        TypeComputer: (services) => new DprogTypeComputer(services),
    },
};

export const DprogSharedModule: Module<LangiumSharedServices, PartialLangiumSharedServices> = {
    lsp: {
        DocumentUpdateHandler: (services) => new DprogDocumentUpdateHandler(services),
    },
    workspace: {
        WorkspaceManager: (services) => new DprogWorkspaceManager(services),
        DocumentBuilder: (services) => new ImportAwareDocumentBuilder(services),
    },
};

/** Creates the shared services and the dprog language services, registered with each other. */
export function createDprogServices(context: DefaultSharedModuleContext): { shared: LangiumSharedServices; Dprog: DprogServices } {
    const shared = inject(createDefaultSharedModule(context), DprogGeneratedSharedModule, DprogSharedModule, DprogSharedLspModule);
    const Dprog = inject(createDefaultModule({ shared }), DprogGeneratedModule, DprogModule, DprogLspModule);
    shared.ServiceRegistry.register(Dprog);
    registerValidationChecks(Dprog);
    if (!context.connection) {
        // Outside a language server (CLI, tests) nobody sends the configuration handshake.
        shared.workspace.ConfigurationProvider.initialized({});
    }
    return { shared, Dprog };
}
