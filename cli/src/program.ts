/** Loading .dprog files for a command: parse, link and validate them with their imports. */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { LangiumDocument } from 'langium';
import { NodeFileSystem } from 'langium/node';
import { createDprogServices, type DprogServices } from '../../language-server/src/dprog-module.js';
import type { DprogFile } from '../../language-server/src/generated/ast.js';
import { loadProgramFiles } from '../../language-server/src/workspace/load.js';
import { UsageError } from './errors.js';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A diagnostic as the CLI contract prints it: 1-based line and column. */
export interface CliDiagnostic {
    file: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    severity: Severity;
    code: string;
    message: string;
}

export interface LoadedProgram {
    services: DprogServices;
    /** The documents of the files asked for, in order. */
    documents: Array<LangiumDocument<DprogFile>>;
    /** Diagnostics of those files and of every file they import. */
    diagnostics: CliDiagnostic[];
}

const SEVERITIES: Severity[] = ['error', 'error', 'warning', 'info', 'hint'];

export async function loadProgram(files: string[]): Promise<LoadedProgram> {
    for (const file of files) {
        if (!existsSync(file)) {
            throw new UsageError(`${file}: no such file.`);
        }
        if (!statSync(file).isFile()) {
            throw new UsageError(`${file}: not a file.`);
        }
        if (!file.endsWith('.dprog')) {
            throw new UsageError(`${file}: not a dprog program; name a .dprog file.`);
        }
    }
    const { shared, Dprog } = createDprogServices(NodeFileSystem);
    const documents = (await loadProgramFiles(shared, files)) as Array<LangiumDocument<DprogFile>>;
    const diagnostics: CliDiagnostic[] = [];
    for (const document of shared.workspace.LangiumDocuments.all) {
        if (document.uri.scheme !== 'file') {
            continue;
        }
        const file = path.relative(process.cwd(), document.uri.fsPath) || document.uri.fsPath;
        for (const d of document.diagnostics ?? []) {
            diagnostics.push({
                file,
                line: d.range.start.line + 1,
                column: d.range.start.character + 1,
                endLine: d.range.end.line + 1,
                endColumn: d.range.end.character + 1,
                severity: SEVERITIES[d.severity ?? 1],
                code: String(d.code ?? (d.data as { code?: string } | undefined)?.code ?? 'unknown'),
                message: d.message,
            });
        }
    }
    diagnostics.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
    return { services: Dprog, documents, diagnostics };
}

export function hasErrors(diagnostics: CliDiagnostic[]): boolean {
    return diagnostics.some((d) => d.severity === 'error');
}

/** `file:line:column: severity code: message`, the format editors and CI logs understand. */
export function formatDiagnostic(d: CliDiagnostic): string {
    return `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`;
}

/** The `{"diagnostics":[…]}` document of `--json` (the contract's fields of each diagnostic). */
export function diagnosticsJson(
    diagnostics: ReadonlyArray<Pick<CliDiagnostic, 'file' | 'line' | 'column' | 'severity' | 'code' | 'message'>>,
) {
    return {
        diagnostics: diagnostics.map(({ file, line, column, severity, code, message }) => ({
            file,
            line,
            column,
            severity,
            code,
            message,
        })),
    };
}
