/**
 * `dprog label export|import`: move a task's labels out of and into the label store, in jsonl,
 * csv, coco, yolo or labelstudio. Export reads the store read-only (it works while an editor
 * holds the write lock); import takes the lock and adds labels idempotently (ids travel along).
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { RegisterCommand } from './index.js';
import { ExitCode, ProgramError, UsageError } from '../errors.js';
import { printError, printJson, printLine } from '../output.js';
import { imagesFolder, labelTask, taskItems } from '../label-task.js';
import { LABELER_KINDS, type LabelerKind, type NewLabel, type Store } from '../../../engine/src/store/index.js';
import { asCliError, openAnyStoreAt, storeLocationFor } from '../store-option.js';
import { exportLabels, FORMAT_NAMES, formatNamed, importLabels, writeExport } from '../../../engine/src/store/formats/index.js';
import { exportFinal, finalAsLabel } from '../../../engine/src/store/formats/final.js';

interface CommonOptions {
    store?: string;
    program?: string;
    task: string;
    format: string;
    labeler?: string;
    images?: string;
    json?: boolean;
}

function checkFormat(name: string): void {
    try {
        formatNamed(name);
    } catch (_error) {
        throw new UsageError(`--format ${name}: unknown format; use one of ${FORMAT_NAMES.join(', ')}`);
    }
}

function checkImages(images: string | undefined): void {
    if (images !== undefined && !existsSync(images)) {
        throw new UsageError(`--images ${images}: no such folder`);
    }
}

function addCommon(command: Command): Command {
    return command
        .option(
            '--store <store>',
            'label store: a file or postgres://user@host:port/db (default: .dprog/labels.sqlite in the current folder)',
        )
        .requiredOption('--task <task>', 'the task whose labels move')
        .requiredOption('--format <format>', FORMAT_NAMES.join(' | '))
        .option(
            '--images <dir>',
            "folder holding the items' images (yolo, coco and Label Studio boxes need image sizes; default with --program: the " +
                "program's folder for an images dataset)",
        )
        .option(
            '--program <file>',
            'the .dprog program declaring the task (default: the plan last recorded in the store by `dprog compile --store`)',
        )
        .option('--json', 'print the result as one JSON document');
}

/** `dprog label export --store DB --task T --format F [--out FILE]` and `dprog label import --store DB --task T --format F FILE`. */
export const registerLabel: RegisterCommand = (program, setExitCode) => {
    const label = program.command('label').description('Move labels in and out of the label store (jsonl, csv, coco, yolo, labelstudio).');

    addCommon(label.command('export').description("Write a task's labels in a format (current labels; --history for superseded ones too)."))
        .option('--out <file>', 'file to write (a folder for yolo); default: standard output')
        .option('--labeler <name>', "only this labeler's labels")
        .option('--history', 'include superseded labels (jsonl and csv keep the supersede links)')
        .option('--final', 'one row per item: the final value, its confidence, the aggregation method and the number of answers')
        .option(
            '--image-url <prefix>',
            'labelstudio: prefix turning an image item key into a URL Label Studio can load (default /data/local-files/?d=)',
        )
        .action(async (options: CommonOptions & { out?: string; history?: boolean; imageUrl?: string; final?: boolean }) => {
            checkFormat(options.format);
            checkImages(options.images);
            if (formatNamed(options.format).directory && !options.out) {
                throw new UsageError(`--format ${options.format} writes a folder: pass --out DIR`);
            }
            if (options.history && options.labeler) {
                throw new UsageError(
                    '--history with --labeler would cut supersede links (the replacement may be by another labeler); export the ' +
                        'whole history, or current labels of one labeler',
                );
            }
            if (options.final && (options.history || options.labeler)) {
                throw new UsageError('--final writes one final value per item; it does not combine with --history or --labeler');
            }
            if (options.history && options.format !== 'jsonl' && options.format !== 'csv') {
                throw new UsageError(
                    `--history: only jsonl and csv can say which labels were superseded; ${options.format} would import old ` +
                        `answers as current ones`,
                );
            }
            const store = await openAnyStoreAt(storeLocationFor(undefined, options.store), true);
            const file = store.location;
            try {
                const tasks = await store.tasks();
                if (!tasks.includes(options.task)) {
                    throw new ProgramError(
                        `${file}: no labels for task '${options.task}'; ` +
                            `${tasks.length ? `tasks with labels: ${tasks.join(', ')}` : 'the store has no labels yet'}`,
                    );
                }
                const aggregates = options.final ? await store.aggregates(options.task) : [];
                if (options.final && aggregates.length === 0) {
                    throw new ProgramError(
                        `${file}: task '${options.task}' has labels but no final values yet; run \`dprog run\` to aggregate them`,
                    );
                }
                const selected = options.final
                    ? aggregates.map(finalAsLabel)
                    : await store.labels({ task: options.task, labeler: options.labeler, includeSuperseded: options.history === true });
                const context = await labelTask(store, options.task, options.program, true);
                if (context.problem) {
                    printError(`warning: ${context.problem}; exporting with what the store knows`);
                }
                const items = options.format === 'labelstudio' ? taskItems(context) : {};
                if (items.problem) {
                    printError(`warning: ${items.problem}; Label Studio tasks get only the item key`);
                }
                const request = {
                    task: options.task,
                    format: options.format,
                    labeler: options.labeler,
                    history: options.history,
                    images: options.images ?? imagesFolder(context),
                    type: context.type,
                    itemData: items.fieldsOf,
                    imageUrlPrefix: options.imageUrl,
                };
                const { labels, files } =
                    options.final && (options.format === 'jsonl' || options.format === 'csv')
                        ? exportFinal(aggregates, options.format)
                        : exportLabels({ labels: () => selected }, request);
                const written = options.out ? writeExport(files, options.out) : [];
                if (options.json) {
                    const beside = Object.fromEntries(files.filter((f) => f.suffix !== undefined).map((f) => [f.suffix!, f.text]));
                    printJson({
                        task: options.task,
                        format: options.format,
                        store: file,
                        labels,
                        ...(options.out
                            ? { files: written }
                            : { content: files[0].text, ...(Object.keys(beside).length > 0 ? { beside } : {}) }),
                    });
                } else if (options.out) {
                    printLine(
                        `exported ${labels} label(s) of task ${options.task} as ${options.format} to ` +
                            `${options.out}${written.length > 1 ? ` (${written.length} files)` : ''}`,
                    );
                } else {
                    process.stdout.write(files[0].text);
                }
            } catch (error) {
                throw asCliError(error);
            } finally {
                await store.close();
            }
            setExitCode(ExitCode.ok);
        });

    addCommon(label.command('import').description('Add labels from a file (a folder for yolo); labels already in the store are skipped.'))
        .argument('<file>', 'the file (or yolo folder) to read')
        .option('--labeler <name>', 'labeler for records that name none (default: import)')
        .option('--labeler-kind <kind>', `${LABELER_KINDS.join(' | ')} for records that name none (default: human)`)
        .option('--as <name>', 'the person who gave the human labels that name nobody (recorded with each label)')
        .action(async (source: string, options: CommonOptions & { labelerKind?: string; as?: string }) => {
            checkFormat(options.format);
            checkImages(options.images);
            if (!existsSync(source)) {
                throw new UsageError(`${source}: no such file`);
            }
            if (options.labelerKind !== undefined && !LABELER_KINDS.includes(options.labelerKind as LabelerKind)) {
                throw new UsageError(`--labeler-kind ${options.labelerKind}: use one of ${LABELER_KINDS.join(', ')}`);
            }
            if (options.as !== undefined && options.as.trim() === '') {
                throw new UsageError('--as needs a name');
            }
            const store = await openAnyStoreAt(storeLocationFor(undefined, options.store), false);
            const file = store.location;
            try {
                const context = await labelTask(store, options.task, options.program);
                const items = taskItems(context);
                if (items.problem) {
                    printError(`warning: ${items.problem}; item keys are not checked`);
                }
                const result = await importLabels(asPerson(store, options.as), {
                    task: options.task,
                    format: options.format,
                    source,
                    labeler: options.labeler,
                    labelerKind: options.labelerKind as LabelerKind | undefined,
                    images: options.images ?? imagesFolder(context),
                    type: context.type,
                    isItem: items.fieldsOf ? (item) => items.fieldsOf!(item) !== undefined : undefined,
                });
                const unchecked = context.type
                    ? undefined
                    : `values of task ${options.task} were not checked against its type: no --program and no plan in the store ` +
                      `declares it (record one with \`dprog compile FILE --store DB\`)`;
                if (options.json) {
                    printJson({
                        task: options.task,
                        format: options.format,
                        store: file,
                        file: source,
                        ...result,
                        rejected: result.rejected.length,
                        rejections: result.rejected,
                        ...(unchecked ? { warning: unchecked } : { typeFrom: context.typeFrom }),
                    });
                } else {
                    for (const r of result.rejected) {
                        printError(
                            `${r.file}${r.line !== undefined ? `:${r.line}` : ''}: ${r.record ? `${r.record}: ` : ''}rejected: ${r.reason}`,
                        );
                    }
                    printLine(
                        `imported ${result.added} label(s) into task ${options.task} (${result.read} read, ${result.alreadyStored} ` +
                            `already in the store, ${result.rejected.length} rejected)`,
                    );
                    if (unchecked) {
                        printError(`warning: ${unchecked}`);
                    }
                }
                setExitCode(result.rejected.length > 0 ? ExitCode.programError : ExitCode.ok);
            } catch (error) {
                throw asCliError(error);
            } finally {
                await store.close();
            }
        });
};

/** The store, with `person` filled in on human labels that name nobody (`--as NAME`). */
function asPerson(store: Store, person: string | undefined): Pick<Store, 'addLabelsCounted'> {
    if (person === undefined) {
        return store;
    }
    const withPerson = (label: NewLabel): NewLabel =>
        label.labelerKind === 'human' && label.person === undefined ? { ...label, person } : label;
    return { addLabelsCounted: (labels) => store.addLabelsCounted(labels.map(withPerson)) };
}
