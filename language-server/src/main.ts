/** The dprog language server: `node out/language-server/main.cjs --stdio` (or IPC from the extension). */
import { startLanguageServer } from 'langium/lsp';
import { NodeFileSystem } from 'langium/node';
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node.js';
import { createDprogServices } from './dprog-module.js';
import { FrameFilter } from './server/frame-filter.js';
import { keepServing } from './server/keep-serving.js';

// On stdio, malformed frames are skipped instead of stopping the reader for good.
const connection = process.argv.includes('--stdio')
    ? createConnection(
          ProposedFeatures.all,
          new StreamMessageReader(process.stdin.pipe(new FrameFilter())),
          new StreamMessageWriter(process.stdout),
      )
    : createConnection(ProposedFeatures.all);
keepServing(connection);
const { shared } = createDprogServices({ connection, ...NodeFileSystem });
startLanguageServer(shared);
