/**
 * The `dprog.plan/v2` JSON Schema, written with zod 4: `labelingPlanSchema` validates a parsed plan;
 * `planJsonSchema()` is the published JSON Schema (committed as plan.schema.json; regenerate with
 * `npx tsx engine/src/plan/write-schema.ts`). Kept in step with types.ts: the
 * type assertions at the bottom fail to compile when the two disagree.
 */
import { z } from 'zod';
import { PLAN_SCHEMA, type LabelingPlan, type PlanExpression, type PlanLabelType } from './types.js';

const share = z.number().min(0).max(1);
const money = z.number().min(0);
const count = z.number().int().min(0);
const nullableString = z.string().nullable();

export const labelTypeSchema: z.ZodType<PlanLabelType> = z.lazy(() =>
    z.discriminatedUnion('kind', [
        z.object({ kind: z.enum(['choice', 'choices', 'box', 'polygon', 'point', 'span']), labelSet: z.string(), text: z.string() }),
        z.object({ kind: z.literal('text'), text: z.string() }),
        z.object({ kind: z.literal('number'), min: z.number().nullable(), max: z.number().nullable(), text: z.string() }),
        z.object({ kind: z.literal('bool'), text: z.string() }),
        z.object({ kind: z.literal('list'), element: labelTypeSchema, text: z.string() }),
    ]),
);

/** A flow or rule expression's tree (see PlanExpression). */
export const expressionSchema: z.ZodType<PlanExpression> = z.lazy(() =>
    z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('literal'), value: z.union([z.string(), z.number(), z.boolean()]) }),
        z.object({ kind: z.literal('item') }),
        z.object({ kind: z.literal('loop'), depth: z.number().int().min(0), variable: z.string() }),
        z.object({ kind: z.literal('result'), stage: z.string() }),
        z.object({ kind: z.literal('labelMember'), name: z.string() }),
        z.object({ kind: z.literal('parameter'), name: z.string() }),
        z.object({ kind: z.literal('field'), of: expressionSchema, name: z.string() }),
        z.object({ kind: z.literal('crop'), image: expressionSchema, region: expressionSchema }),
        z.object({ kind: z.literal('length'), of: expressionSchema }),
        z.object({ kind: z.literal('not'), operand: expressionSchema }),
        z.object({ kind: z.literal('logical'), op: z.enum(['and', 'or']), left: expressionSchema, right: expressionSchema }),
        z.object({
            kind: z.literal('compare'),
            op: z.enum(['==', '!=', '<', '<=', '>', '>=']),
            left: expressionSchema,
            right: expressionSchema,
        }),
        z.object({ kind: z.literal('contains'), text: expressionSchema, value: z.string() }),
        z.object({ kind: z.literal('matches'), text: expressionSchema, pattern: z.string(), flags: z.string() }),
    ]),
);

const valueType = z.enum(['Text', 'String', 'Number', 'Bool', 'Image']);

const parameterSchema = z.object({
    name: z.string(),
    type: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('dataset'), dataset: z.string(), text: z.string() }),
        z.object({ kind: z.literal('value'), type: valueType, text: z.string() }),
        z.object({ kind: z.literal('label'), type: labelTypeSchema, text: z.string() }),
    ]),
});

const datasetSchema = z.object({
    name: z.string(),
    format: z.enum(['jsonl', 'csv', 'images']),
    path: z.string(),
    fields: z.array(z.object({ name: z.string(), type: valueType, key: z.boolean(), source: nullableString })),
    key: nullableString,
    split: z.object({ field: z.string(), buckets: z.array(z.object({ name: z.string(), share })) }).nullable(),
    items: count.nullable(),
});

const labelSetSchema = z.object({
    name: z.string(),
    description: nullableString,
    members: z.array(z.object({ name: z.string(), description: nullableString, hotkey: nullableString, from: z.array(z.string()) })),
});

const accuracySource = z.enum(['declared', 'default']);
const labelerCommon = { name: z.string(), description: nullableString, cost: money, accuracy: share, accuracySource };

const labelerSchema = z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('human'), ...labelerCommon, skills: z.array(z.string()), pool: z.number().int().min(1) }),
    z.object({
        kind: z.literal('model'),
        ...labelerCommon,
        path: z.string(),
        input: z.object({
            field: nullableString,
            fields: z.array(z.string()).optional(),
            featurizer: z
                .discriminatedUnion('kind', [
                    z.object({ kind: z.literal('hashed'), dims: z.number().int().min(1), unsigned: z.boolean().optional() }),
                    z.object({ kind: z.literal('resize'), width: z.number().int().min(1).nullable(), height: z.number().int().min(1) }),
                ])
                .nullable(),
            normalization: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }).nullable(),
        }),
        output: labelTypeSchema.nullable(),
        decoder: z.object({ kind: z.string(), vocabulary: nullableString, threshold: z.number().nullable() }).nullable(),
    }),
    z.object({
        kind: z.literal('rules'),
        ...labelerCommon,
        dataset: z.string(),
        output: labelTypeSchema,
        rules: z.array(z.object({ name: z.string(), condition: z.string(), tree: expressionSchema, member: z.string() })),
    }),
]);

const labelerKind = z.enum(['human', 'model', 'rules']);

