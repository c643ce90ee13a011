/** The active learner of a `learn` block over a learning workspace, as `dprog learn` and `dprog retrain` build it. */
import { ActiveLearner, type LearnerContext } from '../../../engine/src/learning/active-learning.js';
import type { LearnProgram } from '../../../engine/src/learning/learn-program.js';
import type { LearningWorkspace } from '../../../engine/src/learning/learning-workspace.js';
import type { SessionCache } from '../../../engine/src/learning/session-cache.js';

/** A learner over every item of `ws`, measured on `validationLabels`, asking `label` for new labels. */
export function learnerFor(
    program: LearnProgram,
    ws: LearningWorkspace,
    sessions: SessionCache,
    validationLabels: ReadonlyMap<number, number>,
    label: LearnerContext['label'],
): ActiveLearner {
    return new ActiveLearner(
        { keys: ws.items.map((i) => i.key), features: ws.features, splits: ws.splits, labels: program.labels, validationLabels },
        { ...program.learn },
        {
            task: program.task,
            labeler: program.model.name,
            sessions,
            versions: ws.versions,
            modelDir: ws.modelDir,
            initialModel: ws.modelPath,
            known: ws.known,
            label,
        },
    );
}
