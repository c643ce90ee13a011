/**
 * Label Studio results ↔ dprog values: a choice or a set of choices → `choices`, yes/no →
 * `choices`, boxes → `rectanglelabels` (percent of the image), spans → `labels`, numbers →
 * `number`, text → `textarea`. Reading checks every field it uses: a result of the wrong shape is
 * a RecordError naming it, never a half-read value.
 */
import type { PlanLabelType } from '../../plan/types.js';
import type { JsonValue, Label } from '../types.js';
import { boxesOf, boxValue, fromCornerRotation, toCornerRotation } from './boxes.js';
import { FormatError, RecordError, type ExportOptions, type ImageSizeOf } from './format.js';
import { controlOf } from './labelstudio-config.js';

export interface Result {
    id?: string;
    type: string;
    from_name: string;
    to_name: string;
    value: Record<string, unknown>;
    original_width?: number;
    original_height?: number;
    score?: number;
}

const round = (n: number): number => Number(n.toFixed(6));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Span {
    start: number;
    end: number;
    label: string;
    text?: string;
}

function spansOf(value: JsonValue): Span[] | undefined {
    const one = (v: JsonValue): Span | undefined =>
        isObject(v) && typeof v.start === 'number' && typeof v.end === 'number' && typeof v.label === 'string'
            ? { start: v.start, end: v.end, label: v.label, ...(typeof v.text === 'string' ? { text: v.text } : {}) }
            : undefined;
    if (Array.isArray(value)) {
        const spans = value.map(one);
        return spans.every((s) => s !== undefined) ? (spans as Span[]) : undefined;
    }
    const span = one(value);
    return span ? [span] : undefined;
}

/** The Label Studio results expressing one dprog value (names from the task's type when known). */
export function resultsOf(label: Label, options: ExportOptions): Result[] {
    const value = label.value;
    const names = options.type ? controlOf(options.type.output) : undefined;
    const result = (type: string, control: string, object: string, v: Record<string, unknown>): Result => ({
        type,
        from_name: names?.control ?? control,
        to_name: names?.object ?? object,
        value: v,
    });
    if (typeof value === 'string') {
        return [
            options.type?.output.kind === 'text'
                ? result('textarea', 'answer', 'text', { text: [value] })
                : result('choices', 'choice', 'text', { choices: [value] }),
        ];
    }
    if (typeof value === 'boolean') {
        return [result('choices', 'bool', 'text', { choices: [value ? 'yes' : 'no'] })];
    }
    if (typeof value === 'number') {
        return [result('number', 'number', 'text', { number: value })];
    }
    if (Array.isArray(value) && value.length === 0) {
        // No box, no span, no choice: an annotation without results, Label Studio's "nothing here".
        return [];
    }
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
        return [result('choices', 'choices', 'text', { choices: value })];
    }
    const single = !Array.isArray(value);
    const boxes = boxesOf(value);
    if (boxes) {
        const size = options.imageSize?.(label.item);
        if (!size) {
            throw new FormatError(
                `no image size for item '${label.item}': Label Studio boxes are in percent of the image; pass --images DIR`,
                options.task,
            );
        }
        return boxes.map((box) => {
            // Label Studio turns a rectangle about its own top-left corner; dprog about its centre.
            const corner = toCornerRotation(box);
            return {
                ...result('rectanglelabels', single ? 'box' : 'boxes', 'image', {
                    x: (corner.x / size.width) * 100,
                    y: (corner.y / size.height) * 100,
                    width: (box.width / size.width) * 100,
                    height: (box.height / size.height) * 100,
                    rotation: corner.rotation,
                    rectanglelabels: [box.label],
                }),
                original_width: size.width,
                original_height: size.height,
                ...(box.score !== undefined ? { score: box.score } : {}),
            };
        });
    }
    const spans = spansOf(value);
    if (spans) {
        return spans.map((span) =>
            result('labels', single ? 'span' : 'spans', 'text', {
                start: span.start,
                end: span.end,
                labels: [span.label],
                ...(span.text !== undefined ? { text: span.text } : {}),
            }),
        );
    }
    throw new FormatError(
        `label ${label.id} on item '${label.item}' has a value Label Studio cannot express ` +
            `(${JSON.stringify(value).slice(0, 60)}); use jsonl`,
        options.task,
    );
}

const finite = (v: unknown, what: string): number => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RecordError(`${what} must be a finite number, found ${JSON.stringify(v) ?? 'nothing'}`);
    }
    return v;
};

