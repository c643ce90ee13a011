/**
 * Registers every check. Each concept has its own file in this folder exporting its checks and
 * issue codes ('<area>/<issue>', all listed in issue-codes.ts); this file only wires them up.
 */
import type { DprogServices } from '../dprog-module.js';
import { clauseChecks } from './clauses.js';
import { datasetChecks } from './datasets.js';
import { FlowChecks } from './flows.js';
import { ImportChecks } from './imports.js';
import { LabelSetChecks } from './label-sets.js';
import { labelerChecks } from './labelers.js';
import { labelTypeChecks } from './label-types.js';
import { LearnChecks } from './learn.js';
import { ModelChecks } from './models.js';
import { MonitorChecks } from './monitors.js';
import { NameChecks } from './names.js';
import { QualityChecks } from './quality.js';
import { programHeaderChecks } from './program-header.js';
import { ruleChecks } from './rules.js';
import { ScoreChecks } from './scores.js';
import { TaskChecks } from './tasks.js';
import { UnusedChecks } from './unused.js';

export function registerValidationChecks(services: DprogServices): void {
    const registry = services.validation.ValidationRegistry;
    registry.register(new NameChecks(services).checks);
    registry.register(new ImportChecks(services).checks);
    registry.register(programHeaderChecks);
    registry.register(clauseChecks);
    registry.register(datasetChecks);
    registry.register(new LabelSetChecks(services).checks);
    registry.register(labelTypeChecks);
    registry.register(labelerChecks);
    registry.register(new ModelChecks(services).checks);
    registry.register(ruleChecks);
    registry.register(new TaskChecks(services).checks);
    registry.register(new QualityChecks(services).checks);
    registry.register(new FlowChecks(services).checks);
    registry.register(new ScoreChecks().checks);
    registry.register(new LearnChecks(services).checks);
    registry.register(new MonitorChecks(services).checks);
    registry.register(new UnusedChecks(services).checks);
}
