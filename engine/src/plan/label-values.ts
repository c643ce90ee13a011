/**
 * What one stored label of a task's output type looks like (language.md §5), as a zod schema:
 * choice `"spam"`; choices `["a","b"]`; box `{x,y,width,height,label}` (pixels, top-left origin,
 * positive size; optionally `rotation`, degrees clockwise about the centre, in [-180, 180]); polygon
 * `{points:[[x,y],…],label}`; point `{x,y,label}`; span
 * `{start,end,text,label}` (character offsets, end exclusive); text a string; number a finite
 * number in range; bool a boolean; list<T> an array of T. Model outputs may carry a `score` in
 * [0, 1] on boxes, polygons, points and spans. Used wherever a value enters the store: the
 * annotation webview's messages and `dprog label import`.
 */
import { z } from 'zod';
import type { PlanLabelType } from './types.js';

/** Bounds that keep hostile or broken input from making the host do unbounded work. */
export const VALUE_LIMITS = {
    text: 100_000,
    listLength: 1_000,
    polygonPoints: 1_000,
    coordinate: 1e7,
} as const;

const coordinate = z.number().finite().min(-VALUE_LIMITS.coordinate).max(VALUE_LIMITS.coordinate);
const size = z.number().finite().positive().max(VALUE_LIMITS.coordinate);
const score = z.number().finite().min(0).max(1).optional();

function member(classes: readonly string[]): z.ZodType<string> {
    const names = [...classes];
    return z.string().refine((name) => names.includes(name), { message: `expected one of: ${names.join(', ')}` });
}

/** The schema of one label of `type` whose label set has the members `classes`. */
export function labelValueSchema(type: PlanLabelType, classes: readonly string[]): z.ZodType<unknown> {
    switch (type.kind) {
        case 'choice':
            return member(classes);
        case 'choices':
            return z
                .array(member(classes))
                .max(classes.length)
                .refine((names) => new Set(names).size === names.length, { message: 'a member appears twice' });
        case 'box':
            return z
                .object({
                    x: coordinate,
                    y: coordinate,
                    width: size,
                    height: size,
                    rotation: z.number().min(-180).max(180).optional(),
                    label: member(classes),
                    score,
                })
                .strict();
        case 'polygon':
            return z
                .object({
                    points: z
                        .array(z.tuple([coordinate, coordinate]))
                        .min(3)
                        .max(VALUE_LIMITS.polygonPoints),
                    label: member(classes),
                    score,
                })
                .strict();
        case 'point':
            return z.object({ x: coordinate, y: coordinate, label: member(classes), score }).strict();
        case 'span':
            return z
                .object({
                    start: z
                        .number()
                        .int()
                        .nonnegative()
                        .max(VALUE_LIMITS.text * 100),
                    end: z
                        .number()
                        .int()
                        .positive()
                        .max(VALUE_LIMITS.text * 100),
                    text: z.string().max(VALUE_LIMITS.text),
                    label: member(classes),
                    score,
                })
                .strict()
                .refine((span) => span.end > span.start, { message: 'a span must end after it starts' });
        case 'text':
            return z.string().max(VALUE_LIMITS.text);
        case 'number': {
            let n = z.number().finite();
            if (type.min !== null) {
                n = n.min(type.min);
            }
            if (type.max !== null) {
                n = n.max(type.max);
            }
            return n;
        }
        case 'bool':
            return z.boolean();
        case 'list':
            return z.array(labelValueSchema(type.element, classes)).max(VALUE_LIMITS.listLength);
    }
}

/** Why `value` does not fit `type` (one line naming the path), or undefined when it fits. */
export function valueProblem(schema: z.ZodType<unknown>, value: unknown): string | undefined {
    const result = schema.safeParse(value);
    if (result.success) {
        return undefined;
    }
    const issue = result.error.issues[0];
    const path = issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
    return `${issue.message}${path}`;
}
