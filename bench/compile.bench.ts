/**
 * Compiling a generated 1,000-task program (bench/generate-program.ts: modules of about 5 tasks,
 * flows, rules, models, learn and monitor blocks) into a labeling plan. Measures
 * the compiler itself — AST → LabelingPlan, redundancy estimates, hashes and the JSON text — on a
 * program already parsed, linked and checked, as `dprog compile` and the editor run it after a check.
 * Target (issue 3): under 1 s of CPU time; printed as a ratio to that 1 s baseline (wall time too). Parse + check time is
 * printed beside it for context (it is the language server's, measured in its own benchmarks).
 *   npx tsx bench/compile.bench.ts            (TASKS=… to change the size)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LangiumDocument } from 'langium';
import { NodeFileSystem } from 'langium/node';
import { serializePlan } from '../engine/src/plan/serialize.js';
import { compileDocument } from '../language-server/src/compiler/compile-document.js';
import { createDprogServices } from '../language-server/src/dprog-module.js';
import type { DprogFile } from '../language-server/src/generated/ast.js';
import { loadProgramFiles } from '../language-server/src/workspace/load.js';
import { generateProgram } from './generate-program.js';

const TASKS = Number(process.env.TASKS ?? 1000);
const TARGET_MS = 1000;
const RUNS = 5;

// Grow the generated program (whole modules of about 5 tasks) until it has at least TASKS tasks.
const countTasks = (program: string) => (program.match(/^task /gm) ?? []).length;
let lines = 1000;
let text = generateProgram(lines);
while (countTasks(text) < TASKS) {
    lines = Math.max(lines + 50, Math.ceil((lines * TASKS) / Math.max(1, countTasks(text))));
    text = generateProgram(lines);
}
// generate-program.ts calls summarize_{i-1}(m) with module i's message type, a type error the
// checker reports; drop that cross-module call so the benchmark measures an error-free program.
text = text.replace(/\n\s+summarize_\d+\(m\)(?=\n\s+\} else)/g, '');
const dir = mkdtempSync(join(tmpdir(), 'dprog-compile-bench-'));
try {
    const file = join(dir, 'generated.dprog');
    writeFileSync(file, text);
    const { shared, Dprog } = createDprogServices(NodeFileSystem);
    const loadStart = performance.now();
    const [document] = (await loadProgramFiles(shared, [file])) as Array<LangiumDocument<DprogFile>>;
    const loadMs = performance.now() - loadStart;
    const errors = (document.diagnostics ?? []).filter((d) => d.severity === 1);
    if (errors.length > 0) {
        throw new Error(`the generated program has ${errors.length} error(s), e.g. ${errors[0].message}`);
    }

    const times: number[] = [];
    const cpuTimes: number[] = [];
    let planText = '';
    let tasks = 0;
    for (let run = 0; run < RUNS; run++) {
        const cpu = process.cpuUsage();
        const start = performance.now();
        const plan = compileDocument(Dprog, document);
        planText = serializePlan(plan);
        times.push(performance.now() - start);
        const used = process.cpuUsage(cpu);
        cpuTimes.push((used.user + used.system) / 1000);
        tasks = plan.tasks.length;
    }
    const cold = times[0];
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    // The machine is shared by several engineers (load average above the core count makes wall
    // time several times the work done), so the target is judged on the CPU time the compile uses;
    // wall time is printed beside it, with the load it was measured under.
    const ratio = median(cpuTimes) / TARGET_MS;
    const [load] = loadavg();
    console.log(`program: ${text.split('\n').length} lines, ${tasks} tasks; plan: ${(planText.length / 1e6).toFixed(1)} MB of JSON`);
    console.log(`parse + link + check (context, not part of the target): ${loadMs.toFixed(0)} ms`);
    console.log(
        `compile (AST -> plan -> JSON): median ${median(cpuTimes).toFixed(0)} ms CPU, ${median(times).toFixed(0)} ms wall over ` +
            `${RUNS} runs ` +
            `(first run ${cold.toFixed(0)} ms wall; load average ${load.toFixed(1)} on ${cpus().length} cores)`,
    );
    console.log(`ratio to the 1 s target (CPU time): ${ratio.toFixed(3)} (${ratio <= 1 ? 'met' : 'MISSED'})`);
    process.exitCode = ratio <= 1 && tasks >= TASKS ? 0 : 1;
} finally {
    rmSync(dir, { recursive: true, force: true });
}
