/** What `--store` and `dprog.store` may name. */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
    defaultStorePath,
    openStore,
    parseStoreLocation,
    programStoreLocation,
    redact,
    StoreLocationError,
} from '../../../engine/src/store/index.js';
import { thrownBy } from '../../support/thrown.js';
import { tempDir } from './helpers.js';

describe('store locations', () => {
    it('reads paths (relative to a folder, Windows drive letters too) as the embedded store', () => {
        expect(parseStoreLocation('labels.sqlite', '/work')).toEqual({ backend: 'sqljs', path: resolve('/work', 'labels.sqlite') });
        expect(parseStoreLocation('/data/x.sqlite', '/work')).toEqual({ backend: 'sqljs', path: '/data/x.sqlite' });
        expect(parseStoreLocation('C:\\labels\\x.sqlite', '/work').backend).toBe('sqljs');
    });

    it('reads postgres:// and postgresql:// URLs, never showing a password', () => {
        const plain = parseStoreLocation('postgres://ann@db.example.org:5433/labels');
        expect(plain).toMatchObject({
            backend: 'postgres',
            url: 'postgres://ann@db.example.org:5433/labels',
            display: 'postgres://ann@db.example.org:5433/labels',
        });
        const secret = parseStoreLocation('postgresql://ann:s3cret@db:5432/labels');
        expect(secret).toMatchObject({ backend: 'postgres', display: 'postgresql://ann@db:5432/labels' });
        expect(redact('postgres://ann:s3cret@db/labels')).toBe('postgres://ann:***@db/labels');
    });

    it('refuses anything else that looks like a URL, naming what is accepted', () => {
        for (const text of ['postgres:labels', 'postgres:/labels', 'mysql://u@h/db', 'sqlite:///x.db', 'https://example.org/x', '  ']) {
            expect(() => parseStoreLocation(text, '/work')).toThrow(StoreLocationError);
        }
        expect(() => parseStoreLocation('mysql://u:pw@h/db')).toThrow(/mysql:\/\/u:\*\*\*@h\/db: not a label store this dprog can open\./);
        expect(() => parseStoreLocation('mysql://u:pw@h/db')).toThrow(/Give a file path .* or postgres:\/\/user@host:port\/database/);
        expect(() => parseStoreLocation('postgres:labels')).toThrow(/it needs \/\/ after the colon/);
    });
});

describe('opening a store by its location', () => {
    it('opens a PostgreSQL URL with the PostgreSQL backend, naming a server that is not there', async () => {
        await expect(openStore('postgres://nobody@127.0.0.1:1/labels', { readonly: true })).rejects.toThrow(
            /^postgres:\/\/nobody@127\.0\.0\.1:1\/labels: cannot reach the PostgreSQL server/,
        );
    });

    it('opens a path as the embedded store, read-only when asked', async () => {
        const { dir, cleanup } = tempDir();
        try {
            const path = join(dir, 'labels.sqlite');
            await expect(openStore(path, { readonly: true })).rejects.toThrow(/no label store here/);
            const writer = await openStore(path);
            expect([writer.backend, writer.location, writer.readonly]).toEqual(['sqljs', path, false]);
            await writer.close();
            const reader = await openStore({ backend: 'sqljs', path }, { readonly: true });
            expect(reader.readonly).toBe(true);
            await reader.close();
        } finally {
            cleanup();
        }
    });
});

describe('the store of a program', () => {
    it('is .dprog/labels.sqlite beside the program, or in the base folder without one', () => {
        expect(defaultStorePath('/work/spam')).toBe(join('/work/spam', '.dprog', 'labels.sqlite'));
        expect(programStoreLocation('/work/spam/spam.dprog', undefined, '/elsewhere')).toEqual({
            backend: 'sqljs',
            path: '/work/spam/.dprog/labels.sqlite',
        });
        expect(programStoreLocation(undefined, undefined, '/elsewhere')).toEqual({
            backend: 'sqljs',
            path: '/elsewhere/.dprog/labels.sqlite',
        });
    });

    it('is the configured store when one is given, a relative path read against the base folder', () => {
        expect(programStoreLocation('/work/spam/spam.dprog', 'team.sqlite', '/elsewhere')).toEqual({
            backend: 'sqljs',
            path: '/elsewhere/team.sqlite',
        });
        expect(programStoreLocation('/work/spam/spam.dprog', 'postgres://ann@db/labels').backend).toBe('postgres');
    });

    it('reads the value trimmed, its scheme in any case, and a one-letter scheme as a drive', () => {
        expect(parseStoreLocation('  labels.sqlite \n', '/work')).toEqual({ backend: 'sqljs', path: '/work/labels.sqlite' });
        expect(parseStoreLocation('POSTGRES://ann@db/labels')).toMatchObject({ backend: 'postgres', url: 'POSTGRES://ann@db/labels' });
        expect(parseStoreLocation('c:labels.sqlite', '/work').backend).toBe('sqljs');
        // A colon later in a path is part of a file name, not a scheme.
        expect(parseStoreLocation('runs/v1:final.sqlite', '/work')).toEqual({ backend: 'sqljs', path: '/work/runs/v1:final.sqlite' });
    });

    it('names an empty store value and a PostgreSQL URL without a host, hiding the password', () => {
        expect(() => parseStoreLocation(' ', '/work')).toThrow(
            'the store is empty: give a file path or postgres://user@host:port/database',
        );
        const error = thrownBy(StoreLocationError, () => parseStoreLocation('postgres://ann:s3cret@/labels'));
        expect(error.message).toMatch(
            /^postgres:\/\/ann:\*\*\*@\/labels: not a valid PostgreSQL URL \(Invalid URL\); use postgres:\/\/user@host:port\/database$/,
        );
        expect(error.path).toBe('postgres://ann:***@/labels');
        expect(() => parseStoreLocation('postgres:///labels')).toThrow(
            /^postgres:\/\/\/labels: not a valid PostgreSQL URL \(postgres:\/\/\/labels: a PostgreSQL URL names a host/,
        );
        expect(() => parseStoreLocation('mysql://u@h/db')).toThrow(/\(a URL with scheme 'mysql:' is not supported\)\.$/);
        expect(() => parseStoreLocation('postgresx:/db')).toThrow(/scheme 'postgresx:' is not supported; it needs \/\/ after the colon\)/);
    });

    it('hides only the password of a URL', () => {
        expect(redact('postgres://ann@db/labels')).toBe('postgres://ann@db/labels');
        expect(redact('postgres://:pw@db/labels')).toBe('postgres://:***@db/labels');
        expect(redact('labels:pw@db')).toBe('labels:pw@db');
        expect(redact('x postgres://ann:pw@db/labels')).toBe('x postgres://ann:pw@db/labels');
    });
});
