/**
 * Clauses given twice in one block (`route` twice in a task, `accuracy` twice in a labeler): the
 * grammar keeps only the last one, so the first would be silently ignored.
 */
import { CstUtils, GrammarUtils, isLeafCstNode, type AstNode, type CstNode, type ValidationAcceptor, type ValidationChecks } from 'langium';
import type { DprogAstType } from '../generated/ast.js';

export const ClauseIssues = {
    /** A single-valued clause written more than once (data: clause). */
    duplicate: 'clause/duplicate',
} as const;

/** The clauses that may appear once, by node type: property name → how the clause is written. */
const SINGLE_CLAUSES: Record<string, Record<string, string>> = {
    Task: { question: 'ask', route: 'route', quality: 'quality', budget: 'budget' },
    HumanLabeler: { cost: 'cost', accuracy: 'accuracy', pool: 'pool' },
    ModelLabeler: { input: 'input', output: 'output', decoder: 'decode', cost: 'cost', accuracy: 'accuracy' },
    Quality: { target: 'target', aggregate: 'aggregate', gold: 'gold', maxLabels: 'at most' },
    Learn: {
        strategy: 'strategy',
        diversity: 'diversity',
        batch: 'batch',
        budget: 'budget',
        retrainEvery: 'retrain every',
        stopAccuracy: 'stop when',
        encoder: 'features from',
        seed: 'seed',
    },
    ShiftMonitor: { metric: 'metric', warn: 'warn above', alert: 'alert above' },
    PredictionMonitor: { confidence: 'confidence within' },
};

function checkSingleClauses(node: AstNode, accept: ValidationAcceptor): void {
    for (const [property, written] of Object.entries(SINGLE_CLAUSES[node.$type] ?? {})) {
        const occurrences = GrammarUtils.findNodesForProperty(node.$cstNode, property);
        for (const extra of occurrences.slice(1)) {
            const keyword = clauseStart(node, written.split(' ')[0], extra.offset);
            const range = { start: (keyword ?? extra).range.start, end: extra.range.end };
            accept('error', `'${written}' is already given on line ${occurrences[0].range.start.line + 1}; give it once.`, {
                node,
                range,
                code: ClauseIssues.duplicate,
                data: { code: ClauseIssues.duplicate, clause: written },
            });
        }
    }
}

/** The clause's first keyword: the last such keyword at or before its value. */
function clauseStart(node: AstNode, keyword: string, valueOffset: number): CstNode | undefined {
    let found: CstNode | undefined;
    for (const leaf of CstUtils.streamCst(node.$cstNode!)) {
        if (leaf.offset > valueOffset) {
            break;
        }
        if (isLeafCstNode(leaf) && leaf.text === keyword) {
            found = leaf;
        }
    }
    return found;
}

export const clauseChecks: ValidationChecks<DprogAstType> = Object.fromEntries(
    Object.keys(SINGLE_CLAUSES).map((type) => [type, checkSingleClauses]),
);
