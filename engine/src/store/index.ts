/**
 * The label store: the public surface other parts of dprog import.
 *
 * ```ts
 * const store = await LabelStore.open(defaultStorePath(workspace));          // one writer: takes the lock
 * const label = await store.addLabel({ task: 'spam', item: 'm1', labeler: 'me', labelerKind: 'human', value: 'spam' });
 * // resolved = journaled and fsynced: survives a crash from here on
 * await store.supersede(label.id, { labeler: 'me', labelerKind: 'human', value: 'ham' });  // old label kept
 * store.labels({ task: 'spam' });                                            // current labels, in order added
 * await store.close();                                                       // snapshot + release the lock
 *
 * const reader = await LabelStore.open(path, { readonly: true });           // no lock; sees the journal too
 * ```
 *
 * Any backend (a path or `postgres://user@host:port/db`), through the one `Store` interface:
 * `const store = await openStore(location)` — see store.ts.
 *
 * Errors: StoreLockedError (another writer), StoreLockLostError (this writer's lock was taken), StoreCorruptError
 * (damaged file, left untouched),
 * StoreNotFoundError (read-only and absent), StoreVersionError (newer schema), StoreOutdatedError (an older
 * PostgreSQL schema opened read-only), StoreInputError (a bad value), StoreReadonlyError (write on a reader or a closed store).
 * Import/export formats live in `./formats/index.js`.
 */
export { LabelStore, journalPathOf, lockPathOf, type OpenOptions } from './label-store.js';
export * from './errors.js';
export * from './types.js';
export { SCHEMA_VERSION } from './schema.js';
export { locateSqlWasm } from './sqljs.js';
export type { Store, StoreBackend } from './store.js';
export { openStore, type StoreOpenOptions } from './open.js';
export { defaultStorePath, parseStoreLocation, programStoreLocation, redact, StoreLocationError, type StoreLocation } from './location.js';
export { EmbeddedStore } from './embedded-store.js';
export { StoreConnectionError } from './postgres/connection.js';
export { DEFAULT_LEASE_MS, type Lease, type LeaseRequest } from './leases.js';
export { dumpCounts, dumpHash, type StoreDump } from './dump.js';
