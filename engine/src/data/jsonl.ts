/**
 * JSON Lines reading: one JSON object per line, read in chunks so a large file never has to
 * fit in one string. Every line is decoded as strict UTF-8, so a file in another encoding is an
 * error naming its line instead of silently turning into replacement characters.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { DataError } from './errors.js';

export interface JsonlRecord {
    /** 1-based line number in the file. */
    line: number;
    value: Record<string, unknown>;
}

const CHUNK = 1 << 20;

/** Yields every non-blank line of a file as a Buffer with its 1-based line number. */
export function* readLines(file: string): Generator<{ line: number; bytes: Buffer }> {
    let fd: number;
    try {
        fd = openSync(file, 'r');
    } catch (error) {
        throw new DataError(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, file);
    }
    try {
        const chunk = Buffer.alloc(CHUNK);
        let pending: Buffer = Buffer.alloc(0);
        let line = 0;
        for (;;) {
            const read = readSync(fd, chunk, 0, CHUNK, null);
            if (read === 0) break;
            let data = Buffer.concat([pending, chunk.subarray(0, read)]);
            let start = 0;
            for (let nl = data.indexOf(0x0a, start); nl !== -1; nl = data.indexOf(0x0a, start)) {
                line++;
                const bytes = data.subarray(start, nl > start && data[nl - 1] === 0x0d ? nl - 1 : nl);
                if (bytes.length > 0) yield { line, bytes: Buffer.from(bytes) };
                start = nl + 1;
            }
            data = data.subarray(start);
            pending = Buffer.from(data);
        }
        if (pending.length > 0) {
            line++;
            yield { line, bytes: pending };
        }
    } finally {
        closeSync(fd);
    }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes one line as strict UTF-8; anything else is a DataError naming file and line. */
export function decodeUtf8(bytes: Buffer, file: string, line: number): string {
    try {
        return utf8.decode(bytes);
    } catch {
        throw new DataError(
            `${file}:${line}: the line is not valid UTF-8 text; convert the file to UTF-8 (for example with iconv -t UTF-8)`,
            file,
            line,
        );
    }
}

/** Streams the objects of a JSONL file; a malformed line is a DataError with file:line. */
export function* readJsonl(file: string): Generator<JsonlRecord> {
    for (const { line, bytes } of readLines(file)) {
        const text = decodeUtf8(bytes, file, line).trim();
        if (text === '') continue;
        let value: unknown;
        try {
            value = JSON.parse(text);
        } catch (error) {
            throw new DataError(`${file}:${line}: invalid JSON (${(error as Error).message}); each line must be one JSON object`, file, line);
        }
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
            throw new DataError(`${file}:${line}: expected a JSON object on each line, found ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`, file, line);
        }
        yield { line, value: value as Record<string, unknown> };
    }
}
