/**
 * Labeling plans and migrations: the types the compiler produces and the engine, extension and
 * webview consume. Browser-safe (no Node imports); hashing lives in ./hash.ts (Node).
 */
export * from './types.js';
export * from './migration.js';
