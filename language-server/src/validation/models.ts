/**
 * Model labelers: an input and an output, a featurizer that fits the input field, and — when the
 * ONNX file exists — a graph whose input and output tensors match the declaration. A missing
 * file is a warning (the model may be trained later); an unreadable one is an error.
 */
import type { ValidationAcceptor, ValidationChecks } from 'langium';
import { isHashedFeaturizer, isResizeFeaturizer, type Dataset, type DprogAstType, type ModelLabeler } from '../generated/ast.js';
import type { TensorInfo } from '../../../engine/src/learning/onnx-signature.js';
import type { DprogServices } from '../dprog-module.js';
import type { DprogTypeComputer } from '../types/type-computer.js';
import { closestName } from '../types/closest-name.js';
import { typeToString, type DprogType } from '../types/type-descriptions.js';
import { IMAGE_DATASET_MEMBERS } from '../builtins/builtin-library.js';
import { onnxSignatureOf } from './onnx-signatures.js';
import { resolveProgramPath, foundShare } from './util.js';

export const ModelIssues = {
    missingInput: 'model/missing-input',
    missingOutput: 'model/missing-output',
    /** The model file does not exist (yet): a warning. */
    missingFile: 'model/missing-file',
    /** The model file exists but is not a readable ONNX model. */
    unreadableFile: 'model/unreadable-file',
    /** The ONNX input tensor's element type or shape contradicts the declared input and featurizer. */
    inputSignature: 'model/input-signature',
    /** No ONNX output tensor fits the declared output type. */
    outputSignature: 'model/output-signature',
    /** The input field is not a field of the dataset the model labels (data: field, dataset). */
    inputField: 'model/input-field',
    /** The featurizer does not fit the input field's type (`as hashed` needs text, `resize` an image). */
    featurizerFieldType: 'model/featurizer-field-type',
    /** Accuracy, feature count or image size out of range. */
    valueRange: 'model/value-range',
    /** A `decode` the engine does not know (data: suggestion). */
    unknownDecoder: 'model/unknown-decoder',
    /** A `decode` that cannot produce the declared output type. */
    decoderOutput: 'model/decoder-output',
} as const;

/** The decoders the engine runs, and the output types each produces. */
const DECODERS: Readonly<Record<string, { produces: string; fits: (type: DprogType) => boolean }>> = {
    softmax: {
        produces: 'choice<L>, choices<L> or bool',
        fits: (t) => (t.kind === 'class' && (t.classKind === 'choice' || t.classKind === 'choices')) || t.kind === 'bool',
    },
    db_boxes: { produces: 'list<box<L>>', fits: (t) => t.kind === 'list' && t.element.kind === 'class' && t.element.classKind === 'box' },
    ctc: { produces: 'text', fits: (t) => t.kind === 'text' },
};

export class ModelChecks {
    private readonly typeComputer: () => DprogTypeComputer;

    constructor(services: DprogServices) {
        this.typeComputer = () => services.types.TypeComputer;
    }

    readonly checks: ValidationChecks<DprogAstType> = {
        ModelLabeler: [(model, accept) => this.checkDeclaration(model, accept), (model, accept) => this.checkFile(model, accept)],
    };

