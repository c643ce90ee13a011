/**
 * ONNX signatures of model files, read once per file version (path, size, modification time) so
 * validating on every keystroke does not re-read models. The ONNX reader is loaded when the first
 * model file exists (the language server starts without it).
 */
import { statSync } from 'node:fs';
import type { OnnxSignature } from '../../../engine/src/learning/onnx-signature.js';

export type SignatureResult = { kind: 'missing' } | { kind: 'unreadable'; message: string } | { kind: 'ok'; signature: OnnxSignature };

const cache = new Map<string, { stamp: string; result: SignatureResult }>();

export async function onnxSignatureOf(file: string): Promise<SignatureResult> {
    let stamp: string;
    try {
        const stat = statSync(file);
        if (!stat.isFile()) {
            return { kind: 'unreadable', message: `'${file}' is not a file` };
        }
        stamp = `${stat.size}:${stat.mtimeMs}`;
    } catch {
        return { kind: 'missing' };
    }
    const cached = cache.get(file);
    if (cached?.stamp === stamp) {
        return cached.result;
    }
    let result: SignatureResult;
    try {
        const { readOnnxSignature } = await import('../../../engine/src/learning/onnx-signature.js');
        result = { kind: 'ok', signature: readOnnxSignature(file) };
    } catch (error) {
        result = { kind: 'unreadable', message: (error as Error).message };
    }
    cache.set(file, { stamp, result });
    return result;
}
