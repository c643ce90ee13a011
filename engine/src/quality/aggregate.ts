/** One entry point for categorical aggregation: pick the method by name. */
import type { EncodedAnswers } from './answers.js';
import { dawidSkene } from './dawid-skene.js';
import type { EmOptions } from './em.js';
import { majorityVote } from './majority.js';
import { oneCoin } from './one-coin.js';
import type { AggregationMethod, AggregationResult } from './result.js';

export const aggregationMethods: readonly AggregationMethod[] = ['majority', 'dawid_skene', 'one_coin'];

export function isAggregationMethod(name: string): name is AggregationMethod {
    return (aggregationMethods as readonly string[]).includes(name);
}

export function aggregate(method: AggregationMethod, encoded: EncodedAnswers, options: EmOptions = {}): AggregationResult {
    switch (method) {
        case 'majority':
            return majorityVote(encoded);
        case 'dawid_skene':
            return dawidSkene(encoded, options);
        case 'one_coin':
            return oneCoin(encoded, options);
    }
}
