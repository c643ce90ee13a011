/**
 * The versions of a program that `dprog compile` recorded beside it, for the `from` check
 * (language.md §10): each successful compile writes `.dprog/versions/<Program>.v<N>.json` next to
 * the program with the members of its label sets. The previous version of a program at version N
 * is the highest recorded version below N; its label sets decide whether `from x` names a member
 * that existed. Small JSON files, so the language server reads them without the label store.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** What is recorded of one compiled version. */
export interface RecordedVersion {
    program: string;
    version: number;
    hash: string;
    /** Label set name → its members, in declaration order. */
    labelSets: Record<string, string[]>;
}

/** The folder beside a program file where its versions are recorded. */
export function versionsFolder(programFile: string): string {
    return path.join(path.dirname(programFile), '.dprog', 'versions');
}

/** Records a compiled version beside the program (replacing an earlier record of the same version). */
export function recordVersion(programFile: string, recorded: RecordedVersion): string {
    const folder = versionsFolder(programFile);
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, `${recorded.program}.v${recorded.version}.json`);
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(recorded, null, 2)}\n`);
    renameSync(temp, file);
    return file;
}

const cache = new Map<string, { stamp: string; recorded: RecordedVersion | undefined }>();

/** The highest version below `version` recorded beside the program, or undefined when there is none. */
export function previousRecordedVersion(programFile: string, program: string, version: number): RecordedVersion | undefined {
    const folder = versionsFolder(programFile);
    if (!existsSync(folder)) {
        return undefined;
    }
    const pattern = new RegExp(`^${program.replace(/[^\w]/g, '')}\\.v(\\d+)\\.json$`);
    const below = readdirSync(folder)
        .map((name) => ({ name, version: Number(pattern.exec(name)?.[1]) }))
        .filter((entry) => Number.isInteger(entry.version) && entry.version < version)
        .sort((a, b) => b.version - a.version)[0];
    return below ? readRecorded(path.join(folder, below.name)) : undefined;
}

function readRecorded(file: string): RecordedVersion | undefined {
    try {
        const stat = statSync(file);
        const stamp = `${stat.size}:${stat.mtimeMs}`;
        const cached = cache.get(file);
        if (cached?.stamp === stamp) {
            return cached.recorded;
        }
        const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<RecordedVersion>;
        const recorded =
            parsed && typeof parsed.labelSets === 'object' && parsed.labelSets !== null ? (parsed as RecordedVersion) : undefined;
        cache.set(file, { stamp, recorded });
        return recorded;
    } catch {
        return undefined; // unreadable: the previous version stays unknown (a warning, not a crash)
    }
}
