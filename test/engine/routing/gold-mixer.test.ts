import { describe, expect, it } from 'vitest';
import { GoldMixer } from '../../../engine/src/routing/gold-mixer.js';
import { seededRandom } from '../quality/synthetic.js';

describe('gold mixer', () => {
    it('keeps gold at the planned share of human answers, whatever each question costs', () => {
        const random = seededRandom(4);
        const mixer = new GoldMixer(0.05);
        for (let n = 0; n < 5000; n++) {
            const gold = mixer.wantsGold();
            mixer.record(gold, 1 + Math.floor(random() * 9));
        }
        expect(mixer.actualShare).toBeGreaterThan(0.045);
        expect(mixer.actualShare).toBeLessThan(0.055);
    });

    it('asks gold first (nothing is known yet) and never with a zero share', () => {
        expect(new GoldMixer(0.02).wantsGold()).toBe(true);
        const none = new GoldMixer(0);
        none.record(false, 10);
        expect(none.wantsGold()).toBe(false);
        expect(() => new GoldMixer(1)).toThrow(/gold share 1 must be in \[0, 1\)/);
    });

    it('refuses a negative share and reports a share of 0 before any answer', () => {
        expect(() => new GoldMixer(-0.1)).toThrow('gold share -0.1 must be in [0, 1)');
        expect(new GoldMixer(0.3).actualShare).toBe(0);
    });
});
