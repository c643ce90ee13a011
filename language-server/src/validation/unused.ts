/**
 * Unused declarations (warnings): labelers no route, learn or monitor names; label sets no label
 * type names; tasks that only run when called (their input is not a dataset) but nobody calls.
 * A task over a dataset is a job of its own and never unused. "Used" counts references in the
 * file and in the files that import it, so a library's declarations are used by its importers; a library
 * (a file without a `program` header) that no loaded file imports is not checked, since its
 * users are not known. A labeler a task without `route` would ask (its default route) is used.
 */
import {
    AstUtils,
    WorkspaceCache,
    type AstNode,
    type LangiumDocuments,
    type URI,
    type ValidationAcceptor,
    type ValidationChecks,
} from 'langium';
import {
    isDprogFile,
    isHumanLabeler,
    isLabelerDecl,
    isLabelSet,
    isModelLabeler,
    isRulesLabeler,
    isTask,
    type LabelerDecl,
    type Task,
    type DprogAstType,
    type DprogFile,
} from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';
import { BUILTIN_LIBRARY_URI } from '../builtins/builtin-library.js';
import { importedUris } from '../workspace/imports.js';
import type { DprogTypeComputer } from '../types/type-computer.js';
import { typeToString } from '../types/type-descriptions.js';
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

    private readonly typeComputer: () => DprogTypeComputer;

    constructor(services: DprogServices) {
        this.typeComputer = () => services.types.TypeComputer;
        this.documents = () => services.shared.workspace.LangiumDocuments;
        this.importers = new WorkspaceCache(services.shared);
        this.targets = new WorkspaceCache(services.shared);
    }

    readonly checks: ValidationChecks<DprogAstType> = {
        DprogFile: (file, accept) => this.check(file, accept),
    };

    private importersOf(uri: string): URI[] {
        return (
            this.importers
                .get('importers', () => {
                    const map = new Map<string, URI[]>();
                    for (const document of this.documents().all) {
                        for (const imported of importedUris(document)) {
                            const key = imported.toString();
                            map.set(key, [...(map.get(key) ?? []), document.uri]);
                        }
                    }
                    return map;
                })
                .get(uri) ?? []
        );
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

    /** Whether a labeler is one of those a task without `route` asks: people with its skills, others producing its output type. */
    private inDefaultRoute(labeler: LabelerDecl, task: Task): boolean {
        if (isHumanLabeler(labeler)) {
            return task.skills.every((skill) => labeler.skills.includes(skill));
        }
        if (!labeler.output || !task.output) {
            return false;
        }
        const types = this.typeComputer();
        return typeToString(types.typeOf(labeler.output)) === typeToString(types.typeOf(task.output));
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
        const routeless = [document.uri, ...importers]
            .flatMap((u) => {
                const root = this.documents().getDocument(u)?.parseResult.value;
                return isDprogFile(root) ? root.elements : [];
            })
            .filter((element): element is Task => isTask(element) && element.route === undefined);
        for (const element of file.elements) {
            if (users.some((targets) => targets.has(element))) {
                continue;
            }
            if (isLabelerDecl(element) && routeless.some((task) => this.inDefaultRoute(element, task))) {
                continue; // a task without `route` asks every eligible labeler (see the plan's route)
            }
            if (isHumanLabeler(element) || isModelLabeler(element) || isRulesLabeler(element)) {
                accept('warning', `Labeler '${element.name}' is not used: no route, learn or monitor names it.`, {
                    node: element,
                    property: 'name',
                    code: UnusedIssues.labeler,
                    data: { code: UnusedIssues.labeler, name: element.name },
                    tags: [1],
                });
            } else if (isLabelSet(element)) {
                accept('warning', `Label set '${element.name}' is not used: no label type names it.`, {
                    node: element,
                    property: 'name',
                    code: UnusedIssues.labelSet,
                    data: { code: UnusedIssues.labelSet, name: element.name },
                    tags: [1],
                });
            } else if (isTask(element) && element.params.length > 0 && !datasetOfTask(element)) {
                accept(
                    'warning',
                    `Task '${element.name}' is not used: its input is not a dataset, so it runs only when a flow calls it, and none does.`,
                    {
                        node: element,
                        property: 'name',
                        code: UnusedIssues.task,
                        data: { code: UnusedIssues.task, name: element.name },
                        tags: [1],
                    },
                );
            }
        }
    }
}
