/**
 * The labeling panel's queue on a PostgreSQL store (a throwaway cluster), as two people see it at
 * once: two LocalEngines (two VS Code windows) with `dprog.labeler` ann and bob, the panel's queue
 * code (teamQueue) and the real store underneath. Each is leased disjoint items; a label records
 * its person; a person's answered items leave their queue; and once the task's routing has refit
 * the estimates, each person is told their own.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compileProgramFile } from '../../cli/src/compiled-program.js';
import * as storeModule from '../../engine/src/store/index.js';
import { routedByPolicy, TaskRouting } from '../../engine/src/executor/task-routing.js';
import type { LabelingPlan, PlanTask } from '../../engine/src/plan/types.js';
import { LocalEngine, planPathFor } from '../../extension/src/engine-bridge/local-engine.js';
import { LEASED_AT_ONCE, teamQueue } from '../../extension/src/panels/team-queue.js';
import { personEstimateLine } from '../../extension/src/engine-bridge/person-estimate.js';
import { skipWithoutPostgres, startCluster, type PgCluster } from '../support/postgres.js';
import { tempDir } from '../engine/store/helpers.js';

vi.mock('../../extension/src/load-deferred.js', () => ({ deferred: () => ({ ...storeModule, routedByPolicy, TaskRouting }) }));

const ITEMS = 60;
const { dir, cleanup } = tempDir();
const program = join(dir, 'team.dprog');
let plan: LabelingPlan;
let task: PlanTask;

describe.skipIf(skipWithoutPostgres())('the labeling queue of two people on one PostgreSQL store', () => {
    let cluster: PgCluster;
    let url: string;
    beforeAll(async () => {
        writeFileSync(join(dir, 'items.jsonl'), Array.from({ length: ITEMS }, (_, i) => `{"id":"m${i}","text":"message ${i}"}`).join('\n'));
        writeFileSync(
            program,
            `program Team
dataset items from jsonl "items.jsonl" { key id: String  text: Text }
labels Verdict { spam, ham }
labeler crowd: human { pool 10, cost $0.01 per item, accuracy 75% }
task classify(i: items) -> choice<Verdict> {
    show i.text
    route cascade crowd
    quality { target 95%, aggregate dawid_skene, at most 3 labels }
}
`,
        );
        const compiled = await compileProgramFile(program);
        plan = compiled.plan!;
        task = plan.tasks.find((t) => t.name === 'classify')!;
        // The panel's engine reads the compiled plan where "Compile" leaves it.
        mkdirSync(join(dir, '.dprog', 'plans'), { recursive: true });
        writeFileSync(planPathFor(program), JSON.stringify(plan));
        cluster = await startCluster();
        url = await cluster.createDatabase('team');
    }, 120_000);
    afterAll(async () => {
        await cluster?.stop();
        cleanup();
    });

    const engineFor = () =>
        new LocalEngine({
            cliPath: '/nonexistent',
            storePathFor: () => url,
            passwordFor: async () => cluster.env.PGPASSWORD,
            log: () => undefined,
        });
    const queueOf = (engine: LocalEngine, person: string) =>
        teamQueue({
            engine,
            program,
            plan,
            task,
            labeler: 'crowd',
            person,
            shared: true,
            leaseMs: 600_000,
            batch: undefined,
            items: undefined,
            imageUri: (p) => p,
        });

    it('leases disjoint items, records the person, drops what a person answered, and tells each their estimate', async () => {
        const [annEngine, bobEngine] = [engineFor(), engineFor()];
        try {
            const [ann, bob] = await Promise.all([queueOf(annEngine, 'ann'), queueOf(bobEngine, 'bob')]);
            const annItems = ann.queue.items.map((i) => i.key);
            const bobItems = bob.queue.items.map((i) => i.key);
            expect(annItems.length).toBe(LEASED_AT_ONCE);
            expect(bobItems.length).toBe(LEASED_AT_ONCE);
            expect(annItems.filter((k) => bobItems.includes(k))).toEqual([]);
            expect(ann.note).toMatch(/^ann: no accuracy estimate yet/);

            // Each answers their first ten items; ann calls everything spam, bob tells spam from ham (even ids are spam).
            const truth = (key: string) => (Number(key.slice(1)) % 2 === 0 ? 'spam' : 'ham');
            const answer = (engine: LocalEngine, person: string, item: string, value: string) =>
                engine.addLabel(program, { task: 'classify', item, labeler: 'crowd', labelerKind: 'human', value, person });
            for (const key of annItems.slice(0, 10)) {
                await answer(annEngine, 'ann', key, 'spam');
            }
            for (const key of bobItems.slice(0, 10)) {
                await answer(bobEngine, 'bob', key, truth(key));
            }
            await Promise.all([annEngine.aggregated(program), bobEngine.aggregated(program)]);
            const labels = await annEngine.labels(program, 'classify');
            expect(
                labels
                    .filter((l) => l.person === 'ann')
                    .map((l) => l.item)
                    .sort(),
            ).toEqual(annItems.slice(0, 10).sort());
            expect(
                labels
                    .filter((l) => l.person === 'bob')
                    .map((l) => l.item)
                    .sort(),
            ).toEqual(bobItems.slice(0, 10).sort());

            const [annAgain, bobAgain] = await Promise.all([queueOf(annEngine, 'ann'), queueOf(bobEngine, 'bob')]);
            const annNow = annAgain.queue.items.map((i) => i.key);
            const bobNow = bobAgain.queue.items.map((i) => i.key);
            expect(annNow.filter((k) => annItems.slice(0, 10).includes(k))).toEqual([]);
            expect(bobNow.filter((k) => bobItems.slice(0, 10).includes(k))).toEqual([]);
            expect(annNow.filter((k) => bobNow.includes(k))).toEqual([]);
            // The estimates are kept per person of the pool; each is told their own.
            const estimates = await annEngine.labelerEstimates(program, 'classify');
            expect(estimates.map((e) => e.labeler)).toEqual(expect.arrayContaining(['crowd/ann', 'crowd/bob']));
            expect(annAgain.note).toMatch(/^ann: estimated accuracy \d+% in this task/);
            expect(bobAgain.note).toMatch(/^bob: estimated accuracy \d+% in this task/);
            // The status bar's tooltip line says the same.
            expect(personEstimateLine('classify', estimates, 'crowd', 'ann')).toMatch(/^classify: ann \(crowd\) estimated \d+% accurate/);
            expect(personEstimateLine('classify', estimates, 'crowd', 'cy')).toBe('classify: cy (crowd) not estimated yet');
        } finally {
            await Promise.all([annEngine.dispose(), bobEngine.dispose()]);
        }
    }, 180_000);
});
