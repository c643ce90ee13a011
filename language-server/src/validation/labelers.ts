/** People and rules: accuracy as a probability (models: see models.ts), a positive pool, skills listed once. */
import type { ValidationAcceptor, ValidationChecks } from 'langium';
import type { DprogAstType, HumanLabeler, RulesLabeler } from '../generated/ast.js';
import { foundShare } from './util.js';

export const LabelerIssues = {
    /** Accuracy not above 0% and at most 100%. */
    accuracyRange: 'labeler/accuracy-range',
    /** A pool that is not a whole number of at least 1. */
    pool: 'labeler/pool',
    /** The same skill listed twice. */
    duplicateSkill: 'labeler/duplicate-skill',
} as const;

export const labelerChecks: ValidationChecks<DprogAstType> = {
    HumanLabeler: checkHuman,
    RulesLabeler: checkAccuracy,
};

function checkAccuracy(labeler: HumanLabeler | RulesLabeler, accept: ValidationAcceptor): void {
    if (labeler.accuracy !== undefined && (labeler.accuracy <= 0 || labeler.accuracy > 1)) {
        accept('error', `Accuracy must be above 0% and at most 100%; found ${foundShare(labeler, 'accuracy', labeler.accuracy)}`, {
            node: labeler,
            property: 'accuracy',
            code: LabelerIssues.accuracyRange,
            data: { code: LabelerIssues.accuracyRange },
        });
    }
}

function checkHuman(labeler: HumanLabeler, accept: ValidationAcceptor): void {
    checkAccuracy(labeler, accept);
    if (labeler.pool !== undefined && !(Number.isInteger(labeler.pool) && labeler.pool >= 1)) {
        accept('error', `A pool is a whole number of people (at least 1); found ${labeler.pool}.`, {
            node: labeler,
            property: 'pool',
            code: LabelerIssues.pool,
            data: { code: LabelerIssues.pool },
        });
    }
    const seen = new Set<string>();
    labeler.skills.forEach((skill, index) => {
        if (seen.has(skill)) {
            accept('warning', `Skill '${skill}' is listed twice.`, {
                node: labeler,
                property: 'skills',
                index,
                code: LabelerIssues.duplicateSkill,
                data: { code: LabelerIssues.duplicateSkill },
            });
        }
        seen.add(skill);
    });
}
