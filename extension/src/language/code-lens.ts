/**
 * CodeLens above each task (`Label · Sample · Preview`) and each `learn` block
 * (`Sample next batch · Preview · Retrain`). Found by a line scan — cheap, and right for the
 * top-level declarations the grammar allows — so lenses appear before the server has parsed.
 */
import * as vscode from 'vscode';

const TASK = /^\s*task\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/;
const LEARN = /^\s*learn\s+([A-Za-z_][A-Za-z0-9_]*)\s+using\s+([A-Za-z_][A-Za-z0-9_]*)/;

export class DprogCodeLensProvider implements vscode.CodeLensProvider {
    private readonly changed = new vscode.EventEmitter<void>();
    readonly onDidChangeCodeLenses = this.changed.event;

    constructor(
        private readonly known: {
            /** Tasks with a `learn` block, once the program is compiled. */
            learnTasks: (program: string) => Set<string> | undefined;
            /** Items of a task left to label, when known. */
            left: (program: string, task: string) => number | undefined;
        },
    ) {}

    refresh(): void {
        this.changed.fire();
    }

    provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
        const lenses: vscode.CodeLens[] = [];
        const program = document.uri.fsPath;
        const learned = this.known.learnTasks(program);
        for (let line = 0; line < document.lineCount; line++) {
            const text = document.lineAt(line).text;
            const range = new vscode.Range(line, 0, line, 0);
            const task = TASK.exec(text);
            if (task) {
                const name = task[1];
                const left = this.known.left(program, name);
                lenses.push(
                    new vscode.CodeLens(range, {
                        title: left === undefined ? 'Label' : `Label (${left.toLocaleString('en-US')} left)`,
                        command: 'dprog.openLabelingPanel',
                        arguments: [document.uri, name],
                        tooltip: `Label the items of ${name}`,
                    }),
                );
                if (!learned || learned.has(name)) {
                    lenses.push(
                        new vscode.CodeLens(range, {
                            title: 'Sample',
                            command: 'dprog.sampleNextBatch',
                            arguments: [document.uri, name],
                            tooltip: 'Choose the next items worth labeling',
                        }),
                    );
                    lenses.push(
                        new vscode.CodeLens(range, {
                            title: 'Preview',
                            command: 'dprog.previewActiveLearning',
                            arguments: [document.uri, name],
                            tooltip: 'What active learning would ask next, and why',
                        }),
                    );
                }
                continue;
            }
            const learn = LEARN.exec(text);
            if (learn) {
                const name = learn[1];
                lenses.push(
                    new vscode.CodeLens(range, {
                        title: 'Sample next batch',
                        command: 'dprog.sampleNextBatch',
                        arguments: [document.uri, name],
                    }),
                );
                lenses.push(
                    new vscode.CodeLens(range, {
                        title: 'Preview',
                        command: 'dprog.previewActiveLearning',
                        arguments: [document.uri, name],
                    }),
                );
                lenses.push(
                    new vscode.CodeLens(range, {
                        title: 'Retrain',
                        command: 'dprog.runPlan',
                        arguments: [document.uri],
                        tooltip: `Run the plan: ${learn[2]} is retrained as labels arrive (retrain every N labels)`,
                    }),
                );
            }
        }
        return lenses;
    }
}
