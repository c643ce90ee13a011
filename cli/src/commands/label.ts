/**
 * `dprog label export|import`: the options, their checks and the printing; moving the labels is
 * actions/label.ts.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { RegisterCommand } from './index.js';
import { ExitCode, UsageError } from '../errors.js';
import { printError, printJson, printLine } from '../output.js';
import { LABELER_KINDS, type LabelerKind } from '../../../engine/src/store/index.js';
import { FORMAT_NAMES, formatNamed } from '../../../engine/src/store/formats/index.js';
import {
    type ExportOptions,
    type ExportResult,
    exportTaskLabels,
    type ImportResult,
    importTaskLabels,
    type LabelMoveOptions,
} from '../actions/label.js';

interface CommonFlags extends LabelMoveOptions {
    labeler?: string;
    json?: boolean;
}

type ExportFlags = CommonFlags & ExportOptions;
type ImportFlags = CommonFlags & { labelerKind?: string; as?: string };

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
        .action(async (flags: ExportFlags) => {
            checkExportFlags(flags);
            const result = await exportTaskLabels(flags);
            printWarnings(result.warnings);
            printExport(result, flags);
            setExitCode(ExitCode.ok);
        });

    addCommon(label.command('import').description('Add labels from a file (a folder for yolo); labels already in the store are skipped.'))
        .argument('<file>', 'the file (or yolo folder) to read')
        .option('--labeler <name>', 'labeler for records that name none (default: import)')
        .option('--labeler-kind <kind>', `${LABELER_KINDS.join(' | ')} for records that name none (default: human)`)
        .option('--as <name>', 'the person who gave the human labels that name nobody (recorded with each label)')
        .action(async (source: string, flags: ImportFlags) => {
            checkImportFlags(source, flags);
            const result = await importTaskLabels(source, { ...flags, labelerKind: flags.labelerKind as LabelerKind | undefined });
            printWarnings(result.warnings);
            printImport(source, result, flags);
            setExitCode(result.rejected.length > 0 ? ExitCode.programError : ExitCode.ok);
        });
};

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

function checkCommonFlags(flags: CommonFlags): void {
    try {
        formatNamed(flags.format);
    } catch (_error) {
        throw new UsageError(`--format ${flags.format}: unknown format; use one of ${FORMAT_NAMES.join(', ')}`);
    }
    if (flags.images !== undefined && !existsSync(flags.images)) {
        throw new UsageError(`--images ${flags.images}: no such folder`);
    }
}

function checkExportFlags(flags: ExportFlags): void {
    checkCommonFlags(flags);
    if (formatNamed(flags.format).directory && !flags.out) {
        throw new UsageError(`--format ${flags.format} writes a folder: pass --out DIR`);
    }
    if (flags.history && flags.labeler) {
        throw new UsageError(
            '--history with --labeler would cut supersede links (the replacement may be by another labeler); export the ' +
                'whole history, or current labels of one labeler',
        );
    }
    if (flags.final && (flags.history || flags.labeler)) {
        throw new UsageError('--final writes one final value per item; it does not combine with --history or --labeler');
    }
    if (flags.history && flags.format !== 'jsonl' && flags.format !== 'csv') {
        throw new UsageError(
            `--history: only jsonl and csv can say which labels were superseded; ${flags.format} would import old ` +
                `answers as current ones`,
        );
    }
}

function checkImportFlags(source: string, flags: ImportFlags): void {
    checkCommonFlags(flags);
    if (!existsSync(source)) {
        throw new UsageError(`${source}: no such file`);
    }
    if (flags.labelerKind !== undefined && !LABELER_KINDS.includes(flags.labelerKind as LabelerKind)) {
        throw new UsageError(`--labeler-kind ${flags.labelerKind}: use one of ${LABELER_KINDS.join(', ')}`);
    }
    if (flags.as !== undefined && flags.as.trim() === '') {
        throw new UsageError('--as needs a name');
    }
}

function printWarnings(warnings: readonly string[]): void {
    for (const warning of warnings) {
        printError(`warning: ${warning}`);
    }
}

function printExport({ store, labels, files, written }: ExportResult, flags: ExportFlags): void {
    if (flags.json) {
        const beside = Object.fromEntries(files.filter((f) => f.suffix !== undefined).map((f) => [f.suffix!, f.text]));
        printJson({
            task: flags.task,
            format: flags.format,
            store,
            labels,
            ...(flags.out ? { files: written } : { content: files[0].text, ...(Object.keys(beside).length > 0 ? { beside } : {}) }),
        });
    } else if (flags.out) {
        printLine(
            `exported ${labels} label(s) of task ${flags.task} as ${flags.format} to ` +
                `${flags.out}${written.length > 1 ? ` (${written.length} files)` : ''}`,
        );
    } else {
        process.stdout.write(files[0].text);
    }
}

function printImport(source: string, result: ImportResult, flags: ImportFlags): void {
    const { store, typeFrom, unchecked, warnings: _printed, ...counts } = result;
    if (flags.json) {
        printJson({
            task: flags.task,
            format: flags.format,
            store,
            file: source,
            ...counts,
            rejected: counts.rejected.length,
            rejections: counts.rejected,
            ...(unchecked ? { warning: unchecked } : { typeFrom }),
        });
        return;
    }
    for (const r of result.rejected) {
        printError(`${r.file}${r.line !== undefined ? `:${r.line}` : ''}: ${r.record ? `${r.record}: ` : ''}rejected: ${r.reason}`);
    }
    printLine(
        `imported ${result.added} label(s) into task ${flags.task} (${result.read} read, ${result.alreadyStored} ` +
            `already in the store, ${result.rejected.length} rejected)`,
    );
    if (unchecked) {
        printError(`warning: ${unchecked}`);
    }
}
