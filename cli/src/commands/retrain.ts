import * as path from 'node:path';
import type { RegisterCommand } from './index.js';
import { ExitCode } from '../errors.js';
import { printJson, printLine } from '../output.js';
import { type RetrainResult, retrain } from '../actions/retrain.js';

/** `dprog retrain FILE [--task T] [--store DB] [--json]`: the options and the printing; the training is actions/retrain.ts. */
export const registerRetrain: RegisterCommand = (program, setExitCode) => {
    program
        .command('retrain')
        .description(
            'Retrain the model of a `learn` block on the labels people gave (train bucket), export it to ONNX and record the version.',
        )
        .argument('<file>', 'the .dprog program')
        .option('--task <task>', 'the task of a `learn` block (default: the only one)')
        .option('--store <db>', 'label store (default: .dprog/labels.sqlite beside the program)')
        .option('--json', 'print the new version as JSON')
        .action(async (file: string, options: { task?: string; store?: string; json?: boolean }) => {
            const result = await retrain(file, options);
            if (options.json) {
                printJson(result);
            } else {
                printLine(describeVersion(result));
            }
            setExitCode(ExitCode.ok);
        });
};

function describeVersion(result: RetrainResult): string {
    const measured =
        result.accuracy === null
            ? `no labeled ${result.split} items to measure it on.`
            : `${result.split} accuracy ${(result.accuracy * 100).toFixed(1)}% on ${result.validationItems} labeled items.`;
    return (
        `${result.model} v${result.version} trained on ${result.trainingLabels} labels → ` +
        `${path.relative(process.cwd(), result.path)}; ${measured}`
    );
}
