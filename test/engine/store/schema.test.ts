/** The versioned schema: migrations run in order, once each, and a failing one changes nothing. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { LabelStore } from '../../../engine/src/store/index.js';
import { MIGRATIONS, migrate, readSchemaVersion, SCHEMA_VERSION, type Migration } from '../../../engine/src/store/schema.js';
import { tempDir } from './helpers.js';

const SQL = await initSqlJs();

describe('schema migrations', () => {
    it('creates every table of the current schema on an empty database', () => {
        const db = new SQL.Database();
        expect(migrate(db)).toEqual(MIGRATIONS.map((m) => m.version));
        expect(readSchemaVersion(db)).toBe(SCHEMA_VERSION);
        const tables = db.exec(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)[0].values.flat();
        expect(tables).toEqual([
            'aggregates',
            'evaluations',
            'items',
            'labeler_estimates',
            'labels',
            'meta',
            'model_versions',
            'plans',
            'stage_states',
        ]);
        expect(migrate(db)).toEqual([]);
        db.close();
    });

    it('upgrades an older store with only the newer migrations, keeping its rows', () => {
        const db = new SQL.Database();
        migrate(db);
        db.run(
            `INSERT INTO labels (id, task, item, labeler, labeler_kind, value, created_at) VALUES ('a', 't', 'i', 'x', 'human', ` +
                `'1', '2026-01-01')`,
        );
        const next: Migration = {
            version: SCHEMA_VERSION + 1,
            description: 'a review note per label',
            sql: 'ALTER TABLE labels ADD COLUMN note TEXT;',
        };
        expect(migrate(db, [...MIGRATIONS, next])).toEqual([SCHEMA_VERSION + 1]);
        expect(readSchemaVersion(db)).toBe(SCHEMA_VERSION + 1);
        expect(db.exec(`SELECT id, note FROM labels`)[0].values).toEqual([['a', null]]);
        db.close();
    });

    it('rolls a failing migration back entirely', () => {
        const db = new SQL.Database();
        migrate(db);
        const broken: Migration = {
            version: SCHEMA_VERSION + 1,
            description: 'broken',
            sql: 'CREATE TABLE extra (x); INSERT INTO nowhere VALUES (1);',
        };
        expect(() => migrate(db, [...MIGRATIONS, broken])).toThrow(/no such table: nowhere/);
        expect(readSchemaVersion(db)).toBe(SCHEMA_VERSION);
        expect(db.exec(`SELECT name FROM sqlite_master WHERE name = 'extra'`)).toEqual([]);
        db.close();
    });
});

describe('opening an older store', () => {
    it('migrates a version-1 file to the current schema and keeps its labels', async () => {
        const { dir, cleanup } = tempDir();
        try {
            const db = new SQL.Database();
            migrate(db, MIGRATIONS.slice(0, 1));
            db.run(
                `INSERT INTO labels (id, task, item, labeler, labeler_kind, value, created_at) VALUES ('old', 't', 'i', 'x', ` +
                    `'human', '"spam"', '2025-01-01')`,
            );
            const path = join(dir, 'v1.sqlite');
            writeFileSync(path, db.export());
            db.close();
            const store = await LabelStore.open(path);
            expect(store.schemaVersion).toBe(SCHEMA_VERSION);
            expect(store.getLabel('old')?.value).toBe('spam');
            await store.close();
            const reader = await LabelStore.open(path, { readonly: true });
            expect(reader.schemaVersion).toBe(SCHEMA_VERSION);
            await reader.close();
        } finally {
            cleanup();
        }
    });
});
