/**
 * One annotator of bench/store-team.bench.ts, in its own process: asks the store for an item
 * (a lease, as the labeling panel does on a shared store), answers it (`addLabel`, acknowledged
 * once committed), and again, LABELS times. Prints "ready" once the store is open, starts on a line
 * on its standard input, and ends with one JSON line: its ack and lease latencies (ms).
 *
 *   npx tsx bench/store-annotator.ts STORE PERSON LABELS ITEMS
 */
import { openStore } from '../engine/src/store/index.js';

const [where, person, labelsText, itemsText] = process.argv.slice(2);
const LABELS = Number(labelsText);
const ITEMS = Number(itemsText);
const PAGE = 200;

const store = await openStore(where);
// Ready: wait for the bench's "go", so that no annotator labels while the others are still starting up.
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.pause();
const acks: number[] = [];
const leases: number[] = [];
let cursor = 0;
const started = performance.now();
while (acks.length < LABELS && cursor < ITEMS) {
    const candidates = Array.from({ length: Math.min(PAGE, ITEMS - cursor) }, (_, i) => `doc-${cursor + i}`);
    let t = performance.now();
    const [lease] = await store.lease({ task: 'team', person, candidates });
    leases.push(performance.now() - t);
    if (!lease) {
        cursor += PAGE; // everything on this page is someone else's: look further down the queue
        continue;
    }
    t = performance.now();
    await store.addLabel({ task: 'team', item: lease.item, labeler: 'crowd', labelerKind: 'human', person, value: acks.length % 3 });
    acks.push(performance.now() - t);
    cursor = Number(lease.item.slice('doc-'.length)) + 1; // the items before it were taken or answered
}
const seconds = (performance.now() - started) / 1000;
await store.close();
process.stdout.write(`${JSON.stringify({ person, acks, leases, seconds })}\n`);
