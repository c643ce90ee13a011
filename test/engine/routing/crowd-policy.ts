/** The replay tests' policy: one crowd labeler declared at 70%, Dawid–Skene, 2% gold questions. */
import type { RoutingPolicy } from '../../../engine/src/routing/policy.js';

export const crowdPolicy = (target: number): RoutingPolicy => ({
    strategy: 'best',
    labelers: [{ name: 'crowd', kind: 'human', cost: 0.01, accuracy: 0.7 }],
    target,
    maxLabels: 10,
    method: 'dawid_skene',
    goldShare: 0.02,
});
