/**
 * A plain `dprog compile` records the version's label sets beside the program, and the checker then
 * holds the next version's `from` clauses against them (language.md §10): an error for a member
 * the previous version did not have, no warning for one it had.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';

const root = path.resolve(__dirname, '../..');
let dir: string;

beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dprog-versions-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dprog(...args: string[]): { code: number | null; stdout: string } {
    const result = spawnSync(process.execPath, [path.join(root, 'bin/dprog.cjs'), ...args], { cwd: dir, encoding: 'utf8' });
    return { code: result.status, stdout: result.stdout + result.stderr };
}

const program = (version: number, members: string) => `program Triage version ${version}
dataset emails from jsonl "emails.jsonl" { key id: String, body: Text }
labels Verdict { ${members} }
labeler crowd: human { cost $0.01 per item }
task classify(e: emails) -> choice<Verdict> { route cascade crowd }
`;

test('versions recorded by a plain compile satisfy the from check', () => {
    const file = path.join(dir, 'triage.dprog');
    writeFileSync(file, program(1, 'spam, ham'));
    expect(dprog('compile', 'triage.dprog').code).toBe(0);
    expect(existsSync(path.join(dir, '.dprog/versions/Triage.v1.json'))).toBe(true);

    writeFileSync(file, program(2, 'junk from spam, ham, other from nothing'));
    const check = dprog('check', 'triage.dprog');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("The previous version of 'Verdict' has no member 'nothing' (it had 'spam', 'ham').");
    expect(check.stdout).not.toContain("Cannot check 'from spam'");

    writeFileSync(file, program(2, 'junk from spam, ham'));
    const fixed = dprog('check', 'triage.dprog');
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).not.toContain('from-unverified');
});
