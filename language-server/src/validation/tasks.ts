/**
 * Tasks: an input, a `show` of what the input has, a route whose labelers can produce the task's
 * output type (humans always can; models and rules by their declared output; rules and models
 * must read fields of the task's dataset), and `requires skills` that some labeler has.
 */
import { AstUtils, type LangiumDocuments, type ValidationAcceptor, type ValidationChecks } from 'langium';
import {
    isDprogFile,
    isHumanLabeler,
    isMemberAccess,
    isModelLabeler,
    isNameExpression,
    isParameter,
    isRulesLabeler,
    type DprogAstType,
    type HumanLabeler,
    type Task,
} from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';
import { isAssignable } from '../types/assignability.js';
import type { DprogTypeComputer } from '../types/type-computer.js';
import { typeToString } from '../types/type-descriptions.js';
import { importedUris } from '../workspace/imports.js';
import { checkModelInputOn } from './models.js';
import { datasetOfTask } from './util.js';

export const TaskIssues = {
    /** A task without parameters: nothing to label. */
    noInput: 'task/no-input',
    /** A `show` entry that is not a parameter or one of its fields. */
    showNotInput: 'task/show-not-input',
    /** A model or rules labeler whose declared output cannot be the task's output type (data: labeler). */
    incompatibleLabeler: 'route/incompatible-labeler',
    /** A rules labeler over another dataset than the task's input. */
    rulesDataset: 'route/rules-dataset',
    /** A labeler listed twice in a route. */
    duplicateLabeler: 'route/duplicate-labeler',
    /** In a cascade, a model or rules labeler after a person: people would be paid first. */
    cascadeOrder: 'route/cascade-order',
    /** `requires skills` that no human labeler has. */
    noEligibleLabeler: 'task/no-eligible-labeler',
    /** `requires skills` that no human in the route has (some labeler elsewhere has them). */
    noEligibleInRoute: 'task/no-eligible-in-route',
} as const;

export class TaskChecks {
    private readonly typeComputer: () => DprogTypeComputer;
    private readonly documents: () => LangiumDocuments;

    constructor(services: DprogServices) {
        this.typeComputer = () => services.types.TypeComputer;
        this.documents = () => services.shared.workspace.LangiumDocuments;
    }

    readonly checks: ValidationChecks<DprogAstType> = {
        Task: [
            (task, accept) => this.checkInput(task, accept),
            (task, accept) => this.checkShow(task, accept),
            (task, accept) => this.checkRoute(task, accept),
            (task, accept) => this.checkSkills(task, accept),
        ],
    };

    private checkInput(task: Task, accept: ValidationAcceptor): void {
        if (task.params.length === 0) {
            accept('error', `Task '${task.name}' needs an input to label, e.g. '(e: emails)' or '(img: Image)'.`, {
                node: task,
                property: 'name',
                code: TaskIssues.noInput,
                data: { code: TaskIssues.noInput },
            });
        }
    }

    private checkShow(task: Task, accept: ValidationAcceptor): void {
        task.show.forEach((expression, index) => {
            let root = expression;
            while (isMemberAccess(root)) {
                root = root.receiver;
            }
            const ok = isNameExpression(root) && (isParameter(root.target?.ref) || root.target?.ref === undefined);
            if (!ok) {
                accept(
                    'error',
                    `'show' lists what the labeler sees: a parameter of '${task.name}' or one of its fields, e.g. ` +
                        `'${task.params[0]?.name ?? 'e'}.body'.`,
                    {
                        node: task,
                        property: 'show',
                        index,
                        code: TaskIssues.showNotInput,
                        data: { code: TaskIssues.showNotInput },
                    },
                );
            }
        });
    }

