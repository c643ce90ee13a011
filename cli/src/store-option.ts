/** The `--store DB` option of the learning commands: the given file, else `.dprog/labels.sqlite` beside the program. */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { defaultStorePath, LabelStore } from '../../engine/src/store/index.js';
import { UsageError } from './errors.js';

export function storePathFor(file: string, store?: string): string {
    return store ? path.resolve(store) : defaultStorePath(path.dirname(path.resolve(file)));
}

/** Opens the store; a `readonly` store that does not exist yet gives undefined (nothing labeled so far). */
export async function openStore(file: string, store: string | undefined, readonly: boolean): Promise<LabelStore | undefined> {
    const storePath = storePathFor(file, store);
    if (readonly && !existsSync(storePath)) {
        if (store) throw new UsageError(`${store}: no such label store.`);
        return undefined;
    }
    return LabelStore.open(storePath, { readonly });
}
