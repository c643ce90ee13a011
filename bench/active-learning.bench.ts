/**
 * Active-learning curves on Spam Assassin: the declared strategy (margin with 30% k-center
 * diversity) against random sampling, with the same featurizer (hashed 4096 unsigned), the same softmax head
 * (trained in TypeScript, exported to ONNX and scored by onnxruntime-node), the same 20 random seed
 * labels and batches of 20, averaged over SEEDS seeds. Baseline side by side: random
 * sampling in the same process. Measures the labels the strategy needs to reach random's accuracy at
 * MAX labels, as a ratio; target ≤ 0.5 (a scikit-learn margin loop on the same corpus: 0.24).
 *
 * Reference side by side: scikit-learn's HashingVectorizer(alternate_sign=False) + LogisticRegression(C=10)
 * + margin sampling (bench/reference/sklearn-margin.py, run with Debian's /usr/bin/python3 and
 * python3-sklearn when present) on the same texts, split and seed labels, against dprog's plain margin
 * sampling (no diversity) with `hashed 4096 unsigned` — the same features. Target: dprog within 0.5
 * points of scikit-learn at 500 and 1,000 labels. Recorded reference (scikit-learn 1.2.1, 4 seeds):
 * see SKLEARN_RECORDED; it is printed when scikit-learn is absent.
 *
 * Defaults: SEEDS=2 MAX=1000, what `npm run bench` runs (72 s of CPU time on 2026-11-30: dprog 57 s,
 * the scikit-learn reference the rest; 10 seeds take about 5×). Two seeds keep the claim's margin: at
 * 1,000 labels margin+diversity reached random's accuracy with 0.32 of its labels (2 seeds; 0.30 with
 * 10), against a target of 0.5. With 500 labels the ratio came out at 0.48 (3 seeds), too close to
 * the target to say anything, so the default keeps 1,000 labels and drops seeds. The full run, as the
 * README's 10-seed numbers were measured:
 *   SEEDS=10 MAX=1000 npx tsx bench/active-learning.bench.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDataset } from '../engine/src/data/dataset.js';
import { hashTexts } from '../engine/src/data/hashed-featurizer.js';
import { assignBucket } from '../engine/src/data/split.js';
import { ActiveLearner, type LearningPool } from '../engine/src/learning/active-learning.js';
import { InMemoryModelVersions } from '../engine/src/learning/model-versions.js';
import { seededRng, shuffled } from '../engine/src/learning/random.js';
import { SessionCache } from '../engine/src/learning/session-cache.js';
import type { SamplingStrategy } from '../engine/src/learning/uncertainty.js';
import { emailsSpec, prepare } from '../samples/spam/prepare.js';

const SEEDS = Number(process.env.SEEDS ?? 2);
const MAX = Number(process.env.MAX ?? 1000);
const BATCH = 20;
const SEED_LABELS = 20;
const DIVERSITY = Number(process.env.DIVERSITY ?? 0.3);
const STRATEGY = (process.env.STRATEGY ?? 'margin') as SamplingStrategy;
const TARGET_RATIO = 0.5;
const DIMS = 4096;
const SKLEARN_MARGIN = 0.005;
/** scikit-learn 1.2.1's mean accuracy at 500 and 1,000 labels, measured by this bench (SEEDS=4) on this machine (dprog: 0.9858, 0.9858). */
const SKLEARN_RECORDED: Record<number, number> = { 500: 0.9848, 1000: 0.9847 };
const PYTHON = '/usr/bin/python3';

prepare();
const { items } = readDataset(emailsSpec);
const labels = ['spam', 'ham'];
// Whole messages (subject, sender, body); 60% pool, 40% held out for accuracy.
const texts = items.map((i) => `${i.fields.subject}\n${i.fields.sender}\n${i.fields.body}`);
const features = hashTexts(texts, DIMS, { unsigned: true });
const splits = items.map((i) =>
    assignBucket(i.key, [
        { name: 'train', share: 0.6 },
        { name: 'validation', share: 0.4 },
    ]),
);
const gold = items.map((i) => labels.indexOf(String(i.record.gold)));
const pool: LearningPool = {
    keys: items.map((i) => i.key),
    features,
    splits,
    labels,
    validationLabels: new Map(splits.flatMap((s, i) => (s === 'validation' ? [[i, gold[i]] as [number, number]] : []))),
};
const trainRows = splits.flatMap((s, i) => (s === 'train' ? [i] : []));
console.log(
    `Spam Assassin: ${items.length} messages, pool ${trainRows.length}, held out ${pool.validationLabels.size}; ${SEEDS} seeds, up ` +
        `to ${MAX} labels`,
);

const sessions = new SessionCache();
const work = mkdtempSync(join(tmpdir(), 'dprog-al-bench-'));

function seedRows(seed: number): number[] {
    return shuffled(trainRows, seededRng(seed)).slice(0, SEED_LABELS);
}

/** scikit-learn's mean curve on the same texts, split and seed labels, or undefined when it is not installed. */
function sklearnCurve(): number[] | undefined {
    if (!existsSync(PYTHON)) {
        return undefined;
    }
    try {
        execFileSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' });
    } catch {
        return undefined;
    }
    const job = {
        dims: DIMS,
        texts,
        gold,
        train: trainRows,
        validation: [...pool.validationLabels.keys()],
        seeds: Array.from({ length: SEEDS }, (_, i) => seedRows(i + 1)),
        batch: BATCH,
        max: MAX,
    };
    const script = join(import.meta.dirname, 'reference', 'sklearn-margin.py');
    return JSON.parse(execFileSync(PYTHON, [script], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 26 })) as number[];
}