    private checkRoute(task: Task, accept: ValidationAcceptor): void {
        const route = task.route;
        if (!route || !task.output) {
            return;
        }
        const output = this.typeComputer().typeOf(task.output);
        const dataset = datasetOfTask(task);
        const seen = new Set<unknown>();
        route.labelers.forEach((reference, index) => {
            const labeler = reference.ref;
            if (!labeler) {
                return;
            }
            const at = { node: route, property: 'labelers', index } as const;
            if (seen.has(labeler)) {
                accept('warning', `'${labeler.name}' is already in this route.`, {
                    ...at,
                    code: TaskIssues.duplicateLabeler,
                    data: { code: TaskIssues.duplicateLabeler },
                });
                return;
            }
            seen.add(labeler);
            if (isHumanLabeler(labeler) || !labeler.output) {
                return;
            }
            const person =
                route.strategy === 'cascade'
                    ? route.labelers
                          .slice(0, index)
                          .map((r) => r.ref)
                          .find(isHumanLabeler)
                    : undefined;
            if (person) {
                accept(
                    'warning',
                    `'${labeler.name}' comes after the person '${person.name}': a cascade asks in order and stops when the label ` +
                        `is good enough, so put automatic labelers first.`,
                    {
                        ...at,
                        code: TaskIssues.cascadeOrder,
                        data: { code: TaskIssues.cascadeOrder, labeler: labeler.name, before: person.name },
                    },
                );
            }
            const produced = this.typeComputer().typeOf(labeler.output);
            if (!isAssignable(produced, output)) {
                const kind = isModelLabeler(labeler) ? 'Model' : 'Rules';
                accept(
                    'error',
                    `${kind} '${labeler.name}' produces '${typeToString(produced)}', but task '${task.name}' needs ` +
                        `'${typeToString(output)}'.`,
                    {
                        ...at,
                        code: TaskIssues.incompatibleLabeler,
                        data: { code: TaskIssues.incompatibleLabeler, labeler: labeler.name },
                    },
                );
                return;
            }
            if (isRulesLabeler(labeler)) {
                const rulesDataset = labeler.dataset?.ref;
                if (rulesDataset && rulesDataset !== dataset) {
                    const input = dataset
                        ? `items of '${dataset.name}'`
                        : `'${task.params.map((p) => p.type?.$cstNode?.text).join(', ')}' values`;
                    accept('error', `Rules '${labeler.name}' run on '${rulesDataset.name}', but task '${task.name}' labels ${input}.`, {
                        ...at,
                        code: TaskIssues.rulesDataset,
                        data: { code: TaskIssues.rulesDataset, labeler: labeler.name },
                    });
                }
            } else if (isModelLabeler(labeler) && dataset) {
                checkModelInputOn(labeler, dataset, accept, at);
            }
        });
    }

    private checkSkills(task: Task, accept: ValidationAcceptor): void {
        if (task.skills.length === 0) {
            return;
        }
        const has = (labeler: HumanLabeler): boolean => task.skills.every((skill) => labeler.skills.includes(skill));
        const skills = `[${task.skills.join(', ')}]`;
        const at = { node: task, keyword: 'skills' } as const;
        const routeHumans = (task.route?.labelers ?? []).map((r) => r.ref).filter(isHumanLabeler);
        if (routeHumans.some(has)) {
            return;
        }
        if (!this.visibleHumans(task).some(has)) {
            accept('error', `No human labeler has all the skills ${skills}; give one of them 'skills ${skills}'.`, {
                ...at,
                code: TaskIssues.noEligibleLabeler,
                data: { code: TaskIssues.noEligibleLabeler, skills: task.skills },
            });
        } else if (routeHumans.length > 0) {
            const who = routeHumans.map((h) => `'${h.name}' has ${h.skills.length ? `[${h.skills.join(', ')}]` : 'none'}`).join('; ');
            accept('warning', `No human in the route has all the skills ${skills} (${who}), so no person can label this task.`, {
                ...at,
                code: TaskIssues.noEligibleInRoute,
                data: { code: TaskIssues.noEligibleInRoute, skills: task.skills },
            });
        }
    }

    /** Human labelers declared in the task's file and the files it imports. */
    private visibleHumans(task: Task): HumanLabeler[] {
        const document = AstUtils.getDocument(task);
        const humans: HumanLabeler[] = [];
        for (const uri of [document.uri, ...importedUris(document)]) {
            const root = this.documents().getDocument(uri)?.parseResult.value;
            if (isDprogFile(root)) {
                for (const element of root.elements) {
                    if (isHumanLabeler(element)) {
                        humans.push(element);
                    }
                }
            }
        }
        return humans;
    }
}
