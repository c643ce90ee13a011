/**
 * Vitest global set-up for the mutation run (`npm run mutate`): one PostgreSQL cluster for the whole
 * run, which every test file's `startCluster()` then uses (with databases of its own), instead of
 * an initdb and a server start for each mutant's test run. Where PostgreSQL is missing it starts
 * nothing, and the PostgreSQL tests skip or fail as they always do.
 */
import { postgresUnavailable, SHARED_CLUSTER, startCluster } from './postgres.js';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
    if (postgresUnavailable() || process.env[SHARED_CLUSTER]) {
        return undefined;
    }
    const cluster = await startCluster();
    process.env[SHARED_CLUSTER] = JSON.stringify({ port: cluster.port, dir: cluster.dir });
    return async () => {
        delete process.env[SHARED_CLUSTER];
        await cluster.stop();
    };
}
