/**
 * The executor's single write path: items' work is buffered and written in batches — labels, then
 * final answers, then stage states — so a state never says `done` before what it stands for is
 * durable. A run killed before or during a flush redoes those items; the labels' deterministic ids
 * keep a model's answer from being stored twice.
 */
import type { Store } from '../store/store.js';
import type { PendingWork } from './stage-state.js';

/**
 * Buffered labels and states are written once about this many have gathered, or this long after
 * the last write (so slow models lose little work to a kill), and at the end of each flow.
 */
const FLUSH_EVERY = 256;
const FLUSH_AFTER_MS = 2000;

export type StoreWrites = Pick<Store, 'addLabels' | 'setAggregates' | 'setStageStates'>;

export class RunBuffer {
    private pending: PendingWork = { labels: [], aggregates: [], states: [] };
    private flushedAt = Date.now();

    constructor(
        private readonly store: StoreWrites,
        /** Called after each flush (the routing policies save their estimates). */
        private readonly afterFlush: () => Promise<void> = async () => {},
    ) {}

    /** Records an item's work, written with the next flush. */
    add(work: PendingWork): void {
        // One push per element: a spread of a large array overflows the call stack.
        for (const label of work.labels) {
            this.pending.labels.push(label);
        }
        for (const aggregate of work.aggregates) {
            this.pending.aggregates.push(aggregate);
        }
        for (const state of work.states) {
            this.pending.states.push(state);
        }
    }

    /** Whether enough work has gathered, or enough time passed, to write it now. */
    due(): boolean {
        return this.pending.states.length + this.pending.labels.length >= FLUSH_EVERY || Date.now() - this.flushedAt >= FLUSH_AFTER_MS;
    }

    /** Writes the buffered work: labels, then final answers, then stage states. */
    async flush(): Promise<void> {
        const { labels, aggregates, states } = this.pending;
        this.pending = { labels: [], aggregates: [], states: [] };
        this.flushedAt = Date.now();
        // The same task item reached twice in a flow (two branches) is one label.
        const unique = [...new Map(labels.map((l) => [l.id, l])).values()];
        if (unique.length > 0) {
            await this.store.addLabels(unique);
        }
        if (aggregates.length > 0) {
            await this.store.setAggregates(aggregates);
        }
        if (states.length > 0) {
            await this.store.setStageStates(states);
        }
        await this.afterFlush();
    }
}
