/** Every `dprog.*` command; one file per command. */
import type * as vscode from 'vscode';
import type { CommandContext } from '../command-context.js';
import { registerCompile } from './compile.js';
import { registerExportLabels } from './export-labels.js';
import { registerOpenLabelingPanel } from './open-labeling-panel.js';
import { registerOpenPlan } from './open-plan.js';
import { registerPreviewActiveLearning } from './preview-active-learning.js';
import { registerReviewDisagreements } from './review-disagreements.js';
import { registerRunPlan } from './run-plan.js';
import { registerSampleNextBatch } from './sample-next-batch.js';
import { registerShowMigration } from './show-migration.js';
import { registerSimulate } from './simulate.js';
import { registerSetStorePassword } from './set-store-password.js';

export function registerCommands(services: CommandContext): vscode.Disposable[] {
    return [
        registerCompile,
        registerSampleNextBatch,
        registerOpenLabelingPanel,
        registerOpenPlan,
        registerReviewDisagreements,
        registerPreviewActiveLearning,
        registerShowMigration,
        registerRunPlan,
        registerExportLabels,
        registerSimulate,
        registerSetStorePassword,
    ].map((register) => register(services));
}
