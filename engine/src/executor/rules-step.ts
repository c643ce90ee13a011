/** The rules step of a route: a rules labeler answers each stage item at once, or abstains. */
import type { PlanRulesLabeler } from '../plan/types.js';
import { runRules } from './rules-runner.js';
import type { Given, Open, StageRun } from './stage-item.js';

/** The rules' answers to the stage items (an item whose rules cannot be evaluated fails). */
export function askRules(run: StageRun, labeler: PlanRulesLabeler, open: readonly Open[]): Given[] {
    const given: Given[] = [];
    for (const o of open) {
        try {
            const answer = runRules(labeler, run.item);
            if (answer) {
                given.push({ o, value: answer.value, score: answer.score });
            }
        } catch (error) {
            run.work.failed(run.stage, run.task, o.instance.key, o.inputHash, error);
        }
    }
    return given;
}
