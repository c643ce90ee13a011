/**
 * The labeling plan (`dprog.plan/v2`): what the compiler makes of a checked data program, and what
 * the engine executes, the extension shows and a person approves. Plain JSON values only (no
 * classes, no `undefined` where JSON would lose it): a plan round-trips through JSON unchanged.
 *
 * Stability: fields are only ever added (optional) within v2. Names are the program's names;
 * money is in the program's currency units (`$0.05` is 0.05); shares and accuracies are in [0, 1].
 * Arrays are in a stable order (declaration order unless a field says otherwise), so the same
 * program always yields byte-identical JSON.
 *
 * v2 (this format) carries flow and rule expressions as typed trees ({@link PlanExpression}) beside
 * their source text; v1 carried the text only. A v1 plan is upgraded when read (plan/v1/upgrade.ts).
 */

/** The schema identifier every v2 plan carries. */
export const PLAN_SCHEMA = 'dprog.plan/v2' as const;

/** The schema identifier of the previous format, which is upgraded when read. */
export const PLAN_SCHEMA_V1 = 'dprog.plan/v1' as const;

/** A labeling plan: a whole program, resolved. */
export interface LabelingPlan {
    schema: typeof PLAN_SCHEMA;
    /** The program's name (`program NAME`), or the file's base name when it has no header. */
    program: string;
    /** The program's version (`version N`, default 1). */
    version: number;
    /** The program's description, or null. */
    description: string | null;
    /** sha256 (hex) of the plan's canonical JSON without this field: equal hashes mean equal plans. */
    hash: string;
    datasets: PlanDataset[];
    labelSets: PlanLabelSet[];
    labelers: PlanLabeler[];
    tasks: PlanTask[];
    flows: PlanFlow[];
    learn: PlanLearn[];
    monitors: PlanMonitor[];
    /** Totals over every task. */
    totals: PlanTotals;
    /** Problems the compiler found that do not stop the plan (over budget, unknown item counts, …). */
    warnings: PlanWarning[];
}

// ---------------------------------------------------------------- types

/** A label type (language.md §5), structured. `text` in each variant is its source spelling, e.g. `list<box<Vehicle>>`. */
export type PlanLabelType =
    | { kind: 'choice' | 'choices' | 'box' | 'polygon' | 'point' | 'span'; labelSet: string; text: string }
    | { kind: 'text'; text: string }
    | { kind: 'number'; min: number | null; max: number | null; text: string }
    | { kind: 'bool'; text: string }
    | { kind: 'list'; element: PlanLabelType; text: string };

/** The value types of dataset fields (language.md §3). */
export type PlanValueType = 'Text' | 'String' | 'Number' | 'Bool' | 'Image';

/** The type of a task or flow parameter. */
export type PlanParameterType =
    | { kind: 'dataset'; dataset: string; text: string }
    | { kind: 'value'; type: PlanValueType; text: string }
    | { kind: 'label'; type: PlanLabelType; text: string };

export interface PlanParameter {
    name: string;
    type: PlanParameterType;
}

// ---------------------------------------------------------------- datasets and label sets

export interface PlanDataset {
    name: string;
    format: 'jsonl' | 'csv' | 'images';
    /** The source path as written (relative to the program file; a glob for `images`). */
    path: string;
    /** The dataset's fields in declaration order; `images` datasets list their implicit `path` and `image`. */
    fields: PlanField[];
    /** The key field's name, or null when the dataset declares none. */
    key: string | null;
    /** The split, or null when there is none. */
    split: PlanSplit | null;
    /** Items in the source when the file exists at compile time (jsonl lines, csv rows, glob matches), else null. */
    items: number | null;
}

export interface PlanField {
    name: string;
    type: PlanValueType;
    key: boolean;
    /** The source column/JSON key when it differs from the name (`from "Body"`), else null. */
    source: string | null;
}

export interface PlanSplit {
    /** The field hashed to choose a bucket. */
    field: string;
    /** Buckets in declaration order; shares sum to 1. */
    buckets: Array<{ name: string; share: number }>;
}

export interface PlanLabelSet {
    name: string;
    description: string | null;
    members: PlanLabelMember[];
}

export interface PlanLabelMember {
    name: string;
    description: string | null;
    hotkey: string | null;
    /** Members of the previous version this one comes from (`from`); empty when not written. */
    from: string[];
}