const taskSchema = z.object({
    name: z.string(),
    description: nullableString,
    contractHash: z.string().regex(/^[0-9a-f]{64}$/),
    input: z.array(parameterSchema),
    output: labelTypeSchema,
    classes: z.array(z.string()),
    question: nullableString,
    show: z.array(z.object({ expression: z.string(), field: nullableString, type: z.string() })),
    skills: z.array(z.string()),
    eligible: z.array(z.object({ labeler: z.string(), kind: labelerKind, eligible: z.boolean(), reason: nullableString })),
    route: z.object({
        strategy: z.enum(['cascade', 'best']),
        declared: z.boolean(),
        stages: z.array(
            z.object({
                labeler: z.string(),
                kind: labelerKind,
                cost: money,
                accuracy: share,
                answers: z.number().int().min(1),
                accuracyPerCost: z.number().min(0).nullable(),
            }),
        ),
        stopping: z.string(),
    }),
    quality: z.object({
        target: share,
        aggregate: z.enum(['majority', 'dawid_skene', 'one_coin', 'wawa', 'mace', 'box_consensus']),
        gold: share,
        maxLabels: z.number().int().min(1),
        defaulted: z.array(z.enum(['target', 'aggregate', 'gold', 'maxLabels'])),
    }),
    redundancy: z.object({
        classes: z.number().int().min(2),
        minAnswers: z.number().int().min(1).nullable(),
        maxAnswers: count,
        expectedAnswers: z.number().min(0),
        reachProbability: share,
        expectedAccuracy: share,
    }),
    cost: z.object({
        perItem: money,
        maxPerItem: money,
        items: count.nullable(),
        total: money.nullable(),
        budget: money.nullable(),
        withinBudget: z.boolean().nullable(),
    }),
    dataset: nullableString,
});

const loopSchema = z.object({ variable: z.string(), over: z.string(), tree: expressionSchema });

const stageSchema = z.object({
    id: z.string(),
    task: z.string(),
    binds: nullableString,
    dependsOn: z.array(z.string()),
    conditions: z.array(
        z.object({ kind: z.enum(['where', 'if', 'else']), expression: z.string(), tree: expressionSchema, reads: z.array(z.string()) }),
    ),
    inputs: z.array(
        z.object({
            parameter: z.string(),
            expression: z.string(),
            tree: expressionSchema,
            derivation: z.enum(['item', 'field', 'crop', 'value']),
        }),
    ),
    forEach: loopSchema.nullable(),
    loops: z.array(loopSchema).optional(),
    via: z.array(z.string()),
});

const flowSchema = z.object({
    name: z.string(),
    description: nullableString,
    input: z.array(parameterSchema),
    stages: z.array(stageSchema),
});

const learnSchema = z.object({
    task: z.string(),
    model: z.string(),
    strategy: z.enum(['least_confidence', 'margin', 'entropy', 'random']),
    diversity: share,
    batch: z.number().int().min(1),
    budgetLabels: count.nullable(),
    retrainEvery: z.number().int().min(1).nullable(),
    stop: z.object({ accuracy: share, split: z.string() }).nullable(),
    features: nullableString,
    seed: z.number().int(),
    sampleSplit: z.string(),
});

const bounds = z.object({ min: share, max: share });
const monitorSchema = z.discriminatedUnion('kind', [
    z.object({
        kind: z.literal('shift'),
        source: z.string(),
        field: nullableString,
        metric: z.enum(['psi', 'ks']),
        warn: z.number().nullable(),
        alert: z.number().nullable(),
    }),
    z.object({
        kind: z.literal('predictions'),
        model: z.string(),
        confidence: bounds.nullable(),
        rates: z.array(z.object({ member: z.string(), min: share, max: share })),
    }),
]);

export const labelingPlanSchema = z
    .object({
        schema: z.literal(PLAN_SCHEMA),
        program: z.string(),
        version: z.number().int().min(1),
        description: nullableString,
        hash: z.string().regex(/^[0-9a-f]{64}$/),
        datasets: z.array(datasetSchema),
        labelSets: z.array(labelSetSchema),
        labelers: z.array(labelerSchema),
        tasks: z.array(taskSchema),
        flows: z.array(flowSchema),
        learn: z.array(learnSchema),
        monitors: z.array(monitorSchema),
        totals: z.object({ expectedCost: money.nullable(), budget: money, expectedAccuracy: share.nullable() }),
        warnings: z.array(z.object({ code: z.string(), subject: nullableString, message: z.string() })),
    })
    .meta({ title: 'dprog labeling plan', description: 'A compiled data program (dprog.plan/v2): see engine/src/plan/types.ts.' });

/** The published JSON Schema of `dprog.plan/v2` (draft 2020-12). */
export function planJsonSchema(): Record<string, unknown> {
    return {
        $id: 'https://dprog.dev/schemas/dprog.plan/v2.json',
        ...z.toJSONSchema(labelingPlanSchema, { target: 'draft-2020-12' }),
    } as Record<string, unknown>;
}

// The schema and the hand-written types must agree both ways.
type Parsed = z.infer<typeof labelingPlanSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesAgree: Same<Parsed, LabelingPlan> = true;
void typesAgree;
