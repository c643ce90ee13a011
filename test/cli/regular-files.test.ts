/**
 * Only regular files are read as programs, imports, data, models and plans; everything else is a
 * clear message naming the path, never a hang (`/dev/stdin`, a FIFO) or an internal error ("the
 * service registry contains no services" for `/etc/passwd`). And the exit codes of issue 16's
 * data problems agree: a malformed CSV dataset exits 1 like a malformed JSONL one, a dataset that
 * is a folder names its path, an empty key names file and line, a non-UTF-8 label in `aggregate`
 * is an error (not `a�`). The bundled CLI runs as a user runs it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const root = path.resolve(__dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'dprog-regular-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dprog(...args: string[]): {
    code: number | null;
    out: string;
    json: { error?: { message: string; exitCode: number } } & Record<string, unknown>;
} {
    // Standard input stays open and empty: a reader of /dev/stdin would wait forever (the timeout fails the test).
    const result = spawnSync(process.execPath, [path.join(root, 'bin/dprog.cjs'), ...args, '--json'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
        stdio: ['pipe', 'pipe', 'pipe'],
    });
    return { code: result.status, out: result.stdout, json: result.stdout ? JSON.parse(result.stdout) : {} };
}

function program(dataset: string, format = 'jsonl'): string {
    return `program P
dataset items from ${format} "${dataset}" {
    key id: String
    text: Text
}
labels L { a, b }
labeler crowd: human
task t(x: items) -> choice<L> { route cascade crowd }
flow f(x: items) { t(x) }
`;
}

describe('imports', () => {
    test('a device, a text file, a folder: one clear error each, no hang', () => {
        mkdirSync(path.join(dir, 'folder.dprog'));
        writeFileSync(
            path.join(dir, 'imports.dprog'),
            'import "/dev/stdin"\nimport "/etc/passwd"\nimport "folder.dprog"\nlabels L { a }\n',
        );
        const { code, json } = dprog('check', 'imports.dprog');
        expect(code).toBe(1);
        const messages = (json.diagnostics as Array<{ code: string; message: string }>)
            .filter((d) => d.code === 'imports/not-a-program')
            .map((d) => d.message);
        expect(messages).toEqual([
            `'/dev/stdin' is not a dprog program: imports name .dprog files.`,
            `'/etc/passwd' is not a dprog program: imports name .dprog files.`,
            `Cannot import 'folder.dprog': it is a folder, not a regular file; the imported file must be a regular file.`,
        ]);
    });

    test('checking a file that is not a .dprog program is a usage error naming it', () => {
        const { code, json } = dprog('check', '/etc/passwd');
        expect(code).toBe(2);
        expect(json.error!.message).toBe('/etc/passwd: not a dprog program; name a .dprog file.');
    });
});

describe('datasets', () => {
    test('a dataset that is a folder or a device names the path (exit 1)', () => {
        mkdirSync(path.join(dir, 'data-folder'));
        writeFileSync(path.join(dir, 'folder-data.dprog'), program('data-folder'));
        const folder = dprog('run', 'folder-data.dprog', '--store', 'folder.sqlite');
        expect(folder.code).toBe(1);
        expect(folder.json.error!.message).toBe(
            `${path.join(dir, 'data-folder')} is a folder, not a regular file; the file must be a regular file`,
        );
        writeFileSync(path.join(dir, 'device-data.dprog'), program('/dev/zero'));
        const device = dprog('run', 'device-data.dprog', '--store', 'device.sqlite');
        expect(device.code).toBe(1);
        expect(device.json.error!.message).toMatch(/^\/dev\/zero is a device, not a regular file/);
    });

    test('a malformed CSV dataset exits 1, as the same problem in JSONL does', () => {
        writeFileSync(path.join(dir, 'bad.csv'), 'id,text\n1,"unclosed\n');
        writeFileSync(path.join(dir, 'bad.jsonl'), '{"id": "1", "text": \n');
        writeFileSync(path.join(dir, 'csv.dprog'), program('bad.csv', 'csv'));
        writeFileSync(path.join(dir, 'jsonl.dprog'), program('bad.jsonl'));
        const csv = dprog('run', 'csv.dprog', '--store', 'csv.sqlite');
        const jsonl = dprog('run', 'jsonl.dprog', '--store', 'jsonl.sqlite');
        expect(jsonl.code).toBe(1);
        expect(csv.code).toBe(1);
        expect(csv.json.error!.message).toMatch(/bad\.csv:\d+: invalid CSV/);
    });

    test('an error never quotes the file: /etc/passwd as a JSONL dataset', () => {
        writeFileSync(path.join(dir, 'secret.jsonl'), 'root:x:0:0:root:/root:/bin/bash\n');
        writeFileSync(path.join(dir, 'secret.dprog'), program('secret.jsonl'));
        const { code, json } = dprog('run', 'secret.dprog', '--store', 'secret.sqlite');
        expect(code).toBe(1);
        expect(json.error!.message).toBe(`${path.join(dir, 'secret.jsonl')}:1: invalid JSON; each line must be one JSON object`);
        writeFileSync(path.join(dir, 'number.jsonl'), '"root:x:0:0"\n');
        writeFileSync(path.join(dir, 'number.dprog'), program('number.jsonl'));
        expect(dprog('run', 'number.dprog', '--store', 'number.sqlite').json.error!.message).toBe(
            `${path.join(dir, 'number.jsonl')}:1: expected a JSON object on each line, found a string`,
        );
    });

    test('an empty key names the file and the line', () => {
        writeFileSync(path.join(dir, 'keys.jsonl'), '{"id": "k1", "text": "fine"}\n{"id": "", "text": "no key"}\n');
        writeFileSync(path.join(dir, 'keys.dprog'), program('keys.jsonl'));
        const { code, json } = dprog('run', 'keys.dprog', '--store', 'keys.sqlite');
        expect(code).toBe(1);
        expect(json.error!.message).toBe(`${path.join(dir, 'keys.jsonl')}:2: the key 'id' is empty; every item needs a non-empty key`);
    });
});

describe('aggregate', () => {
    test('a label that is not UTF-8 is an error naming file and line, not a replacement character', () => {
        writeFileSync(
            path.join(dir, 'answers.csv'),
            Buffer.concat([Buffer.from('item,worker,label\nx,w1,a\nx,w2,a'), Buffer.from([0xff]), Buffer.from('\n')]),
        );
        const { code, json } = dprog('aggregate', 'answers.csv', '--item', 'item', '--worker', 'worker', '--label', 'label');
        expect(code).toBe(1);
        expect(json.error!.message).toBe(
            'answers.csv:3: the file is not valid UTF-8 text; convert it to UTF-8 (for example with iconv -t UTF-8)',
        );
    });

    test('answers that are not CSV are a data error (exit 1); a missing file stays a usage error (exit 2)', () => {
        writeFileSync(path.join(dir, 'broken.csv'), 'item,worker,label\nx,"w1,a\n');
        expect(dprog('aggregate', 'broken.csv', '--item', 'item', '--worker', 'worker', '--label', 'label').code).toBe(1);
        expect(dprog('aggregate', 'nowhere.csv', '--item', 'item', '--worker', 'worker', '--label', 'label').code).toBe(2);
    });
});
