/** Running the documents sample through the bundled CLI, and reading what it recorded. */
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { expect } from 'vitest';
import { LabelStore } from '../../engine/src/store/index.js';
import type { Label, StageState } from '../../engine/src/store/types.js';

export const root = path.resolve(__dirname, '../..');
export const sampleDir = path.join(root, 'samples/documents');
export const program = path.join(sampleDir, 'documents.dprog');
export const RUN = 'Documents/transcription';

import type { RunJson } from '../../cli/src/json-contracts.js';

export type { RunJson };

export function dprog(args: string[], cwd = root): { code: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, [path.join(root, 'bin/dprog.cjs'), ...args], { cwd, encoding: 'utf8' });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function runJson(file: string, store: string, cwd = root): RunJson {
    const result = dprog(['run', file, '--store', store, '--json'], cwd);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as RunJson;
}

export function startRun(file: string, store: string) {
    return spawn(process.execPath, [path.join(root, 'bin/dprog.cjs'), 'run', file, '--store', store, '--json'], {
        cwd: root,
        stdio: 'ignore',
    });
}

export interface Recorded {
    states: Map<string, StageState[]>;
    labels: Label[];
    plan: { tasks: Array<{ name: string; quality: { target: number } }> } | undefined;
}

/** Everything a run left in the store (opened read-only: works beside a running writer). */
export async function recorded(store: string): Promise<Recorded> {
    const s = await LabelStore.open(store, { readonly: true });
    try {
        const states = new Map<string, StageState[]>();
        for (const stage of ['1:regions', '2:transcribe']) {
            states.set(stage, s.stageStates({ run: RUN, stage }));
        }
        const labels = [...s.labels({ task: 'regions' }), ...s.labels({ task: 'transcribe' })];
        return { states, labels, plan: s.getPlan('Documents')?.plan as Recorded['plan'] };
    } finally {
        await s.close();
    }
}