// ---------------------------------------------------------------- labelers

/** Where a labeler's accuracy prior comes from: the program, or the compiler's default for its kind. */
export type AccuracySource = 'declared' | 'default';

export type PlanLabeler = PlanHumanLabeler | PlanModelLabeler | PlanRulesLabeler;

export interface PlanHumanLabeler {
    kind: 'human';
    name: string;
    description: string | null;
    skills: string[];
    /** Money per answer. */
    cost: number;
    /** Prior probability of a right answer. */
    accuracy: number;
    accuracySource: AccuracySource;
    /** Interchangeable people (independent answers available per item). */
    pool: number;
}

export interface PlanModelLabeler {
    kind: 'model';
    name: string;
    description: string | null;
    /** The ONNX file as written, relative to the program file. */
    path: string;
    input: PlanModelInput;
    /** The declared output label type, or null when not declared. */
    output: PlanLabelType | null;
    decoder: { kind: string; vocabulary: string | null; threshold: number | null } | null;
    cost: number;
    accuracy: number;
    accuracySource: AccuracySource;
}

export interface PlanModelInput {
    /** The item field fed to the model, or null when not declared. */
    field: string | null;
    /** Every field fed, in order, when there are several (`input subject, body as hashed N`); absent for one. */
    fields?: string[];
    /** `hashed`: scikit-learn's HashingVectorizer; `unsigned` counts every token +1 (alternate_sign=False). */
    featurizer: { kind: 'hashed'; dims: number; unsigned?: boolean } | { kind: 'resize'; width: number | null; height: number } | null;
    normalization: { mean: number[]; std: number[] } | null;
}

export interface PlanRulesLabeler {
    kind: 'rules';
    name: string;
    description: string | null;
    /** The dataset whose fields the rules read. */
    dataset: string;
    output: PlanLabelType;
    rules: PlanRule[];
    cost: number;
    accuracy: number;
    accuracySource: AccuracySource;
}

export interface PlanRule {
    name: string;
    /** The condition's source text, for people to read. */
    condition: string;
    /** The condition as a tree over the item's fields (what the executor evaluates). */
    tree: PlanExpression;
    member: string;
}

// ---------------------------------------------------------------- tasks

export interface PlanTask {
    name: string;
    description: string | null;
    /** sha256 (hex) of the task's contract: input, output type, label set members, question. */
    contractHash: string;
    input: PlanParameter[];
    output: PlanLabelType;
    /** Members of the output's label set (in declaration order), `["false","true"]` for bool, else empty. */
    classes: string[];
    /** The question asked (`ask`), or null. */
    question: string | null;
    /** What the labeler is shown, in order (default: every field of the input). */
    show: PlanShown[];
    /** Skills a human labeler must have (`requires skills`). */
    skills: string[];
    /**
     * The labelers that can label this task (humans with the required skills; models and rules with
     * its output type, rules over its dataset), plus any labeler its route names that cannot, with
     * why not. Declaration order.
     */
    eligible: PlanEligibility[];
    route: PlanRoute;
    quality: PlanQuality;
    redundancy: PlanRedundancy;
    cost: PlanTaskCost;
    /** The dataset whose items this task labels (directly, or through a flow), or null when unknown. */
    dataset: string | null;
}

export interface PlanShown {
    /** The expression as written, e.g. `e.subject`. */
    expression: string;
    /** The field shown, or null when a whole parameter is shown. */
    field: string | null;
    /** The shown value's type, e.g. `Text`. */
    type: string;
}

export interface PlanEligibility {
    labeler: string;
    kind: PlanLabeler['kind'];
    eligible: boolean;
    /** Why not, when not eligible (missing skills, other output type). */
    reason: string | null;
}

export interface PlanRoute {
    strategy: 'cascade' | 'best';
    /**
     * Whether the route was written (`route …`) or defaulted (a cascade of every eligible labeler: rules, models, then
     * people cheapest first).
     */
    declared: boolean;
    /**
     * Concrete stages in the order labelers are asked: route order for `cascade` (a trailing human
     * pool keeps answering); for `best`, ranked by expected accuracy above chance per unit cost (free
     * labelers first, then by accuracy).
     */
    stages: PlanRouteStage[];
    /** The stopping rule in words, e.g. `stop when the posterior reaches 98% or after 5 answers`. */
    stopping: string;
}

