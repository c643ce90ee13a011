/**
 * The language server as it started before start-up was made lazy, for bench/lsp-startup.bench.ts:
 * one CommonJS bundle that loads the compiler and the ONNX reader with the server, and builds
 * the lexer and both parsers before it can answer `initialize`.
 */
import { startLanguageServer } from 'langium/lsp';
import { NodeFileSystem } from 'langium/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node.js';
import { createDprogServices } from '../language-server/src/dprog-module.js';
import { compileDocument } from '../language-server/src/compiler/compile-document.js';
import { readOnnxSignature } from '../engine/src/learning/onnx-signature.js';

const connection = createConnection(ProposedFeatures.all);
const { shared, Dprog } = createDprogServices({ connection, ...NodeFileSystem });
// What Langium's `initialize` did before the parsers were lazy: build them (and the lexer) first.
Dprog.parser.Lexer.tokenize('');
Dprog.parser.LangiumParser.parse('');
Dprog.parser.CompletionParser.parse('');
if (typeof compileDocument !== 'function' || typeof readOnnxSignature !== 'function') {
    throw new Error('the baseline must load the compiler and the ONNX reader');
}
startLanguageServer(shared);
