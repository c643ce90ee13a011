/** What `--store` and `dprog.store` may name, and leases on the embedded store. */
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, parseStoreLocation, redact, StoreLocationError, type Store } from '../../../engine/src/store/index.js';
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

describe('leases on the embedded store', () => {
    let dir: string;
    let cleanup: () => void;
    let store: Store;
    beforeEach(async () => {
        ({ dir, cleanup } = tempDir());
        store = await openStore(join(dir, 'labels.sqlite'));
    });
    afterEach(async () => {
        await store.close();
        cleanup();
    });

    it('hands an item to one person at a time, never one they answered, and frees it on expiry or release', async () => {
        const candidates = ['a', 'b', 'c'];
        expect((await store.lease({ task: 't', person: 'ann', candidates, limit: 2 })).map((l) => l.item)).toEqual(['a', 'b']);
        expect((await store.lease({ task: 't', person: 'bob', candidates, limit: 2 })).map((l) => l.item)).toEqual(['c']);
        await store.addLabel({ task: 't', item: 'a', labeler: 'crowd', labelerKind: 'human', person: 'ann', value: 1 });
        await store.releaseLeases('t', 'ann');
        expect((await store.lease({ task: 't', person: 'ann', candidates, limit: 3 })).map((l) => l.item)).toEqual(['b']);
        expect((await store.lease({ task: 't', person: 'cat', candidates, wanted: [1, 1, 2] })).map((l) => l.item)).toEqual(['a']);
        const [short] = await store.lease({ task: 'u', person: 'ann', candidates: ['x'], leaseMs: 50 });
        expect(short.item).toBe('x');
        expect(await store.lease({ task: 'u', person: 'bob', candidates: ['x'] })).toEqual([]);
        await new Promise((r) => setTimeout(r, 80));
        expect((await store.lease({ task: 'u', person: 'bob', candidates: ['x'] })).map((l) => l.item)).toEqual(['x']);
    });
});
