/** The label store: the public surface other parts of dprog import. */
export { LabelStore, defaultStorePath, journalPathOf, lockPathOf, type OpenOptions } from './label-store.js';
export * from './errors.js';
export * from './types.js';
export { SCHEMA_VERSION } from './schema.js';
export { locateSqlWasm } from './sqljs.js';