export interface PlanRouteStage {
    labeler: string;
    kind: PlanLabeler['kind'];
    cost: number;
    accuracy: number;
    /** Most answers this labeler gives per item (a human's pool; 1 for models and rules). */
    answers: number;
    /** Expected accuracy above chance per unit cost, as `best` ranks labelers; null when the labeler is free. */
    accuracyPerCost: number | null;
}

export interface PlanQuality {
    /** Each item's posterior must reach this. */
    target: number;
    aggregate: 'majority' | 'dawid_skene' | 'one_coin' | 'wawa' | 'mace' | 'box_consensus';
    /** Share of human work that is gold (known-answer) questions. */
    gold: number;
    /** At most this many answers per item. */
    maxLabels: number;
    /** Which of the above the program left out or gave out of range (the compiler's defaults were used). */
    defaulted: Array<'target' | 'aggregate' | 'gold' | 'maxLabels'>;
}

/** How many answers an item needs to reach the target, from the route and the accuracy priors. */
export interface PlanRedundancy {
    /** The model: one-coin answers over this many classes (2 for yes/no and per-member decisions). */
    classes: number;
    /** Fewest answers that reach the target (all agreeing), null when none can within maxLabels. */
    minAnswers: number | null;
    /** Most answers any item can use. */
    maxAnswers: number;
    /** Expected answers per item. */
    expectedAnswers: number;
    /** Probability an item reaches the target within maxAnswers. */
    reachProbability: number;
    /** Expected accuracy of the final label. */
    expectedAccuracy: number;
}

export interface PlanTaskCost {
    /** Expected money per item, gold overhead included. */
    perItem: number;
    /** Most money per item (every answer bought). */
    maxPerItem: number;
    /** Items to label, or null when unknown. */
    items: number | null;
    /** perItem × items, or null when the item count is unknown. */
    total: number | null;
    /** The task's `budget`, or null. */
    budget: number | null;
    /** false when the expected total exceeds the budget; null when either is unknown. */
    withinBudget: boolean | null;
}

// ---------------------------------------------------------------- flows

export interface PlanFlow {
    name: string;
    description: string | null;
    input: PlanParameter[];
    /** Stages in dependency order: every stage comes after the stages it depends on. */
    stages: PlanStage[];
}

export interface PlanStage {
    /** Unique within the flow, e.g. `road/1:truck_kind`. */
    id: string;
    /** The task this stage runs. */
    task: string;
    /** The variable bound to its result (`let x = …`), or null. */
    binds: string | null;
    /** Ids of stages whose labels must be final before an item enters this one. */
    dependsOn: string[];
    /** Conditions an item must meet to enter, outermost first (all must hold). */
    conditions: PlanCondition[];
    /** How each task argument is derived, in parameter order. */
    inputs: PlanStageInput[];
    /** When inside `for`, the loop: the stage runs once per element that passes `where`. */
    forEach: PlanLoop | null;
    /**
     * Inside nested `for` loops, every enclosing loop, outermost first (the last is `forEach`): the
     * stage runs once per combination of elements, an inner list evaluated per outer element.
     * Absent when there is at most one loop.
     */
    loops?: PlanLoop[];
    /** The chain of flow calls that led here (outermost first), empty for a stage of this flow itself. */
    via: string[];
}

/** A `for` loop around a stage. */
export interface PlanLoop {
    variable: string;
    /** The list as written, e.g. `vehicles(f)`. */
    over: string;
    /** The list as a tree (what the executor evaluates); it may read the elements of enclosing loops. */
    tree: PlanExpression;
}

export interface PlanCondition {
    kind: 'where' | 'if' | 'else';
    /** The condition's source text, e.g. `b.label == truck` (for `else`, the `if` condition it negates). */
    expression: string;
    /** The condition as a tree (for `else`, the tree of the `if` condition, which must not hold). */
    tree: PlanExpression;
    /** Ids of stages whose results the condition reads. */
    reads: string[];
}

