/** Imported first by main.ts: the time the extension bundle started loading, for the activation measurement. */
export const loadStart = performance.now();
