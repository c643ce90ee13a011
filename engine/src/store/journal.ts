/**
 * The append-only journal: every write is a line of JSON, fsynced before the write is
 * acknowledged, replayed on open on top of the last snapshot, and emptied after the next one.
 *
 * The first line is a header naming the snapshot generation (`base`) the entries apply to, so
 * that a reader racing a snapshot (or a crash between snapshot and reset) never replays
 * entries twice on the wrong base. A last line without its newline is a write torn by a crash:
 * it was never acknowledged and is ignored. Any other unreadable line is corruption.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreCorruptError } from './errors.js';
import type { Aggregate, Evaluation, Item, Label, LabelerEstimate, ModelVersion, StageState, StoredPlan } from './types.js';

/** One journaled write. Applying an entry twice has the same effect as applying it once. */
export type JournalEntry =
    | { op: 'labels'; labels: Label[]; supersede: { id: string; by: string }[] }
    | { op: 'items'; items: (Item & { addedAt: string })[] }
    | { op: 'aggregates'; aggregates: Required<Aggregate>[] }
    | { op: 'estimates'; estimates: (LabelerEstimate & { updatedAt: string })[] }
    | { op: 'plan'; plan: Required<StoredPlan> }
    | { op: 'model'; model: ModelVersion & { createdAt: string } }
    | { op: 'evaluation'; evaluation: Evaluation & { id: string; at: string } }
    | { op: 'stages'; states: (StageState & { updatedAt: string })[] };

const OPS = new Set(['labels', 'items', 'aggregates', 'estimates', 'plan', 'model', 'evaluation', 'stages']);

interface JournalHeader {
    dprogJournal: 1;
    base: number;
}

export interface JournalContent {
    /** Snapshot generation the entries apply to. */
    base: number;
    entries: JournalEntry[];
    /** A torn (unterminated) last line was found and ignored. */
    tornTail: boolean;
}

const NEWLINE = 0x0a;

/** Reads and checks a journal; undefined when there is none. Throws StoreCorruptError, never modifies the file. */
export function readJournal(path: string): JournalContent | undefined {
    if (!existsSync(path)) {
        return undefined;
    }
    const bytes = readFileSync(path);
    if (bytes.length === 0) {
        // A crash while resetting; nothing was acknowledged against it.
        return { base: -1, entries: [], tornTail: false };
    }
    const lines: string[] = [];
    let start = 0;
    for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, start)) {
        lines.push(bytes.toString('utf8', start, i));
        start = i + 1;
    }
    const tornTail = start < bytes.length;
    if (lines.length === 0) {
        // The header is written whole by a rename, so it cannot be torn.
        throw new StoreCorruptError(path, 'the journal has no header line (it is not a dprog journal)');
    }
    const header = parseLine(path, lines[0], 1) as Partial<JournalHeader>;
    if (header.dprogJournal !== 1 || typeof header.base !== 'number') {
        throw new StoreCorruptError(path, 'line 1: not a dprog journal header');
    }
    const entries: JournalEntry[] = [];
    for (let n = 1; n < lines.length; n++) {
        const entry = parseLine(path, lines[n], n + 1) as { op?: unknown };
        if (typeof entry !== 'object' || entry === null || !OPS.has(String(entry.op))) {
            throw new StoreCorruptError(path, `line ${n + 1}: not a journal entry`);
        }
        entries.push(entry as JournalEntry);
    }
    return { base: header.base, entries, tornTail };
}

function parseLine(path: string, line: string, lineNumber: number): unknown {
    try {
        return JSON.parse(line);
    } catch {
        throw new StoreCorruptError(path, `line ${lineNumber} of the journal is not valid JSON`);
    }
}

/** Largest number of labels written on one journal line (keeps lines far below V8's string limit). */
const LABELS_PER_LINE = 5000;

/** The journal open for appending, held by the single writer. */
export class JournalWriter {
    private fd: number;
    /** Bytes written since the last reset. */
    bytes = 0;

    /** Size of the file: where the next entry starts. */
    private length: number;
    /** A failed append could not be cut back: appending more would bury a torn line. */
    private broken = false;
    /** A reset that failed after its snapshot was written; it must succeed before the next append. */
    private pendingBase: number | undefined;

    private constructor(
        readonly path: string,
        fd: number,
    ) {
        this.fd = fd;
        this.length = fstatSync(fd).size;
    }

    /** Replaces the journal with an empty one for snapshot generation `base` (atomically), and opens it. */
    static create(path: string, base: number): JournalWriter {
        writeHeaderAtomically(path, base);
        return new JournalWriter(path, openSync(path, 'a'));
    }

