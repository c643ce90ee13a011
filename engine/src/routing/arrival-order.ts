/**
 * The order items arrive in: as given, or shuffled with a seed. Simulation and a replayed run use
 * the same function on the same list, so a seed means the same order in both.
 */
export function arrivalOrder<T>(values: readonly T[], seed?: number): T[] {
    const out = [...values];
    if (seed === undefined) {
        return out;
    }
    // Fisher-Yates with a small seeded generator (mulberry32), so a seed always gives the same order.
    let state = seed >>> 0;
    const random = () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
}
