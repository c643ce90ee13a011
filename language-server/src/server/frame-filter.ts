/**
 * A guard in front of the LSP message reader on stdio. vscode-jsonrpc stops reading for good
 * after one frame with a bad header (a `Content-Length` that is missing, not a number, negative
 * or absurdly large): the bad bytes stay in its buffer and every later message is stuck behind
 * them. This filter passes only well-formed frames through; a malformed one is reported (to
 * stderr, which editors show in the server's log) and skipped up to the next `Content-Length:`
 * header, so the server answers the next good message.
 */
import { Transform, type TransformCallback } from 'node:stream';

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = Buffer.from('Content-Length:');
/** The largest message accepted (a whole 100 MB document would still fit). */
export const MAX_MESSAGE_BYTES = 256 * 2 ** 20;
/** Headers longer than this without a blank line are not headers. */
const MAX_HEADER_BYTES = 8 * 1024;

export class FrameFilter extends Transform {
    private pending: Buffer[] = [];
    private pendingBytes = 0;
    /** Bytes the frame being received needs in all: until then chunks are only collected. */
    private needed = 0;

    constructor(private readonly report: (message: string) => void = (message) => process.stderr.write(`${message}\n`)) {
        super();
    }

    override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
        if (this.pendingBytes < this.needed) {
            done();
            return;
        }
        this.needed = 0;
        let buffer = this.pending.length === 1 ? chunk : Buffer.concat(this.pending, this.pendingBytes);
        for (;;) {
            const taken = this.nextFrame(buffer);
            if (taken === 0) {
                break;
            }
            buffer = buffer.subarray(taken);
        }
        this.pending = buffer.length > 0 ? [buffer] : [];
        this.pendingBytes = buffer.length;
        done();
    }

    /** Passes on or drops the frame at the start of `buffer`; returns the bytes used (0: need more). */
    private nextFrame(buffer: Buffer): number {
        const end = buffer.indexOf(HEADER_END);
        if (end < 0) {
            return buffer.length > MAX_HEADER_BYTES ? this.skip(buffer, 'a header block with no end') : 0;
        }
        const length = contentLength(buffer.subarray(0, end).toString('ascii'));
        if (typeof length === 'string') {
            return this.skip(buffer, length);
        }
        const total = end + HEADER_END.length + length;
        if (buffer.length < total) {
            this.needed = total;
            return 0;
        }
        this.push(buffer.subarray(0, total));
        return total;
    }

    /** Reports a malformed frame and drops bytes up to the next `Content-Length:` (or all of them). */
    private skip(buffer: Buffer, why: string): number {
        const next = buffer.indexOf(CONTENT_LENGTH, 1);
        const dropped = next < 0 ? buffer.length : next;
        this.report(
            `dprog language server: skipped a malformed message from the client (${why}; ${dropped} bytes dropped); reading on ` +
                `from the next message.`,
        );
        return dropped;
    }
}

/** The Content-Length of a header block, or why it has none that can be used. */
function contentLength(headers: string): number | string {
    const line = headers.split('\r\n').find((h) => /^content-length\s*:/i.test(h));
    if (line === undefined) {
        return 'no Content-Length header';
    }
    const value = line.slice(line.indexOf(':') + 1).trim();
    if (!/^\d+$/.test(value)) {
        return `Content-Length '${value.slice(0, 40)}' is not a whole number`;
    }
    const length = Number(value);
    if (length > MAX_MESSAGE_BYTES) {
        return `Content-Length ${value} is larger than ${MAX_MESSAGE_BYTES} bytes`;
    }
    return length;
}
