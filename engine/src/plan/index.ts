/**
 * Labeling plans and migrations: the types the compiler produces and the engine, extension and
 * webview consume, the `dprog.plan/v2` schema (and the v1 upgrade) and (de)serialisation. Browser-safe (no Node
 * imports); content hashing lives in ./hash.ts (Node).
 */
export * from './types.js';
export * from './migration.js';
export * from './schema.js';
export * from './serialize.js';
