/**
 * Linking errors a person can act on: what kind of thing was expected, the closest visible name
 * ("Unknown labeler 'crwod'. Did you mean 'crowd'?"), and what a name is when it is the wrong kind
 * ("'crowd' is a human labeler, not a model labeler."). The suggestion and a stable issue code go
 * into the diagnostic's data (see workspace/document-validator.ts) for quick fixes.
 */
import { AstUtils, DefaultLinker, type AstNodeDescription, type IndexManager, type LinkingError, type ReferenceInfo } from 'langium';
import {
    isBinaryExpression,
    isDataset,
    isMemberAccess,
    isNameExpression,
    isRateBound,
    isRule,
    isRulesLabeler,
    isShiftMonitor,
    isSplit,
    type LabelSet,
} from '../generated/ast.js';
import { labelSetOfWritten } from './scope-provider.js';
import type { DprogServices } from '../dprog-module.js';
import { closestName } from '../types/closest-name.js';
import { labelSetOf, typeToString } from '../types/type-descriptions.js';
import type { DprogTypeComputer } from '../types/type-computer.js';
import { BUILTIN_LIBRARY_URI } from '../builtins/builtin-library.js';
import { importedUris } from '../workspace/imports.js';
import { NameIssues } from '../validation/names.js';

/** A linking error with the issue code and data its diagnostic carries. */
export interface DprogLinkingError extends LinkingError {
    code: string;
    data: { refText: string; suggestion?: string; labelSet?: string; [key: string]: unknown };
    /** True when the reference fails only because something it depends on failed (reported there). */
    cascade?: boolean;
}

export function isDprogLinkingError(error: LinkingError): error is DprogLinkingError {
    return typeof (error as Partial<DprogLinkingError>).code === 'string';
}

/** How a declaration's kind is said in messages. */
const KIND_WORDS: Record<string, string> = {
    Dataset: 'a dataset',
    LabelSet: 'a label set',
    HumanLabeler: 'a human labeler',
    ModelLabeler: 'a model labeler',
    RulesLabeler: 'a rules labeler',
    Task: 'a task',
    Flow: 'a flow',
    BuiltinFunction: 'a built-in function',
    Learn: 'a learn block',
    BuiltinMember: 'a built-in member',
};

/** What a reference expects, by its target type. */
const EXPECTED_WORDS: Record<string, string> = {
    LabelerDecl: 'labeler',
    ModelLabeler: 'model labeler',
    Dataset: 'dataset',
    LabelSet: 'label set',
    Task: 'task',
    Callable: 'task, flow or function',
    Referable: 'name',
    ShiftSource: 'dataset or model labeler',
    Member: 'member',
    LabelMember: 'member',
};

export class DprogLinker extends DefaultLinker {
    private readonly typeComputer: () => DprogTypeComputer;
    private readonly indexManager: () => IndexManager;

    constructor(services: DprogServices) {
        super(services);
        this.typeComputer = () => services.types.TypeComputer;
        this.indexManager = () => services.shared.workspace.IndexManager;
    }

    protected override createLinkingError(refInfo: ReferenceInfo, targetDescription?: AstNodeDescription): LinkingError {
        const base = super.createLinkingError(refInfo, targetDescription);
        try {
            return { ...base, ...this.describe(refInfo) };
        } catch {
            return base; // a message is better than a crash while the document is half-typed
        }
    }

    private describe(refInfo: ReferenceInfo): Pick<DprogLinkingError, 'message' | 'code' | 'data' | 'cascade'> {
        const name = refInfo.reference.$refText;
        const { container, property } = refInfo;
        if (this.dependsOnUnresolved(refInfo)) {
            return { message: `Unknown name '${name}'.`, code: NameIssues.unresolved, data: { refText: name }, cascade: true };
        }
        const candidates = (): string[] => {
            const names: string[] = [];
            for (const element of this.scopeProvider.getScope(refInfo).getAllElements()) {
                names.push(element.name);
                if (names.length >= 5000) {
                    break; // enough for a suggestion; never a slow error path
                }
            }
            return names;
        };

        // Members of a label set: rule votes, rates, and the right side of a label comparison.
        const labelSet = this.expectedLabelSet(refInfo);
        if (labelSet) {
            const suggestion = closestName(
                name,
                labelSet.members.map((m) => m.name),
            );
            return {
                message: `'${name}' is not a member of label set '${labelSet.name}'.${didYouMean(suggestion)}`,
                code: NameIssues.unknownLabelMember,
                data: { refText: name, suggestion, labelSet: labelSet.name },
            };
        }
        // Fields of a dataset: splits, rule conditions, shift monitors.
        const dataset = this.expectedDataset(refInfo);
        if (dataset) {
            const suggestion = closestName(name, candidates());
            return {
                message: `Dataset '${dataset}' has no field '${name}'.${didYouMean(suggestion)}`,
                code: NameIssues.unknownMember,
                data: { refText: name, suggestion, dataset },
            };
        }
        // `x.member`: what the receiver's type offers.
        if (isMemberAccess(container) && property === 'member') {
            const receiver = this.typeComputer().typeOf(container.receiver);
            if (receiver.kind === 'error') {
                return { message: `Unknown member '${name}'.`, code: NameIssues.unknownMember, data: { refText: name } };
            }
            const suggestion = closestName(name, candidates());
            const owner =
                receiver.kind === 'dataset'
                    ? `Dataset '${receiver.dataset.name}' has no field`
                    : `Type '${typeToString(receiver)}' has no member`;
            return {
                message: `${owner} '${name}'.${didYouMean(suggestion)}`,
                code: NameIssues.unknownMember,
                data: { refText: name, suggestion, receiverType: typeToString(receiver) },
            };
        }
        const expected = EXPECTED_WORDS[this.reflection.getReferenceType(refInfo)] ?? 'name';
        const suggestion = closestName(name, candidates());
        const actual = suggestion ? undefined : this.declarationKind(refInfo, name);
        const message = actual
            ? `'${name}' is ${actual}, not ${article(expected)} ${expected}.`
            : `Unknown ${expected} '${name}'.${didYouMean(suggestion)}`;
        return { message, code: NameIssues.unresolved, data: { refText: name, suggestion, expected } };
    }

