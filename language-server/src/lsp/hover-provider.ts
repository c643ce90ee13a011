/**
 * Hover: what a declaration is and means, in the words of the program. Tasks show their input,
 * output, route, quality target and budget; labelers their cost and accuracy; label sets and
 * members their descriptions and hotkeys; variables and member accesses their inferred types.
 */
import { AstUtils, CstUtils, GrammarAST, type AstNode, type LangiumDocument, type MaybePromise } from 'langium';
import { AstNodeHoverProvider } from 'langium/lsp';
import type { Hover, HoverParams } from 'vscode-languageserver';
import {
    isBuiltinFunction,
    isBuiltinMember,
    isDataset,
    isDatasetTypeRef,
    isField,
    isFlow,
    isHumanLabeler,
    isLabelMember,
    isLabelSet,
    isLetStatement,
    isLoopVariable,
    isMemberAccess,
    isModelLabeler,
    isParameter,
    isProgramHeader,
    isRulesLabeler,
    isTask,
    type Dataset,
    type Flow,
    type HumanLabeler,
    type LabelMember,
    type LabelSet,
    type LabelType,
    type ModelLabeler,
    type Parameter,
    type RulesLabeler,
    type Task,
    type DprogFile,
} from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';
import type { compileDocument } from '../compiler/compile-document.js';
import type { LabelingPlan, PlanTask } from '../../../engine/src/plan/types.js';
import type { DprogTypeComputer } from '../types/type-computer.js';
import { typeToString } from '../types/type-descriptions.js';
import { KEYWORD_DOCS } from './keyword-docs.js';

export class DprogHoverProvider extends AstNodeHoverProvider {
    private readonly types: DprogTypeComputer;
    private readonly services: DprogServices;
    /** The compiled plan per parse of a document, for expected cost and accuracy. */
    private readonly plans = new WeakMap<AstNode, LabelingPlan | undefined>();
    /** The compiler, loaded on the first hover (the server starts without it). */
    private compile: typeof compileDocument | undefined;

    constructor(services: DprogServices) {
        super(services);
        this.types = services.types.TypeComputer;
        this.services = services;
    }

    /** The plan's view of a task, when its document compiles (no errors); undefined otherwise. */
    private plannedTask(task: Task): PlanTask | undefined {
        const document = AstUtils.getDocument(task) as LangiumDocument<DprogFile>;
        const root = document.parseResult.value;
        if (!this.plans.has(root)) {
            let plan: LabelingPlan | undefined;
            if (this.compile && !(document.diagnostics ?? []).some((d) => d.severity === 1)) {
                try {
                    plan = this.compile(this.services, document, { countItems: false });
                } catch {
                    plan = undefined; // hover still shows what the program says
                }
            }
            this.plans.set(root, plan);
        }
        return this.plans.get(root)?.tasks.find((t) => t.name === task.name);
    }

    override async getHoverContent(document: LangiumDocument, params: HoverParams): Promise<Hover | undefined> {
        this.compile ??= (await import('../compiler/compile-document.js')).compileDocument;
        const root = document.parseResult.value.$cstNode;
        if (root) {
            // `b.label`: the member's type on this receiver, not only the member's declaration.
            const offset = document.textDocument.offsetAt(params.position);
            const leaf = CstUtils.findDeclarationNodeAtOffset(root, offset, this.grammarConfig.nameRegexp);
            const access = leaf?.astNode;
            const refNode = isMemberAccess(access) ? access.member?.$refNode : undefined;
            if (
                isMemberAccess(access) &&
                leaf &&
                refNode &&
                refNode.offset <= leaf.offset &&
                leaf.end <= refNode.end &&
                access.member?.ref
            ) {
                const member = access.member!.ref!;
                const type = typeToString(this.types.typeOf(access));
                const receiver = access.receiver?.$cstNode?.text ?? '';
                const about = member.description ?? (isField(member) ? `A field of dataset '${member.$container.name}'.` : undefined);
                return markdown([code(`(member) ${receiver}.${member.name}: ${type}`), about]);
            }
        }
        return super.getHoverContent(document, params);
    }

