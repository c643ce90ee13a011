/**
 * `dprog check FILE… --json` as a user runs it: the bundled CLI in a separate process. Exit code
 * 0 (no errors, warnings allowed), 1 (errors) or 2 (bad usage / missing file), and exactly one
 * JSON document with 1-based positions, severity, stable code and message (architecture.md).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = path.resolve(__dirname, '../..');
let dir: string;

function check(...files: string[]): { code: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, [path.join(root, 'bin/dprog.cjs'), 'check', ...files, '--json'], {
        cwd: dir,
        encoding: 'utf8',
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const GOOD = `program Triage
dataset emails from jsonl "data/emails.jsonl" {
    key id: String
    body: Text
    split by id { train 80%, validation 10%, test 10% }
}
labels Verdict { spam, ham }
labeler crowd: human
task classify(e: emails) -> choice<Verdict> {
    show e.body
    route cascade crowd
}
`;

// Line 5: the split sums to 90%; line 10: a misspelt labeler; line 13: a missing data file (warning).
const BAD = `import "labels.dprog"
dataset emails from jsonl "data/emails.jsonl" {
    key id: String
    body: Text
    split by id { train 70%, validation 10%, test 10% }
}
labeler crowd: human
task classify(e: emails) -> choice<Verdict> {
    show e.body
    route cascade crwod
}

dataset later from jsonl "data/later.jsonl" { key id: String }
`;

beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dprog-check-'));
    mkdirSync(path.join(dir, 'data'));
    writeFileSync(path.join(dir, 'data/emails.jsonl'), '{"id":"1","body":"hello"}\n');
    writeFileSync(path.join(dir, 'good.dprog'), GOOD);
    writeFileSync(path.join(dir, 'bad.dprog'), BAD);
    writeFileSync(path.join(dir, 'labels.dprog'), 'labels Verdict { spam, ham }\n');
}, 300_000);

afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
});

describe('dprog check --json', () => {
    test('a correct program: exit 0 and no diagnostics', () => {
        const result = check('good.dprog');
        expect(result.code).toBe(0);
        expect(JSON.parse(result.stdout)).toEqual({ diagnostics: [] });
    });

    test('a program with errors: exit 1, each diagnostic with 1-based position, severity, code and message', () => {
        const result = check('bad.dprog');
        expect(result.code).toBe(1);
        const { diagnostics } = JSON.parse(result.stdout) as { diagnostics: Array<Record<string, unknown>> };
        for (const d of diagnostics) {
            expect(Object.keys(d).sort()).toEqual(['code', 'column', 'file', 'line', 'message', 'severity']);
        }
        expect(diagnostics).toEqual([
            {
                file: 'bad.dprog',
                line: 5,
                column: 5,
                severity: 'error',
                code: 'dataset/split-sum',
                message: 'Split percentages must sum to 100%; they sum to 90% (train 70% + validation 10% + test 10%).',
            },
            {
                file: 'bad.dprog',
                line: 10,
                column: 19,
                severity: 'error',
                code: 'names/unresolved',
                message: "Unknown labeler 'crwod'. Did you mean 'crowd'?",
            },
            {
                file: 'bad.dprog',
                line: 13,
                column: 26,
                severity: 'warning',
                code: 'dataset/missing-data-file',
                message: "Data of dataset 'later': 'data/later.jsonl' does not exist (yet). The program is checked without it.",
            },
        ]);
    });

    test('several files at once: diagnostics of each, exit 1 if any has errors', () => {
        const result = check('good.dprog', 'bad.dprog');
        expect(result.code).toBe(1);
        const files = (JSON.parse(result.stdout) as { diagnostics: Array<{ file: string }> }).diagnostics.map((d) => d.file);
        expect(new Set(files)).toEqual(new Set(['bad.dprog']));
    });

    test('a file that does not exist: exit 2 with a JSON error naming it', () => {
        const result = check('nowhere.dprog');
        expect(result.code).toBe(2);
        expect(JSON.parse(result.stdout)).toEqual({ error: { message: 'nowhere.dprog: no such file.', exitCode: 2 } });
    });

    test('no file at all: exit 2', () => {
        expect(check().code).toBe(2);
    });
});

describe('dprog check on a file not ending in .dprog', () => {
    test('is a usage error that says how to name the file', () => {
        writeFileSync(path.join(dir, 'triage.before'), GOOD);
        const result = check('triage.before');
        expect(result.code).toBe(2);
        const message = (JSON.parse(result.stdout) as { error: { message: string } }).error.message;
        expect(message).toBe('triage.before: not a dprog program; name a .dprog file.');
    });
});
