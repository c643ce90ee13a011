/**
 * Only regular files are read as data, models, key lists or imports. A folder, a named pipe
 * (FIFO), a device such as /dev/zero or /dev/stdin, or a socket would hang a reader or never end,
 * so each is refused with a message naming the path and what it is. A FIFO is opened without
 * blocking, so even the check cannot hang.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, statSync, type Stats } from 'node:fs';
import { DataError } from './errors.js';

/** What a path that is not a regular file is, in words ("a folder", "a named pipe (FIFO)", …). */
export function describeFileKind(stats: Stats): string {
    if (stats.isDirectory()) {
        return 'a folder';
    }
    if (stats.isFIFO()) {
        return 'a named pipe (FIFO)';
    }
    if (stats.isCharacterDevice() || stats.isBlockDevice()) {
        return 'a device';
    }
    if (stats.isSocket()) {
        return 'a socket';
    }
    return 'not a regular file';
}

/**
 * Why `path` cannot be read as a file, or undefined when it is a regular file. `what` names the
 * role ("data file", "model", "import") in the message.
 */
export function regularFileProblem(path: string, what = 'file'): string | undefined {
    let stats: Stats;
    try {
        stats = statSync(path);
    } catch (error) {
        return `${path}: cannot read the ${what} (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    }
    return stats.isFile() ? undefined : notRegular(path, stats, what);
}

function notRegular(path: string, stats: Stats, what: string): string {
    return `${path} is ${describeFileKind(stats)}, not a regular file; the ${what} must be a regular file`;
}

/** Opens a regular file for reading; anything else is a DataError naming the path. */
export function openRegularFile(path: string, what = 'file'): number {
    let fd: number;
    try {
        fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    } catch (error) {
        throw new DataError(`${path}: cannot read the ${what} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, path);
    }
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
        closeSync(fd);
        throw new DataError(notRegular(path, stats, what), path);
    }
    return fd;
}

/** Reads a whole regular file; anything else (a folder, a FIFO, a device) is a DataError naming the path. */
export function readRegularFile(path: string, what = 'file'): Buffer {
    const fd = openRegularFile(path, what);
    try {
        return readFileSync(fd);
    } finally {
        closeSync(fd);
    }
}
