/**
 * Names: duplicates in a scope, clashes with imported and built-in names, and `let` names used
 * before their definition. (Unresolved references are described by scoping/linker.ts.)
 */
import { AstUtils, type AstNode, type IndexManager, type ValidationAcceptor, type ValidationChecks } from 'langium';
import {
    isBuiltinFunction,
    isBuiltinMember,
    isForStatement,
    isLetStatement,
    type Dataset,
    type DprogAstType,
    type DprogFile,
    type Flow,
    type LabelSet,
    type NameExpression,
    type RulesLabeler,
    type Task,
} from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';
import { BUILTIN_LIBRARY_URI, IMAGE_DATASET_MEMBERS } from '../builtins/builtin-library.js';
import { importedUris } from '../workspace/imports.js';
import { lineOf } from './util.js';

export const NameIssues = {
    /** Two declarations of one name in the same scope. */
    duplicate: 'names/duplicate',
    /** A top-level name that an imported file declares too. */
    clashWithImport: 'names/clash-with-import',
    /** A top-level name that is a built-in function. */
    shadowsBuiltin: 'names/shadows-builtin',
    /** A name that does not resolve (data: refText, suggestion?, expected). */
    unresolved: 'names/unresolved',
    /** `x.m` or a field name that the receiver or dataset does not have (data: refText, suggestion?). */
    unknownMember: 'names/unknown-member',
    /** A name that is not a member of the label set it must belong to (data: refText, suggestion?, labelSet). */
    unknownLabelMember: 'labels/unknown-member',
    /** A `let` name used before (or in) its own definition. */
    usedBeforeDefined: 'names/used-before-defined',
    /** `builtin function`/`builtin member` outside the built-in library. */
    builtinOutsideLibrary: 'names/builtin-outside-library',
} as const;

interface Named {
    readonly name: string;
    readonly node: AstNode;
}

/** Reports every declaration after the first of each name, pointing back at the first. */
function reportDuplicates(declarations: Iterable<Named>, what: string, accept: ValidationAcceptor): void {
    const first = new Map<string, AstNode>();
    for (const { name, node } of declarations) {
        if (!name) {
            continue;
        }
        const previous = first.get(name);
        if (previous) {
            accept('error', `Duplicate ${what} '${name}': it is already declared on line ${lineOf(previous)}.`, {
                node,
                property: 'name' as never,
                code: NameIssues.duplicate,
                data: { code: NameIssues.duplicate, name },
            });
        } else {
            first.set(name, node);
        }
    }
}

export class NameChecks {
    private readonly indexManager: () => IndexManager;

    constructor(services: DprogServices) {
        this.indexManager = () => services.shared.workspace.IndexManager;
    }

    readonly checks: ValidationChecks<DprogAstType> = {
        DprogFile: (file, accept) => this.checkTopLevel(file, accept),
        Dataset: (dataset, accept) => this.checkDataset(dataset, accept),
        LabelSet: (labelSet: LabelSet, accept) =>
            reportDuplicates(
                labelSet.members.map((m) => ({ name: m.name, node: m })),
                'member',
                accept,
            ),
        RulesLabeler: (rules: RulesLabeler, accept) =>
            reportDuplicates(
                rules.rules.map((r) => ({ name: r.name, node: r })),
                'rule',
                accept,
            ),
        Task: (task: Task, accept) =>
            reportDuplicates(
                task.params.map((p) => ({ name: p.name, node: p })),
                'parameter',
                accept,
            ),
        Flow: (flow: Flow, accept) => this.checkFlowNames(flow, accept),
        NameExpression: (expression, accept) => this.checkUsedBeforeDefined(expression, accept),
    };

