/** `dprog.reviewDisagreements`: the annotation panel of one task, in review mode (items whose labelers disagreed). */
import type * as vscode from 'vscode';
import type { CommandContext } from '../command-context.js';
import { registerAnnotatePanelCommand } from './open-labeling-panel.js';

export function registerReviewDisagreements(services: CommandContext): vscode.Disposable {
    return registerAnnotatePanelCommand(services, 'dprog.reviewDisagreements', 'review');
}
