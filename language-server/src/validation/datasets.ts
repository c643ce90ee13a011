/**
 * Datasets: exactly one key unless the source provides one, splits that sum to 100%, and a data
 * file that exists (a warning: a program may be written before its data arrives).
 */
import { existsSync, readdirSync } from 'node:fs';
import { regularFileProblem } from '../../../engine/src/data/regular-file.js';
import * as path from 'node:path';
import { GrammarUtils, type ValidationAcceptor, type ValidationChecks } from 'langium';
import type { Dataset, DprogAstType, Split, SplitBucket } from '../generated/ast.js';
import { percent, resolveProgramPath, foundShare } from './util.js';

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
                node: key,
                keyword: 'key',
                code: DatasetIssues.multipleKeys,
                data: { code: DatasetIssues.multipleKeys },
            });
        }
        return;
    }
    if (keys.length === 0) {
        accept(
            'error',
            `Dataset '${dataset.name}' needs exactly one 'key' field (a unique, stable item identity), e.g. 'key id: String'; it has none.`,
            {
                node: dataset,
                property: 'name',
                code: DatasetIssues.missingKey,
                data: { code: DatasetIssues.missingKey },
            },
        );
    }
    for (const key of keys) {
        if (key.type !== 'String' && key.type !== 'Number') {
            accept('error', `A key identifies an item, so it is a String or a Number; '${key.name}' is ${key.type}.`, {
                node: key,
                property: 'type',
                code: DatasetIssues.keyType,
                data: { code: DatasetIssues.keyType },
            });
        }
    }
    for (const extra of keys.slice(1)) {
        accept('error', `Dataset '${dataset.name}' has more than one key: '${keys[0].name}' is already its key.`, {
            node: extra,
            keyword: 'key',
            code: DatasetIssues.multipleKeys,
            data: { code: DatasetIssues.multipleKeys },
        });
    }
}

function checkSplits(dataset: Dataset, accept: ValidationAcceptor): void {
    for (const extra of dataset.splits.slice(1)) {
        accept('error', `Dataset '${dataset.name}' has more than one split; keep one.`, {
            node: extra,
            keyword: 'split',
            code: DatasetIssues.multipleSplits,
            data: { code: DatasetIssues.multipleSplits },
        });
    }
    for (const split of dataset.splits) {
        for (const bucket of split.buckets) {
            if (bucket.share === 0) {
                // A rule of dprog (docs/language-rules.md): an empty bucket is a bucket left out.
                accept(
                    'error',
                    `Bucket '${bucket.name}' of 0% would hold no items; leave '${bucket.name}' out of the split ` +
                        `instead${bucket.name === 'test' ? ' (then no items are held out for a final accuracy estimate)' : ''}.`,
                    {
                        node: bucket,
                        property: 'share',
                        code: DatasetIssues.splitShare,
                        data: { code: DatasetIssues.splitShare },
                    },
                );
            } else if (bucket.share !== undefined && (bucket.share < 0 || bucket.share > 1)) {
                accept(
                    'error',
                    `Split share of '${bucket.name}' must be above 0% and at most 100%; found ${foundShare(bucket, 'share', bucket.share)}`,
                    {
                        node: bucket,
                        property: 'share',
                        code: DatasetIssues.splitShare,
                        data: { code: DatasetIssues.splitShare },
                    },
                );
            }
        }
        const shares = split.buckets.map((b) => b.share ?? 0);
        const sum = shares.reduce((a, b) => a + b, 0);
        const exact = exactPercentSum(split);
        if (split.buckets.length > 0 && (exact ? exact.sum !== '100' : Math.abs(sum - 1) > TOLERANCE)) {
            const written = exact ? `${exact.sum}%` : percent(sum);
            accept(
                'error',
                `Split percentages must sum to 100%; they sum to ${written} ` +
                    `(${split.buckets.map((b) => `${b.name} ${writtenShare(b) ?? percent(b.share ?? 0)}`).join(' + ')}).`,
                {
                    node: split,
                    code: DatasetIssues.splitSum,
                    data: { code: DatasetIssues.splitSum, sum, shares: split.buckets.map((b) => ({ name: b.name, share: b.share })) },
                },
            );
        } else if (split.buckets.length === 0) {
            accept('error', `A split needs at least one bucket, e.g. '{ train 80%, validation 10%, test 10% }'.`, {
                node: split,
                code: DatasetIssues.splitSum,
                data: { code: DatasetIssues.splitSum, sum: 0, shares: [] },
            });
        }
    }
}

/** A bucket's share as written (`97.5%`, `0.2`). */
function writtenShare(bucket: SplitBucket): string | undefined {
    return GrammarUtils.findNodeForProperty(bucket.$cstNode, 'share')?.text;
}

/**
 * The shares' sum in percent, added as the decimals they are written as (no binary rounding:
 * 33.3% + 33.3% + 33.4% is exactly 100%, and 0.0000001% too much is not), as a decimal string.
 */
function exactPercentSum(split: Split): { sum: string } | undefined {
    const SCALE = 12;
    let total = 0n;
    for (const bucket of split.buckets) {
        const text = writtenShare(bucket);
        const match = text ? /^(\d+)(?:\.(\d+))?(%?)$/.exec(text) : null;
        if (!match || (match[2] ?? '').length > SCALE - 2) {
            return undefined;
        }
        const [, whole, fraction = '', isPercent] = match;
        // In units of 10^-SCALE percent: a plain number is a share (0.2 = 20%).
        const digits = BigInt(whole + fraction.padEnd(SCALE, '0'));
        total += isPercent ? digits : digits * 100n;
    }
    const whole = total / 10n ** BigInt(SCALE);
    const fraction = (total % 10n ** BigInt(SCALE)).toString().padStart(SCALE, '0').replace(/0+$/, '');
    return { sum: fraction ? `${whole}.${fraction}` : `${whole}` };
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
            node: dataset,
            property: 'path',
            code: DatasetIssues.missingDataFile,
            data: { code: DatasetIssues.missingDataFile, path: resolved },
        });
    }
}

/** Why a jsonl or csv data file cannot be read: missing, or not a regular file (a folder, a device, a FIFO). */
function dataFileProblem(resolved: string, written: string): string | undefined {
    if (!existsSync(resolved)) {
        return `'${written}' does not exist (yet)`;
    }
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
