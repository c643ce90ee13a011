/**
 * The executor's single write path: work is written in batches, labels then final answers then
 * stage states, once enough has gathered or enough time has passed since the last write.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { RunBuffer, type StoreWrites } from '../../../engine/src/executor/run-buffer.js';
import type { PendingWork } from '../../../engine/src/executor/stage-state.js';
import type { Aggregate, NewLabel, StageState } from '../../../engine/src/store/types.js';

afterEach(() => vi.useRealTimers());

function recordingStore() {
    const writes: Array<[string, unknown[]]> = [];
    const store: StoreWrites = {
        addLabels: async (labels) => {
            writes.push(['addLabels', [...labels]]);
            return [];
        },
        setAggregates: async (aggregates) => {
            writes.push(['setAggregates', [...aggregates]]);
        },
        setStageStates: async (states) => {
            writes.push(['setStageStates', [...states]]);
        },
    } as StoreWrites;
    return { store, writes };
}

const label = (id: string, value = 'billing'): NewLabel => ({ id, task: 't', item: id, labeler: 'rules', labelerKind: 'rules', value });
const aggregate = (item: string) => ({ task: 't', item, value: 'billing', confidence: 0.9 }) as unknown as Aggregate;
const stateOf = (item: string): StageState => ({ run: 'P/f', stage: '1:t', item, status: 'done', detail: null });
const work = (items: string[], withAggregates = true): PendingWork => ({
    labels: items.map((i) => label(i)),
    aggregates: withAggregates ? items.map(aggregate) : [],
    states: items.map(stateOf),
});

describe('RunBuffer', () => {
    test('a flush writes labels, then final answers, then states, then tells the policies; each once', async () => {
        const { store, writes } = recordingStore();
        const after = vi.fn(async () => {
            writes.push(['afterFlush', []]);
        });
        const buffer = new RunBuffer(store, after);
        buffer.add(work(['a', 'b']));
        buffer.add(work(['c']));
        await buffer.flush();
        expect(writes.map(([call]) => call)).toEqual(['addLabels', 'setAggregates', 'setStageStates', 'afterFlush']);
        expect(writes[0][1]).toEqual([label('a'), label('b'), label('c')]);
        expect(writes[1][1]).toEqual(['a', 'b', 'c'].map(aggregate));
        expect(writes[2][1]).toEqual(['a', 'b', 'c'].map(stateOf));
        // What was written is not written again.
        writes.length = 0;
        await buffer.flush();
        expect(writes.map(([call]) => call)).toEqual(['afterFlush']);
    });

    test('the same label reached twice (two branches of a flow) is written once', async () => {
        const { store, writes } = recordingStore();
        const buffer = new RunBuffer(store);
        buffer.add({ labels: [label('x'), label('y')], aggregates: [], states: [] });
        buffer.add({ labels: [label('x')], aggregates: [], states: [stateOf('x')] });
        await buffer.flush();
        expect(writes).toEqual([
            ['addLabels', [label('x'), label('y')]],
            ['setStageStates', [stateOf('x')]],
        ]);
    });

    test('nothing to write of a kind: that write is not made', async () => {
        const { store, writes } = recordingStore();
        const buffer = new RunBuffer(store);
        buffer.add({ labels: [], aggregates: [], states: [stateOf('a')] });
        await buffer.flush();
        expect(writes.map(([call]) => call)).toEqual(['setStageStates']);
    });

    test('due once 256 labels and states have gathered, not before', () => {
        vi.useFakeTimers();
        const buffer = new RunBuffer(recordingStore().store);
        buffer.add({ labels: Array.from({ length: 100 }, (_, i) => label(`l${i}`)), aggregates: [], states: [] });
        buffer.add({ labels: [], aggregates: [], states: Array.from({ length: 155 }, (_, i) => stateOf(`s${i}`)) });
        expect(buffer.due()).toBe(false);
        buffer.add({ labels: [], aggregates: [aggregate('z')], states: [] });
        expect(buffer.due()).toBe(false); // final answers do not count: each goes with a state
        buffer.add({ labels: [], aggregates: [], states: [stateOf('last')] });
        expect(buffer.due()).toBe(true);
    });

    test('due 2 s after the last write even with little gathered (a slow model loses little to a kill)', async () => {
        vi.useFakeTimers();
        const buffer = new RunBuffer(recordingStore().store);
        buffer.add(work(['a']));
        vi.advanceTimersByTime(1999);
        expect(buffer.due()).toBe(false);
        vi.advanceTimersByTime(1);
        expect(buffer.due()).toBe(true);
        await buffer.flush();
        expect(buffer.due()).toBe(false);
        vi.advanceTimersByTime(2000);
        expect(buffer.due()).toBe(true);
    });
});
