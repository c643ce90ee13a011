/** Every `dprog` command. Add a command by adding a file beside this one and a line here. */
import type { Command } from 'commander';
import { registerCheck } from './check.js';
import { registerAggregate } from './aggregate.js';
import { registerSimulate } from './simulate.js';
import { registerSample } from './sample.js';
import { registerLearn } from './learn.js';
import { registerRetrain } from './retrain.js';
import { registerEvaluate } from './evaluate.js';
import { registerMonitor } from './monitor.js';
import { registerLsp } from './lsp.js';
import { registerLabel } from './label.js';
import { registerCompile } from './compile.js';
import { registerDiff } from './diff.js';
import { registerRun } from './run.js';
import { registerStore } from './store.js';

/** Registers one command; `setExitCode` raises the process's exit code (the highest wins). */
export type RegisterCommand = (program: Command, setExitCode: (code: number) => void) => void;

export const commands: RegisterCommand[] = [
    registerCheck,
    registerAggregate,
    registerSimulate,
    registerSample,
    registerLearn,
    registerRetrain,
    registerEvaluate,
    registerMonitor,
    registerLsp,
    registerLabel,
    registerCompile,
    registerDiff,
    registerRun,
    registerStore,
];