const strings = (v: unknown, what: string): string[] => {
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
        throw new RecordError(`${what} must be a list of strings, found ${JSON.stringify(v) ?? 'nothing'}`);
    }
    return v;
};

/** Whether the task's type (when known) or the control's name says the value is a list. */
const isList = (type: PlanLabelType | undefined, control: string, single: string): boolean =>
    type ? type.kind === 'list' : control !== single;

/** The dprog value of one annotation's results. */
export function labelValueOf(
    results: unknown,
    item: string,
    imageSize: ImageSizeOf | undefined,
    type: PlanLabelType | undefined,
): JsonValue {
    if (!Array.isArray(results)) {
        throw new RecordError(`"result" must be a list, found ${JSON.stringify(results) ?? 'nothing'}`);
    }
    if (results.length === 0) {
        return [];
    }
    if (!results.every((r) => isObject(r) && typeof r.type === 'string' && isObject(r.value))) {
        throw new RecordError('each result needs a "type" and a "value" object');
    }
    const typed = results as Result[];
    const kinds = new Set(typed.map((r) => r.type));
    if (kinds.size > 1) {
        throw new RecordError(`an annotation of '${item}' mixes result types (${[...kinds].join(', ')}); import one control at a time`);
    }
    const [first] = typed;
    switch (first.type) {
        case 'choices': {
            const choices = typed.flatMap((r) => strings(r.value.choices, 'value.choices'));
            if (type ? type.kind === 'bool' : first.from_name === 'bool') {
                if (choices.length !== 1 || !['yes', 'no', 'true', 'false'].includes(choices[0])) {
                    throw new RecordError(`a yes/no answer must be one of yes, no; found ${JSON.stringify(choices)}`);
                }
                return choices[0] === 'yes' || choices[0] === 'true';
            }
            if (type ? type.kind === 'choices' : first.from_name === 'choices' || choices.length > 1) {
                return choices;
            }
            if (choices.length !== 1) {
                throw new RecordError(`one choice expected, found ${JSON.stringify(choices)}`);
            }
            return choices[0];
        }
        case 'number':
            return finite(first.value.number, 'value.number');
        case 'textarea':
            return strings(first.value.text, 'value.text').join('\n');
        case 'rectanglelabels': {
            const boxes = typed.map((r) => boxOf(r, item, imageSize));
            return !isList(type, first.from_name, 'box') && boxes.length === 1 ? boxes[0] : boxes;
        }
        case 'labels': {
            const spans: JsonValue[] = typed.map((r) => {
                const text = r.value.text;
                return {
                    start: finite(r.value.start, 'value.start'),
                    end: finite(r.value.end, 'value.end'),
                    label: strings(r.value.labels, 'value.labels')[0],
                    ...(typeof text === 'string' ? { text } : {}),
                };
            });
            return !isList(type, first.from_name, 'span') && spans.length === 1 ? spans[0] : spans;
        }
        default:
            throw new RecordError(`result type '${first.type}' is not supported (choices, rectanglelabels, labels, number, textarea are)`);
    }
}

function boxOf(r: Result, item: string, imageSize: ImageSizeOf | undefined): JsonValue {
    const size =
        r.original_width !== undefined || r.original_height !== undefined
            ? { width: finite(r.original_width, 'original_width'), height: finite(r.original_height, 'original_height') }
            : imageSize?.(item);
    if (!size) {
        throw new RecordError(`a box on '${item}' has no original_width/original_height; pass --images DIR`);
    }
    const v = r.value;
    const [label] = strings(v.rectanglelabels, 'value.rectanglelabels');
    const width = (finite(v.width, 'value.width') * size.width) / 100;
    const height = (finite(v.height, 'value.height') * size.height) / 100;
    const rotation = v.rotation === undefined ? 0 : finite(v.rotation, 'value.rotation');
    const turned = fromCornerRotation(
        (finite(v.x, 'value.x') * size.width) / 100,
        (finite(v.y, 'value.y') * size.height) / 100,
        width,
        height,
        rotation,
    );
    return boxValue({
        x: round(turned.x),
        y: round(turned.y),
        width: round(width),
        height: round(height),
        ...(turned.rotation ? { rotation: round(turned.rotation) } : {}),
        label,
        ...(typeof r.score === 'number' ? { score: r.score } : {}),
    });
}
