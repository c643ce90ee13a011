/**
 * A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder (as the `postgres`
 * user when we run as root — the server refuses root), listening on 127.0.0.1 on a free port, a
 * superuser `dprog` whose password the tests pass the way users do (PGPASSWORD). Stopped and
 * removed afterwards. Where PostgreSQL is not installed the tests skip, saying why — except in CI,
 * where they fail (`.ci/run` installs Debian's `postgresql`).
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PASSWORD = 'dprog-test-password';

/** The folder holding initdb and pg_ctl, or undefined. */
function postgresBinDir(): string | undefined {
    const root = '/usr/lib/postgresql';
    if (!existsSync(root)) {
        return undefined;
    }
    const versions = readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a));
    return versions.length ? join(root, versions[0], 'bin') : undefined;
}

/** Why the PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresUnavailable(): string | undefined {
    if (postgresBinDir()) {
        return undefined;
    }
    return "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); install Debian's `postgresql` package to run these tests";
}

/** Skip where PostgreSQL is missing — but never in CI, where a missing server is a failure. */
export const skipWithoutPostgres = (): boolean => {
    const reason = postgresUnavailable();
    if (!reason) {
        return false;
    }
    if (process.env.CI === 'true') {
        throw new Error(`CI=true: ${reason}`);
    }
    console.warn(`skipping PostgreSQL tests: ${reason}`);
    return true;
};

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.listen(0, '127.0.0.1', () => {
            const port = (server.address() as { port: number }).port;
            server.close(() => resolve(port));
        });
        server.on('error', reject);
    });
}

export interface PgCluster {
    port: number;
    /** The cluster's folder (its data, socket and log). */
    dir: string;
    /** Environment for child processes: PGPASSWORD set. */
    env: NodeJS.ProcessEnv;
    /** A new empty database; its URL (no password in it). */
    createDatabase(name: string): Promise<string>;
    /** Stops the server the way a power cut would (`pg_ctl -m immediate`), then starts it again. */
    crashAndRestart(): Promise<void>;
    stop(): Promise<void>;
}

// Asynchronous, so that a slow initdb or start (a loaded machine) never blocks the test worker.
const execFileAsync = promisify(execFile);

/**
 * A cluster for a test file: its own, or, when the run started one for all files (the mutation run,
 * test/support/postgres-shared.ts), that one — its databases dropped again when the file stops with it.
 */
export async function startCluster(): Promise<PgCluster> {
    const shared = process.env[SHARED_CLUSTER];
    return shared ? useSharedCluster(JSON.parse(shared) as SharedCluster) : startOwnCluster();
}

/** The environment variable naming a cluster started once for the whole run. */
export const SHARED_CLUSTER = 'DPROG_TEST_PG_CLUSTER';

/** What a file needs to use a cluster it did not start. */
export interface SharedCluster {
    port: number;
    dir: string;
}

let sharedDatabases = 0;

async function useSharedCluster({ port, dir }: SharedCluster): Promise<PgCluster> {
    const created: string[] = [];
    const admin = async (sql: string) => {
        const client = new pg.Client({ host: '127.0.0.1', port, user: 'dprog', password: PASSWORD, database: 'postgres' });
        await client.connect();
        try {
            await client.query(sql);
        } finally {
            await client.end();
        }
    };
    return {
        port,
        dir,
        env: { ...process.env, PGPASSWORD: PASSWORD },
        async createDatabase(name) {
            // Files run one after another on the shared cluster: each database gets a name of its own.
            const unique = `${name}_${process.pid}_${++sharedDatabases}_${Date.now()}`;
            await admin(`CREATE DATABASE ${unique}`);
            created.push(unique);
            return `postgres://dprog@127.0.0.1:${port}/${unique}`;
        },
        async crashAndRestart() {
            await pgCtl(join(dir, 'data'), dir, port, ['-m', 'immediate', 'stop']);
            await pgCtl(join(dir, 'data'), dir, port, ['start']);
        },
        async stop() {
            for (const name of created.splice(0)) {
                await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            }
        },
    };
}

/** Runs pg_ctl on the cluster in `data`. */
async function pgCtl(data: string, dir: string, port: number, args: string[]): Promise<void> {
    const bin = postgresBinDir();
    if (!bin) {
        throw new Error(postgresUnavailable());
    }
    const options = ['-D', data, '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`];
    await asPostgres([join(bin, 'pg_ctl'), ...options, ...args]);
}

/** Runs a PostgreSQL tool: as the `postgres` user when we are root (the server refuses root). */
async function asPostgres(command: string[]): Promise<void> {
    if (userInfo().uid === 0) {
        await execFileAsync('su', ['postgres', '-s', '/bin/sh', '-c', command.map(shellQuote).join(' ')]);
    } else {
        await execFileAsync(command[0], command.slice(1));
    }
}

async function startOwnCluster(): Promise<PgCluster> {
    const bin = postgresBinDir();
    if (!bin) {
        throw new Error(postgresUnavailable());
    }
    const asRoot = userInfo().uid === 0;
    const dir = mkdtempSync(join(tmpdir(), 'dprog-pg-'));
    const data = join(dir, 'data');
    const pwfile = join(dir, 'pw');
    writeFileSync(pwfile, PASSWORD);
    if (asRoot) {
        const { uid, gid } = pgUser();
        chownSync(dir, uid, gid);
        chownSync(pwfile, uid, gid);
    }
    chmodSync(dir, 0o700);
    await asPostgres([
        join(bin, 'initdb'),
        '-D',
        data,
        '-U',
        'dprog',
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        `--pwfile=${pwfile}`,
        '-E',
        'UTF8',
        '--no-sync',
    ]);
    let port = 0;
    const start = () => pgCtl(data, dir, port, ['start']);
    // Another cluster (a test file running beside this one) may take the free port first: try another.
    for (let attempt = 1; ; attempt++) {
        port = await freePort();
        try {
            await start();
            break;
        } catch (error) {
            if (attempt >= 3) {
                throw error;
            }
        }
    }
    const env = { ...process.env, PGPASSWORD: PASSWORD };
    return {
        port,
        dir,
        env,
        async createDatabase(name) {
            const client = new pg.Client({ host: '127.0.0.1', port, user: 'dprog', password: PASSWORD, database: 'postgres' });
            await client.connect();
            try {
                await client.query(`CREATE DATABASE ${name}`);
            } finally {
                await client.end();
            }
            return `postgres://dprog@127.0.0.1:${port}/${name}`;
        },
        async crashAndRestart() {
            await pgCtl(data, dir, port, ['-m', 'immediate', 'stop']);
            await start();
        },
        async stop() {
            try {
                await pgCtl(data, dir, port, ['-m', 'fast', 'stop']);
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        },
    };
}

function pgUser(): { uid: number; gid: number } {
    const [uid, gid] = execFileSync('id', ['-u', 'postgres'])
        .toString()
        .trim()
        .split('\n')
        .concat(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid: Number(uid), gid: Number(gid) };
}

const shellQuote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;
