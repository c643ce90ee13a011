/**
 * Which files the extension may read for a program. In an untrusted workspace: none of its plan,
 * data or model files (the panels say why and offer Manage Workspace Trust). In a trusted one:
 * data and model paths must lie inside the program's workspace folder unless the user sets
 * `dprog.allowPathsOutsideWorkspace` (a setting VS Code ignores in untrusted workspaces), so a
 * program or plan from elsewhere cannot make dprog read `../../../../etc/passwd`. Webview resource
 * roots never go beyond the workspace folder, whatever the setting.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LabelingPlan } from '../../engine/src/plan/types.js';
import { EngineError } from './engine-bridge/dprog-engine.js';

export function allowsPathsOutsideWorkspace(): boolean {
    return vscode.workspace.getConfiguration('dprog').get<boolean>('allowPathsOutsideWorkspace', false);
}

/** The workspace folder of a program (its own folder when it is in none). */
export function workspaceFolderOf(program: string): string {
    return vscode.workspace.getWorkspaceFolder(vscode.Uri.file(program))?.uri.fsPath ?? path.dirname(program);
}

export function isInside(folder: string, file: string): boolean {
    const relative = path.relative(folder, file);
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The data and model files a plan names, resolved against the program's folder. */
function planPaths(program: string, plan: LabelingPlan): Array<{ what: string; file: string }> {
    const dir = path.dirname(program);
    const datasets = plan.datasets.map((d) => ({ what: `dataset '${d.name}'`, file: path.resolve(dir, d.path) }));
    const models = plan.labelers.flatMap((l) =>
        l.kind === 'model' ? [{ what: `model '${l.name}'`, file: path.resolve(dir, l.path) }] : [],
    );
    return [...datasets, ...models];
}

/** Throws (naming the path and the setting) when a data or model path lies outside the workspace folder. */
export function checkPlanPaths(program: string, plan: LabelingPlan): void {
    if (allowsPathsOutsideWorkspace()) {
        return;
    }
    const folder = workspaceFolderOf(program);
    const outside = planPaths(program, plan).find(({ file }) => !isInside(folder, file));
    if (outside) {
        throw new EngineError(
            `The ${outside.what} is outside the workspace folder (${outside.file}); dprog reads only files inside it. Move the ` +
                `file into the workspace, or set dprog.allowPathsOutsideWorkspace to allow it.`,
            2,
        );
    }
}

/** The folders a panel may show images from: the plan's data folders that lie inside the workspace folder. */
export function dataResourceRoots(program: string, plan: LabelingPlan | undefined): vscode.Uri[] {
    const folder = workspaceFolderOf(program);
    const dir = path.dirname(program);
    const folders = plan
        ? plan.datasets.map((d) => path.resolve(dir, path.dirname(d.path.replace(/\*.*$/, 'x'))))
        : [path.join(dir, 'data')];
    return [...new Set(folders)].filter((f) => isInside(folder, f)).map((f) => vscode.Uri.file(f));
}
