/**
 * Datasets: exactly one key unless the source provides one, splits that sum to 100%, and a data
 * file that exists (a warning: a program may be written before its data arrives).
 */
import { existsSync, readdirSync } from 'node:fs';
import { regularFileProblem } from '../../../engine/src/data/regular-file.js';
import * as path from 'node:path';
import type { ValidationAcceptor, ValidationChecks } from 'langium';
import type { Dataset, DprogAstType } from '../generated/ast.js';
import { percent, resolveProgramPath } from './util.js';

export const DatasetIssues = {
    /** The split's shares do not add up to 100% (data: shares, sum). */
    splitSum: 'dataset/split-sum',
    /** A split share that is not above 0% and at most 100%. */
    splitShare: 'dataset/split-share',
    /** More than one `split` clause. */
    multipleSplits: 'dataset/multiple-splits',
    /** A jsonl/csv dataset without a `key` field. */
    missingKey: 'dataset/missing-key',
    /** More than one `key` field, or a `key` on an images dataset (whose key is `path`). */
    multipleKeys: 'dataset/multiple-keys',
    /** A key that is not a String or Number field. */
    keyType: 'dataset/key-type',
    /** The data file (or the folder of an images glob) does not exist yet. */
    missingDataFile: 'dataset/missing-data-file',
} as const;

const TOLERANCE = 1e-9;

export const datasetChecks: ValidationChecks<DprogAstType> = {
    Dataset: [checkKeys, checkSplits, checkDataFile],
};

function checkKeys(dataset: Dataset, accept: ValidationAcceptor): void {
    const keys = dataset.fields.filter((f) => f.key);
    if (dataset.format === 'images') {
        for (const key of keys) {
            accept('error', `An images dataset's key is its implicit 'path' field; remove 'key' from '${key.name}'.`, {
                node: key, keyword: 'key', code: DatasetIssues.multipleKeys, data: { code: DatasetIssues.multipleKeys },
            });
        }
        return;
    }
    if (keys.length === 0) {
        accept('error', `Dataset '${dataset.name}' needs exactly one 'key' field (a unique, stable item identity), e.g. 'key id: String'; it has none.`, {
            node: dataset, property: 'name', code: DatasetIssues.missingKey, data: { code: DatasetIssues.missingKey },
        });
    }
    for (const key of keys) {
        if (key.type !== 'String' && key.type !== 'Number') {
            accept('error', `A key identifies an item, so it is a String or a Number; '${key.name}' is ${key.type}.`, {
                node: key, property: 'type', code: DatasetIssues.keyType, data: { code: DatasetIssues.keyType },
            });
        }
    }
    for (const extra of keys.slice(1)) {
        accept('error', `Dataset '${dataset.name}' has more than one key: '${keys[0].name}' is already its key.`, {
            node: extra, keyword: 'key', code: DatasetIssues.multipleKeys, data: { code: DatasetIssues.multipleKeys },
        });
    }
}

function checkSplits(dataset: Dataset, accept: ValidationAcceptor): void {
    for (const extra of dataset.splits.slice(1)) {
        accept('error', `Dataset '${dataset.name}' has more than one split; keep one.`, {
            node: extra, keyword: 'split', code: DatasetIssues.multipleSplits, data: { code: DatasetIssues.multipleSplits },
        });
    }
    for (const split of dataset.splits) {
        for (const bucket of split.buckets) {
            if (bucket.share !== undefined && (bucket.share <= 0 || bucket.share > 1)) {
                accept('error', `Split share of '${bucket.name}' must be above 0% and at most 100%; found ${percent(bucket.share)}.`, {
                    node: bucket, property: 'share', code: DatasetIssues.splitShare, data: { code: DatasetIssues.splitShare },
                });
            }
        }
        const shares = split.buckets.map((b) => b.share ?? 0);
        const sum = shares.reduce((a, b) => a + b, 0);
        if (split.buckets.length > 0 && Math.abs(sum - 1) > TOLERANCE) {
            accept('error', `Split percentages must sum to 100%; they sum to ${percent(sum)} (${split.buckets.map((b) => `${b.name} ${percent(b.share ?? 0)}`).join(' + ')}).`, {
                node: split, code: DatasetIssues.splitSum,
                data: { code: DatasetIssues.splitSum, sum, shares: split.buckets.map((b) => ({ name: b.name, share: b.share })) },
            });
        } else if (split.buckets.length === 0) {
            accept('error', `A split needs at least one bucket, e.g. '{ train 80%, validation 10%, test 10% }'.`, {
                node: split, code: DatasetIssues.splitSum, data: { code: DatasetIssues.splitSum, sum: 0, shares: [] },
            });
        }
    }
}

function checkDataFile(dataset: Dataset, accept: ValidationAcceptor): void {
    if (!dataset.path) {
        return;
    }
    const resolved = resolveProgramPath(dataset, dataset.path);
    if (!resolved) {
        return;
    }
    const problem = dataset.format === 'images' ? globProblem(resolved) : dataFileProblem(resolved, dataset.path);
    if (problem) {
        accept('warning', `Data of dataset '${dataset.name}': ${problem}. The program is checked without it.`, {
            node: dataset, property: 'path', code: DatasetIssues.missingDataFile, data: { code: DatasetIssues.missingDataFile, path: resolved },
        });
    }
}

/** Why a jsonl or csv data file cannot be read: missing, or not a regular file (a folder, a device, a FIFO). */
function dataFileProblem(resolved: string, written: string): string | undefined {
    if (!existsSync(resolved)) return `'${written}' does not exist (yet)`;
    const problem = regularFileProblem(resolved, 'data file');
    return problem && `'${written}' ${problem.slice(problem.indexOf(' is ') + 1)}`;
}

/** Why an images glob matches nothing: its folder is missing, or (for `folder/*.ext`) no file matches. */
function globProblem(pattern: string): string | undefined {
    const parts = pattern.split(/[\\/]/);
    const firstGlob = parts.findIndex((p) => /[*?[{]/.test(p));
    if (firstGlob < 0) {
        return existsSync(pattern) ? undefined : `'${pattern}' does not exist (yet)`;
    }
    const folder = parts.slice(0, firstGlob).join(path.sep) || path.sep;
    if (!existsSync(folder)) {
        return `the folder '${folder}' does not exist (yet)`;
    }
    if (firstGlob === parts.length - 1 && !/[[{]/.test(parts[firstGlob])) {
        const matcher = globToRegExp(parts[firstGlob]);
        try {
            if (!readdirSync(folder).some((entry) => matcher.test(entry))) {
                return `no file in '${folder}' matches '${parts[firstGlob]}'`;
            }
        } catch {
            return `the folder '${folder}' cannot be read`;
        }
    }
    return undefined;
}

function globToRegExp(segment: string): RegExp {
    let source = '';
    for (const char of segment) {
        source += char === '*' ? '[^/]*' : char === '?' ? '[^/]' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${source}$`);
}
