/** Content hashes of plans and task contracts (sha256 of canonical JSON). Node only. */
import { createHash } from 'node:crypto';
import { canonicalJson } from './serialize.js';
import type { LabelingPlan } from './types.js';

export function sha256Hex(text: string): string {
    return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash of any JSON value, independent of key order. */
export function contentHash(value: unknown): string {
    return sha256Hex(canonicalJson(value));
}

/** The plan's hash: every field but `hash` itself. */
export function planHash(plan: Omit<LabelingPlan, 'hash'> & { hash?: string }): string {
    const { hash: _ignored, ...rest } = plan;
    void _ignored;
    return contentHash(rest);
}

/** A copy of the plan with its `hash` field set (placed after `description`, as in the type). */
export function withPlanHash(plan: Omit<LabelingPlan, 'hash'> & { hash?: string }): LabelingPlan {
    const { schema, program, version, description, hash: _old, ...rest } = plan;
    void _old;
    return { schema, program, version, description, hash: planHash(plan), ...rest };
}
