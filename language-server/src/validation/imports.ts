/**
 * Imports: the file must exist, must not import itself (directly or through others), should not
 * be imported twice, and two imported files must not declare the same name.
 */
import { existsSync } from 'node:fs';
import { AstUtils, type IndexManager, type LangiumDocuments, type ValidationAcceptor, type ValidationChecks, type URI } from 'langium';
import type { DprogAstType, DprogFile, Import } from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';
import { importedUris, importProblem, resolveImportUri } from '../workspace/imports.js';

export const ImportIssues = {
    /** The imported file does not exist. */
    missingFile: 'imports/missing-file',
    /** The import names something that is not a regular .dprog file (a device, a folder, other text). */
    notAProgram: 'imports/not-a-program',
    /** The file exists but is not part of the workspace being checked, so its names are not visible. */
    notLoaded: 'imports/not-loaded',
    /** The import leads back to the importing file. */
    cycle: 'imports/cycle',
    /** The same file imported twice. */
    duplicate: 'imports/duplicate',
    /** Two imported files declare the same name. */
    clash: 'imports/clash',
} as const;

interface ImportIssue {
    severity: 'error' | 'warning';
    message: string;
    code: (typeof ImportIssues)[keyof typeof ImportIssues];
    data?: Record<string, unknown>;
}

function duplicateImport(node: Import): ImportIssue {
    return { severity: 'warning', message: `'${node.path}' is already imported above.`, code: ImportIssues.duplicate };
}

function fileName(uri: URI): string {
    return uri.path.split('/').pop() ?? uri.path;
}

export class ImportChecks {
    private readonly documents: () => LangiumDocuments;
    private readonly indexManager: () => IndexManager;

    constructor(services: DprogServices) {
        this.documents = () => services.shared.workspace.LangiumDocuments;
        this.indexManager = () => services.shared.workspace.IndexManager;
    }

    readonly checks: ValidationChecks<DprogAstType> = {
        DprogFile: (file, accept) => this.checkImports(file, accept),
    };

    private checkImports(file: DprogFile, accept: ValidationAcceptor): void {
        if (file.imports.length === 0) {
            return;
        }
        const document = AstUtils.getDocument(file);
        const seen = new Set<string>();
        const declaredBy = new Map<string, string>();
        for (const node of file.imports) {
            const uri = resolveImportUri(document, node);
            if (!uri) {
                continue;
            }
            const issue = seen.has(uri.toString()) ? duplicateImport(node) : this.unusableImport(document.uri, node, uri);
            seen.add(uri.toString());
            if (issue) {
                accept(issue.severity, issue.message, {
                    node,
                    property: 'path',
                    code: issue.code,
                    data: { code: issue.code, ...issue.data },
                });
            } else {
                this.checkClashes(node, uri, declaredBy, accept);
            }
        }
    }

    /** Why the file `node` imports cannot lend its names: not a program, not loaded, missing, or leading back to `self`. */
    private unusableImport(self: URI, node: Import, uri: URI): ImportIssue | undefined {
        const problem = importProblem(uri, node.path);
        if (problem) {
            return { severity: 'error', message: problem, code: ImportIssues.notAProgram };
        }
        if (!this.documents().hasDocument(uri)) {
            return uri.scheme === 'file' && existsSync(uri.fsPath)
                ? {
                      severity: 'warning',
                      message: `'${node.path}' exists but is outside the workspace being checked; open its folder to use its names.`,
                      code: ImportIssues.notLoaded,
                  }
                : {
                      severity: 'error',
                      message:
                          `Cannot find the imported file '${node.path}' (looked for ` +
                          `${uri.scheme === 'file' ? uri.fsPath : uri.toString()}). Imports are relative to the importing file.`,
                      code: ImportIssues.missingFile,
                      data: { path: node.path },
                  };
        }
        const cycle = this.pathBack(uri, self.toString());
        if (cycle) {
            const chain = [self, ...cycle].map(fileName).join(' → ');
            return {
                severity: 'error',
                message: `Import cycle: ${chain}. Move the shared declarations into a file both can import.`,
                code: ImportIssues.cycle,
            };
        }
        return undefined;
    }

    /** Two imported files declaring the same name: `declaredBy` holds which file declared each name so far. */
    private checkClashes(node: Import, uri: URI, declaredBy: Map<string, string>, accept: ValidationAcceptor): void {
        const key = uri.toString();
        for (const description of this.indexManager().allElements(undefined, new Set([key]))) {
            const other = declaredBy.get(description.name);
            if (other !== undefined && other !== key) {
                accept(
                    'error',
                    `'${description.name}' is declared both in '${other.split('/').pop()}' and in '${fileName(uri)}'; rename one of them.`,
                    {
                        node,
                        property: 'path',
                        code: ImportIssues.clash,
                        data: { code: ImportIssues.clash, name: description.name },
                    },
                );
            } else {
                declaredBy.set(description.name, key);
            }
        }
    }

    /** The import path from `start` back to `target` (ending in target), if there is one. */
    private pathBack(start: URI, target: string): URI[] | undefined {
        const visited = new Set<string>();
        const search = (uri: URI): URI[] | undefined => {
            const key = uri.toString();
            if (key === target) {
                return [uri];
            }
            if (visited.has(key)) {
                return undefined;
            }
            visited.add(key);
            const document = this.documents().getDocument(uri);
            if (!document) {
                return undefined;
            }
            for (const next of importedUris(document)) {
                const rest = search(next);
                if (rest) {
                    return [uri, ...rest];
                }
            }
            return undefined;
        };
        return search(start);
    }
}