    protected override getKeywordHoverContent(keyword: AstNode): MaybePromise<Hover | undefined> {
        const value = GrammarAST.isKeyword(keyword) ? keyword.value : undefined;
        const doc = value ? KEYWORD_DOCS[value] : undefined;
        return doc ? markdown([doc]) : undefined;
    }

    protected getAstNodeHoverContent(node: AstNode): MaybePromise<string | undefined> {
        if (isTask(node)) {
            return this.task(node);
        }
        if (isHumanLabeler(node)) {
            return human(node);
        }
        if (isModelLabeler(node)) {
            return this.model(node);
        }
        if (isRulesLabeler(node)) {
            return this.rules(node);
        }
        if (isLabelSet(node)) {
            return labelSet(node);
        }
        if (isLabelMember(node)) {
            return labelMember(node);
        }
        if (isDataset(node)) {
            return dataset(node);
        }
        if (isField(node)) {
            const key = node.key ? 'key ' : '';
            const source = node.source ? ` (read from "${node.source}")` : '';
            return join([
                code(`${key}${node.name}: ${node.type}`),
                `A field of dataset \`${node.$container.name}\`${source}.`,
                node.description,
            ]);
        }
        if (isFlow(node)) {
            return this.flow(node);
        }
        if (isParameter(node)) {
            return join([code(`(parameter) ${node.name}: ${typeToString(this.types.typeOf(node))}`), this.datasetNote(node)]);
        }
        if (isLetStatement(node)) {
            return code(`let ${node.name}: ${typeToString(this.types.typeOf(node))}`);
        }
        if (isLoopVariable(node)) {
            return code(`(loop variable) ${node.name}: ${typeToString(this.types.typeOf(node))}`);
        }
        if (isBuiltinFunction(node)) {
            return join([code(`(built-in) ${node.name}(${node.parameters.join(', ')})`), node.description]);
        }
        if (isBuiltinMember(node)) {
            return join([code(`(built-in member) .${node.name}`), node.description]);
        }
        if (isProgramHeader(node)) {
            return join([code(`program ${node.name} version ${node.version ?? 1}`), node.description]);
        }
        return undefined;
    }

    private task(task: Task): string {
        const signature = `task ${task.name}(${task.params.map((p) => this.param(p)).join(', ')}) -> ${this.written(task.output)}`;
        const planned = this.plannedTask(task);
        const defaultStages = planned?.route.stages.map((stage) => stage.labeler).join(' → ');
        const route = task.route
            ? `${task.route.strategy} ${task.route.labelers.map((l) => l.$refText).join(task.route.strategy === 'cascade' ? ' → ' : ', ')}`
            : `not written, so the default: a cascade of every eligible labeler (rules, models, then people, cheapest ` +
              `first)${defaultStages !== undefined ? `: ${defaultStages || 'none is eligible'}` : ''}`;
        const quality = task.quality;
        const qualityParts = planned
            ? plannedQuality(planned)
            : quality
              ? [
                    quality.target !== undefined ? `target ${percent(quality.target)}` : undefined,
                    quality.aggregate ? `aggregate ${quality.aggregate}` : undefined,
                    quality.gold !== undefined ? `gold ${percent(quality.gold)}` : undefined,
                    quality.maxLabels !== undefined ? `at most ${quality.maxLabels} labels` : undefined,
                ].filter(Boolean)
              : [];
        return join([
            code(signature),
            task.description,
            bullets([
                ['Input', task.params.map((p) => `\`${p.name}\`: ${this.describeParamType(p)}`).join(', ') || 'none'],
                ['Output', `\`${this.written(task.output)}\`${membersOf(labelSetIn(task.output))}`],
                ['Ask', task.question ? `"${task.question}"` : undefined],
                ['Route', route],
                ['Requires skills', task.skills.length > 0 ? task.skills.join(', ') : undefined],
                ['Quality', qualityParts.length > 0 ? qualityParts.join(', ') : 'no target set'],
                ['Budget', task.budget !== undefined ? money(task.budget) : undefined],
                ['Expected', this.expectation(task)],
            ]),
        ]);
    }