    private checkDeclaration(model: ModelLabeler, accept: ValidationAcceptor): void {
        if (!model.input) {
            accept('error', `Model '${model.name}' needs an input, e.g. 'input body as hashed 4096'.`, {
                node: model,
                property: 'name',
                code: ModelIssues.missingInput,
                data: { code: ModelIssues.missingInput },
            });
        }
        if (!model.output) {
            accept('error', `Model '${model.name}' needs an output label type, e.g. 'output choice<Verdict>'.`, {
                node: model,
                property: 'name',
                code: ModelIssues.missingOutput,
                data: { code: ModelIssues.missingOutput },
            });
        }
        if (model.accuracy !== undefined && (model.accuracy <= 0 || model.accuracy > 1)) {
            accept('error', `Accuracy must be above 0% and at most 100%; found ${foundShare(model, 'accuracy', model.accuracy)}`, {
                node: model,
                property: 'accuracy',
                code: ModelIssues.valueRange,
                data: { code: ModelIssues.valueRange },
            });
        }
        this.checkDecoder(model, accept);
        const featurizer = model.input?.featurizer;
        if (isHashedFeaturizer(featurizer) && !(Number.isInteger(featurizer.dims) && featurizer.dims >= 1)) {
            accept('error', `'as hashed' needs a whole number of features (at least 1); found ${featurizer.dims}.`, {
                node: featurizer,
                property: 'dims',
                code: ModelIssues.valueRange,
                data: { code: ModelIssues.valueRange },
            });
        }
        if (isResizeFeaturizer(featurizer)) {
            for (const property of ['width', 'height'] as const) {
                const value = featurizer[property];
                if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
                    accept('error', `An image ${property} is a whole number of pixels (at least 1); found ${value}.`, {
                        node: featurizer,
                        property,
                        code: ModelIssues.valueRange,
                        data: { code: ModelIssues.valueRange },
                    });
                }
            }
        }
    }

    private checkDecoder(model: ModelLabeler, accept: ValidationAcceptor): void {
        const decoder = model.decoder;
        if (!decoder?.kind) {
            return;
        }
        const known = DECODERS[decoder.kind];
        if (!known) {
            const suggestion = closestName(decoder.kind, Object.keys(DECODERS));
            accept(
                'error',
                `Unknown decoder '${decoder.kind}'; expected one of ` +
                    `${Object.keys(DECODERS).join(', ')}.${suggestion ? ` Did you mean '${suggestion}'?` : ''}`,
                {
                    node: decoder,
                    property: 'kind',
                    code: ModelIssues.unknownDecoder,
                    data: { code: ModelIssues.unknownDecoder, suggestion },
                },
            );
            return;
        }
        if (model.output) {
            const output = this.typeComputer().typeOf(model.output);
            if (output.kind !== 'error' && !known.fits(output)) {
                accept(
                    'error',
                    `'decode ${decoder.kind}' produces ${known.produces}, but the model declares 'output ${typeToString(output)}'.`,
                    {
                        node: decoder,
                        property: 'kind',
                        code: ModelIssues.decoderOutput,
                        data: { code: ModelIssues.decoderOutput },
                    },
                );
            }
        }
    }

    private async checkFile(model: ModelLabeler, accept: ValidationAcceptor): Promise<void> {
        if (!model.path) {
            return;
        }
        const file = resolveProgramPath(model, model.path);
        if (!file) {
            return;
        }
        const result = await onnxSignatureOf(file);
        if (result.kind === 'missing') {
            accept('warning', `Model file '${model.path}' does not exist (yet); its signature is not checked.`, {
                node: model,
                property: 'path',
                code: ModelIssues.missingFile,
                data: { code: ModelIssues.missingFile, path: file },
            });
            return;
        }
        if (result.kind === 'unreadable') {
            accept('error', `Model file '${model.path}' cannot be read as an ONNX model: ${result.message}.`, {
                node: model,
                property: 'path',
                code: ModelIssues.unreadableFile,
                data: { code: ModelIssues.unreadableFile, path: file },
            });
            return;
        }
        const { inputs, outputs } = result.signature;
        const inputProblem = this.inputProblem(model, inputs);
        if (inputProblem) {
            accept('error', `Model file '${model.path}' does not match the declared input: ${inputProblem}.`, {
                node: model.input ?? model,
                property: model.input ? 'featurizer' : 'path',
                code: ModelIssues.inputSignature,
                data: { code: ModelIssues.inputSignature },
            } as never);
        }
        if (model.output && !model.decoder) {
            const output = this.typeComputer().typeOf(model.output);
            const expected = expectedOutputShapes(output);
            if (expected && !outputs.some((o) => expected.shapes.some((shape) => shapeFits(o.shape, shape)) && isFloat(o.type))) {
                accept(
                    'error',
                    `Model file '${model.path}' does not match 'output ${typeToString(output)}': it needs a float output of shape ` +
                        `${expected.shapes.map(showShape).join(' or ')} (${expected.why}), but its outputs are ` +
                        `${describeTensors(outputs)}.`,
                    {
                        node: model,
                        property: 'output',
                        code: ModelIssues.outputSignature,
                        data: { code: ModelIssues.outputSignature },
                    },
                );
            }
        }
    }

    private inputProblem(model: ModelLabeler, inputs: TensorInfo[]): string | undefined {
        if (inputs.length === 0) {
            return 'the graph has no inputs';
        }
        const featurizer = model.input?.featurizer;
        const tensor = inputs[0];
        if (isHashedFeaturizer(featurizer)) {
            const expected: ExpectedShape = ['N', featurizer.dims];
            if (tensor.type !== 'float32' || !shapeFits(tensor.shape, expected)) {
                return (
                    `'as hashed ${featurizer.dims}' gives float32 ${showShape(expected)}, but the model's input ` +
                    `'${tensor.name}' is ${describeTensor(tensor)}`
                );
            }
        }
        if (isResizeFeaturizer(featurizer)) {
            const { width, height } = featurizer;
            const channelsFirst: ExpectedShape = ['N', 'C', height ?? 'H', width ?? 'W'];
            const channelsLast: ExpectedShape = ['N', height ?? 'H', width ?? 'W', 'C'];
            const written = width !== undefined ? `resize ${width} x ${height}` : `resize height ${height}`;
            if (
                !['float32', 'uint8'].includes(tensor.type) ||
                !(shapeFits(tensor.shape, channelsFirst) || shapeFits(tensor.shape, channelsLast))
            ) {
                return (
                    `'${written}' gives an image tensor ${showShape(channelsFirst)} (or channels last ` +
                    `${showShape(channelsLast)}), but the model's input '${tensor.name}' is ${describeTensor(tensor)}`
                );
            }
        }
        return undefined;
    }
}

