/**
 * What the commands and panels share: the engine, the log, settings, workspace trust, and helpers
 * to pick a program and a task, run long work with a cancellable progress notification, and show
 * errors the way VS Code users expect.
 */
import { userInfo } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { programStoreLocation } from '../../engine/src/store/location.js';
import type { LabelingPlan, PlanTask } from '../../engine/src/plan/types.js';
import {
    diagnosticLine,
    EngineError,
    NotAvailableError,
    ProgramDiagnosticsError,
    type Cancellation,
    type CompileResult,
    type DprogEngine,
    type ProgramProgress,
} from './engine-bridge/dprog-engine.js';
import type { CompileProblems } from './language/compile-problems.js';
import type { Metrics } from './metrics.js';
import { checkPlanPaths } from './workspace-paths.js';

export interface Settings {
    /**
     * `dprog.store` (or its older name `dprog.storePath`): a path or a postgres:// URL; empty: `.dprog/labels.sqlite`
     * beside the program.
     */
    storePath: string;
    labelerName: string;
    /** The person recorded with each label (`dprog.labeler`, default the OS user name). */
    person: string;
    /** How long a handed-out item stays one person's on a shared store (ms). */
    leaseMs: number;
    batchSize: number | undefined;
}

export interface CommandContext {
    readonly context: vscode.ExtensionContext;
    readonly engine: DprogEngine;
    readonly log: vscode.LogOutputChannel;
    readonly metrics: Metrics;
    /** Fired after a compile or a label, so the status bar and CodeLens refresh. */
    readonly onDidChangeProgress: vscode.EventEmitter<string>;
    /** The last progress read per program (by the status bar), for CodeLens counts. */
    readonly progress: Map<string, ProgramProgress>;
    /** Errors of failed compiles, in the Problems panel. */
    readonly compileProblems: CompileProblems;
}

export function settings(): Settings {
    const config = vscode.workspace.getConfiguration('dprog');
    const batch = config.get<number>('batchSize', 0);
    return {
        storePath: config.get<string>('store', '') || config.get<string>('storePath', ''),
        labelerName: config.get<string>('labelerName', '') || 'me',
        person: config.get<string>('labeler', '').trim() || osUserName(),
        leaseMs: Math.max(0.1, config.get<number>('leaseMinutes', 10)) * 60_000,
        batchSize: batch > 0 ? batch : undefined,
    };
}

function osUserName(): string {
    try {
        return userInfo().username || 'me';
    } catch {
        return 'me';
    }
}

/**
 * The program's label store: a file path (relative ones against the workspace folder) or a
 * postgres:// URL, from `dprog.store`. A setting that is neither, or that holds a password, is an error.
 */
export function storePathFor(program: string): string {
    const configured = settings().storePath.trim() || undefined;
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(program));
    const location = programStoreLocation(program, configured, folder?.uri.fsPath ?? path.dirname(program));
    if (location.backend === 'sqljs') {
        return location.path;
    }
    if (new URL(location.url).password) {
        throw new Error(
            `dprog.store: a settings file is no place for a password (${location.display}). Remove it from the URL and use the ` +
                `command "Data Program: Set Store Password", PGPASSWORD or ~/.pgpass.`,
        );
    }
    return location.url;
}

/** The SecretStorage key of a store URL's password. */
export const passwordKey = (storeUrl: string): string => `dprog.storePassword ${storeUrl}`;

export const isTrusted = (): boolean => vscode.workspace.isTrusted;

/** Explains, once per call site, why nothing is run or written; returns whether work may go on. */
export function requireTrust(what: string): boolean {
    if (vscode.workspace.isTrusted) {
        return true;
    }
    void vscode.window
        .showWarningMessage(
            `dprog: this workspace is not trusted, so ${what} is off (no model runs, nothing is written). Trust the workspace ` +
                `to enable it.`,
            'Manage Workspace Trust',
        )
        .then((choice) => {
            if (choice) {
                void vscode.commands.executeCommand('workbench.trust.manage');
            }
        });
    return false;
}

/** The program a command is about: its argument, the active .dprog editor, or one picked from the workspace. */
export async function pickProgram(argument?: unknown): Promise<string | undefined> {
    if (argument instanceof vscode.Uri && argument.fsPath.endsWith('.dprog')) {
        return argument.fsPath;
    }
    if (typeof argument === 'string' && argument.endsWith('.dprog')) {
        return argument;
    }
    const active = vscode.window.activeTextEditor?.document;
    if (active?.languageId === 'dprog' && active.uri.scheme === 'file') {
        if (active.isDirty) {
            await active.save();
        }
        return active.uri.fsPath;
    }
    const files = await vscode.workspace.findFiles('**/*.dprog', '**/node_modules/**', 200);
    if (files.length === 0) {
        void vscode.window.showInformationMessage('dprog: open a .dprog program first.');
        return undefined;
    }
    if (files.length === 1) {
        return files[0].fsPath;
    }
    const choice = await vscode.window.showQuickPick(
        files.map((f) => ({ label: path.basename(f.fsPath), description: vscode.workspace.asRelativePath(f), uri: f })),
        { placeHolder: 'Which program?' },
    );
    return choice?.uri.fsPath;
}

