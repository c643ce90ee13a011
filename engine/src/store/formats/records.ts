/**
 * Labels as flat records, shared by the jsonl and csv formats: every stored field, so an export
 * imported into an empty store exports byte for byte the same again. Supersede links travel as
 * `supersededBy` and become `supersedes` on import (the replaced label always comes first).
 */
import type { Label, NewLabel } from '../types.js';
import { LABELER_KINDS } from '../types.js';
import { FormatError, type ImportOptions } from './format.js';

/** Turns exported labels back into labels to add, in order, restoring supersede links. */
export function labelsToAdd(labels: Label[]): NewLabel[] {
    const replaced = new Map<string, string>();
    for (const label of labels) {
        if (label.supersededBy !== undefined) replaced.set(label.supersededBy, label.id);
    }
    return labels.map(({ supersededBy: _ignored, ...label }) => {
        const supersedes = replaced.get(label.id);
        return supersedes === undefined ? label : { ...label, supersedes };
    });
}

/** Checks one record read from a file and fills defaults; `line` is 1-based. */
export function recordToLabel(record: Record<string, unknown>, options: ImportOptions, file: string, line: number): Label {
    const text = (name: string, required: boolean): string | undefined => {
        const value = record[name];
        if (value === undefined || value === null || value === '') {
            if (required) throw new FormatError(`missing '${name}'`, file, line);
            return undefined;
        }
        if (typeof value !== 'string') throw new FormatError(`'${name}' must be a string, found ${JSON.stringify(value)}`, file, line);
        return value;
    };
    if (!('value' in record) || record.value === undefined) {
        throw new FormatError(`missing 'value'`, file, line);
    }
    const task = text('task', false) ?? options.task;
    if (task !== options.task) {
        throw new FormatError(`the record is for task '${task}', not '${options.task}'; pass --task ${task} or remove the record`, file, line);
    }
    const kind = text('labelerKind', false) ?? options.labelerKind ?? 'human';
    if (!LABELER_KINDS.includes(kind as Label['labelerKind'])) {
        throw new FormatError(`'labelerKind' must be one of ${LABELER_KINDS.join(', ')}, found '${kind}'`, file, line);
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
        if (typeof record.score !== 'number' || !Number.isFinite(record.score)) throw new FormatError(`'score' must be a number, found ${JSON.stringify(record.score)}`, file, line);
        label.score = record.score;
    }
    const programVersion = text('programVersion', false);
    if (programVersion !== undefined) label.programVersion = programVersion;
    const supersededBy = text('supersededBy', false);
    if (supersededBy !== undefined) label.supersededBy = supersededBy;
    const person = text('person', false);
    if (person !== undefined) label.person = person;
    return label;
}

/** Labels to add from records, with ids and times left to the store when the file has none. */
export function finish(labels: Label[]): NewLabel[] {
    return labelsToAdd(labels).map((label) => {
        const result: NewLabel = { ...label };
        if (result.id === '') delete result.id;
        if (result.createdAt === '') delete result.createdAt;
        return result;
    });
}

/** The fields of a label in export order (absent optional fields left out). */
export function labelRecord(label: Label): Record<string, unknown> {
    const record: Record<string, unknown> = {
        id: label.id,
        task: label.task,
        item: label.item,
        labeler: label.labeler,
        labelerKind: label.labelerKind,
        value: label.value,
    };
    if (label.score !== undefined) record.score = label.score;
    record.gold = label.gold;
    if (label.programVersion !== undefined) record.programVersion = label.programVersion;
    record.createdAt = label.createdAt;
    if (label.supersededBy !== undefined) record.supersededBy = label.supersededBy;
    if (label.person !== undefined) record.person = label.person;
    return record;
}
