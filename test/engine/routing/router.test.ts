/** Whom the router asks next: `best` by accuracy above chance per unit cost, `cascade` in route order; people at or below chance never. */
import { describe, expect, it } from 'vitest';
import { LabelerEstimates } from '../../../engine/src/quality/labeler-estimates.js';
import type { RoutedLabeler, RoutingPolicy } from '../../../engine/src/routing/policy.js';
import { chooseNext, type Candidate } from '../../../engine/src/routing/router.js';

const rules: RoutedLabeler = { name: 'rules', kind: 'rules', cost: 0, accuracy: 0.55 };
const model: RoutedLabeler = { name: 'model', kind: 'model', cost: 0.001, accuracy: 0.9 };
const crowd: RoutedLabeler = { name: 'crowd', kind: 'human', cost: 0.01, accuracy: 0.7, pool: 5 };
const experts: RoutedLabeler = { name: 'experts', kind: 'human', cost: 0.1, accuracy: 0.97, pool: 2 };

const policy = (strategy: RoutingPolicy['strategy'], labelers: RoutedLabeler[]): RoutingPolicy => ({
    strategy,
    labelers,
    target: 0.95,
    maxLabels: 5,
    method: 'one_coin',
    goldShare: 0,
});

/** Estimates at each answerer's declared accuracy, by the labeler of their name (crowd#2 is crowd). */
const estimatesFor = (classes: string[], labelers: RoutedLabeler[], override: Record<string, number> = {}) =>
    new LabelerEstimates(classes, (member) => ({
        accuracy: override[member] ?? labelers.find((l) => l.name === member.replace(/#\d+$/, ''))!.accuracy,
    }));

const candidates = (...pairs: [RoutedLabeler, string][]): Candidate[] => pairs.map(([labeler, member]) => ({ labeler, member }));

describe('best: accuracy above chance per unit cost', () => {
    const labelers = [experts, crowd, model];

    it('ranks by (accuracy − chance) / cost: the model (0.4 / 0.001) before the crowd (0.2 / 0.01) before the experts', () => {
        const estimates = estimatesFor(['no', 'yes'], labelers);
        const all = candidates([experts, 'experts'], [crowd, 'crowd'], [model, 'model']);
        expect(chooseNext(policy('best', labelers), all, new Set(), estimates)?.member).toBe('model');
        expect(chooseNext(policy('best', labelers), all.slice(0, 2), new Set(), estimates)?.member).toBe('crowd');
        // Chance over three classes is 1/3: the crowd gives 0.367 / 0.01 against the experts' 0.637 / 0.1.
        expect(chooseNext(policy('best', labelers), all.slice(0, 2), new Set(), estimatesFor(['a', 'b', 'c'], labelers))?.member).toBe(
            'crowd',
        );
    });

    it('puts a free labeler first, however weak, as long as it is a model or rules', () => {
        const estimates = estimatesFor(['no', 'yes'], [rules, experts]);
        const all = candidates([experts, 'experts'], [rules, 'rules']);
        expect(chooseNext(policy('best', [experts, rules]), all, new Set(), estimates)?.member).toBe('rules');
    });

    it('scores a pool by its first available person', () => {
        const estimates = estimatesFor(['no', 'yes'], labelers, { crowd: 0.51, 'crowd#2': 0.99 });
        const all = candidates([crowd, 'crowd'], [crowd, 'crowd#2'], [experts, 'experts']);
        // crowd's first person (0.51) gives 0.01 / 0.01 = 1 against the experts' 0.47 / 0.1 = 4.7.
        expect(chooseNext(policy('best', labelers), all, new Set(), estimates)?.member).toBe('experts');
    });
});

describe('people at or below chance', () => {
    it('are never asked; models and rules are, whatever their estimate', () => {
        const estimates = estimatesFor(['no', 'yes'], [crowd, rules], { crowd: 0.5, 'crowd#2': 0.45, rules: 0.3 });
        const people = candidates([crowd, 'crowd'], [crowd, 'crowd#2']);
        expect(chooseNext(policy('cascade', [crowd, rules]), people, new Set(), estimates)).toBeUndefined();
        expect(
            chooseNext(policy('cascade', [crowd, rules]), [...people, ...candidates([rules, 'rules'])], new Set(), estimates)?.member,
        ).toBe('rules');
    });

    it('chance depends on the number of classes: 0.4 is below chance with two classes, above it with three', () => {
        const person = candidates([crowd, 'crowd']);
        const two = estimatesFor(['no', 'yes'], [crowd], { crowd: 0.4 });
        const three = estimatesFor(['a', 'b', 'c'], [crowd], { crowd: 0.4 });
        expect(chooseNext(policy('cascade', [crowd]), person, new Set(), two)).toBeUndefined();
        expect(chooseNext(policy('cascade', [crowd]), person, new Set(), three)?.member).toBe('crowd');
    });

    it('a single class is judged against two (chance is never above one half)', () => {
        const estimates = estimatesFor(['only'], [crowd], { crowd: 0.6 });
        expect(chooseNext(policy('cascade', [crowd]), candidates([crowd, 'crowd']), new Set(), estimates)?.member).toBe('crowd');
    });
});

describe('cascade: route order', () => {
    const labelers = [rules, crowd, experts];
    const estimates = estimatesFor(['no', 'yes'], labelers);
    const all = candidates([experts, 'experts'], [crowd, 'crowd#3'], [crowd, 'crowd'], [rules, 'rules']);

    it('asks the first labeler of the route not yet asked, and the first available person of a pool', () => {
        const route = policy('cascade', labelers);
        expect(chooseNext(route, all, new Set(), estimates)?.member).toBe('rules');
        expect(chooseNext(route, all, new Set(['rules']), estimates)?.member).toBe('crowd#3');
        expect(chooseNext(route, all, new Set(['rules', 'crowd']), estimates)?.member).toBe('experts');
    });

    it('when every labeler has answered, keeps asking the last labeler of the route that has someone left', () => {
        const route = policy('cascade', labelers);
        const asked = new Set(['rules', 'crowd', 'experts']);
        expect(chooseNext(route, all, asked, estimates)?.member).toBe('experts');
        expect(chooseNext(route, all.slice(1), asked, estimates)?.member).toBe('crowd#3');
        expect(chooseNext(route, [], asked, estimates)).toBeUndefined();
    });
});
