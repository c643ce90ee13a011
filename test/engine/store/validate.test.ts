/** What the store accepts as a label, a time or a field, and what it tells a user who gave something else. */
import { describe, expect, it } from 'vitest';
import { StoreInputError } from '../../../engine/src/store/errors.js';
import {
    isoTime,
    normalizeLabel,
    optionalNumber,
    optionalText,
    requireJson,
    requireLabelerKind,
    requireNumber,
    requireSplit,
    requireText,
} from '../../../engine/src/store/validate.js';
import { thrownBy } from '../../support/thrown.js';

const path = '/data/labels.sqlite';

const errorOf = (run: () => unknown): StoreInputError => thrownBy(StoreInputError, run);

describe('text and number fields', () => {
    it('keeps a non-empty string and names the field and the value it refuses', () => {
        expect(requireText(path, 'label task', 'spam')).toBe('spam');
        const empty = errorOf(() => requireText(path, 'label task', ''));
        expect(empty.message).toBe('label task must be a non-empty string (got "")');
        expect(empty.path).toBe(path);
        expect(errorOf(() => requireText(path, 'label task', 7)).message).toBe('label task must be a non-empty string (got 7)');
    });

    it('reads a missing optional text (undefined or null) as absent, and checks one that is there', () => {
        expect(optionalText(path, 'label person', undefined)).toBeUndefined();
        expect(optionalText(path, 'label person', null)).toBeUndefined();
        expect(optionalText(path, 'label person', 'ann')).toBe('ann');
        expect(errorOf(() => optionalText(path, 'label person', '')).message).toMatch(/^label person must be a non-empty string/);
    });

    it('keeps a finite number, zero and negatives included, and refuses text, NaN and infinities', () => {
        expect(requireNumber(path, 'label score', 0)).toBe(0);
        expect(requireNumber(path, 'label score', -2.5)).toBe(-2.5);
        expect(errorOf(() => requireNumber(path, 'label score', '0.5')).message).toBe('label score must be a finite number (got "0.5")');
        expect(errorOf(() => requireNumber(path, 'label score', Number.NaN)).message).toBe(
            'label score must be a finite number (got null)',
        );
        expect(() => requireNumber(path, 'label score', Number.POSITIVE_INFINITY)).toThrow(StoreInputError);
        expect(optionalNumber(path, 'label score', undefined)).toBeUndefined();
        expect(optionalNumber(path, 'label score', null)).toBeUndefined();
        expect(optionalNumber(path, 'label score', 0)).toBe(0);
        expect(() => optionalNumber(path, 'label score', 'x')).toThrow(/label score must be a finite number/);
    });

    it('accepts each labeler kind and split, and lists them when refusing another', () => {
        for (const kind of ['human', 'model', 'rules']) {
            expect(requireLabelerKind(path, kind)).toBe(kind);
        }
        expect(errorOf(() => requireLabelerKind(path, 'robot')).message).toBe(
            'labeler kind must be one of human, model, rules (got "robot")',
        );
        for (const split of ['train', 'validation', 'test']) {
            expect(requireSplit(path, split)).toBe(split);
        }
        expect(errorOf(() => requireSplit(path, 'dev')).message).toBe('split must be one of train, validation, test (got "dev")');
    });

    it('accepts any JSON value but a missing one (null, 0 and false are values)', () => {
        for (const value of [null, 0, false, '', [], {}]) {
            expect(() => requireJson(path, 'label value', value)).not.toThrow();
        }
        expect(errorOf(() => requireJson(path, 'label value', undefined)).message).toBe('label value is missing');
    });
});

