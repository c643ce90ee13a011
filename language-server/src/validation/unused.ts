/**
 * Unused declarations (warnings): labelers no route, learn or monitor names; label sets no label
 * type names; tasks that only run when called (their input is not a dataset) but nobody calls.
 * A task over a dataset is a job of its own and never unused. "Used" counts references in the
 * file and in the files that import it, so a library's declarations are used by its importers; a library
 * (a file without a `program` header) that no loaded file imports is not checked, since its
 * users are not known.
 */
import { AstUtils, WorkspaceCache, type AstNode, type LangiumDocuments, type URI, type ValidationAcceptor, type ValidationChecks } from 'langium';
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

export class UnusedChecks {
    private readonly documents: () => LangiumDocuments;
    /** For each document, the documents that import it; one pass over import lists per workspace state. */
    private readonly importers: WorkspaceCache<'importers', Map<string, URI[]>>;
    /** For each document, the declarations its references resolve to. */
    private readonly targets: WorkspaceCache<string, Set<AstNode>>;

    constructor(services: DprogServices) {
        this.documents = () => services.shared.workspace.LangiumDocuments;
        this.importers = new WorkspaceCache(services.shared);
        this.targets = new WorkspaceCache(services.shared);
    }

    readonly checks: ValidationChecks<DprogAstType> = {
        DprogFile: (file, accept) => this.check(file, accept),
    };

    private importersOf(uri: string): URI[] {
        return this.importers.get('importers', () => {
            const map = new Map<string, URI[]>();
            for (const document of this.documents().all) {
                for (const imported of importedUris(document)) {
                    const key = imported.toString();
                    map.set(key, [...(map.get(key) ?? []), document.uri]);
                }
            }
            return map;
        }).get(uri) ?? [];
    }

    private targetsOf(uri: URI): Set<AstNode> {
        return this.targets.get(uri.toString(), () => {
            const targets = new Set<AstNode>();
            for (const reference of this.documents().getDocument(uri)?.references ?? []) {
                if ('ref' in reference && reference.ref) {
                    targets.add(reference.ref);
                }
            }
            return targets;
        });
    }

    private check(file: DprogFile, accept: ValidationAcceptor): void {
        const document = AstUtils.getDocument(file);
        const uri = document.uri.toString();
        if (uri === BUILTIN_LIBRARY_URI) {
            return;
        }
        const importers = this.importersOf(uri);
        if (!file.header && importers.length === 0) {
            return;
        }
        const users = [document.uri, ...importers].map((u) => this.targetsOf(u));
        for (const element of file.elements) {
            if (users.some((targets) => targets.has(element))) {
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
