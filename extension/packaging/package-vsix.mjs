// Packages the extension per platform, as rust-analyzer and Prisma do: one .vsix per VS Code
// target, each carrying only that platform's onnxruntime-node binaries (the native part of the
// engine), so every install gets the binaries it runs and no others.
//
//   node extension/packaging/package-vsix.mjs --target linux-x64 [--out dprog.vsix]
//   node extension/packaging/package-vsix.mjs --all          # every target, into dist/
//
// Expects the bundles in out/ (npm run package builds them first). The marketplace page is
// extension/README.md (the repository's README.md is for developers); LICENSE and CHANGELOG.md
// come from the repository root.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** VS Code targets onnxruntime-node ships binaries for, and the folder holding them. */
export const TARGETS = {
    'linux-x64': 'linux/x64',
    'linux-arm64': 'linux/arm64',
    'darwin-arm64': 'darwin/arm64',
    'win32-x64': 'win32/x64',
    'win32-arm64': 'win32/arm64',
};

const ORT_BINARIES = 'node_modules/onnxruntime-node/bin/napi-v6';

function usage(message) {
    console.error(
        `${message}\nusage: node extension/packaging/package-vsix.mjs (--target ${Object.keys(TARGETS).join('|')} [--out FILE] | --all)`,
    );
    process.exit(2);
}

function parseArgs(argv) {
    const options = { targets: [], out: undefined };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === '--all') {
            options.targets = Object.keys(TARGETS);
        } else if (arg === '--target') {
            options.targets = [argv[++i]];
        } else if (arg === '--out') {
            options.out = argv[++i];
        } else {
            usage(`unknown argument '${arg}'`);
        }
    }
    if (options.targets.length === 0) {
        usage('name a --target or --all');
    }
    for (const t of options.targets) {
        if (!(t in TARGETS)) {
            usage(`onnxruntime-node ships no binaries for '${t}'`);
        }
    }
    if (options.out && options.targets.length > 1) {
        usage('--out names one file: use it with one --target');
    }
    return options;
}

/** .vscodeignore with the onnxruntime binaries of `target` only. */
function ignoreFileFor(target) {
    const base = readFileSync('.vscodeignore', 'utf8')
        .split('\n')
        .filter((line) => !line.startsWith(`!${ORT_BINARIES}/`));
    const folder = `${ORT_BINARIES}/${TARGETS[target]}`;
    if (!existsSync(folder)) {
        throw new Error(`${folder} is missing: reinstall onnxruntime-node (npm ci)`);
    }
    const file = path.join(tmpdir(), `dprog-vscodeignore-${target}-${process.pid}`);
    writeFileSync(file, [...base, `!${folder}/**`, ''].join('\n'));
    return file;
}

function packageTarget(target, out) {
    const ignoreFile = ignoreFileFor(target);
    try {
        const vsce = path.join('node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
        const args = [
            'package',
            '--target',
            target,
            '--ignoreFile',
            ignoreFile,
            '--readme-path',
            'extension/README.md',
            '--changelog-path',
            'CHANGELOG.md',
            '--out',
            out,
        ];
        console.log(`$ vsce ${args.join(' ')}`);
        const result = spawnSync(vsce, args, { stdio: 'inherit' });
        if (result.status !== 0) {
            process.exit(result.status ?? 1);
        }
    } finally {
        rmSync(ignoreFile, { force: true });
    }
}

const { targets, out } = parseArgs(process.argv.slice(2));
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
if (!out) {
    mkdirSync('dist', { recursive: true });
}
for (const target of targets) {
    packageTarget(target, out ?? path.join('dist', `dprog-${target}-${version}.vsix`));
}
