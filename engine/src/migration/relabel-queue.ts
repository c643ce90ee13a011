/**
 * The work a migration leaves for people (language.md §10), kept as stage states of the run
 * `migration:<program>` with the stage `<task>@<version>`:
 *
 * - `reask`: a split member's item, asked again only among the members that come from it (`among`);
 *   `dprog run` routes it as a choice restricted to them and marks it `reasked` once decided;
 * - `review`: a labeled item of a task whose label set gained a member; the person sees the old
 *   label (`was`) and chooses among it and the added members (`among`); the answer supersedes the
 *   old label (`label`), which closes the entry.
 *
 * Reading them is pure: callers pass the stage states and the task's current labels.
 */
import type { JsonValue, Label, StageState } from '../store/types.js';

export const migrationRun = (program: string): string => `migration:${program}`;

export const REASK = 'reask';
export const REVIEW = 'review';
/** A re-ask the run has decided: the restriction no longer applies. */
export const REASKED = 'reasked';

export interface RelabelEntry {
    kind: 'reask' | 'review';
    task: string;
    item: string;
    /** The members the answer is chosen among. */
    among: string[];
    /** The label the item had before the migration. */
    was: JsonValue;
    /** That label's id (retired for a re-ask; superseded by the review answer). */
    label: string;
    /** Where the entry is kept: the run `migration:<program>` and the stage `<task>@<version>`. */
    run: string;
    stage: string;
}

interface EntryDetail {
    among?: unknown;
    was?: JsonValue;
    label?: unknown;
}

/**
 * The open entries of `task`, one per item (the newest version's): re-asks not yet decided, and
 * reviews whose old label is still current (`current`: the task's current label ids; a review
 * answer supersedes the old label, so it leaves the queue).
 */
export function openEntries(states: readonly StageState[], task: string, current: ReadonlySet<string>): RelabelEntry[] {
    const newest = new Map<string, { version: number; state: StageState }>();
    for (const state of states) {
        const at = state.stage.lastIndexOf('@');
        const version = Number(state.stage.slice(at + 1));
        if (at < 0 || state.stage.slice(0, at) !== task || !Number.isFinite(version)) {
            continue;
        }
        if ((newest.get(state.item)?.version ?? -Infinity) <= version) {
            newest.set(state.item, { version, state });
        }
    }
    return [...newest.values()].flatMap(({ state }) => {
        const entry = entryOf(state, task);
        return entry && (entry.kind === 'reask' || current.has(entry.label)) ? [entry] : [];
    });
}

function entryOf(state: StageState, task: string): RelabelEntry | undefined {
    if (state.status !== REASK && state.status !== REVIEW) {
        return undefined;
    }
    const detail = (state.detail ?? {}) as EntryDetail;
    const among = Array.isArray(detail.among) ? detail.among.filter((m): m is string => typeof m === 'string') : [];
    if (among.length === 0 || typeof detail.label !== 'string') {
        return undefined; // written by an older dprog without the choices: nothing to restrict to
    }
    const { item, run, stage } = state;
    return { kind: state.status, task, item, among, was: detail.was ?? null, label: detail.label, run, stage };
}

/** The re-asks by item, each among the task's classes it names (two at least, else the item may be any class). */
export function reaskRestrictions(entries: readonly RelabelEntry[], classes: readonly string[]): Map<string, RelabelEntry> {
    const restrictions = new Map<string, RelabelEntry>();
    for (const entry of entries) {
        const among = entry.among.filter((m) => classes.includes(m));
        if (entry.kind === 'reask' && among.length >= 2) {
            restrictions.set(entry.item, { ...entry, among });
        }
    }
    return restrictions;
}

/** The stage state that closes a re-ask once the run has decided the item. */
export function reaskDecided(entry: RelabelEntry, value: JsonValue): StageState {
    return {
        run: entry.run,
        stage: entry.stage,
        item: entry.item,
        status: REASKED,
        detail: { among: entry.among, was: entry.was, label: entry.label, value },
    };
}

/** The ids of current labels (for {@link openEntries}). */
export function currentIds(labels: readonly Label[]): Set<string> {
    return new Set(labels.filter((l) => l.supersededBy === undefined).map((l) => l.id));
}