/** The output shapes a declared output type needs from a model without a decoder. */
function expectedOutputShapes(type: DprogType): { shapes: ExpectedShape[]; why: string } | undefined {
    if (type.kind === 'class' && (type.classKind === 'choice' || type.classKind === 'choices') && type.labelSet) {
        const n = type.labelSet.members.length;
        return { shapes: [['N', n]], why: `one score per member of '${type.labelSet.name}', which has ${n}` };
    }
    if (type.kind === 'bool') {
        return { shapes: [['N'], ['N', 1], ['N', 2]], why: 'one probability per item' };
    }
    if (type.kind === 'number') {
        return { shapes: [['N'], ['N', 1]], why: 'one number per item' };
    }
    return undefined; // boxes, spans, text: their layout depends on the decoder
}

/** An expected tensor shape: fixed sizes, and letters for any size (N batch, C channels, H/W image size). */
type ExpectedShape = Array<number | 'N' | 'C' | 'H' | 'W'>;

/** A tensor shape fits an expected one when ranks agree and each fixed size matches (symbolic sizes fit anything). */
function shapeFits(actual: Array<number | string | null>, expected: ExpectedShape): boolean {
    if (actual.length !== expected.length) {
        return false;
    }
    return expected.every((size, i) => typeof size !== 'number' || typeof actual[i] !== 'number' || actual[i] === size || actual[i] === -1);
}

function isFloat(type: string): boolean {
    return type === 'float32' || type === 'float64' || type === 'float16';
}

function showShape(shape: Array<number | string | null>): string {
    return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

function describeTensor(tensor: TensorInfo): string {
    return `${tensor.type} ${showShape(tensor.shape)}`;
}

function describeTensors(tensors: TensorInfo[]): string {
    return tensors.length === 0 ? 'none' : tensors.map((t) => `'${t.name}' ${describeTensor(t)}`).join(', ');
}

/**
 * Checks that each of a model's input fields exists on the dataset it labels (a route's task, a
 * learn's task) and that its featurizer fits that field's type; reports on `at`. Several fields
 * (`input subject, body as hashed N`) are only for `as hashed`, which hashes them as one text.
 */
export function checkModelInputOn(
    model: ModelLabeler,
    dataset: Dataset,
    accept: ValidationAcceptor,
    at: { node: import('langium').AstNode; property?: string; index?: number },
): void {
    const input = model.input;
    if (!input?.field) {
        return;
    }
    if (input.otherFields.length > 0 && !isHashedFeaturizer(input.featurizer)) {
        accept(
            'error',
            `Model '${model.name}' reads several fields (${[input.field, ...input.otherFields].join(', ')}); only 'as hashed N' ` +
                `combines fields — add it, or read one field.`,
            {
                ...at,
                code: ModelIssues.featurizerFieldType,
                data: { code: ModelIssues.featurizerFieldType },
            } as never,
        );
        return;
    }
    for (const field of [input.field, ...input.otherFields]) {
        checkInputField(model, field, dataset, accept, at);
    }
}

function checkInputField(
    model: ModelLabeler,
    name: string,
    dataset: Dataset,
    accept: ValidationAcceptor,
    at: { node: import('langium').AstNode; property?: string; index?: number },
): void {
    const field = dataset.fields.find((f) => f.name === name);
    const type =
        field?.type ??
        (dataset.format === 'images' && (IMAGE_DATASET_MEMBERS as readonly string[]).includes(name)
            ? name === 'image'
                ? 'Image'
                : 'String'
            : undefined);
    if (!type) {
        const names = [...dataset.fields.map((f) => f.name), ...(dataset.format === 'images' ? IMAGE_DATASET_MEMBERS : [])];
        const suggestion = closestName(name, names);
        accept(
            'error',
            `Model '${model.name}' reads the field '${name}', but dataset '${dataset.name}' has no such ` +
                `field.${suggestion ? ` Did you mean '${suggestion}'?` : ''}`,
            {
                ...at,
                code: ModelIssues.inputField,
                data: { code: ModelIssues.inputField, field: name, dataset: dataset.name, suggestion },
            } as never,
        );
        return;
    }
    const featurizer = model.input?.featurizer;
    if (isHashedFeaturizer(featurizer) && type !== 'Text' && type !== 'String') {
        accept(
            'error',
            `Model '${model.name}' hashes the words of '${name}', but that field is ${type}; 'as hashed' needs a Text or String field.`,
            {
                ...at,
                code: ModelIssues.featurizerFieldType,
                data: { code: ModelIssues.featurizerFieldType },
            } as never,
        );
    } else if (isResizeFeaturizer(featurizer) && type !== 'Image') {
        accept('error', `Model '${model.name}' resizes '${name}', but that field is ${type}; 'resize' needs an Image field.`, {
            ...at,
            code: ModelIssues.featurizerFieldType,
            data: { code: ModelIssues.featurizerFieldType },
        } as never);
    }
}
