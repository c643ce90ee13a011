/** `dprog.reviewDisagreements`: the annotation panel of one task, in review mode (items whose labelers disagreed). */
import type * as vscode from 'vscode';
import type { DprogServices } from '../services.js';
import { registerAnnotatePanelCommand } from './open-labeling-panel.js';

export function registerReviewDisagreements(services: DprogServices): vscode.Disposable {
    return registerAnnotatePanelCommand(services, 'dprog.reviewDisagreements', 'review');
}
