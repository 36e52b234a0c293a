// Starts `tdlc lsp` for .tdl files through vscode-languageclient (LSP over
// stdio). The executable and extra arguments come from the settings
// tdl.server.path and tdl.server.args (docs/editors.md).
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration('tdl');
  const command = config.get('server.path', 'tdlc');
  const args = ['lsp', ...config.get('server.args', [])];
  const serverOptions = {
    run: { command, args, transport: TransportKind.stdio },
    debug: { command, args, transport: TransportKind.stdio },
  };
  const clientOptions = {
    documentSelector: [{ scheme: 'file', language: 'tdl' }],
  };
  client = new LanguageClient('tdl', 'TDL (tdlc lsp)', serverOptions, clientOptions);
  client.start();
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