describe('times', () => {
    it('accepts a date, or a date and time with optional seconds, fraction and zone', () => {
        for (const time of [
            '2026-01-02',
            '2026-01-02T03:04',
            '2026-01-02T03:04:05',
            '2026-01-02T03:04:05.1',
            '2026-01-02T03:04:05.123456',
            '2026-01-02T03:04Z',
            '2026-01-02T03:04:05Z',
            '2026-01-02T03:04:05.123Z',
            '2026-01-02T03:04:05+02:00',
            '2026-01-02T03:04:05-0530',
        ]) {
            expect(isoTime(path, 'label createdAt', time)).toBe(time);
        }
    });

    it('refuses anything else, whole or in part, and says which field and what it got', () => {
        for (const time of [
            'yesterday',
            'x2026-01-02',
            '2026-01-02x',
            '2026-01-02T03:04:05Zx',
            '26-01-02',
            '2026-1-02',
            '2026-01-2',
            '20260-01-02',
            '2026-01-02T3:04',
            '2026-01-02T03:4',
            '2026-01-02T03',
            '2026-01-02T03:04:5',
            '2026-01-02T03:04:05.',
            '2026-01-02T03:04:05.5.5',
            '2026-01-02T03:04:05+2:00',
            '2026-01-02T03:04:05+02:0',
            '2026-01-02T03:04:05 02:00',
            '2026-01-02 03:04:05',
            'aaaa-bb-cc',
            '2026-01-02Taa:bb',
            '2026-01-02T03:04:cc',
            '2026-01-02T03:04:05.x',
            '2026-01-02T03:04:05+aa:bb',
        ]) {
            expect(() => isoTime(path, 'label createdAt', time), time).toThrow(StoreInputError);
        }
        expect(errorOf(() => isoTime(path, 'label createdAt', 'yesterday')).message).toBe(
            'label createdAt must be an ISO 8601 time (got "yesterday")',
        );
        // Only text: a list or an object that reads as a time when turned into text is refused too (JSON input).
        expect(() => isoTime(path, 'label createdAt', ['2026-01-02'])).toThrow(/must be an ISO 8601 time \(got \["2026-01-02"\]\)/);
        expect(() => isoTime(path, 'label createdAt', { toString: () => '2026-01-02' })).toThrow(StoreInputError);
        expect(errorOf(() => isoTime(path, 'label createdAt', 20260102)).message).toBe(
            'label createdAt must be an ISO 8601 time (got 20260102)',
        );
    });

    it('stamps a missing time (undefined or null) with the current time', () => {
        const before = Date.now();
        for (const missing of [undefined, null]) {
            const stamped = isoTime(path, 'label createdAt', missing);
            expect(stamped).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
            expect(Date.parse(stamped)).toBeGreaterThanOrEqual(before - 1);
            expect(Date.parse(stamped)).toBeLessThanOrEqual(Date.now() + 1);
        }
    });
});

describe('a label to add', () => {
    const given = { task: 'spam', item: 'm1', labeler: 'ann', labelerKind: 'human' as const, value: 'ham' };

    it('completes a minimal label: a fresh id, the current time, not gold, and no optional fields', () => {
        const label = normalizeLabel(path, given);
        expect(Object.keys(label).sort()).toEqual(
            ['createdAt', 'gold', 'id', 'item', 'labeler', 'labelerKind', 'programVersion', 'score', 'task', 'value'].sort(),
        );
        expect(label).toMatchObject({ ...given, gold: false, score: undefined, programVersion: undefined });
        expect(label.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(normalizeLabel(path, given).id).not.toBe(label.id);
        expect(Math.abs(Date.parse(label.createdAt) - Date.now())).toBeLessThan(60_000);
        expect('person' in label).toBe(false);
    });

    it('keeps every field given, gold only when it is exactly true', () => {
        const full = {
            ...given,
            id: 'l1',
            score: 0.25,
            gold: true,
            programVersion: 'v2',
            createdAt: '2026-01-02T03:04:05Z',
            person: 'ann@pool',
        };
        expect(normalizeLabel(path, full)).toEqual(full);
        expect(normalizeLabel(path, { ...given, gold: 1 as never }).gold).toBe(false);
    });

    it('names the field that is wrong', () => {
        const cases: [Record<string, unknown>, string][] = [
            [{ value: undefined }, 'label value is missing'],
            [{ id: '' }, 'label id must be a non-empty string'],
            [{ task: '' }, 'label task must be a non-empty string'],
            [{ item: 3 }, 'label item must be a non-empty string'],
            [{ labeler: '' }, 'labeler must be a non-empty string'],
            [{ labelerKind: 'crowd' }, 'labeler kind must be one of'],
            [{ score: 'high' }, 'label score must be a finite number'],
            [{ programVersion: '' }, 'label programVersion must be a non-empty string'],
            [{ createdAt: 'now' }, 'label createdAt must be an ISO 8601 time'],
            [{ person: '' }, 'label person must be a non-empty string'],
        ];
        for (const [change, message] of cases) {
            expect(errorOf(() => normalizeLabel(path, { ...given, ...change } as never)).message.startsWith(message), message).toBe(true);
        }
    });
});
