/** Small synthetic text corpora for learning tests: two classes with distinct vocabularies plus shared noise. */
import { seededRng } from '../../../engine/src/learning/random.js';

const SPAM_WORDS = ['free', 'money', 'winner', 'offer', 'cash', 'prize', 'viagra', 'credit', 'click', 'deal'];
const HAM_WORDS = ['meeting', 'agenda', 'report', 'lunch', 'project', 'review', 'schedule', 'notes', 'team', 'draft'];
const NOISE = ['the', 'and', 'you', 'for', 'with', 'this', 'that', 'have', 'from', 'are', 'was', 'will'];

export interface Message {
    id: string;
    body: string;
    gold: 'spam' | 'ham';
}

/** `n` messages; each has 6 words of its class, 6 noise words, and with probability `overlap` 2 words of the other class. */
export function syntheticMessages(n: number, seed = 1, overlap = 0.3): Message[] {
    const rng = seededRng(seed);
    const pick = (words: string[]) => words[Math.floor(rng() * words.length)];
    return Array.from({ length: n }, (_, i) => {
        const gold = rng() < 0.35 ? 'spam' : 'ham';
        const own = gold === 'spam' ? SPAM_WORDS : HAM_WORDS;
        const other = gold === 'spam' ? HAM_WORDS : SPAM_WORDS;
        const words = [...Array.from({ length: 6 }, () => pick(own)), ...Array.from({ length: 6 }, () => pick(NOISE))];
        if (rng() < overlap) {
            words.push(pick(other), pick(other));
        }
        return { id: `m${i}`, body: words.join(' '), gold };
    });
}