    /** Expected cost and accuracy per item, from the compiled plan. */
    private expectation(task: Task): string | undefined {
        const planned = this.plannedTask(task);
        if (!planned) {
            return undefined;
        }
        const { cost, redundancy } = planned;
        return (
            `${money(cost.perItem)} per item (at most ${money(cost.maxPerItem)}), accuracy ${percent(redundancy.expectedAccuracy)}, ` +
            `${redundancy.expectedAnswers} answers per item; ${percent(redundancy.reachProbability)} of items reach the target ` +
            `(compiled plan)`
        );
    }

    private model(model: ModelLabeler): string {
        const input = model.input?.$cstNode?.text.replace(/\s+/g, ' ');
        return join([
            code(`labeler ${model.name}: model "${model.path}"`),
            model.description,
            bullets([
                ['Input', input ? `\`${input}\`` : undefined],
                ['Output', model.output ? `\`${this.written(model.output)}\`` : undefined],
                ['Cost', model.cost !== undefined ? `${money(model.cost)} per item` : '$0 (runs locally)'],
                [
                    'Accuracy',
                    model.accuracy !== undefined
                        ? `${percent(model.accuracy)} (prior; estimated from gold answers and agreement)`
                        : 'estimated from gold answers and agreement',
                ],
            ]),
        ]);
    }

    private rules(rules: RulesLabeler): string {
        return join([
            code(`rules ${rules.name} on ${rules.dataset?.$refText ?? '?'} -> ${this.written(rules.output)}`),
            rules.description,
            `Weak supervision: ${rules.rules.length} rule${rules.rules.length === 1 ? '' : 's'}, each votes for one member or ` +
                `abstains. Cost $0.`,
            bullets(rules.rules.map((rule) => [rule.name, `→ \`${rule.member?.$refText ?? '?'}\``])),
        ]);
    }

    private flow(flow: Flow): string {
        const calls = new Set<string>();
        for (const node of flowCalls(flow)) {
            calls.add(node);
        }
        return join([
            code(`flow ${flow.name}(${flow.params.map((p) => this.param(p)).join(', ')})`),
            flow.description,
            calls.size > 0 ? `Calls ${[...calls].map((c) => `\`${c}\``).join(', ')}.` : undefined,
        ]);
    }

    private param(parameter: Parameter): string {
        return `${parameter.name}: ${parameter.type?.$cstNode?.text ?? '?'}`;
    }

    private describeParamType(parameter: Parameter): string {
        const type = parameter.type;
        if (isDatasetTypeRef(type) && type.dataset?.ref) {
            return `one item of dataset \`${type.dataset.ref.name}\` (${type.dataset.ref.format})`;
        }
        return `\`${type ? typeToString(this.types.typeOf(type)) : '?'}\``;
    }

    private datasetNote(parameter: Parameter): string | undefined {
        const type = parameter.type;
        return isDatasetTypeRef(type) && type.dataset?.ref ? `One item of dataset \`${type.dataset.ref.name}\`.` : undefined;
    }

    private written(type: LabelType | undefined): string {
        return type ? typeToString(this.types.typeOf(type)) : '?';
    }
}

function human(labeler: HumanLabeler): string {
    return join([
        code(`labeler ${labeler.name}: human`),
        labeler.description,
        bullets([
            ['Cost', labeler.cost !== undefined ? `${money(labeler.cost)} per item` : '$0'],
            [
                'Accuracy',
                labeler.accuracy !== undefined
                    ? `${percent(labeler.accuracy)} (prior; updated from gold answers and agreement)`
                    : 'unknown until estimated from gold answers and agreement',
            ],
            ['Pool', labeler.pool !== undefined ? `${labeler.pool} interchangeable people` : undefined],
            ['Skills', labeler.skills.length > 0 ? labeler.skills.join(', ') : undefined],
        ]),
    ]);
}

function labelSet(set: LabelSet): string {
    return join([code(`labels ${set.name}`), set.description, bullets(set.members.map((m) => [`\`${m.name}\``, memberSummary(m) || ' ']))]);
}