/** Accuracy after each batch: index k is the accuracy with SEED_LABELS + k × BATCH labels. */
async function curve(strategy: SamplingStrategy, diversity: number, seed: number): Promise<number[]> {
    const learner = new ActiveLearner(
        pool,
        { strategy, diversity, batch: BATCH, budget: MAX, retrainEvery: BATCH, seed },
        {
            task: 'classify',
            labeler: `${strategy}-${seed}`,
            sessions,
            versions: new InMemoryModelVersions(),
            modelDir: join(work, `${strategy}-${seed}`),
            label: (picks) => picks.map((p) => labels[gold[p.position]]),
        },
    );
    const first = await learner.warmStart(seedRows(seed));
    const accuracies = [first.validationAccuracy!];
    while (!learner.stopReason()) {
        const report = await learner.round();
        accuracies.push(report.retrained!.validationAccuracy!);
        await sessions.releaseAll();
    }
    return accuracies;
}

function mean(curves: number[][]): number[] {
    const length = Math.min(...curves.map((c) => c.length));
    return Array.from({ length }, (_, k) => curves.reduce((s, c) => s + c[k], 0) / curves.length);
}

const started = Date.now();
const cpuAtStart = process.cpuUsage();
const randomCurves: number[][] = [];
const strategyCurves: number[][] = [];
const marginCurves: number[][] = [];
for (let seed = 1; seed <= SEEDS; seed++) {
    randomCurves.push(await curve('random', 0, seed));
    strategyCurves.push(await curve(STRATEGY, DIVERSITY, seed));
    marginCurves.push(await curve('margin', 0, seed));
    process.stdout.write(
        `  seed ${seed}: random ${randomCurves.at(-1)!.at(-1)!.toFixed(3)}, ${STRATEGY}+diversity ` +
            `${strategyCurves.at(-1)!.at(-1)!.toFixed(3)}, margin ${marginCurves.at(-1)!.at(-1)!.toFixed(3)} at ${MAX} labels\n`,
    );
}
const dprogCpu = process.cpuUsage(cpuAtStart);
const cpuSeconds = (dprogCpu.user + dprogCpu.system) / 1e6;
const sklearn = sklearnCurve();
const margin = mean(marginCurves);
rmSync(work, { recursive: true, force: true });
const random = mean(randomCurves);
const strategy = mean(strategyCurves);
const labelsAt = (k: number) => SEED_LABELS + k * BATCH;

console.log(
    `\nlabels   random   ${STRATEGY}+diversity ${Math.round(DIVERSITY * 100)}%   margin   scikit-learn ` +
        `margin${sklearn ? '' : ' (recorded)'}`,
);
for (const n of [20, 60, 100, 200, 300, 500, 1000].filter((n) => n <= MAX)) {
    const k = (n - SEED_LABELS) / BATCH;
    const reference = sklearn ? sklearn[k].toFixed(3) : (SKLEARN_RECORDED[n]?.toFixed(3) ?? '');
    console.log(
        `${String(n).padStart(6)}   ${random[k].toFixed(3)}    ${strategy[k].toFixed(3)}                ${margin[k].toFixed(3)}    ` +
            `${reference}`,
    );
}
if (!sklearn) {
    console.log('scikit-learn is not installed (apt-get install -y python3-sklearn): comparing with the recorded reference.');
}
const sklearnChecks = [500, 1000]
    .filter((n) => n <= MAX)
    .map((n) => {
        const k = (n - SEED_LABELS) / BATCH;
        const reference = sklearn ? sklearn[k] : SKLEARN_RECORDED[n];
        return {
            n,
            ok: !(margin[k] < reference - SKLEARN_MARGIN),
            text:
                `at ${n} labels dprog ${margin[k].toFixed(4)} vs scikit-learn ${reference.toFixed(4)} ` +
                `(${((margin[k] - reference) * 100).toFixed(2)} points)`,
        };
    });
console.log(`${sklearnChecks.map((c) => `${c.ok ? 'ok' : 'MISSED'} ${c.text}`).join('; ')} (target: within 0.5 points)`);
const goal = random[random.length - 1];
const reachedAt = strategy.findIndex((a) => a >= goal);
const needed = reachedAt < 0 ? Infinity : labelsAt(reachedAt);
const ratio = needed / labelsAt(random.length - 1);
console.log(
    `\nrandom reaches ${goal.toFixed(4)} with ${labelsAt(random.length - 1)} labels; ${STRATEGY}+diversity reaches it with ` +
        `${needed} labels` +
        ` → ratio ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO}; a scikit-learn margin loop: 0.24 at 1,000) ` +
        `[${((Date.now() - started) / 1000).toFixed(0)} s wall with the reference; dprog ${cpuSeconds.toFixed(0)} s CPU]`,
);
await sessions.releaseAll();
process.exit(ratio <= TARGET_RATIO && sklearnChecks.every((c) => c.ok) ? 0 : 1);
