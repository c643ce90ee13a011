/**
 * A page read end to end, as the documents flow does it: text regions from the detector (rotated,
 * fitted to the ink, weak ones kept), each warped upright with a reading margin and transcribed.
 * Used by the OCR benchmark and by line-confidence calibration.
 */
import type * as ort from 'onnxruntime-node';
import type { RgbImage } from '../data/image.js';
import type { RotatedBox } from '../data/boxes.js';
import type { Transcription } from './ctc.js';
import { readingCrop } from './rectify.js';
import { detectText } from './text-detector.js';
import { recognizeText } from './text-recognizer.js';

export interface ReadRegion {
    box: RotatedBox;
    /** The detector's box score; `belowThreshold`: a person should check the region. */
    score: number;
    belowThreshold: boolean;
    transcription: Transcription;
}

export interface PageReader {
    detector: ort.InferenceSession;
    recognizer: ort.InferenceSession;
    /** The recognizer's CTC classes (loadCtcClasses). */
    classes: readonly string[];
    /** Model files, for error messages. */
    files: { detector: string; recognizer: string };
}

export async function readPage(reader: PageReader, image: RgbImage): Promise<ReadRegion[]> {
    const regions = await detectText(reader.detector, image, reader.files.detector);
    const crops = regions.map((r) => readingCrop(image, r.box));
    const texts = await recognizeText(reader.recognizer, crops, reader.classes, reader.files.recognizer);
    return regions.map((r, i) => ({ box: r.box, score: r.score, belowThreshold: r.belowThreshold, transcription: texts[i] }));
}
