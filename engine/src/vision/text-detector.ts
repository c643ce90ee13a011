/**
 * Text detection with a DB model (PaddleOCR's `ch_PP-OCRv4_det_infer.onnx`): input x [1, 3, H, W]
 * normalized with ImageNet statistics, H and W multiples of 32; output a probability map
 * [1, 1, H, W]. Boxes (rotated rectangles) come back in the original image's pixel coordinates,
 * fitted to the ink inside them (rectify.ts: the extent a person would draw; the recognizer reads
 * crops with a margin, readingCrop).
 */
import * as ort from 'onnxruntime-node';
import { IMAGENET_NORMALIZATION, resizeImage, toChwFloat32, type Normalization, type RgbImage } from '../data/image.js';
import { ModelError } from '../learning/errors.js';
import { scaleBox } from '../data/boxes.js';
import { dbBoxes, type DbOptions, type ScoredBox } from './db-postprocess.js';
import { fitToInk } from './rectify.js';

export interface DetectOptions {
    /** The longer side is scaled down to at most this (PaddleOCR: 960); smaller images keep their size. */
    limitSide?: number;
    /** Fixed input size (`resize W x H` in the program) instead of limitSide. */
    size?: { width: number; height: number };
    normalization?: Normalization;
    db?: Partial<DbOptions>;
}

const STRIDE = 32;

function roundToStride(n: number): number {
    return Math.max(STRIDE, Math.round(n / STRIDE) * STRIDE);
}

/** The model input size for an image: the requested size, or the image limited to `limitSide`, in multiples of 32. */
export function detectionInputSize(
    image: { width: number; height: number },
    options: DetectOptions = {},
): { width: number; height: number } {
    if (options.size) {
        return { width: roundToStride(options.size.width), height: roundToStride(options.size.height) };
    }
    const limit = options.limitSide ?? 960;
    const scale = Math.min(1, limit / Math.max(image.width, image.height));
    return { width: roundToStride(image.width * scale), height: roundToStride(image.height * scale) };
}

/** Runs the detector on one image. `file` names the model in errors. */
export async function detectText(
    session: ort.InferenceSession,
    image: RgbImage,
    file: string,
    options: DetectOptions = {},
): Promise<ScoredBox[]> {
    const size = detectionInputSize(image, options);
    const input = new ort.Tensor(
        'float32',
        toChwFloat32(resizeImage(image, size.width, size.height), options.normalization ?? IMAGENET_NORMALIZATION),
        [1, 3, size.height, size.width],
    );
    let output: ort.Tensor;
    try {
        output = (await session.run({ [session.inputNames[0]]: input }))[session.outputNames[0]];
    } catch (error) {
        throw new ModelError(
            `${file}: the detector failed on a ${size.width} x ${size.height} input (${(error as Error).message.split('\n')[0]})`,
            file,
        );
    } finally {
        input.dispose();
    }
    const dims = output.dims;
    const mapHeight = dims[dims.length - 2];
    const mapWidth = dims[dims.length - 1];
    if (output.type !== 'float32' || dims.length !== 4 || dims[0] !== 1 || dims[1] !== 1 || output.data.length !== mapHeight * mapWidth) {
        const shape = `[${dims.join(', ')}] ${output.type}`;
        output.dispose();
        throw new ModelError(
            `${file}: expected a text probability map of shape [1, 1, H, W] float32 for 'decode db_boxes', got ${shape}`,
            file,
        );
    }
    const boxes = dbBoxes(output.data as Float32Array, mapWidth, mapHeight, options.db);
    output.dispose();
    const sx = image.width / mapWidth;
    const sy = image.height / mapHeight;
    return boxes.map((b) => ({ ...b, box: fitToInk(image, scaleBox(b.box, sx, sy)) }));
}
