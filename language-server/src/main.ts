/** The dprog language server: `node out/language-server/main.cjs --stdio` (or IPC from the extension). */
import { startLanguageServer } from 'langium/lsp';
import { NodeFileSystem } from 'langium/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node.js';
import { createDprogServices } from './dprog-module.js';

const connection = createConnection(ProposedFeatures.all);
const { shared } = createDprogServices({ connection, ...NodeFileSystem });
startLanguageServer(shared);
