/** Labelers as plan entries, with the priors the program leaves out. */
import { isHashedFeaturizer, isResizeFeaturizer, type HumanLabeler, type ModelLabeler, type RulesLabeler } from '../generated/ast.js';
import type { PlanLabeler } from '../../../engine/src/plan/types.js';
import { planLabelType } from './label-types.js';
import { sourceText } from './source-text.js';
import { conditionTree } from './expression-tree.js';
import { refName } from './ref-name.js';

/**
 * Accuracy priors when a labeler declares none: a careful person, an untested model, and keyword
 * rules (which are noisy). Gold answers and agreement replace them at run time.
 */
export const DEFAULT_ACCURACY = { human: 0.8, model: 0.8, rules: 0.7 } as const;

export function planLabeler(labeler: HumanLabeler | ModelLabeler | RulesLabeler): PlanLabeler {
    const accuracy = (kind: keyof typeof DEFAULT_ACCURACY, declared: number | undefined) =>
        declared !== undefined && declared > 0 && declared <= 1
            ? { accuracy: declared, accuracySource: 'declared' as const }
            : { accuracy: DEFAULT_ACCURACY[kind], accuracySource: 'default' as const };
    const description = labeler.description ?? null;
    switch (labeler.$type) {
        case 'HumanLabeler':
            return {
                kind: 'human',
                name: labeler.name,
                description,
                skills: [...labeler.skills],
                cost: labeler.cost ?? 0,
                ...accuracy('human', labeler.accuracy),
                pool: labeler.pool !== undefined && labeler.pool >= 1 ? Math.floor(labeler.pool) : 1,
            };
        case 'ModelLabeler': {
            const featurizer = labeler.input?.featurizer;
            const normalization = labeler.input?.normalization;
            return {
                kind: 'model',
                name: labeler.name,
                description,
                path: labeler.path,
                input: {
                    field: labeler.input?.field ?? null,
                    ...(labeler.input?.otherFields.length ? { fields: [labeler.input.field, ...labeler.input.otherFields] } : {}),
                    featurizer: isHashedFeaturizer(featurizer)
                        ? { kind: 'hashed', dims: featurizer.dims, ...(featurizer.unsigned ? { unsigned: true } : {}) }
                        : isResizeFeaturizer(featurizer)
                          ? { kind: 'resize', width: featurizer.width ?? null, height: featurizer.height }
                          : null,
                    normalization: normalization ? { mean: [...normalization.mean], std: [...normalization.std] } : null,
                },
                output: planLabelType(labeler.output) ?? null,
                decoder: labeler.decoder
                    ? {
                          kind: labeler.decoder.kind,
                          vocabulary: labeler.decoder.vocabulary ?? null,
                          threshold: labeler.decoder.threshold ?? null,
                      }
                    : null,
                cost: labeler.cost ?? 0,
                ...accuracy('model', labeler.accuracy),
            };
        }
        case 'RulesLabeler':
            return {
                kind: 'rules',
                name: labeler.name,
                description,
                dataset: refName(labeler.dataset),
                output: planLabelType(labeler.output)!,
                rules: labeler.rules
                    .filter((r) => r.name && r.condition && r.member)
                    .map((r) => ({
                        name: r.name,
                        condition: sourceText(r.condition),
                        tree: conditionTree(r.condition),
                        member: refName(r.member),
                    })),
                cost: 0,
                ...accuracy('rules', labeler.accuracy),
            };
    }
}
