/**
 * What the labeling panel tells a person about their own estimate: the accuracy the quality
 * engine believes they have on this task (kept per person of a pool, as `pool/person`), or that it
 * is not known yet. No `vscode` import: tested directly.
 */
import { personMember } from '../../../engine/src/executor/task-routing.js';
import type { LabelerEstimate } from '../../../engine/src/store/types.js';

/** The person's estimate on the task, or undefined before the engine has one. */
export function personEstimate(estimates: readonly LabelerEstimate[], labeler: string, person: string): LabelerEstimate | undefined {
    const member = personMember(labeler, person);
    return estimates.find((e) => e.labeler === member);
}

/** One sentence for the panel's notice. */
export function personEstimateNote(estimates: readonly LabelerEstimate[], labeler: string, person: string): string {
    const own = personEstimate(estimates, labeler, person);
    if (!own) {
        return (
            `${person}: no accuracy estimate yet in this task (your answers count at the declared accuracy of ${labeler} until ` +
            `there is one).`
        );
    }
    return (
        `${person}: estimated accuracy ${(own.accuracy * 100).toFixed(0)}% in this task, from about ${Math.round(own.n)} ` +
        `answer(s) of evidence; the aggregate weighs your answers by it.`
    );
}

/** One tooltip line: the person's estimate in a task, or that there is none yet. */
export function personEstimateLine(task: string, estimates: readonly LabelerEstimate[], labeler: string, person: string): string {
    const own = personEstimate(estimates, labeler, person);
    const who = `${task}: ${person} (${labeler})`;
    return own
        ? `${who} estimated ${(own.accuracy * 100).toFixed(0)}% accurate, from about ${Math.round(own.n)} answer(s)`
        : `${who} not estimated yet`;
}
