/** Dependency injection: the dprog language's services on top of Langium's defaults. */
import { inject, type Module } from 'langium';
import {
    createDefaultModule, createDefaultSharedModule,
    type DefaultSharedModuleContext, type LangiumServices, type LangiumSharedServices, type PartialLangiumServices,
    type PartialLangiumSharedServices,
} from 'langium/lsp';
import { DprogGeneratedModule, DprogGeneratedSharedModule } from './generated/module.js';
import { DprogValueConverter } from './parser/value-converter.js';
import { DprogParserErrorMessageProvider } from './parser/error-messages.js';
import { DprogLexer } from './parser/lexer.js';
import { DprogScopeProvider } from './scoping/scope-provider.js';
import { DprogScopeComputation } from './scoping/scope-computation.js';
import { DprogTypeComputer } from './types/type-computer.js';
import { DprogWorkspaceManager } from './builtins/workspace-manager.js';
import { registerValidationChecks } from './validation/dprog-validator.js';
import { DprogLspModule, DprogSharedLspModule } from './lsp/lsp-module.js';
import { DprogLinker } from './scoping/linker.js';
import { DprogDocumentValidator } from './validation/linking-diagnostics.js';
import { PreviousVersions } from './validation/previous-versions.js';
import { ImportAwareDocumentBuilder } from './validation/import-aware-builder.js';

/** Services dprog adds to Langium's. */
export type DprogAddedServices = {
    types: {
        TypeComputer: DprogTypeComputer;
    };
    validation: {
        /** Where `from` migrations learn the previous version of a label set (set by the compiler). */
        PreviousVersions: PreviousVersions;
    };
};

export type DprogServices = LangiumServices & DprogAddedServices;

export const DprogModule: Module<DprogServices, PartialLangiumServices & DprogAddedServices> = {
    parser: {
        ValueConverter: () => new DprogValueConverter(),
        ParserErrorMessageProvider: () => new DprogParserErrorMessageProvider(),
        Lexer: (services) => new DprogLexer(services),
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
