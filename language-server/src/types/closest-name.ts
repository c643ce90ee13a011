/** "Did you mean …?": the closest name to a misspelt one, by edit distance. */

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), stopping early past `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
    if (Math.abs(a.length - b.length) > limit) {
        return limit + 1;
    }
    let previous2: number[] = [];
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        let rowMin = i;
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
                value = Math.min(value, previous2[j - 2] + 1);
            }
            current.push(value);
            rowMin = Math.min(rowMin, value);
        }
        if (rowMin > limit) {
            return limit + 1;
        }
        previous2 = previous;
        previous = current;
    }
    return previous[b.length];
}

/**
 * The candidate closest to `name`, if it is close enough to be a plausible typo: a case-only
 * difference, or at most one edit per three characters (at least one).
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
    const limit = Math.max(1, Math.floor(name.length / 3));
    const lower = name.toLowerCase();
    let best: string | undefined;
    let bestDistance = limit + 1;
    for (const candidate of candidates) {
        if (candidate === name) {
            continue;
        }
        const distance =
            candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase(), Math.min(bestDistance, limit));
        if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate < best)) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return bestDistance <= limit ? best : undefined;
}
