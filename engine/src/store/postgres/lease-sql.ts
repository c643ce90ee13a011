/**
 * A lease request as one round trip to PostgreSQL: three statements in one simple-protocol message,
 * which the server runs as one implicit transaction — the lease is not worth an fsync (one lost in
 * a server crash just expires early), the task's advisory lock makes concurrent requests take
 * turns, and the lease statement, run after the lock is held, sees every lease committed
 * before it. The lock is held only while the server runs them (no client round trip in between),
 * so annotators queue for microseconds, not network turns. The values are written as escaped
 * literals (the simple protocol has no parameters): strings by `escapeLiteral`, numbers checked.
 */
import pg from 'pg';
import { StoreInputError } from '../errors.js';
import { DEFAULT_LEASE_MS, type LeaseRequest } from '../leases.js';

/** A number ≥ 0 (a whole one when `whole`), or a clear error naming `what`. */
function nonNegative(location: string, what: string, value: number, whole: boolean): number {
    if (!Number.isFinite(value) || value < 0 || (whole && !Number.isSafeInteger(value))) {
        const kind = whole ? 'a whole number' : 'a number';
        // String(NaN) is NaN; JSON would say null.
        const got = typeof value === 'number' ? String(value) : JSON.stringify(value);
        throw new StoreInputError(`${what} must be ${kind} of at least 0 (got ${got})`, location);
    }
    return value;
}

const textArray = (values: readonly string[]) => `ARRAY[${values.map((v) => pg.escapeLiteral(v)).join(', ')}]::text[]`;

/**
 * Leases (or renews) the first $5 candidates the person has not answered and that fewer people
 * than the answers wanted hold (unexpired) — or that the person holds already — in queue order.
 * Prepared once per connection (`PREPARE_LEASE`), so a lease is planned once, not per request.
 */
const LEASE = `
WITH picked AS (
    SELECT c.item, c.ord FROM unnest($2::text[], $3::int[]) WITH ORDINALITY AS c(item, wanted, ord)
    WHERE NOT EXISTS (SELECT 1 FROM labels l WHERE l.task = $1 AND l.item = c.item AND l.person = $4)
      AND (EXISTS (SELECT 1 FROM leases m WHERE m.task = $1 AND m.item = c.item AND m.person = $4 AND m.expires_at > now())
           OR (SELECT COUNT(*) FROM leases o WHERE o.task = $1 AND o.item = c.item AND o.person <> $4 AND o.expires_at > now()) < c.wanted)
    ORDER BY c.ord
    LIMIT $5
)
INSERT INTO leases (task, item, person, expires_at)
SELECT $1, item, $4, now() + make_interval(secs => $6::float8 / 1000) FROM picked ORDER BY ord
ON CONFLICT (task, item, person) DO UPDATE SET expires_at = excluded.expires_at
RETURNING item, expires_at`;

/** Run on each new connection of a writing store. */
export const PREPARE_LEASE = `PREPARE dprog_lease (text, text[], int[], text, int, float8) AS ${LEASE}`;

/** The message for one lease request; the last statement's rows are the leases (item, expires_at). */
export function leaseStatements(location: string, request: LeaseRequest): string {
    const wanted = request.candidates.map((_, i) => nonNegative(location, 'answers wanted', request.wanted?.[i] ?? 1, true));
    const limit = nonNegative(location, 'lease limit', request.limit ?? 1, true);
    const leaseMs = nonNegative(location, 'lease time (ms)', request.leaseMs ?? DEFAULT_LEASE_MS, false);
    const args = [
        pg.escapeLiteral(request.task),
        textArray(request.candidates),
        `ARRAY[${wanted.join(', ')}]::int[]`,
        pg.escapeLiteral(request.person),
        limit,
        leaseMs,
    ];
    // Stryker disable next-line StringLiteral: one lock for every task would be as safe, only slower (no caller can tell)
    const lock = pg.escapeLiteral(`dprog lease ${request.task}`);
    return (
        // Stryker disable next-line StringLiteral: speed settings only, nothing a caller can observe but time
        `SELECT set_config('synchronous_commit', 'off', true), set_config('plan_cache_mode', 'force_generic_plan', true);\n` +
        `SELECT pg_advisory_xact_lock(hashtext(${lock}));\n` +
        `EXECUTE dprog_lease (${args.join(', ')})`
    );
}
