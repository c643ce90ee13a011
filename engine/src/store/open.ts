/** Opening a store by location, whichever backend it is on. */
import { EmbeddedStore } from './embedded-store.js';
import { LabelStore, type OpenOptions } from './label-store.js';
import { parseStoreLocation, type StoreLocation } from './location.js';
import { PostgresStore } from './postgres/postgres-store.js';
import type { Store } from './store.js';

export interface StoreOpenOptions extends OpenOptions {
    /** PostgreSQL: the password when it is not in PGPASSWORD or ~/.pgpass (VS Code's SecretStorage). */
    password?: string;
}

/** Opens the store at `where` (a path, a URL, or a parsed location). */
export async function openStore(where: string | StoreLocation, options: StoreOpenOptions = {}): Promise<Store> {
    const location = typeof where === 'string' ? parseStoreLocation(where) : where;
    if (location.backend === 'postgres') {
        return PostgresStore.open(location, { readonly: options.readonly, password: options.password });
    }
    return new EmbeddedStore(await LabelStore.open(location.path, options));
}
