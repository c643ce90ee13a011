/**
 * The shapes `dprog … --json` prints, as zod schemas and the types inferred from them: the one
 * definition the CLI writes against (`satisfies`) and the extension reads with (it parses the CLI's
 * output, so a drift is an error naming the field, not a silent `undefined`). The contract tests
 * (test/cli/json-contracts.test.ts) run the real CLI and parse its output with these schemas.
 */
import { z } from 'zod';

/** One error or warning of a program; `file` is absolute, line and column 1-based. */
export const diagnosticJson = z.strictObject({
    file: z.string(),
    line: z.number(),
    column: z.number(),
    severity: z.enum(['error', 'warning']),
    code: z.string().nullable(),
    message: z.string(),
});
export type DiagnosticJson = z.infer<typeof diagnosticJson>;

/** A program with errors: what `compile`, `diff` and `run` print instead of their result (exit 1). */
export const diagnosticsJson = z.strictObject({ diagnostics: z.array(diagnosticJson) });

const interval = z.tuple([z.number(), z.number()]);
const itemLabelJson = z.strictObject({ item: z.string(), label: z.string().nullable(), confidence: z.number() });

/** What the routing policy did for one choice task in a run. */
export const routingJson = z.strictObject({
    task: z.string(),
    labelsUsed: z.number(),
    cost: z.number(),
    unasked: z.number(),
    goldItems: z.number(),
    estimatedAccuracy: z.number(),
    accuracyInterval: interval,
    targetReached: z.boolean(),
    targetOutOfReach: z.boolean(),
    labels: z.array(itemLabelJson),
});
export type RoutingJson = z.infer<typeof routingJson>;

/** `dprog run FILE --json`. With one routed task its numbers are also at the top, its labels as `final`. */
export const runJson = z.strictObject({
    stages: z.array(
        z.strictObject({
            flow: z.string(),
            stage: z.string(),
            task: z.string(),
            done: z.number(),
            pending: z.number(),
            waitingForPeople: z.number(),
            failed: z.number(),
            skipped: z.number(),
        }),
    ),
    labels: z.record(z.string(), z.number()),
    failures: z.array(z.strictObject({ flow: z.string(), stage: z.string(), item: z.string(), message: z.string() })),
    queue: z.array(z.strictObject({ task: z.string(), item: z.string(), waitingFor: z.string(), score: z.number().nullable() })),
    routing: z.array(routingJson).optional(),
    ...routingJson.omit({ task: true, labels: true }).partial().shape,
    final: z.array(itemLabelJson).optional(),
    migration: z.array(z.strictObject({ task: z.string(), action: z.enum(['keep', 'migrate', 'invalidate']) })).optional(),
});
export type RunJson = z.infer<typeof runJson>;

/** `dprog diff OLD NEW --json` (and the `migration` of `dprog compile --store … --json`). */
export const migrationJson = z.strictObject({
    tasks: z.array(
        z.strictObject({
            task: z.string(),
            action: z.enum(['keep', 'migrate', 'invalidate']),
            members: z.array(
                z.strictObject({
                    old: z.string().nullable(),
                    new: z.array(z.string()),
                    action: z.enum(['keep', 'map', 'reask', 'review', 'invalidate']),
                }),
            ),
        }),
    ),
});
export type MigrationJson = z.infer<typeof migrationJson>;

const simulationSummary = {
    items: z.number(),
    labelsUsed: z.number(),
    labelsAvailable: z.number(),
    accuracy: z.number().optional(),
    cost: z.number(),
};

/** `dprog simulate FILE --replay CSV … --json`; `curve` when several `--target`s were given. */
export const simulateJson = z.strictObject({
    task: z.string(),
    ...simulationSummary,
    target: z.number(),
    policy: z.strictObject({
        strategy: z.string(),
        labelers: z.array(z.string()),
        maxLabels: z.number(),
        method: z.string(),
        goldShare: z.number(),
    }),
    goldItems: z.number(),
    goldShare: z.number(),
    reachedTarget: z.number(),
    unasked: z.number(),
    estimatedAccuracy: z.number(),
    accuracyInterval: interval,
    targetReached: z.boolean(),
    targetOutOfReach: z.boolean(),
    byLabeler: z.record(z.string(), z.strictObject({ answers: z.number(), cost: z.number() })),
    labels: z.array(itemLabelJson),
    curve: z.array(z.strictObject({ target: z.number(), ...simulationSummary })).optional(),
});
export type SimulateJson = z.infer<typeof simulateJson>;
