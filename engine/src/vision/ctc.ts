/**
 * CTC greedy decoding over a character list (PaddleOCR's CTCLabelDecode): take the most likely
 * class at each time step, merge repeats, drop the blank. Class 0 is the blank, then the
 * vocabulary file's characters one per line, then a space.
 */
import { readFileSync } from 'node:fs';
import { DataError } from '../data/errors.js';
import { regularFileProblem } from '../data/regular-file.js';

export interface Transcription {
    text: string;
    /** Mean probability of the characters kept; 0 when nothing was read. */
    score: number;
}

/** The classes of a CTC recognizer: blank, every line of the vocabulary file, space. */
export function loadCtcClasses(path: string): string[] {
    const problem = regularFileProblem(path, 'character list');
    if (problem) throw new DataError(`${problem}; check the path after 'decode ctc'`, path);
    let text: string;
    try {
        text = readFileSync(path, 'utf8');
    } catch (error) {
        throw new DataError(`${path}: cannot read the character list (${(error as NodeJS.ErrnoException).code ?? String(error)}); check the path after 'decode ctc'`, path);
    }
    const characters = text.split(/\r?\n/);
    if (characters[characters.length - 1] === '') characters.pop();
    if (characters.length === 0) throw new DataError(`${path}: the character list is empty; it needs one character per line`, path);
    return ['', ...characters, ' '];
}

/**
 * Decodes one sequence: `probs` is row-major [steps, classes.length] (softmax outputs).
 */
export function ctcGreedyDecode(probs: Float32Array, steps: number, classes: readonly string[], offset = 0): Transcription {
    const n = classes.length;
    let text = '';
    let sum = 0;
    let kept = 0;
    let previous = -1;
    for (let t = 0; t < steps; t++) {
        const row = offset + t * n;
        let best = 0;
        let bestP = probs[row];
        for (let c = 1; c < n; c++) {
            const p = probs[row + c];
            if (p > bestP) {
                bestP = p;
                best = c;
            }
        }
        if (best !== 0 && best !== previous) {
            text += classes[best];
            sum += bestP;
            kept++;
        }
        previous = best;
    }
    return { text, score: kept === 0 ? 0 : sum / kept };
}
