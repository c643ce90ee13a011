/**
 * Keeps the CodeLens counts ("Label (N left)") following the labels given: after each label (or a
 * compile, or a run) the program's progress is read again — whether or not its editor is the active
 * one (while a person labels, the labeling panel has the focus) — and the lenses are redrawn.
 */
import type * as vscode from 'vscode';
import type { CommandContext } from '../command-context.js';

/** Reads at most this often per program while labels arrive. */
const SETTLE_MS = 200;

export function followProgress(services: CommandContext, refresh: () => void): vscode.Disposable {
    const timers = new Map<string, NodeJS.Timeout>();
    const read = async (program: string) => {
        timers.delete(program);
        const plan = services.engine.cachedPlan(program);
        if (!plan) {
            return;
        }
        try {
            services.progress.set(program, await services.engine.progress(program, plan));
            refresh();
        } catch (error) {
            services.log.warn(`progress of ${program} not read: ${String(error)}`);
        }
    };
    const subscription = services.onDidChangeProgress.event((program) => {
        clearTimeout(timers.get(program));
        timers.set(
            program,
            setTimeout(() => void read(program), SETTLE_MS),
        );
    });
    return {
        dispose: () => {
            subscription.dispose();
            for (const timer of timers.values()) {
                clearTimeout(timer);
            }
            timers.clear();
        },
    };
}
