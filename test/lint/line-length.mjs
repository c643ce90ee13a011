#!/usr/bin/env node
/**
 * Fails when a source line is longer than the house limit (140 characters, counted as characters, not bytes).
 * Biome's formatter wraps code at that width but cannot break a long string, regular expression or comment: this
 * check covers those. Run by `npm run lint`; generated code is left out.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const LIMIT = 140;
const SOURCES = /\.(ts|mts|cts|mjs|cjs|js|css)$/;
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
    .split('\n')
    .filter((file) => SOURCES.test(file) && !file.includes('/generated/'));

const long = [];
for (const file of files) {
    let text;
    try {
        text = readFileSync(file, 'utf8');
    } catch {
        continue; // listed by git but deleted in the work tree
    }
    text.split('\n').forEach((line, index) => {
        const length = [...line].length;
        if (length > LIMIT) {
            long.push(`${file}:${index + 1}: ${length} characters (at most ${LIMIT}): break the string, expression or comment`);
        }
    });
}
for (const line of long) {
    console.error(line);
}
if (long.length > 0) {
    console.error(`${long.length} line(s) longer than ${LIMIT} characters.`);
    process.exit(1);
}
console.log(`line length: ${files.length} files, no line over ${LIMIT} characters.`);
