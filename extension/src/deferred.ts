/**
 * What the extension needs only after activation, bundled apart (out/extension/deferred.cjs) so
 * activation loads and parses a small file: the language client and its protocol libraries, the
 * webview panels (zod schemas, dataset readers) and the label store (sql.js).
 */
export { createLanguageClient } from './language/client.js';
export { AnnotatePanel } from './panels/annotate-panel.js';
export { PreviewPanel } from './panels/preview-panel.js';
export { LabelStore, openStore, parseStoreLocation, StoreLockedError } from '../../engine/src/store/index.js';
export { routedByPolicy, TaskRouting } from '../../engine/src/executor/task-routing.js';
export { WarmLearning } from './engine-bridge/warm-learning.js';
export { preLabels } from './engine-bridge/pre-labels.js';
export { PlanPanel } from './panels/plan-panel.js';
export * as contracts from '../../cli/src/json-contracts.js';
