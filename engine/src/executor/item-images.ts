/**
 * An item's image inputs: the image read once per item, model inputs (an image, a crop, a field's
 * text) and the derived crops people review.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { encodePng, readImage, type RgbImage } from '../data/image.js';
import { joinFields } from '../data/hashed-featurizer.js';
import type { PlanModelLabeler, PlanTask } from '../plan/types.js';
import { readingCrop } from '../vision/rectify.js';
import { isCrop } from './evaluate.js';
import type { FlowItem } from './flow-items.js';
import type { ModelInputValue } from './model-runner.js';
import type { RunContext } from './run-context.js';

export class ItemImages {
    private image: RgbImage | Error | undefined;
    private imagePath: string | undefined;

    constructor(
        private readonly ctx: Pick<RunContext, 'plan' | 'programDir' | 'derivedDir'>,
        private readonly item: FlowItem,
    ) {}

    /** Reads this item's image once (a failure is remembered and reported per stage item). */
    private read(file: string): RgbImage {
        if (this.imagePath !== file) {
            this.imagePath = file;
            try {
                this.image = readImage(path.resolve(this.ctx.programDir, file));
            } catch (error) {
                this.image = error as Error;
            }
        }
        if (this.image instanceof Error) {
            throw this.image;
        }
        return this.image!;
    }

    /** The model input for one stage item: the parameter's value (an image, a crop) or the model's input field of the item. */
    modelInput(labeler: PlanModelLabeler, task: PlanTask, value: unknown): ModelInputValue {
        if (isCrop(value)) {
            return readingCrop(this.read(value.image), value.box);
        }
        const parameter = task.input[0]?.type;
        // An `Image` parameter given a field's value (`task(d.image)`) holds the image's path.
        if (typeof value === 'string' && parameter?.kind === 'value' && parameter.type === 'Image') {
            return this.read(value);
        }
        if (typeof value === 'object' && value !== null) {
            return this.fieldInput(labeler, value as Record<string, unknown>);
        }
        return String(value);
    }

    /** The model's input field(s) of a record (the item). */
    private fieldInput(labeler: PlanModelLabeler, record: Record<string, unknown>): ModelInputValue {
        const fields = labeler.input.fields ?? [labeler.input.field];
        const missing = fields.find((f) => !f || record[f] === undefined);
        if (missing !== undefined) {
            throw new TypeError(`model '${labeler.name}' reads field '${missing}', which item '${this.item.key}' does not have`);
        }
        if (labeler.input.fields) {
            return joinFields(labeler.input.fields.map((f) => record[f]));
        }
        const field = labeler.input.field!;
        const fieldType = this.ctx.plan.datasets.find((d) => d.name === this.item.dataset)?.fields.find((f) => f.name === field)?.type;
        return fieldType === 'Image' ? this.read(String(record[field])) : String(record[field]);
    }

    /** Writes a crop input for people to review; its file, or undefined when nothing is derived. */
    derive(task: PlanTask, key: string, value: unknown): string | undefined {
        const dir = this.ctx.derivedDir;
        if (!dir || !isCrop(value)) {
            return undefined;
        }
        const file = path.join(dir, task.name, `${key.replace(/[^A-Za-z0-9._-]+/g, '_')}.png`);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, encodePng(readingCrop(this.read(value.image), value.box)));
        return file;
    }
}
