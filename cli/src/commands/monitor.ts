import * as path from 'node:path';
import type { RegisterCommand } from './index.js';
import { ExitCode, ProgramError } from '../errors.js';
import { printJson, printLine } from '../output.js';
import { planOf } from '../compiled-program.js';
import { withDataErrors } from '../learning-program.js';
import { openStore } from '../store-option.js';
import { formatDiagnostic } from '../program.js';
import { SessionCache } from '../../../engine/src/learning/session-cache.js';
import { StoreModelVersions } from '../../../engine/src/learning/store-model-versions.js';
import { runMonitors, type MonitorResult } from '../../../engine/src/monitors/run-monitors.js';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function describe(result: MonitorResult): string {
    const sizes = `${result.currentItems} current vs ${result.referenceItems} reference items`;
    if (result.kind === 'shift') {
        const limits = [result.warn != null ? `warn > ${result.warn}` : '', result.alert != null ? `alert > ${result.alert}` : '']
            .filter(Boolean)
            .join(', ');
        return (
            `${result.level.toUpperCase().padEnd(5)} shift of ${result.subject}: ${result.metric} ` +
            `${result.value!.toFixed(3)}${limits ? ` (${limits})` : ''}; ${sizes}`
        );
    }
    const rates = Object.entries(result.rates ?? {})
        .map(([label, rate]) => `${label} ${pct(rate)}`)
        .join(', ');
    const problems = (result.violations ?? []).map((v) => v.message).join('; ');
    return (
        `${result.level.toUpperCase().padEnd(5)} predictions of ${result.subject}: mean confidence ` +
        `${pct(result.meanConfidence!)}, ${rates}${problems ? ` — ${problems}` : ''}; ${result.currentItems} items`
    );
}

/**
 * `dprog monitor FILE [--data NEW] [--store DB] [--json]`: run the program's `monitor` blocks on new
 * data (a file in the dataset's format) or, without --data, on the dataset's validation and test
 * buckets. Exit code 1 when a monitor alerts, so CI can stop on drift.
 */
export const registerMonitor: RegisterCommand = (program, setExitCode) => {
    program
        .command('monitor')
        .description("Run the program's monitors: covariate shift (PSI/KS) against the training data and bounded predictions.")
        .argument('<file>', 'the .dprog program (or a compiled plan .json)')
        .option('--data <file>', "current data in the dataset's format (default: the dataset's non-train buckets)")
        .option('--store <db>', 'label store whose newest model versions are scored (default: .dprog/labels.sqlite beside the program)')
        .option('--json', 'print {"level","monitors":[…]} as JSON')
        .action(async (file: string, options: { data?: string; store?: string; json?: boolean }) => {
            await withDataErrors(async () => {
                const { plan, diagnostics } = await planOf(file);
                if (!plan) {
                    throw new ProgramError(
                        `${file} has errors; fix them first:\n${diagnostics
                            .filter((d) => d.severity === 'error')
                            .map(formatDiagnostic)
                            .join('\n')}`,
                    );
                }
                if (plan.monitors.length === 0) {
                    throw new ProgramError(`${file}: the program declares no monitor.`);
                }
                const store = await openStore(file, options.store, true);
                const sessions = new SessionCache();
                try {
                    const results = await runMonitors(plan, {
                        baseDir: path.dirname(path.resolve(file)),
                        sessions,
                        currentData: options.data,
                        versions: store
                            ? await StoreModelVersions.open(
                                  store,
                                  plan.labelers.filter((l) => l.kind === 'model').map((l) => l.name),
                              )
                            : undefined,
                    });
                    const level = results.some((r) => r.level === 'alert')
                        ? 'alert'
                        : results.some((r) => r.level === 'warn')
                          ? 'warn'
                          : 'ok';
                    if (options.json) {
                        printJson({ level, monitors: results });
                    } else {
                        for (const result of results) {
                            printLine(describe(result));
                        }
                    }
                    setExitCode(level === 'alert' ? ExitCode.programError : ExitCode.ok);
                } finally {
                    await sessions.releaseAll();
                    await store?.close();
                }
            });
        });
};
