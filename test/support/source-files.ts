/**
 * The project's hand-written TypeScript sources, for tests that check a rule on every one of them
 * (spread arguments, function length). Generated code (`generated/` folders) is not ours to shape.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

/** The repository's root folder. */
export const repositoryRoot = path.resolve(__dirname, '../..');

/** The folders holding the project's source code, relative to the root. */
export const SOURCE_FOLDERS = ['engine/src', 'language-server/src', 'cli/src', 'extension/src', 'webview/src'];

/** Every `.ts`/`.tsx` file under `dir` (relative to the root), as paths relative to the root, generated code excluded. */
export function sourceFiles(dir: string): string[] {
    return readdirSync(path.join(repositoryRoot, dir), { withFileTypes: true }).flatMap((entry) => {
        const relative = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            return entry.name === 'generated' ? [] : sourceFiles(relative);
        }
        return /\.tsx?$/.test(entry.name) ? [relative] : [];
    });
}

/** Every hand-written source file of the project, relative to the root. */
export function allSourceFiles(): string[] {
    return SOURCE_FOLDERS.flatMap(sourceFiles);
}
