/**
 * `dprog.showMigration`: what changing the program would do to the labels already given — kept,
 * mapped, re-asked, queued for review, invalidated — before anything is spent. Compares the
 * program with an earlier version of it that the user picks.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MigrationJson } from '../../../cli/src/json-contracts.js';
import { pickProgram, requireTrust, showError, withProgress, type CommandContext } from '../command-context.js';

export function migrationMarkdown(oldFile: string, newFile: string, migration: MigrationJson): string {
    const lines = [`# Migration: ${path.basename(oldFile)} → ${path.basename(newFile)}`, ''];
    for (const task of migration.tasks) {
        lines.push(`## ${task.task}: ${task.action}`, '');
        if (task.members.length > 0) {
            lines.push('| old member | new | action |', '|---|---|---|');
            for (const m of task.members) {
                lines.push(`| ${m.old ?? '(new)'} | ${m.new.join(', ') || '—'} | ${m.action} |`);
            }
            lines.push('');
        }
    }
    if (migration.tasks.length === 0) {
        lines.push('No task changes.');
    }
    lines.push('', '```json', JSON.stringify(migration, null, 2), '```');
    return lines.join('\n');
}

export function registerShowMigration(services: CommandContext): vscode.Disposable {
    return vscode.commands.registerCommand('dprog.showMigration', async (argument?: unknown, oldArgument?: unknown) => {
        const program = await pickProgram(argument);
        if (!program || !requireTrust('Show Migration (it runs the dprog CLI on the program)')) {
            return;
        }
        let oldFile = typeof oldArgument === 'string' ? oldArgument : undefined;
        if (!oldFile) {
            const picked = await vscode.window.showOpenDialog({
                title: `The earlier version of ${path.basename(program)} to compare with`,
                defaultUri: vscode.Uri.file(path.dirname(program)),
                filters: { 'Data programs': ['dprog'] },
                canSelectMany: false,
            });
            oldFile = picked?.[0]?.fsPath;
        }
        if (!oldFile) {
            return;
        }
        try {
            const migration = await withProgress('computing the migration', (cancel) => services.engine.diff(oldFile, program, cancel));
            const document = await vscode.workspace.openTextDocument({
                language: 'markdown',
                content: migrationMarkdown(oldFile, program, migration),
            });
            await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
        } catch (error) {
            showError(services, error);
        }
    });
}
