/**
 * Unused declarations (warnings): labelers no route, learn or monitor names; label sets no label
 * type names; tasks that only run when called (their input is not a dataset) but nobody calls.
 * A task over a dataset is a job of its own and never unused. "Used" is counted over the whole
 * workspace, so a library's declarations are used by the programs that import it; a library
 * (a file without a `program` header) that no loaded file imports is not checked, since its
 * users are not known.
 */
import { AstUtils, WorkspaceCache, type AstNode, type LangiumDocuments, type ValidationAcceptor, type ValidationChecks } from 'langium';
import {
    isHumanLabeler, isLabelSet, isModelLabeler, isRulesLabeler, isTask,
    type DprogAstType, type DprogFile,
} from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';
import { BUILTIN_LIBRARY_URI } from '../builtins/builtin-library.js';
import { importedUris } from '../workspace/imports.js';
import { datasetOfTask } from './util.js';

export const UnusedIssues = {
    labeler: 'unused/labeler',
    labelSet: 'unused/label-set',
    task: 'unused/task',
} as const;

interface Usage {
    /** Every declaration some reference in the workspace resolves to. */
    readonly referenced: Set<AstNode>;
    /** URIs of documents some loaded document imports. */
    readonly imported: Set<string>;
}

export class UnusedChecks {
    private readonly documents: () => LangiumDocuments;
    private readonly usage: WorkspaceCache<'usage', Usage>;

    constructor(services: DprogServices) {
        this.documents = () => services.shared.workspace.LangiumDocuments;
        this.usage = new WorkspaceCache(services.shared);
    }

    readonly checks: ValidationChecks<DprogAstType> = {
        DprogFile: (file, accept) => this.check(file, accept),
    };

    /** One pass over every reference of the workspace, shared by all documents until something changes. */
    private computeUsage(): Usage {
        const referenced = new Set<AstNode>();
        const imported = new Set<string>();
        for (const document of this.documents().all) {
            for (const reference of document.references) {
                if ('ref' in reference && reference.ref) {
                    referenced.add(reference.ref);
                }
            }
            for (const uri of importedUris(document)) {
                imported.add(uri.toString());
            }
        }
        return { referenced, imported };
    }

    private check(file: DprogFile, accept: ValidationAcceptor): void {
        const document = AstUtils.getDocument(file);
        const uri = document.uri.toString();
        if (uri === BUILTIN_LIBRARY_URI) {
            return;
        }
        const usage = this.usage.get('usage', () => this.computeUsage());
        if (!file.header && !usage.imported.has(uri)) {
            return;
        }
        for (const element of file.elements) {
            if (usage.referenced.has(element)) {
                continue;
            }
            if (isHumanLabeler(element) || isModelLabeler(element) || isRulesLabeler(element)) {
                accept('warning', `Labeler '${element.name}' is not used: no route, learn or monitor names it.`, {
                    node: element, property: 'name', code: UnusedIssues.labeler, data: { code: UnusedIssues.labeler, name: element.name },
                    tags: [1],
                });
            } else if (isLabelSet(element)) {
                accept('warning', `Label set '${element.name}' is not used: no label type names it.`, {
                    node: element, property: 'name', code: UnusedIssues.labelSet, data: { code: UnusedIssues.labelSet, name: element.name },
                    tags: [1],
                });
            } else if (isTask(element) && element.params.length > 0 && !datasetOfTask(element)) {
                accept('warning', `Task '${element.name}' is not used: its input is not a dataset, so it runs only when a flow calls it, and none does.`, {
                    node: element, property: 'name', code: UnusedIssues.task, data: { code: UnusedIssues.task, name: element.name },
                    tags: [1],
                });
            }
        }
    }
}
