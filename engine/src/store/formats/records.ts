/**
 * Labels as flat records, shared by the jsonl and csv formats: every stored field, so an export
 * imported into an empty store exports byte for byte the same again. Supersede links travel as
 * `supersededBy` and become `supersedes` on import (the replaced label always comes first).
 */
import type { Label, NewLabel } from '../types.js';
import { LABELER_KINDS } from '../types.js';
import { RecordError, type ImportOptions, type ReadCollector, type RecordSource } from './format.js';

/** Turns exported labels back into labels to add, in order, restoring supersede links. */
export function labelsToAdd(labels: Label[]): NewLabel[] {
    const replaced = new Map<string, string>();
    for (const label of labels) {
        if (label.supersededBy !== undefined) {
            replaced.set(label.supersededBy, label.id);
        }
    }
    return labels.map(({ supersededBy: _ignored, ...label }) => {
        const supersedes = replaced.get(label.id);
        return supersedes === undefined ? label : { ...label, supersedes };
    });
}

/** Checks one record read from a file and fills defaults; a problem is a RecordError (the record is rejected). */
export function recordToLabel(record: Record<string, unknown>, options: ImportOptions): Label {
    const text = (name: string, required: boolean): string | undefined => {
        const value = record[name];
        if (value === undefined || value === null || value === '') {
            if (required) {
                throw new RecordError(`missing '${name}'`);
            }
            return undefined;
        }
        if (typeof value !== 'string') {
            throw new RecordError(`'${name}' must be a string, found ${JSON.stringify(value)}`);
        }
        return value;
    };
    if (record.value === undefined) {
        throw new RecordError(`missing 'value'`);
    }
    const task = text('task', false) ?? options.task;
    if (task !== options.task) {
        throw new RecordError(`the record is for task '${task}', not '${options.task}'; pass --task ${task} or remove the record`);
    }
    const kind = text('labelerKind', false) ?? options.labelerKind ?? 'human';
    if (!LABELER_KINDS.includes(kind as Label['labelerKind'])) {
        throw new RecordError(`'labelerKind' must be one of ${LABELER_KINDS.join(', ')}, found '${kind}'`);
    }
    const label: Label = {
        id: text('id', false) ?? '',
        task,
        item: text('item', true)!,
        labeler: text('labeler', false) ?? options.labeler ?? 'import',
        labelerKind: kind as Label['labelerKind'],
        value: record.value as Label['value'],
        gold: record.gold === true,
        createdAt: text('createdAt', false) ?? '',
    };
    if (record.score !== undefined && record.score !== null) {
        if (!Number.isFinite(record.score)) {
            throw new RecordError(`'score' must be a finite number, found ${JSON.stringify(record.score)}`);
        }
        label.score = record.score as number;
    }
    const optional = {
        programVersion: text('programVersion', false),
        supersededBy: text('supersededBy', false),
        person: text('person', false),
    };
    return { ...label, ...definedOnly(optional) };
}

/** The fields of `record` that are not undefined, in order. */
function definedOnly<T extends object>(record: T): Partial<T> {
    return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Adds the records' labels to `read`, with ids and times left to the store when the file has none. */
export function finish(labels: Label[], sources: RecordSource[], read: ReadCollector): void {
    labelsToAdd(labels).forEach((label, index) => {
        const result: NewLabel = { ...label };
        if (result.id === '') {
            delete result.id;
        }
        if (result.createdAt === '') {
            delete result.createdAt;
        }
        read.add(result, sources[index]);
    });
}

/** The fields of a label in export order (absent optional fields left out). */
export function labelRecord(label: Label): Record<string, unknown> {
    return definedOnly({
        id: label.id,
        task: label.task,
        item: label.item,
        labeler: label.labeler,
        labelerKind: label.labelerKind,
        value: label.value,
        score: label.score,
        gold: label.gold,
        programVersion: label.programVersion,
        createdAt: label.createdAt,
        supersededBy: label.supersededBy,
        person: label.person,
    });
}
