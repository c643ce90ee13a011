/**
 * What `--store` (and the `dprog.store` setting) may name: a file path (the embedded sql.js store)
 * or a `postgres://user@host:port/database` URL. Anything else that looks like a URL is an error,
 * never a folder named after it.
 */
import { dirname, join, resolve } from 'node:path';
import { StoreError } from './errors.js';
import { postgresLocation, type PostgresLocation } from './postgres/connection.js';

export type StoreLocation = { backend: 'sqljs'; path: string } | ({ backend: 'postgres' } & PostgresLocation);

/** A `--store` value that is neither a path nor a supported URL. */
export class StoreLocationError extends StoreError {}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;

/** The embedded store of a workspace folder: `.dprog/labels.sqlite` in it. */
export function defaultStorePath(workspaceDir: string): string {
    return join(workspaceDir, '.dprog', 'labels.sqlite');
}

/**
 * The label store of a program, for the CLI (`--store`) and the extension (`dprog.store`) alike:
 * `configured` when given (relative paths against `baseDir`), else the default store beside the
 * program, or in `baseDir` without one.
 */
export function programStoreLocation(program: string | undefined, configured?: string, baseDir = process.cwd()): StoreLocation {
    if (configured === undefined) {
        return { backend: 'sqljs', path: defaultStorePath(program ? dirname(resolve(program)) : baseDir) };
    }
    return parseStoreLocation(configured, baseDir);
}

/** Reads a store argument; relative paths resolve against `baseDir`. */
export function parseStoreLocation(text: string, baseDir: string = process.cwd()): StoreLocation {
    const value = text.trim();
    if (value === '') {
        throw new StoreLocationError('the store is empty: give a file path or postgres://user@host:port/database', text);
    }
    // Stryker disable next-line OptionalChaining: equivalent: group 1 is always there when the pattern matches.
    const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
    if (scheme === undefined) {
        return { backend: 'sqljs', path: resolve(baseDir, value) };
    }
    if ((scheme === 'postgres' || scheme === 'postgresql') && value.slice(scheme.length + 1).startsWith('//')) {
        try {
            return { backend: 'postgres', ...postgresLocation(value) };
        } catch (error) {
            throw new StoreLocationError(
                `${redact(value)}: not a valid PostgreSQL URL (${(error as Error).message}); use postgres://user@host:port/database`,
                redact(value),
            );
        }
    }
    throw new StoreLocationError(
        `${redact(value)}: not a label store this dprog can open. Give a file path (the embedded store) or ` +
            `postgres://user@host:port/database ` +
            `(a URL with scheme '${scheme}:' is not supported${scheme.startsWith('postgres') ? '; it needs // after the colon' : ''}).`,
        redact(value),
    );
}

/** The text without a password between `//user:` and `@`. */
export function redact(text: string): string {
    return text.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/, '$1:***@');
}