    private checkTopLevel(file: DprogFile, accept: ValidationAcceptor): void {
        const elements = file.elements.filter((e): e is typeof e & { name: string } => 'name' in e && typeof e.name === 'string');
        reportDuplicates(
            elements.map((e) => ({ name: e.name, node: e })),
            'declaration',
            accept,
        );
        const document = AstUtils.getDocument(file);
        if (document.uri.toString() === BUILTIN_LIBRARY_URI) {
            return;
        }
        for (const element of file.elements) {
            if (isBuiltinFunction(element) || isBuiltinMember(element)) {
                accept('error', `'builtin' declarations belong to the built-in library; declare a task, flow or field instead.`, {
                    node: element,
                    keyword: 'builtin',
                    code: NameIssues.builtinOutsideLibrary,
                    data: { code: NameIssues.builtinOutsideLibrary },
                });
            }
        }
        // Names visible from imports and the built-in library.
        const imported = new Map<string, { uri: string; builtin: boolean }>();
        const uris = new Set([BUILTIN_LIBRARY_URI, ...importedUris(document).map((u) => u.toString())]);
        uris.delete(document.uri.toString());
        for (const description of this.indexManager().allElements(undefined, uris)) {
            if (description.documentUri.toString() === BUILTIN_LIBRARY_URI && description.type !== 'BuiltinFunction') {
                continue; // built-in members live in their own namespace (after a dot)
            }
            if (!imported.has(description.name)) {
                imported.set(description.name, {
                    uri: description.documentUri.path,
                    builtin: description.documentUri.toString() === BUILTIN_LIBRARY_URI,
                });
            }
        }
        for (const element of elements) {
            const other = imported.get(element.name);
            if (!other) {
                continue;
            }
            if (other.builtin) {
                accept('error', `'${element.name}' is a built-in function; choose another name.`, {
                    node: element,
                    property: 'name',
                    code: NameIssues.shadowsBuiltin,
                    data: { code: NameIssues.shadowsBuiltin, name: element.name },
                });
            } else {
                const file = other.uri.split('/').pop();
                accept('error', `'${element.name}' is also declared in the imported file '${file}'; rename one of them.`, {
                    node: element,
                    property: 'name',
                    code: NameIssues.clashWithImport,
                    data: { code: NameIssues.clashWithImport, name: element.name },
                });
            }
        }
    }

    private checkDataset(dataset: Dataset, accept: ValidationAcceptor): void {
        const fields: Named[] = dataset.fields.map((f) => ({ name: f.name, node: f }));
        if (dataset.format === 'images') {
            for (const field of dataset.fields) {
                if ((IMAGE_DATASET_MEMBERS as readonly string[]).includes(field.name)) {
                    accept('error', `An images dataset already has the field '${field.name}'; choose another name.`, {
                        node: field,
                        property: 'name',
                        code: NameIssues.duplicate,
                        data: { code: NameIssues.duplicate, name: field.name },
                    });
                }
            }
        }
        reportDuplicates(fields, 'field', accept);
        for (const split of dataset.splits) {
            reportDuplicates(
                split.buckets.map((b) => ({ name: b.name, node: b })),
                'split bucket',
                accept,
            );
        }
    }

    /** Parameters, `let` names and loop variables share one namespace per flow. */
    private checkFlowNames(flow: Flow, accept: ValidationAcceptor): void {
        const names: Named[] = flow.params.map((p) => ({ name: p.name, node: p }));
        for (const node of AstUtils.streamAllContents(flow)) {
            if (isLetStatement(node)) {
                names.push({ name: node.name, node });
            } else if (isForStatement(node) && node.variable) {
                names.push({ name: node.variable.name, node: node.variable });
            }
        }
        reportDuplicates(names, 'name', accept);
    }

    private checkUsedBeforeDefined(expression: NameExpression, accept: ValidationAcceptor): void {
        const target = expression.target?.ref;
        if (!isLetStatement(target) || !target.$cstNode || !expression.$cstNode) {
            return;
        }
        if (expression.$cstNode.offset < target.$cstNode.end) {
            accept('error', `'${target.name}' is used before it is defined (line ${lineOf(target)}).`, {
                node: expression,
                code: NameIssues.usedBeforeDefined,
                data: { code: NameIssues.usedBeforeDefined, name: target.name },
            });
        }
    }
}
