/** Checks of values given to the store, so bad input fails before it reaches the journal. */
import { StoreInputError } from './errors.js';
import { randomUUID } from 'node:crypto';
import { LABELER_KINDS, SPLITS, type Label, type LabelerKind, type NewLabel, type Split } from './types.js';

export function requireText(path: string, what: string, value: unknown): string {
    if (typeof value !== 'string' || value.length === 0) {
        throw new StoreInputError(`${what} must be a non-empty string (got ${JSON.stringify(value)})`, path);
    }
    return value;
}

export function optionalText(path: string, what: string, value: unknown): string | undefined {
    return value === undefined || value === null ? undefined : requireText(path, what, value);
}

export function requireNumber(path: string, what: string, value: unknown): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new StoreInputError(`${what} must be a finite number (got ${JSON.stringify(value)})`, path);
    }
    return value;
}

export function optionalNumber(path: string, what: string, value: unknown): number | undefined {
    return value === undefined || value === null ? undefined : requireNumber(path, what, value);
}

export function requireLabelerKind(path: string, value: unknown): LabelerKind {
    if (!LABELER_KINDS.includes(value as LabelerKind)) {
        throw new StoreInputError(`labeler kind must be one of ${LABELER_KINDS.join(', ')} (got ${JSON.stringify(value)})`, path);
    }
    return value as LabelerKind;
}

export function requireSplit(path: string, value: unknown): Split {
    if (!SPLITS.includes(value as Split)) {
        throw new StoreInputError(`split must be one of ${SPLITS.join(', ')} (got ${JSON.stringify(value)})`, path);
    }
    return value as Split;
}

export function requireJson(path: string, what: string, value: unknown): void {
    if (value === undefined) {
        throw new StoreInputError(`${what} is missing`, path);
    }
}

/** A date, or a date and time with optional seconds, fraction and zone (checked by pattern: Date.parse is slow in bulk). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export function isoTime(path: string, what: string, value: unknown): string {
    if (value === undefined || value === null) {
        return new Date().toISOString();
    }
    if (typeof value !== 'string' || !ISO_TIME.test(value)) {
        throw new StoreInputError(`${what} must be an ISO 8601 time (got ${JSON.stringify(value)})`, path);
    }
    return value;
}

/** A label to add, checked and completed (id, time, gold flag). */
export function normalizeLabel(path: string, input: NewLabel): Label {
    requireJson(path, 'label value', input.value);
    const label: Label = {
        id: optionalText(path, 'label id', input.id) ?? randomUUID(),
        task: requireText(path, 'label task', input.task),
        item: requireText(path, 'label item', input.item),
        labeler: requireText(path, 'labeler', input.labeler),
        labelerKind: requireLabelerKind(path, input.labelerKind),
        value: input.value,
        score: optionalNumber(path, 'label score', input.score),
        gold: input.gold === true,
        programVersion: optionalText(path, 'label programVersion', input.programVersion),
        createdAt: isoTime(path, 'label createdAt', input.createdAt),
    };
    const person = optionalText(path, 'label person', input.person);
    if (person !== undefined) {
        label.person = person;
    }
    return label;
}
