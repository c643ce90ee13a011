/**
 * Every issue code the checker reports, in one place, for quick fixes and tests to switch on.
 * Codes are stable strings '<area>/<issue>'; each is defined next to its check.
 */
export { ProgramIssues } from './program-header.js';
export { NameIssues } from './names.js';
export { ImportIssues } from './imports.js';
export { ClauseIssues } from './clauses.js';
export { DatasetIssues } from './datasets.js';
export { LabelSetIssues } from './label-sets.js';
export { LabelTypeIssues } from './label-types.js';
export { LabelerIssues } from './labelers.js';
export { ModelIssues } from './models.js';
export { RuleIssues } from './rules.js';
export { TaskIssues } from './tasks.js';
export { QualityIssues } from './quality.js';
export { FlowIssues } from './flows.js';
export { ScoreIssues } from './scores.js';
export { LearnIssues } from './learn.js';
export { MonitorIssues } from './monitors.js';
export { UnusedIssues } from './unused.js';

/** Codes Langium itself reports (in the diagnostic's data.code). */
export const SyntaxIssues = {
    lexing: 'lexing-error',
    parsing: 'parsing-error',
    /** Nesting beyond the limit (parser/nesting-limit.ts), found before the parser recurses. */
    tooDeep: 'syntax/too-deep',
    /** The note after the first diagnostics of a file, saying how many more there are. */
    tooMany: 'syntax/too-many-problems',
} as const;
