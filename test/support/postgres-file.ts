/**
 * A test file's PostgreSQL cluster, started (or joined) in its beforeAll hook. Apart from
 * postgres.ts because it registers vitest hooks: postgres.ts is also imported by the mutation run's
 * global set-up (postgres-shared.ts), where vitest cannot be imported.
 */
import { afterAll, beforeAll } from 'vitest';
import { type PgCluster, skipWithoutPostgres, startCluster } from './postgres.js';

/** The cluster of one test file: started (or joined) before its tests, stopped after, PGPASSWORD set for the stores they open. */
export interface FileCluster {
    /** Whether the file's PostgreSQL tests skip (PostgreSQL is not installed, outside CI). */
    skip: boolean;
    readonly cluster: PgCluster;
    /** A new empty database named after `prefix`; its URL. */
    newDatabase(): Promise<string>;
}

export function clusterForThisFile(prefix: string): FileCluster {
    const skip = skipWithoutPostgres();
    let cluster: PgCluster | undefined;
    let databases = 0;
    beforeAll(async () => {
        if (skip) {
            return;
        }
        cluster = await startCluster();
        Object.assign(process.env, { PGPASSWORD: cluster.env.PGPASSWORD });
    }, 120_000);
    afterAll(() => cluster?.stop());
    return {
        skip,
        get cluster() {
            if (!cluster) {
                throw new Error('the cluster starts in beforeAll: use it inside a test or hook');
            }
            return cluster;
        },
        newDatabase: () => (cluster as PgCluster).createDatabase(`${prefix}_${++databases}`),
    };
}
