/** Where a PostgreSQL store is, and its connection failures as store errors that say what to do. */
import { StoreError } from '../errors.js';

export interface PostgresLocation {
    /** The URL as given (it may carry a password: never print it). */
    url: string;
    /** The URL without its password, for messages and `location`. */
    display: string;
}

/** The server cannot be reached, refuses us, or lost the connection. */
export class StoreConnectionError extends StoreError {}

/** A `postgres://` or `postgresql://` URL; the password (if any) is left out of `display`. */
export function postgresLocation(url: string): PostgresLocation {
    const parsed = new URL(url);
    if (!parsed.hostname) {
        throw new Error(`${url}: a PostgreSQL URL names a host: postgres://user@host:port/database`);
    }
    const shown = new URL(url);
    shown.password = '';
    return { url, display: shown.toString() };
}

/** Store errors pass through; anything from the driver becomes a StoreConnectionError naming the store. */
export function connectionError(location: string, error: unknown): Error {
    if (error instanceof StoreError) {
        return error;
    }
    const e = error as { code?: string; message?: string };
    const message = e.message ?? String(error);
    if (
        e.code === 'ECONNREFUSED' ||
        e.code === 'ENOTFOUND' ||
        e.code === 'ETIMEDOUT' ||
        e.code === 'ECONNRESET' ||
        e.code === '57P01' ||
        e.code === '57P03'
    ) {
        return new StoreConnectionError(
            `${location}: cannot reach the PostgreSQL server (${message}). Start it, or check the host and port in the store URL.`,
            location,
        );
    }
    if (e.code === '28P01' || e.code === '28000' || /password/i.test(message)) {
        const why = /client password must be/.test(message) ? 'the server asks for a password and none was given' : message;
        return new StoreConnectionError(
            `${location}: the PostgreSQL server refused the login (${why}). Give the password in PGPASSWORD or ~/.pgpass ` +
                '(or, in VS Code, with the command "Data Program: Set Store Password"); never in a settings file.',
            location,
        );
    }
    if (e.code === '3D000') {
        return new StoreConnectionError(`${location}: no such database (${message}). Create it first: createdb NAME.`, location);
    }
    if (/^[0-9A-Z]{5}$/.test(e.code ?? '')) {
        return new StoreConnectionError(`${location}: PostgreSQL error ${e.code}: ${message}`, location);
    }
    return error instanceof Error ? error : new Error(message);
}