    /**
     * Whether the scope of this reference comes from something that did not resolve itself (the
     * rules' label set or dataset, a monitor's model, the receiver of `x.m`, the left side of
     * `==`): then the first failure is the one to report.
     */
    private dependsOnUnresolved(refInfo: ReferenceInfo): boolean {
        const { container, property } = refInfo;
        const rules = AstUtils.getContainerOfType(container, isRulesLabeler);
        if (isRule(container) && property === 'member') {
            return !labelSetOfWritten(rules?.output);
        }
        if (rules && property === 'field') {
            return !rules.dataset?.ref;
        }
        if (isRateBound(container) && property === 'member') {
            return !labelSetOfWritten(container.$container.model?.ref?.output);
        }
        if (isShiftMonitor(container) && property === 'field') {
            return !container.source?.ref;
        }
        if (isMemberAccess(container) && property === 'member') {
            return this.typeComputer().typeOf(container.receiver).kind === 'error';
        }
        if (isNameExpression(container) && property === 'target') {
            const comparison = container.$container;
            return (
                isBinaryExpression(comparison) &&
                comparison.right === container &&
                (comparison.operator === '==' || comparison.operator === '!=') &&
                this.typeComputer().typeOf(comparison.left).kind === 'error'
            );
        }
        return false;
    }

    /** The label set whose members the reference must name, if it is such a reference. */
    private expectedLabelSet(refInfo: ReferenceInfo): LabelSet | undefined {
        const { container, property } = refInfo;
        if (isRule(container) && property === 'member') {
            return labelSetOfWritten(AstUtils.getContainerOfType(container, isRulesLabeler)?.output);
        }
        if (isRateBound(container) && property === 'member') {
            return labelSetOfWritten(container.$container.model?.ref?.output);
        }
        if (isNameExpression(container) && property === 'target') {
            const comparison = container.$container;
            if (
                isBinaryExpression(comparison) &&
                comparison.right === container &&
                (comparison.operator === '==' || comparison.operator === '!=')
            ) {
                return labelSetOf(this.typeComputer().typeOf(comparison.left));
            }
        }
        return undefined;
    }

    /** The name of the dataset whose fields the reference must name, if it is such a reference. */
    private expectedDataset(refInfo: ReferenceInfo): string | undefined {
        const { container, property } = refInfo;
        if (property !== 'field') {
            return undefined;
        }
        if (isSplit(container)) {
            return AstUtils.getContainerOfType(container, isDataset)?.name;
        }
        if (isShiftMonitor(container)) {
            return isDataset(container.source?.ref) ? container.source?.ref.name : undefined;
        }
        const rules = AstUtils.getContainerOfType(container, isRulesLabeler);
        return rules?.dataset?.ref?.name;
    }

    /** What a visible top-level declaration of this name is, when it exists but is the wrong kind. */
    private declarationKind(refInfo: ReferenceInfo, name: string): string | undefined {
        const document = AstUtils.getDocument(refInfo.container);
        const uris = new Set<string>([document.uri.toString(), BUILTIN_LIBRARY_URI, ...importedUris(document).map(String)]);
        const found = this.indexManager()
            .allElements(undefined, uris)
            .find((d) => d.name === name);
        return found ? KIND_WORDS[found.type] : undefined;
    }
}

function didYouMean(suggestion: string | undefined): string {
    return suggestion ? ` Did you mean '${suggestion}'?` : '';
}

function article(word: string): string {
    return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
