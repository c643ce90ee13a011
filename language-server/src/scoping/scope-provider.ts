/**
 * What each name can refer to. Top-level names are visible in their own file, in the files that
 * import it, and from the built-in library; members (`x.body`, `.label`), label set members after
 * `==` and `=>`, and dataset fields in rules and splits are scoped by the type on their left.
 */
import {
    AstUtils,
    DefaultScopeProvider,
    EMPTY_SCOPE,
    MultiMapScope,
    URI,
    WorkspaceCache,
    type LangiumDocuments,
    type ReferenceInfo,
    type Scope,
} from 'langium';
import {
    isBinaryExpression,
    isBuiltinMember,
    isClassLabelType,
    isCompareCondition,
    isContainsCondition,
    isDataset,
    isDprogFile,
    isLengthCondition,
    isListLabelType,
    isMatchesCondition,
    isMemberAccess,
    isNameExpression,
    isRateBound,
    isRule,
    isRulesLabeler,
    isShiftMonitor,
    isSplit,
    type BuiltinMember,
    type Dataset,
    type LabelSet,
    type LabelType,
} from '../generated/ast.js';
import { BUILTIN_LIBRARY_URI, IMAGE_DATASET_MEMBERS } from '../builtins/builtin-library.js';
import { builtinMemberType } from '../types/builtin-types.js';
import { labelSetOf, type DprogType } from '../types/type-descriptions.js';
import type { DprogTypeComputer } from '../types/type-computer.js';
import type { DprogServices } from '../dprog-module.js';
import { importedUris } from '../workspace/imports.js';

const COMPARISON_OPERATORS = new Set(['==', '!=']);

export class DprogScopeProvider extends DefaultScopeProvider {
    private readonly typeComputer: DprogTypeComputer;
    private readonly documents: LangiumDocuments;
    private readonly visibleScopes: WorkspaceCache<string, Scope>;

    constructor(services: DprogServices) {
        super(services);
        this.typeComputer = services.types.TypeComputer;
        this.documents = services.shared.workspace.LangiumDocuments;
        this.visibleScopes = new WorkspaceCache(services.shared);
    }

    override getScope(context: ReferenceInfo): Scope {
        const { container, property } = context;
        if (isMemberAccess(container) && property === 'member') {
            return this.membersOfType(this.typeComputer.typeOf(container.receiver));
        }
        if (isSplit(container) && property === 'field') {
            const dataset = AstUtils.getContainerOfType(container, isDataset);
            return dataset ? this.datasetMembers(dataset) : EMPTY_SCOPE;
        }
        if (
            (isContainsCondition(container) ||
                isMatchesCondition(container) ||
                isLengthCondition(container) ||
                isCompareCondition(container)) &&
            property === 'field'
        ) {
            const dataset = AstUtils.getContainerOfType(container, isRulesLabeler)?.dataset?.ref;
            return dataset ? this.datasetMembers(dataset) : EMPTY_SCOPE;
        }
        if (isRule(container) && property === 'member') {
            const rules = AstUtils.getContainerOfType(container, isRulesLabeler);
            return this.labelSetMembers(labelSetOfWritten(rules?.output));
        }
        if (isRateBound(container) && property === 'member') {
            const monitor = container.$container;
            return this.labelSetMembers(labelSetOfWritten(monitor.model?.ref?.output));
        }
        if (isShiftMonitor(container) && property === 'field') {
            const source = container.source?.ref;
            return isDataset(source) ? this.datasetMembers(source) : EMPTY_SCOPE;
        }
        if (isNameExpression(container) && property === 'target') {
            const comparison = container.$container;
            if (isBinaryExpression(comparison) && comparison.right === container && COMPARISON_OPERATORS.has(comparison.operator)) {
                // `b.label == truck`: members of the left side's label set come first.
                const labelSet = labelSetOf(this.typeComputer.typeOf(comparison.left));
                if (labelSet) {
                    return this.createScopeForNodes(labelSet.members, super.getScope(context));
                }
            }
        }
        return super.getScope(context);
    }

    /** Top-level names of this file, the files it imports, and the built-in library. */
    protected override getGlobalScope(referenceType: string, context: ReferenceInfo): Scope {
        const document = AstUtils.getDocument(context.container);
        const key = `${document.uri.toString()}\u0000${referenceType}`;
        return this.visibleScopes.get(key, () => {
            const uris = new Set<string>([document.uri.toString(), BUILTIN_LIBRARY_URI]);
            for (const uri of importedUris(document)) {
                uris.add(uri.toString());
            }
            return new MultiMapScope(this.indexManager.allElements(referenceType, uris));
        });
    }

    /** What `x.` can be followed by, given x's type. */
    membersOfType(type: DprogType): Scope {
        if (type.kind === 'dataset') {
            return this.datasetMembers(type.dataset);
        }
        const builtins = this.builtinMembers().filter((member) => builtinMemberType(member.name, type) !== undefined);
        return this.createScopeForNodes(builtins);
    }

    private datasetMembers(dataset: Dataset): Scope {
        const implicit =
            dataset.format === 'images'
                ? this.builtinMembers().filter((member) => (IMAGE_DATASET_MEMBERS as readonly string[]).includes(member.name))
                : [];
        return this.createScopeForNodes([...dataset.fields, ...implicit]);
    }

    private labelSetMembers(labelSet: LabelSet | undefined): Scope {
        return labelSet ? this.createScopeForNodes(labelSet.members) : EMPTY_SCOPE;
    }

    private builtinMembers(): BuiltinMember[] {
        const uri = URI.parse(BUILTIN_LIBRARY_URI);
        if (!this.documents.hasDocument(uri)) {
            return [];
        }
        const root = this.documents.getDocument(uri)?.parseResult.value;
        return isDprogFile(root) ? root.elements.filter(isBuiltinMember) : [];
    }
}

/** The label set of a written label type, looking through `list<…>`. */
export function labelSetOfWritten(type: LabelType | undefined): LabelSet | undefined {
    if (isClassLabelType(type)) {
        return type.labelSet?.ref;
    }
    if (isListLabelType(type)) {
        return labelSetOfWritten(type.element);
    }
    return undefined;
}
