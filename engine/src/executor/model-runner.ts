/**
 * Runs a model labeler of the plan on a batch of inputs and decodes its outputs into label values
 * by the declared decoder: `db_boxes` (text detection into `list<box<L>>`), `ctc "chars.txt"`
 * (recognition into `text`), `softmax` (the default for `choice<L>`: the most probable member).
 * Each result carries the model's confidence (`score`), which routing compares with the task's
 * quality target. Errors are ModelErrors naming the file, thrown per batch.
 */
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { hashText } from '../data/hashed-featurizer.js';
import { resizeImage, toChwFloat32, type RgbImage } from '../data/image.js';
import { ModelError } from '../learning/errors.js';
import type { SessionCache } from '../learning/session-cache.js';
import type { LabelingPlan, PlanLabelType, PlanModelLabeler } from '../plan/types.js';
import { loadCtcClasses } from '../vision/ctc.js';
import { calibratedConfidence, readLineCalibration } from '../vision/line-confidence.js';
import { detectText } from '../vision/text-detector.js';
import { recognizeText } from '../vision/text-recognizer.js';
import type { JsonValue } from '../store/types.js';

/** What a model input is: an image, or text for `as hashed N`. */
export type ModelInputValue = RgbImage | string;

export interface ModelAnswer {
    value: JsonValue;
    /**
     * Confidence in [0, 1]: a box list's least box score, a transcription's calibrated P(right) (else its mean
     * character probability), a choice's probability.
     */
    score: number;
}

export class ModelRunner {
    private readonly classes = new Map<string, string[]>();

    constructor(
        private readonly plan: LabelingPlan,
        /** The program file's folder: model and vocabulary paths are relative to it. */
        private readonly programDir: string,
        private readonly sessions: SessionCache,
    ) {}

    modelPath(labeler: PlanModelLabeler): string {
        return path.resolve(this.programDir, labeler.path);
    }

    private members(type: PlanLabelType): string[] {
        const element = type.kind === 'list' ? type.element : type;
        if (!('labelSet' in element)) {
            return [];
        }
        return this.plan.labelSets.find((s) => s.name === element.labelSet)?.members.map((m) => m.name) ?? [];
    }

    /** Runs `labeler` on every input; one answer per input, in order. */
    async run(labeler: PlanModelLabeler, inputs: readonly ModelInputValue[]): Promise<ModelAnswer[]> {
        const file = this.modelPath(labeler);
        const output = labeler.output;
        if (!output) {
            throw new ModelError(`${file}: labeler '${labeler.name}' declares no output type; add \`output …\``, file);
        }
        const session = await this.sessions.get(file);
        const decoder = labeler.decoder?.kind ?? (output.kind === 'choice' || output.kind === 'bool' ? 'softmax' : null);
        const images = (): RgbImage[] =>
            inputs.map((input) => {
                if (typeof input === 'string') {
                    throw new ModelError(`${file}: labeler '${labeler.name}' reads images but was given text`, file);
                }
                return input;
            });
        switch (decoder) {
            case 'db_boxes': {
                if (output.kind !== 'list' || output.element.kind !== 'box') {
                    throw new ModelError(
                        `${file}: 'decode db_boxes' produces list<box<L>>, but '${labeler.name}' declares ${output.text}`,
                        file,
                    );
                }
                const member = this.members(output)[0];
                const featurizer = labeler.input.featurizer;
                const answers: ModelAnswer[] = [];
                for (const image of images()) {
                    const boxes = await detectText(session, image, file, {
                        size:
                            featurizer?.kind === 'resize' && featurizer.width !== null
                                ? { width: featurizer.width, height: featurizer.height }
                                : undefined,
                        normalization: labeler.input.normalization ?? undefined,
                        db: labeler.decoder?.threshold != null ? { threshold: labeler.decoder.threshold } : undefined,
                    });
                    const value = boxes.map((b) => ({
                        label: member,
                        x: round(b.box.x),
                        y: round(b.box.y),
                        width: round(b.box.width),
                        height: round(b.box.height),
                        ...(Math.abs(b.box.rotation ?? 0) >= 0.5 ? { rotation: round(b.box.rotation ?? 0, 2) } : {}),
                        score: round(b.score, 4),
                    }));
                    // An empty page is as certain as the detector's threshold allows: nothing scored above it.
                    // Regions under the box threshold are kept with their low scores, so the page goes to a person.
                    answers.push({ value, score: boxes.length === 0 ? 1 : boxes.reduce((low, b) => Math.min(low, b.score), Infinity) });
                }
                return answers;
            }
            case 'ctc': {
                if (output.kind !== 'text') {
                    throw new ModelError(`${file}: 'decode ctc' produces text, but '${labeler.name}' declares ${output.text}`, file);
                }
                const vocabulary = labeler.decoder?.vocabulary;
                if (!vocabulary) {
                    throw new ModelError(`${file}: 'decode ctc' needs the character list: decode ctc "chars.txt"`, file);
                }
                const classes = this.ctcClasses(path.resolve(this.programDir, vocabulary));
                const featurizer = labeler.input.featurizer;
                const transcriptions = await recognizeText(session, images(), classes, file, {
                    height: featurizer?.kind === 'resize' ? featurizer.height : 48,
                    normalization: labeler.input.normalization ?? undefined,
                });
                // A calibration next to the program (`<labeler>.calibration.json`, line-confidence.ts) makes the score P(line right).
                const calibration = readLineCalibration(path.resolve(this.programDir, `${labeler.name}.calibration.json`));
                return transcriptions.map((t) => ({ value: t.text, score: calibration ? calibratedConfidence(t, calibration) : t.score }));
            }
            case 'softmax':
                return this.classify(labeler, session, file, inputs);
            default:
                throw new ModelError(
                    `${file}: no decoder for '${labeler.name}' (${output.text}); declare one: decode softmax | db_boxes | ctc "chars.txt"`,
                    file,
                );
        }
    }

