/**
 * JSON Lines reading: one JSON object per line, read in chunks so a large file never has to
 * fit in one string. Every line is decoded as strict UTF-8, so a file in another encoding is an
 * error naming its line instead of silently turning into replacement characters.
 */
import { constants } from 'node:buffer';
import { closeSync, readSync } from 'node:fs';
import { DataError } from './errors.js';
import { openRegularFile } from './regular-file.js';

export interface JsonlRecord {
    /** 1-based line number in the file. */
    line: number;
    value: Record<string, unknown>;
}

const CHUNK = 1 << 20;

/**
 * Yields every non-blank line of a file as a Buffer with its 1-based line number. The bytes of
 * a line not yet ended are kept as a list of chunks and joined once, when its newline (or the end
 * of the file) arrives, so a line of any length is read in time linear in its length.
 */
export function* readLines(file: string): Generator<{ line: number; bytes: Buffer }> {
    const fd = openRegularFile(file);
    try {
        let pending: Buffer[] = [];
        let line = 0;
        for (;;) {
            const chunk = Buffer.allocUnsafe(CHUNK);
            const read = readSync(fd, chunk, 0, CHUNK, null);
            if (read === 0) {
                break;
            }
            const data = chunk.subarray(0, read);
            let start = 0;
            for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, start)) {
                line++;
                const bytes = endLine(pending, data.subarray(start, nl));
                pending = [];
                if (bytes.length > 0) {
                    yield { line, bytes };
                }
                start = nl + 1;
            }
            if (start < read) {
                pending.push(data.subarray(start));
            }
        }
        const last = endLine(pending, Buffer.alloc(0));
        if (last.length > 0) {
            yield { line: line + 1, bytes: last };
        }
    } finally {
        closeSync(fd);
    }
}

/** A line's bytes from its earlier chunks and its last piece, without the `\r` of a CRLF ending. */
function endLine(pending: readonly Buffer[], tail: Buffer): Buffer {
    const whole = pending.length === 0 ? Buffer.from(tail) : Buffer.concat([...pending, tail]);
    return whole.length > 0 && whole[whole.length - 1] === 0x0d ? whole.subarray(0, whole.length - 1) : whole;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes one line as strict UTF-8; anything else is a DataError naming file and line. */
export function decodeUtf8(bytes: Buffer, file: string, line: number): string {
    try {
        return utf8.decode(bytes);
    } catch (error) {
        // Node's decoder reports a result too long for a string like bad bytes; the length tells them apart.
        if (error instanceof RangeError || bytes.length > constants.MAX_STRING_LENGTH) {
            throw new DataError(
                `${file}:${line}: the line is ${(bytes.length / 2 ** 20).toFixed(0)} MB, longer than the longest text Node.js can ` +
                    `hold (${(constants.MAX_STRING_LENGTH / 2 ** 20).toFixed(0)} MB); write one record per line`,
                file,
                line,
            );
        }
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
        if (text === '') {
            continue;
        }
        let value: unknown;
        try {
            value = JSON.parse(text);
        } catch (error) {
            throw new DataError(`${file}:${line}: invalid JSON${jsonErrorColumn(error)}; each line must be one JSON object`, file, line);
        }
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
            throw new DataError(
                `${file}:${line}: expected a JSON object on each line, found ` +
                    `${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}`,
                file,
                line,
            );
        }
        yield { line, value: value as Record<string, unknown> };
    }
}

/**
 * Where JSON.parse failed, as " at column N" (or nothing). Its own message quotes the text
 * ("Unexpected token 'r', \"root:x:0:0:\"... is not valid JSON"), and an error must never show a
 * file's contents: the path in a program may name a file nobody meant to share.
 */
function jsonErrorColumn(error: unknown): string {
    const position = /at position (\d+)/.exec((error as Error).message ?? '');
    return position ? ` at column ${Number(position[1]) + 1}` : '';
}
