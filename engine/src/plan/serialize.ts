/** Reading and writing plans as JSON text: stable formatting out, validated structure in. */
import { labelingPlanSchema } from './schema.js';
import { PLAN_SCHEMA, PLAN_SCHEMA_V1, type LabelingPlan } from './types.js';
import { PlanUpgradeError, upgradePlanV1 } from './v1/upgrade.js';

/** What to do about a plan of an older format that cannot be upgraded. */
export const RECOMPILE = 'recompile the program with `dprog compile`';

/** A plan text that is not valid JSON or not a `dprog.plan/v2` plan (nor a v1 plan that upgrades to one). */
export class PlanFormatError extends Error {
    constructor(
        message: string,
        /** Where in the plan, e.g. `tasks[0].quality.target`; empty for the whole document. */
        readonly at: string,
    ) {
        super(message);
        this.name = 'PlanFormatError';
    }
}

/** The plan as JSON text: two-space indent, trailing newline. Byte-identical for equal plans. */
export function serializePlan(plan: LabelingPlan): string {
    return `${JSON.stringify(plan, null, 2)}\n`;
}

/** Parses and validates plan text; throws {@link PlanFormatError} saying where and what is wrong. */
export function parsePlan(text: string): LabelingPlan {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (error) {
        throw new PlanFormatError(`not JSON: ${(error as Error).message}`, '');
    }
    return validatePlan(value);
}

/** Validates an already-parsed plan value; a v1 plan is upgraded to v2 first (see plan/v1/upgrade.ts). */
export function validatePlan(value: unknown): LabelingPlan {
    const schema = (value as { schema?: unknown } | null)?.schema;
    if (schema === PLAN_SCHEMA_V1) {
        return validatePlan(upgraded(value));
    }
    if (typeof value === 'object' && value !== null && schema !== PLAN_SCHEMA) {
        throw new PlanFormatError(`expected schema "${PLAN_SCHEMA}", found ${JSON.stringify(schema ?? null)}`, 'schema');
    }
    const result = labelingPlanSchema.safeParse(value);
    if (!result.success) {
        const issue = result.error.issues[0];
        const at = issue.path
            .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
            .join('')
            .replace(/^\./, '');
        throw new PlanFormatError(`${at || 'plan'}: ${issue.message}`, at);
    }
    return result.data;
}

function upgraded(value: unknown): unknown {
    try {
        return upgradePlanV1(value);
    } catch (error) {
        if (error instanceof PlanUpgradeError) {
            const where = error.at ? ` at ${error.at}` : '';
            throw new PlanFormatError(
                `a ${PLAN_SCHEMA_V1} plan that cannot be upgraded to ${PLAN_SCHEMA}${where}: ${error.message}; ${RECOMPILE}`,
                error.at,
            );
        }
        throw error;
    }
}

/**
 * JSON with object keys sorted at every level: the input to content hashes, so a hash does not
 * depend on the order fields were written in. (Native JSON.stringify with a key-sorting replacer:
 * several times faster than a hand-written walk on multi-megabyte plans.)
 */
export function canonicalJson(value: unknown): string {
    return JSON.stringify(value, sortKeys) ?? 'null';
}

function sortKeys(_key: string, value: unknown): unknown {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return value;
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    let sorted = true;
    for (let i = 1; i < keys.length && sorted; i++) {
        sorted = keys[i - 1] < keys[i];
    }
    if (sorted) {
        return value;
    }
    const copy: Record<string, unknown> = {};
    for (const key of keys.sort()) {
        copy[key] = record[key];
    }
    return copy;
}
