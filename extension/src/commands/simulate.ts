/**
 * `dprog.simulate`: replays recorded real answers (a CSV) through the plan's routing and quality
 * rules, to see labels used, accuracy and cost before spending anything.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { pickProgram, pickPlannedTask, requireTrust, showError, withProgress, type CommandContext } from '../command-context.js';

function csvHeader(file: string): string[] {
    const first = readFileSync(file, 'utf8').split(/\r?\n/, 1)[0] ?? '';
    return first
        .split(',')
        .map((c) => c.trim().replace(/^"|"$/g, ''))
        .filter(Boolean);
}

async function column(header: string[], role: string, guess: RegExp, optional = false): Promise<string | undefined> {
    const items = [...(optional ? [{ label: '(none)' }] : []), ...header.map((h) => ({ label: h }))];
    const preferred = header.find((h) => guess.test(h));
    const sorted = preferred ? [{ label: preferred, description: 'suggested' }, ...items.filter((i) => i.label !== preferred)] : items;
    const choice = await vscode.window.showQuickPick(sorted, { placeHolder: `Column with the ${role}` });
    return choice?.label === '(none)' ? '' : choice?.label;
}

export function registerSimulate(services: CommandContext): vscode.Disposable {
    return vscode.commands.registerCommand('dprog.simulate', async (argument?: unknown) => {
        const program = await pickProgram(argument);
        if (!program || !requireTrust('simulation')) {
            return;
        }
        try {
            const task = await pickPlannedTask(services, program);
            if (!task) {
                return;
            }
            const csv = (
                await vscode.window.showOpenDialog({
                    title: 'Recorded answers to replay (CSV)',
                    filters: { CSV: ['csv'] },
                    defaultUri: vscode.Uri.file(path.dirname(program)),
                })
            )?.[0];
            if (!csv) {
                return;
            }
            const header = csvHeader(csv.fsPath);
            const item = await column(header, 'item id', /item|id|key/i);
            const worker = item && (await column(header, 'worker (labeler) id', /worker|annotator|labeler/i));
            const label = worker && (await column(header, 'answer', /label|answer|response/i));
            const gold = label && (await column(header, 'known answer (gold)', /gold|truth/i, true));
            if (!item || !worker || !label || gold === undefined) {
                return;
            }
            const result = await withProgress(`simulating ${task.name}`, (cancel) =>
                services.engine.simulate(
                    program,
                    { replay: csv.fsPath, item, worker, label, gold: gold || undefined, task: task.name },
                    cancel,
                ),
            );
            services.log.info(`simulate ${task.name}: ${JSON.stringify(result)}`);
            void vscode.window.showInformationMessage(
                `dprog: ${task.name} on ${result.items} items used ${result.labelsUsed} of ` +
                    `${result.labelsAvailable} recorded answers` +
                    (result.accuracy !== undefined ? `, accuracy ${(result.accuracy * 100).toFixed(1)}%` : '') +
                    `, cost $${result.cost.toFixed(2)}` +
                    '.',
            );
        } catch (error) {
            showError(services, error);
        }
    });
}