    private ctcClasses(file: string): string[] {
        let classes = this.classes.get(file);
        if (!classes) {
            classes = loadCtcClasses(file);
            this.classes.set(file, classes);
        }
        return classes;
    }

    /** One row of class probabilities per input; the answer is the most probable member. */
    private async classify(
        labeler: PlanModelLabeler,
        session: ort.InferenceSession,
        file: string,
        inputs: readonly ModelInputValue[],
    ): Promise<ModelAnswer[]> {
        const output = labeler.output!;
        const members = output.kind === 'bool' ? ['false', 'true'] : this.members(output);
        const featurizer = labeler.input.featurizer;
        const answers: ModelAnswer[] = [];
        for (const input of inputs) {
            let tensor: ort.Tensor;
            if (typeof input === 'string') {
                if (featurizer?.kind !== 'hashed') {
                    throw new ModelError(
                        `${file}: '${labeler.name}' reads text: declare a featurizer, e.g. \`input body as hashed 4096\``,
                        file,
                    );
                }
                const row = hashText(input, featurizer.dims, { unsigned: featurizer.unsigned });
                const dense = new Float32Array(featurizer.dims);
                row.indices.forEach((index, k) => (dense[index] = row.values[k]));
                tensor = new ort.Tensor('float32', dense, [1, featurizer.dims]);
            } else {
                const size = featurizer?.kind === 'resize' ? { width: featurizer.width ?? input.width, height: featurizer.height } : input;
                const resized = resizeImage(input, size.width, size.height);
                tensor = new ort.Tensor('float32', toChwFloat32(resized, labeler.input.normalization ?? undefined), [
                    1,
                    3,
                    size.height,
                    size.width,
                ]);
            }
            let result: ort.Tensor;
            try {
                result = (await session.run({ [session.inputNames[0]]: tensor }))[session.outputNames[0]];
            } catch (error) {
                throw new ModelError(`${file}: '${labeler.name}' failed (${(error as Error).message.split('\n')[0]})`, file);
            } finally {
                tensor.dispose();
            }
            const probs = result.data as Float32Array;
            if (result.type !== 'float32' || probs.length !== members.length) {
                const shape = `[${result.dims.join(', ')}] ${result.type}`;
                result.dispose();
                throw new ModelError(
                    `${file}: expected ${members.length} class probabilities (${members.join(', ')}) from '${labeler.name}', got ${shape}`,
                    file,
                );
            }
            let best = 0;
            for (let c = 1; c < probs.length; c++) {
                if (probs[c] > probs[best]) {
                    best = c;
                }
            }
            answers.push({ value: output.kind === 'bool' ? best === 1 : members[best], score: probs[best] });
            result.dispose();
        }
        return answers;
    }
}

function round(n: number, digits = 1): number {
    const f = 10 ** digits;
    return Math.round(n * f) / f;
}
