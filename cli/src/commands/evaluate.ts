import type { RegisterCommand } from './index.js';
import { ExitCode, UsageError } from '../errors.js';
import { printError, printJson, printLine } from '../output.js';
import { SPLITS, type Split } from '../../../engine/src/store/index.js';
import { evaluate } from '../actions/evaluate.js';

interface EvaluateFlags {
    task?: string;
    split: string;
    gold?: string;
    store?: string;
    json?: boolean;
    reuseTest?: string;
}

/**
 * `dprog evaluate FILE [--task T] [--split validation|test] [--gold FIELD] [--store DB] [--json]`: the
 * options and the printing; the measurement and its record are actions/evaluate.ts.
 */
export const registerEvaluate: RegisterCommand = (program, setExitCode) => {
    program
        .command('evaluate')
        .description('Measure the current model of a `learn` block on a split; evaluations on test are recorded and guarded.')
        .argument('<file>', 'the .dprog program')
        .option('--task <task>', 'the task of a `learn` block (default: the only one)')
        .option('--split <split>', 'validation or test (train is what the model learned from)', 'validation')
        .option('--gold <field>', 'compare with this data field instead of the labels in the store')
        .option('--store <db>', 'label store (default: .dprog/labels.sqlite beside the program)')
        .option('--reuse-test <reason>', 'evaluate on test again (for this program version), recording why')
        .option('--json', 'print {"task","model","split","items","accuracy","warning"?} as JSON')
        .action(async (file: string, flags: EvaluateFlags) => {
            if (!SPLITS.includes(flags.split as Split)) {
                throw new UsageError(`--split must be one of ${SPLITS.join(', ')}, got '${flags.split}'.`);
            }
            if (flags.reuseTest !== undefined && flags.reuseTest.trim() === '') {
                throw new UsageError('--reuse-test needs a reason, e.g. --reuse-test "final report after fixing the labels"');
            }
            const result = await evaluate(file, { ...flags, split: flags.split as Split });
            if (flags.json) {
                printJson(result);
            } else {
                printLine(
                    `${result.model} on ${result.split}: accuracy ${(result.accuracy * 100).toFixed(1)}% over ${result.items} ` +
                        `labeled items (recorded).`,
                );
                if (result.warning) {
                    printError(`warning: ${result.warning}`);
                }
            }
            setExitCode(ExitCode.ok);
        });
};