function labelMember(member: LabelMember): string {
    return join([
        code(`(member of ${member.$container.name}) ${member.name}`),
        member.description,
        bullets([
            ['Hotkey', member.hotkey ? `\`${member.hotkey}\`` : undefined],
            ['From', member.sources.length > 0 ? `${member.sources.join(', ')} (previous version)` : undefined],
        ]),
    ]);
}

function dataset(set: Dataset): string {
    const fields =
        set.format === 'images'
            ? ([
                  ['`path`', 'String (key, implicit)'],
                  ['`image`', 'Image (implicit)'],
              ] as Array<[string, string]>)
            : [];
    for (const f of set.fields) {
        fields.push([`\`${f.name}\``, `${f.type}${f.key ? ' (key)' : ''}${f.description ? ` — ${f.description}` : ''}`]);
    }
    const split = set.splits[0];
    return join([
        code(`dataset ${set.name} from ${set.format} "${set.path}"`),
        set.description,
        bullets(fields),
        split
            ? `Split by \`${split.field?.$refText ?? '?'}\`: ${split.buckets.map((b) => `${b.name} ${percent(b.share)}`).join(', ')}.`
            : undefined,
    ]);
}

function memberSummary(member: LabelMember): string {
    return [member.description, member.hotkey ? `key \`${member.hotkey}\`` : undefined].filter(Boolean).join(' · ');
}

function labelSetIn(type: LabelType | undefined): LabelSet | undefined {
    if (!type) {
        return undefined;
    }
    if (type.$type === 'ClassLabelType') {
        return type.labelSet?.ref;
    }
    return type.$type === 'ListLabelType' ? labelSetIn(type.element) : undefined;
}

function membersOf(set: LabelSet | undefined): string {
    return set ? ` — ${set.members.map((m) => m.name).join(', ')}` : '';
}

function* flowCalls(node: AstNode): Generator<string> {
    for (const [key, value] of Object.entries(node)) {
        if (key.startsWith('$')) {
            continue;
        }
        const children = Array.isArray(value) ? value : [value];
        for (const child of children) {
            if (child && typeof child === 'object' && '$type' in child) {
                if (child.$type === 'CallExpression') {
                    const callee = (child as { callee?: { $refText: string } }).callee;
                    if (callee) {
                        yield callee.$refText;
                    }
                }
                yield* flowCalls(child as AstNode);
            }
        }
    }
}

function code(text: string): string {
    return `\`\`\`dprog\n${text}\n\`\`\``;
}

function bullets(rows: Array<[string, string | undefined]>): string | undefined {
    const lines = rows.filter(([, value]) => value !== undefined).map(([name, value]) => `- **${name}**: ${value}`);
    return lines.length > 0 ? lines.join('\n') : undefined;
}

function join(parts: Array<string | undefined>): string {
    return parts.filter((p): p is string => p !== undefined && p.length > 0).join('\n\n');
}

function markdown(parts: Array<string | undefined>): Hover {
    return { contents: { kind: 'markdown', value: join(parts) } };
}

function percent(ratio: number | undefined): string {
    if (ratio === undefined) {
        return '?';
    }
    return `${Number((ratio * 100).toFixed(4))}%`;
}

function money(value: number): string {
    if (Number.isInteger(value)) {
        return `$${value}`;
    }
    const cents = value * 100;
    return `$${Math.abs(cents - Math.round(cents)) < 1e-9 ? value.toFixed(2) : String(Number(value.toPrecision(3)))}`;
}

/** The quality the plan applies, each value left out marked as the default. */
function plannedQuality(planned: PlanTask): string[] {
    const { target, aggregate, gold, maxLabels, defaulted } = planned.quality;
    const mark = (key: PlanTask['quality']['defaulted'][number], text: string) => (defaulted.includes(key) ? `${text} (default)` : text);
    return [
        mark('target', `target ${percent(target)}`),
        mark('aggregate', `aggregate ${aggregate}`),
        mark('gold', `gold ${percent(gold)}`),
        mark('maxLabels', `at most ${maxLabels} labels`),
    ];
}
