/**
 * Paces known-answer (gold) questions so they make up the planned share of human work: before
 * each item, ask whether the next question should be gold; afterwards, record how many answers
 * it took. Gold runs ahead of the share by at most one question, never behind it for long.
 */
export class GoldMixer {
    private goldAnswers = 0;
    private allAnswers = 0;

    constructor(readonly share: number) {
        if (!(share >= 0 && share < 1)) {
            throw new Error(`gold share ${share} must be in [0, 1)`);
        }
    }

    /** Whether the next question should be a gold one to keep up with the share. */
    wantsGold(): boolean {
        return this.share > 0 && this.goldAnswers <= this.share * this.allAnswers;
    }

    record(gold: boolean, answers: number): void {
        this.allAnswers += answers;
        if (gold) {
            this.goldAnswers += answers;
        }
    }

    /** The share of human answers so far that were gold. */
    get actualShare(): number {
        return this.allAnswers === 0 ? 0 : this.goldAnswers / this.allAnswers;
    }
}
