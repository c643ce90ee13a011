/**
 * `dprog label export|import`: move a task's labels out of and into the label store, in jsonl,
 * csv, coco, yolo or labelstudio. Export reads the store read-only (it works while an editor
 * holds the write lock); import takes the lock and adds labels idempotently (ids travel along).
 */
import type { ExportedFile } from '../../../engine/src/store/formats/format.js';
import { exportFinal, finalAsLabel } from '../../../engine/src/store/formats/final.js';
import { exportLabels, importLabels, writeExport } from '../../../engine/src/store/formats/index.js';
import type { LabelerKind, NewLabel, Store } from '../../../engine/src/store/index.js';
import { ProgramError } from '../errors.js';
import { imagesFolder, labelTask, taskItems } from '../label-task.js';
import { asCliError, openAnyStoreAt, storeLocationFor } from '../store-option.js';

/** What both directions take: where the labels are, which task, which format. */
export interface LabelMoveOptions {
    store?: string;
    /** The program declaring the task (default: the plan last recorded in the store). */
    program?: string;
    task: string;
    format: string;
    /** The folder holding the items' images. */
    images?: string;
}

export interface ExportOptions extends LabelMoveOptions {
    /** File (a folder for yolo) to write; without it the files are returned only. */
    out?: string;
    /** Only this labeler's labels. */
    labeler?: string;
    /** Superseded labels too. */
    history?: boolean;
    /** One final value per item instead of the answers. */
    final?: boolean;
    /** labelstudio: the prefix turning an image key into a URL. */
    imageUrl?: string;
}

export interface ExportResult {
    /** The store's location. */
    store: string;
    labels: number;
    files: ExportedFile[];
    /** The paths written (with `out`). */
    written: string[];
    /** Things that limited the export without stopping it. */
    warnings: string[];
}

export async function exportTaskLabels(options: ExportOptions): Promise<ExportResult> {
    const store = await openAnyStoreAt(storeLocationFor(undefined, options.store), true);
    try {
        const warnings: string[] = [];
        const aggregates = await finalValues(store, options);
        const context = await labelTask(store, options.task, options.program, true);
        if (context.problem) {
            warnings.push(`${context.problem}; exporting with what the store knows`);
        }
        const items = options.format === 'labelstudio' ? taskItems(context) : {};
        if (items.problem) {
            warnings.push(`${items.problem}; Label Studio tasks get only the item key`);
        }
        const selected = aggregates
            ? aggregates.map(finalAsLabel)
            : await store.labels({ task: options.task, labeler: options.labeler, includeSuperseded: options.history === true });
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
            aggregates && (options.format === 'jsonl' || options.format === 'csv')
                ? exportFinal(aggregates, options.format)
                : exportLabels({ labels: () => selected }, request);
        const written = options.out ? writeExport(files, options.out) : [];
        return { store: store.location, labels, files, written, warnings };
    } catch (error) {
        throw asCliError(error);
    } finally {
        await store.close();
    }
}

/** With `final`, the task's final values (there must be some); else undefined. Refuses a task without labels. */
async function finalValues(store: Store, options: ExportOptions) {
    const tasks = await store.tasks();
    if (!tasks.includes(options.task)) {
        throw new ProgramError(
            `${store.location}: no labels for task '${options.task}'; ` +
                `${tasks.length ? `tasks with labels: ${tasks.join(', ')}` : 'the store has no labels yet'}`,
        );
    }
    if (!options.final) {
        return undefined;
    }
    const aggregates = await store.aggregates(options.task);
    if (aggregates.length === 0) {
        throw new ProgramError(
            `${store.location}: task '${options.task}' has labels but no final values yet; run \`dprog run\` to aggregate them`,
        );
    }
    return aggregates;
}

export interface ImportOptions extends LabelMoveOptions {
    /** Labeler for records that name none. */
    labeler?: string;
    labelerKind?: LabelerKind;
    /** The person who gave the human labels that name nobody. */
    as?: string;
}

export type ImportResult = Awaited<ReturnType<typeof importLabels>> & {
    /** The store's location. */
    store: string;
    /** Where the task's type came from, when values were checked against it. */
    typeFrom?: string;
    /** Why values were not checked against the task's type, when they were not. */
    unchecked?: string;
    warnings: string[];
};

export async function importTaskLabels(source: string, options: ImportOptions): Promise<ImportResult> {
    const store = await openAnyStoreAt(storeLocationFor(undefined, options.store), false);
    try {
        const context = await labelTask(store, options.task, options.program);
        const items = taskItems(context);
        const result = await importLabels(asPerson(store, options.as), {
            task: options.task,
            format: options.format,
            source,
            labeler: options.labeler,
            labelerKind: options.labelerKind,
            images: options.images ?? imagesFolder(context),
            type: context.type,
            isItem: items.fieldsOf ? (item) => items.fieldsOf!(item) !== undefined : undefined,
        });
        const unchecked = context.type
            ? undefined
            : `values of task ${options.task} were not checked against its type: no --program and no plan in the store ` +
              `declares it (record one with \`dprog compile FILE --store DB\`)`;
        const warnings = items.problem ? [`${items.problem}; item keys are not checked`] : [];
        return { ...result, store: store.location, typeFrom: context.typeFrom, unchecked, warnings };
    } catch (error) {
        throw asCliError(error);
    } finally {
        await store.close();
    }
}

/** The store, with `person` filled in on human labels that name nobody (`--as NAME`). */
function asPerson(store: Store, person: string | undefined): Pick<Store, 'addLabelsCounted'> {
    if (person === undefined) {
        return store;
    }
    const withPerson = (label: NewLabel): NewLabel =>
        label.labelerKind === 'human' && label.person === undefined ? { ...label, person } : label;
    return { addLabelsCounted: (labels) => store.addLabelsCounted(labels.map(withPerson)) };
}
