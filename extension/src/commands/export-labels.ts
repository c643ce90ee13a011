/** `dprog.exportLabels`: writes a task's labels as jsonl, csv, COCO, YOLO or Label Studio. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { pickProgram, pickPlannedTask, requireTrust, showError, withProgress, type CommandContext } from '../command-context.js';

const FORMATS = [
    { label: 'jsonl', description: 'one label per line', folder: false, extension: 'jsonl' },
    { label: 'csv', description: 'item, label, labeler, …', folder: false, extension: 'csv' },
    { label: 'coco', description: 'COCO detection JSON (boxes)', folder: false, extension: 'json' },
    { label: 'yolo', description: 'a folder of YOLO txt files (boxes)', folder: true, extension: '' },
    { label: 'labelstudio', description: 'Label Studio tasks JSON', folder: false, extension: 'json' },
];

export function registerExportLabels(services: CommandContext): vscode.Disposable {
    return vscode.commands.registerCommand('dprog.exportLabels', async (argument?: unknown) => {
        const program = await pickProgram(argument);
        if (!program || !requireTrust('exporting (it writes files)')) {
            return;
        }
        try {
            const task = await pickPlannedTask(services, program);
            if (!task) {
                return;
            }
            const format = await vscode.window.showQuickPick(FORMATS, { placeHolder: `Export the labels of ${task.name} as` });
            if (!format) {
                return;
            }
            const base = vscode.Uri.file(
                path.join(path.dirname(program), `${task.name}-labels${format.extension ? `.${format.extension}` : ''}`),
            );
            const target = format.folder
                ? (
                      await vscode.window.showOpenDialog({
                          canSelectFolders: true,
                          canSelectFiles: false,
                          defaultUri: vscode.Uri.file(path.dirname(program)),
                          openLabel: 'Export here',
                      })
                  )?.[0]
                : await vscode.window.showSaveDialog({ defaultUri: base });
            if (!target) {
                return;
            }
            await withProgress(`exporting ${task.name}`, (cancel) =>
                services.engine.exportLabels(program, task.name, format.label, target.fsPath, cancel),
            );
            services.log.info(`exported ${task.name} as ${format.label} to ${target.fsPath}`);
            void vscode.window.showInformationMessage(
                `dprog: exported the labels of ${task.name} to ${vscode.workspace.asRelativePath(target)}.`,
            );
        } catch (error) {
            showError(services, error);
        }
    });
}
