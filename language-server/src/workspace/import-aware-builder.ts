/**
 * Rebuilds (relinks and revalidates) the files a changed file imports and the files that import it,
 * not only the files that reference it: a library's "unused" warnings, import cycles and name
 * clashes depend on its importers, and an importer's "cannot find the imported file" on whether the
 * file exists — which Langium's default rule (only files that reference the changed one) misses.
 */
import { DefaultDocumentBuilder, URI, type LangiumDocument, type LangiumDocuments, type LangiumSharedCoreServices } from 'langium';
import { importedUris } from './imports.js';

export class ImportAwareDocumentBuilder extends DefaultDocumentBuilder {
    private readonly documents: LangiumDocuments;

    constructor(services: LangiumSharedCoreServices) {
        super(services);
        this.documents = services.workspace.LangiumDocuments;
    }

    protected override shouldRelink(document: LangiumDocument, changedUris: Set<string>): boolean {
        if (super.shouldRelink(document, changedUris)) {
            return true;
        }
        if (importedUris(document).some((imported) => changedUris.has(imported.toString()))) {
            return true; // the imported file changed, appeared or disappeared
        }
        const uri = document.uri.toString();
        for (const changed of changedUris) {
            const importer = this.documents.getDocument(URI.parse(changed));
            if (importer && importedUris(importer).some((imported) => imported.toString() === uri)) {
                return true;
            }
        }
        return false;
    }
}
