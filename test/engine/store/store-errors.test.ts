/** What a user reads when the store refuses: each error names the file, says what happened and what to do. */
import { describe, expect, it } from 'vitest';
import {
    StoreCorruptError,
    StoreError,
    StoreInputError,
    StoreLockedError,
    StoreLockLostError,
    StoreNotFoundError,
    StoreReadonlyError,
    StoreVersionError,
} from '../../../engine/src/store/errors.js';

const path = '/w/.dprog/labels.sqlite';
const lock = `${path}.lock`;

describe('store errors', () => {
    it('carry their class name and the file they are about', () => {
        const errors = [
            new StoreLockedError(path, lock, {}),
            new StoreCorruptError(path, 'x'),
            new StoreNotFoundError(path),
            new StoreInputError('label task must be a non-empty string', path),
        ];
        expect(errors.map((e) => e.name)).toEqual(['StoreLockedError', 'StoreCorruptError', 'StoreNotFoundError', 'StoreInputError']);
        for (const error of errors) {
            expect(error).toBeInstanceOf(StoreError);
            expect(error.path).toBe(path);
        }
    });

    it('tell this process’s own lock from another writer’s, describing the holder', () => {
        const own = new StoreLockedError(path, lock, { pid: process.pid });
        expect(own.message).toBe(
            `${path}: the label store is already open for writing in this process (lock file ${lock}). ` +
                'Use the open LabelStore, or close it before opening it again.',
        );
        expect(own.holderPid).toBe(process.pid);
        const other = new StoreLockedError(path, lock, { pid: 4242, host: 'build-7', beatAgoMs: 12_400 });
        expect(other.message).toMatch(
            new RegExp(
                `^${path}: the label store is locked by another writer ` +
                    `\\(process 4242 on build-7, last heartbeat 12 s ago, lock file ${lock}\\)\\. `,
            ),
        );
        expect(other.message).toContain(
            'Close that dprog session (VS Code window or CLI) and try again, or open the store read-only meanwhile.',
        );
        expect(other.message).toContain('misses its heartbeat for 30 s');
        expect(other.message).toContain('use a PostgreSQL store (--store postgres://…)');
        expect(new StoreLockedError(path, lock, {}).message).toContain('(process unknown, lock file');
        expect(new StoreLockedError(path, lock, {}).holderPid).toBeUndefined();
    });

    it('say whether a lost lock is gone or now names another writer', () => {
        expect(new StoreLockLostError(path, lock, {}).message).toBe(
            `${path}: this process no longer holds the write lock (lock file ${lock} is gone), so it wrote nothing more: ` +
                'every label it acknowledged is already in the store. Open the store again to go on writing.',
        );
        expect(new StoreLockLostError(path, lock, { pid: 7 }).message).toContain(`(lock file ${lock} now names process 7), so`);
        expect(new StoreLockLostError(path, lock, { beatAgoMs: 1_600 }).message).toContain(
            'now names process unknown, last heartbeat 2 s ago)',
        );
    });

    it('say what is damaged, that nothing was changed, and how to recover', () => {
        const error = new StoreCorruptError(path, 'the file is empty (0 bytes)');
        expect(error.problem).toBe('the file is empty (0 bytes)');
        expect(error.message).toBe(
            `${path}: the label store is damaged: the file is empty (0 bytes). The file was not modified. ` +
                'Restore it from a backup (or version control), or move it aside to start a new store; ' +
                'labels can be re-imported with `dprog label import`.',
        );
    });

    it('say how to create a missing store and to upgrade for a newer one', () => {
        expect(new StoreNotFoundError(path).message).toBe(
            `${path}: no label store here. Run a labeling command (or \`dprog label import\`) to create it, ` +
                'or pass --store with the right path.',
        );
        const newer = new StoreVersionError(path, 9, 3);
        expect([newer.found, newer.supported]).toEqual([9, 3]);
        expect(newer.message).toBe(
            `${path}: the label store has schema version 9 but this dprog supports up to 3. Upgrade dprog to open it.`,
        );
    });

    it('say why a write is refused: read-only, closed, or a large write that could not be saved', () => {
        expect(new StoreReadonlyError(path, 'readonly').message).toBe(
            `${path}: the label store was opened read-only; open it without \`readonly\` to write.`,
        );
        expect(new StoreReadonlyError(path, 'closed').message).toBe(`${path}: the label store is closed.`);
        expect(new StoreReadonlyError(path, 'broken').message).toBe(
            `${path}: a large write could not be saved (snapshot and journal both failed; is the disk full?). ` +
                'It was not acknowledged; the store takes no more writes until it is opened again.',
        );
    });
});