export interface PlanStageInput {
    /** The task parameter. */
    parameter: string;
    /** The argument as written, e.g. `crop(f.image, b)`. */
    expression: string;
    /** The argument as a tree (what the executor evaluates). */
    tree: PlanExpression;
    /** `item`: the flow's item as is; `field`: a field of it; `crop`: an image cropped to a box; `value`: another value. */
    derivation: 'item' | 'field' | 'crop' | 'value';
}

/**
 * A flow or rule expression as a tree, resolved by the compiler from the program's syntax tree:
 * every name is already what it refers to. Evaluated per stage item (engine/src/executor/evaluate.ts);
 * a value that is not known yet (a label not final) leaves comparisons over it undecided.
 *
 * - `literal`: a string, a number (`80%` is 0.8, `$0.05` is 0.05) or a boolean.
 * - `item`: the flow's item, a record of its fields plus `key` and `split` (a rule's item, too).
 * - `loop`: the element of the enclosing `for` loop at `depth` (0 is the outermost loop).
 * - `result`: the final label of the stage `stage` for this item (and the same loop elements).
 * - `labelMember`: a member of a label set (its name, which labels compare equal to).
 * - `parameter`: a parameter of a flow run on its own that has no value (an error when evaluated).
 * - `field`: a field or built-in member (`label`, `score`, `text`) of a value: `b.label`, `e.subject`.
 * - `crop`: the built-in `crop(image, region)`; `length`: a text's or list's length (rules).
 * - `not`, `logical` (`and`, `or`), `compare` (`==`, `!=`, `<`, `<=`, `>`, `>=`).
 * - `contains` (a text contains a string) and `matches` (a text matches a regular expression:
 *   `pattern` and `flags` as JavaScript's RegExp takes them): rule conditions.
 */
export type PlanExpression =
    | { kind: 'literal'; value: string | number | boolean }
    | { kind: 'item' }
    | { kind: 'loop'; depth: number; variable: string }
    | { kind: 'result'; stage: string }
    | { kind: 'labelMember'; name: string }
    | { kind: 'parameter'; name: string }
    | { kind: 'field'; of: PlanExpression; name: string }
    | { kind: 'crop'; image: PlanExpression; region: PlanExpression }
    | { kind: 'length'; of: PlanExpression }
    | { kind: 'not'; operand: PlanExpression }
    | { kind: 'logical'; op: 'and' | 'or'; left: PlanExpression; right: PlanExpression }
    | { kind: 'compare'; op: PlanCompareOp; left: PlanExpression; right: PlanExpression }
    | { kind: 'contains'; text: PlanExpression; value: string }
    | { kind: 'matches'; text: PlanExpression; pattern: string; flags: string };

export type PlanCompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

// ---------------------------------------------------------------- learning and monitors

export interface PlanLearn {
    task: string;
    model: string;
    strategy: 'least_confidence' | 'margin' | 'entropy' | 'random';
    diversity: number;
    batch: number;
    /** Most labels to buy, or null for no limit. */
    budgetLabels: number | null;
    retrainEvery: number | null;
    stop: { accuracy: number; split: string } | null;
    /** The encoder file for features (`features from`), or null. */
    features: string | null;
    seed: number;
    /** The bucket items are sampled from (always `train`). */
    sampleSplit: string;
}

export type PlanMonitor =
    | {
          kind: 'shift';
          /** A dataset or model labeler. */
          source: string;
          field: string | null;
          metric: 'psi' | 'ks';
          warn: number | null;
          alert: number | null;
      }
    | {
          kind: 'predictions';
          model: string;
          confidence: { min: number; max: number } | null;
          rates: Array<{ member: string; min: number; max: number }>;
      };

// ---------------------------------------------------------------- totals and warnings

export interface PlanTotals {
    /** Sum of the tasks' expected totals; null when any task's item count is unknown. */
    expectedCost: number | null;
    /** Sum of the tasks' budgets (tasks without a budget count 0). */
    budget: number;
    /** Expected accuracy averaged over the tasks that have an eligible labeler (unweighted); null when none has. */
    expectedAccuracy: number | null;
}

export interface PlanWarning {
    /** e.g. `plan/over-budget`, `plan/unknown-items`, `plan/target-unreachable`, `plan/default-accuracy`. */
    code: string;
    /** The task, dataset or labeler it is about, or null for the whole program. */
    subject: string | null;
    message: string;
}
