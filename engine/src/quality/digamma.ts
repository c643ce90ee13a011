/** ψ(x), the digamma function, for x > 0: recurrence up to x ≥ 6, then the asymptotic series. */
export function digamma(x: number): number {
    let result = 0;
    while (x < 6) {
        result -= 1 / x;
        x += 1;
    }
    const f = 1 / (x * x);
    return result + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}
