/**
 * The errors a failed compile reported, in the Problems panel (source "dprog compile"), beside the
 * language server's own diagnostics. An error the server already shows at the same line is not
 * repeated; errors only the compiler finds (e.g. a `from` migration against the version recorded in
 * the store) appear only here. A successful compile of the program clears them.
 */
import * as vscode from 'vscode';
import type { ProgramDiagnostic } from '../engine-bridge/dprog-engine.js';

export class CompileProblems implements vscode.Disposable {
    private readonly collection = vscode.languages.createDiagnosticCollection('dprog compile');
    /** The files each program's last failed compile reported on. */
    private readonly files = new Map<string, vscode.Uri[]>();

    /** Replaces the program's compile problems with these. */
    show(program: string, diagnostics: readonly ProgramDiagnostic[]): void {
        this.clear(program);
        const byFile = new Map<string, vscode.Diagnostic[]>();
        for (const d of diagnostics) {
            const uri = vscode.Uri.file(d.file);
            const line = d.line - 1;
            const column = d.column - 1;
            const known = vscode.languages
                .getDiagnostics(uri)
                .some((e) => e.source !== 'dprog compile' && e.range.start.line === line && e.message === d.message);
            if (known) {
                continue;
            }
            const diagnostic = new vscode.Diagnostic(
                new vscode.Range(line, column, line, column + 1),
                d.message,
                d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error,
            );
            diagnostic.source = 'dprog compile';
            if (d.code) {
                diagnostic.code = d.code;
            }
            const list = byFile.get(uri.toString()) ?? [];
            list.push(diagnostic);
            byFile.set(uri.toString(), list);
        }
        const uris = [...byFile.keys()].map((u) => vscode.Uri.parse(u));
        for (const uri of uris) {
            this.collection.set(uri, byFile.get(uri.toString()));
        }
        this.files.set(program, uris);
    }

    clear(program: string): void {
        for (const uri of this.files.get(program) ?? []) {
            this.collection.delete(uri);
        }
        this.files.delete(program);
    }

    dispose(): void {
        this.collection.dispose();
    }
}