    /**
     * Appends entries and fsyncs: when this returns, they survive a crash. If writing fails (a full
     * disk), the journal is cut back to where it was, so a half-written line never ends up in the
     * middle of it.
     */
    append(entries: JournalEntry[]): void {
        if (this.broken) {
            throw new Error(
                `${this.path}: an earlier write to the journal failed and could not be undone; close the store and open it again`,
            );
        }
        if (this.pendingBase !== undefined) {
            // The last snapshot is on disk but the journal still names the one before: entries
            // appended now would be skipped on replay. Finish the reset first (or fail this write).
            this.reset(this.pendingBase);
        }
        const start = this.length;
        try {
            let text = '';
            for (const entry of entries) {
                for (const piece of splitEntry(entry)) {
                    text += `${JSON.stringify(piece)}\n`;
                    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: 4 MiB pieces bound memory only
                    if (text.length > 1 << 22) {
                        this.write(text);
                        text = '';
                    }
                }
            }
            // Stryker disable next-line ConditionalExpression,EqualityOperator: writing an empty string writes nothing
            if (text.length > 0) {
                this.write(text);
            }
            fsyncSync(this.fd);
        } catch (error) {
            try {
                ftruncateSync(this.fd, start);
                this.bytes -= this.length - start;
                this.length = start;
            } catch {
                this.broken = true;
            }
            throw error;
        }
    }

    /** Empties the journal after a snapshot of generation `base`. */
    reset(base: number): void {
        closeSync(this.fd);
        this.pendingBase = base;
        try {
            writeHeaderAtomically(this.path, base);
            this.bytes = 0;
            this.pendingBase = undefined;
        } finally {
            // Whether or not the new journal made it, keep appending to the one on disk.
            this.fd = openSync(this.path, 'a');
            this.length = fstatSync(this.fd).size;
        }
    }

    close(): void {
        closeSync(this.fd);
    }

    private write(text: string): void {
        const buffer = Buffer.from(text);
        let offset = 0;
        while (offset < buffer.length) {
            // Stryker disable next-line ArithmeticOperator: a write to a regular file is whole or fails, so offset is 0 here
            offset += writeSync(this.fd, buffer, offset, buffer.length - offset);
        }
        this.bytes += buffer.length;
        this.length += buffer.length;
    }
}

/** Large label batches go on several lines; each line stays a complete, idempotent entry. */
function splitEntry(entry: JournalEntry): JournalEntry[] {
    if (entry.op !== 'labels' || entry.labels.length <= LABELS_PER_LINE) {
        return [entry];
    }
    const pieces: JournalEntry[] = [];
    for (let i = 0; i < entry.labels.length; i += LABELS_PER_LINE) {
        const labels = entry.labels.slice(i, i + LABELS_PER_LINE);
        const ids = new Set(labels.map((label) => label.id));
        // A supersede mark travels with the line that adds the replacement label.
        pieces.push({ op: 'labels', labels, supersede: entry.supersede.filter((mark) => ids.has(mark.by)) });
    }
    return pieces;
}

function writeHeaderAtomically(path: string, base: number): void {
    const header: JournalHeader = { dprogJournal: 1, base };
    const temp = `${path}.tmp-${process.pid}`;
    const fd = openSync(temp, 'w');
    writeSync(fd, `${JSON.stringify(header)}\n`);
    fsyncSync(fd);
    closeSync(fd);
    replaceFile(temp, path);
    fsyncDirectory(dirname(path));
}

/** Makes a rename or create in `dir` durable. Windows cannot open folders for fsync; NTFS journals renames itself. */
export function fsyncDirectory(dir: string): void {
    // Stryker disable next-line all: a folder fsync shows only after a power loss (on Linux the test runs the same)
    if (process.platform === 'win32') {
        return;
    }
    const fd = openSync(dir, 'r');
    try {
        fsyncSync(fd);
    } finally {
        closeSync(fd);
    }
}

/**
 * Renames `from` over `to`. On Windows the target may be open for a moment by a reader (or a
 * virus scanner), which makes the rename fail with EPERM/EBUSY: retry briefly before giving up.
 */
export function replaceFile(from: string, to: string): void {
    for (let attempt = 0; ; attempt++) {
        try {
            renameSync(from, to);
            return;
        } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            if (process.platform !== 'win32' || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES') || attempt >= 20) {
                throw error;
            }
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
        }
    }
}
