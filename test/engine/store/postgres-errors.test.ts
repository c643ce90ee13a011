/**
 * What a user reads when the PostgreSQL server is away, refuses the login or fails a statement:
 * the driver's errors become store errors that name the store (never its password) and say what
 * to do. The failures a test server can produce on demand are in postgres-parity.test.ts; here are
 * the driver errors of the other cases (a server shutting down, a host that does not resolve, …).
 */
import { describe, expect, it } from 'vitest';
import { StoreError, StoreInputError } from '../../../engine/src/store/index.js';
import { connectionError, postgresLocation, StoreConnectionError } from '../../../engine/src/store/postgres/connection.js';

const where = 'postgres://ann@db:5432/labels';
const driverError = (code: string | undefined, message: string) => Object.assign(new Error(message), { code });

describe('PostgreSQL failures as store errors', () => {
    it.each([
        ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'],
        ['ENOTFOUND', 'getaddrinfo ENOTFOUND db'],
        ['ETIMEDOUT', 'connect ETIMEDOUT'],
        ['ECONNRESET', 'read ECONNRESET'],
        ['57P01', 'terminating connection due to administrator command'],
        ['57P03', 'the database system is starting up'],
    ])('%s: the server cannot be reached; start it or check the URL', (code, message) => {
        const error = connectionError(where, driverError(code, message));
        expect(error).toBeInstanceOf(StoreConnectionError);
        expect(error.message).toBe(
            `${where}: cannot reach the PostgreSQL server (${message}). Start it, or check the host and port in the store URL.`,
        );
        expect((error as StoreConnectionError).path).toBe(where);
    });

    it('a refused login says where to put the password, and that none was given when none was', () => {
        for (const error of [
            driverError('28P01', 'password authentication failed for user "ann"'),
            driverError('28000', 'no pg_hba.conf entry for host'),
        ]) {
            expect(connectionError(where, error).message).toBe(
                `${where}: the PostgreSQL server refused the login (${error.message}). Give the password in PGPASSWORD or ~/.pgpass ` +
                    '(or, in VS Code, with the command "Data Program: Set Store Password"); never in a settings file.',
            );
        }
        // A server answering in another language: the code alone says it was the login.
        const localized = connectionError(where, driverError('28P01', "l'authentification a échoué pour l'utilisateur « ann »"));
        expect(localized.message).toMatch(/refused the login \(l'authentification a échoué .*\)\. Give the password in PGPASSWORD/);
        const none = connectionError(where, new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'));
        expect(none.message).toMatch(/refused the login \(the server asks for a password and none was given\)/);
    });

    it('a missing database says how to create it; another server error keeps its code', () => {
        expect(connectionError(where, driverError('3D000', 'database "labels" does not exist')).message).toBe(
            `${where}: no such database (database "labels" does not exist). Create it first: createdb NAME.`,
        );
        expect(connectionError(where, driverError('23505', 'duplicate key')).message).toBe(
            `${where}: PostgreSQL error 23505: duplicate key`,
        );
    });

    it('store errors and other errors pass through as they are', () => {
        const input = new StoreInputError('bad label', where);
        expect(connectionError(where, input)).toBe(input);
        const aboutPasswords = new StoreInputError('the password column is not a label field', where);
        expect(connectionError(where, aboutPasswords)).toBe(aboutPasswords);
        const bug = new TypeError('x is undefined');
        expect(connectionError(where, bug)).toBe(bug);
        const odd = connectionError(where, driverError('EWHATEVER', 'odd'));
        expect(odd).not.toBeInstanceOf(StoreError);
        expect(connectionError(where, 'a string thrown').message).toBe('a string thrown');
    });
});

describe('PostgreSQL store URLs', () => {
    it('keeps the URL to connect with and shows it without its password', () => {
        expect(postgresLocation('postgres://ann:s3cret@db:5432/labels')).toEqual({
            url: 'postgres://ann:s3cret@db:5432/labels',
            display: 'postgres://ann@db:5432/labels',
        });
        expect(() => postgresLocation('postgres:///labels')).toThrow(
            'postgres:///labels: a PostgreSQL URL names a host: postgres://user@host:port/database',
        );
    });
});
