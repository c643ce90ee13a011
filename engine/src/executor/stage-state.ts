/**
 * What the executor records per item and stage in the store's stage_states table: a status and
 * a detail (the contract and input it was computed for, the final value, who is waited for).
 */
import type { Aggregate, JsonValue, NewLabel, StageState } from '../store/types.js';

export type StageStatus = 'done' | 'pending' | 'waiting' | 'failed' | 'skipped';

/** What the stage state's `detail` holds. */
export interface StageDetail {
    contract: string;
    input?: string;
    value?: JsonValue;
    labeler?: string;
    score?: number;
    waitingFor?: string;
    error?: string;
    /** The derived input's file (an image crop), for people to review. */
    derived?: string;
    /** Inputs computed from other labels (`m.text`), by parameter, as people will be shown them. */
    shown?: Record<string, JsonValue>;
    reason?: string;
    /** A re-asked item (a split member, language.md §10): the members people choose among. */
    among?: string[];
    /**
     * A final item of a routed choice: how many people's labels of it the store holds with this
     * decision (those read and those this run stored). More later means a person answered since.
     */
    people?: number;
}

/** Work of finished items not yet written to the store. */
export interface PendingWork {
    labels: NewLabel[];
    aggregates: Aggregate[];
    states: StageState[];
}