/** The task a command is about: its argument, the only one, or one picked. `filter` narrows the choices. */
export async function pickTask(
    plan: LabelingPlan,
    argument?: unknown,
    filter: (task: PlanTask) => boolean = () => true,
): Promise<PlanTask | undefined> {
    const tasks = plan.tasks.filter(filter);
    if (typeof argument === 'string') {
        const named = tasks.find((t) => t.name === argument);
        if (named) {
            return named;
        }
    }
    if (tasks.length === 0) {
        void vscode.window.showInformationMessage(`dprog: ${plan.program} has no task for this.`);
        return undefined;
    }
    if (tasks.length === 1) {
        return tasks[0];
    }
    const choice = await vscode.window.showQuickPick(
        tasks.map((t) => ({ label: t.name, description: t.output.text, detail: t.question ?? undefined, task: t })),
        { placeHolder: 'Which task?' },
    );
    return choice?.task;
}

/**
 * The task of a program's plan a command is about (compiling the program when it has no plan yet):
 * undefined when the workspace is untrusted or no task was picked. `filter` narrows the choices.
 */
export async function pickPlannedTask(
    services: CommandContext,
    program: string,
    argument?: unknown,
    filter: (task: PlanTask, plan: LabelingPlan) => boolean = () => true,
): Promise<PlanTask | undefined> {
    const plan = await trustedPlanOf(services, program);
    return plan ? pickTask(plan, argument, (task) => filter(task, plan)) : undefined;
}

/** Runs long work under a progress notification whose Cancel button aborts it. */
export function withProgress<T>(title: string, work: (cancel: Cancellation) => Promise<T>): Thenable<T> {
    return vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `dprog: ${title}`, cancellable: true },
        (_progress, token) => {
            const controller = new AbortController();
            token.onCancellationRequested(() => controller.abort());
            return work({ signal: controller.signal });
        },
    );
}

/**
 * The plan of a program: the last one compiled, else compiled now. Undefined in an untrusted
 * workspace, where no plan file is read (its paths could point anywhere). Its data and model paths
 * must lie inside the workspace folder (see workspace-paths.ts).
 */
export async function trustedPlanOf(services: CommandContext, program: string): Promise<LabelingPlan | undefined> {
    if (!requireTrust("labeling (it reads the program's plan, data and models)")) {
        return undefined;
    }
    const plan = services.engine.cachedPlan(program) ?? (await compileProgram(services, program)).plan;
    checkPlanPaths(program, plan);
    return plan;
}

/** Compiles under a progress notification; a failed compile's errors go to Problems, a good one clears them. */
export async function compileProgram(services: CommandContext, program: string): Promise<CompileResult> {
    try {
        const result = await withProgress(`compiling ${path.basename(program)}`, (cancel) => services.engine.compile(program, cancel));
        services.compileProblems.clear(program);
        services.onDidChangeProgress.fire(program);
        return result;
    } catch (error) {
        if (error instanceof ProgramDiagnosticsError) {
            services.compileProblems.show(program, error.diagnostics);
        }
        throw error;
    }
}

/**
 * Shows an error: "not available yet" as information, engine errors with their message, cancellations
 * not at all — neither the person's (Cancel, an AbortError) nor VS Code's: a notification or dialog
 * still open when the window closes or reloads answers with a CancellationError ("Canceled").
 */
export function showError(services: CommandContext, error: unknown): void {
    if (error instanceof vscode.CancellationError || (error instanceof Error && ['AbortError', 'Canceled'].includes(error.name))) {
        services.log.info('cancelled');
        return;
    }
    if (error instanceof NotAvailableError) {
        services.log.warn(error.message);
        void vscode.window.showInformationMessage(`dprog: ${error.message}`);
        return;
    }
    const message = error instanceof Error ? error.message : String(error);
    services.log.error(message);
    if (error instanceof ProgramDiagnosticsError) {
        for (const d of error.diagnostics) {
            services.log.error(`  ${diagnosticLine(d)}`);
        }
    } else if (!(error instanceof EngineError) && error instanceof Error && error.stack) {
        services.log.error(error.stack);
    }
    const prefix = error instanceof EngineError ? 'dprog' : 'dprog (unexpected)';
    const diagnostics = error instanceof ProgramDiagnosticsError;
    void vscode.window
        .showErrorMessage(`${prefix}: ${message.split('\n')[0]}`, ...(diagnostics ? ['Show Problems', 'Show Log'] : ['Show Log']))
        .then((choice) => {
            if (choice === 'Show Log') {
                services.log.show(true);
            }
            if (choice === 'Show Problems') {
                void vscode.commands.executeCommand('workbench.actions.view.problems');
            }
        });
}
