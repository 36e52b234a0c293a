//===- Server.h - the TDL language server -------------------------*- C++
//-*-===//
//
// `tdlc lsp`: the Language Server Protocol over stdio. The Server owns the
// open documents (full text, kept in sync by didOpen / didChange /
// didClose), re-analyzes a document on every change and publishes its
// diagnostics, and answers hover, definition, completion, signature help
// and document symbols from the latest analysis (Features.h).
//
// Life cycle, as the protocol says: before `initialize` every request is
// answered ServerNotInitialized and notifications are dropped; after
// `shutdown` requests are answered InvalidRequest; `exit` ends the loop,
// with status 0 if `shutdown` came first and 1 otherwise (end of input
// counts as an `exit`). Everything is processed in order, on one thread.
//
// A crash while analyzing or answering (a bug in sema on some half-typed
// input) is caught (llvm::CrashRecoveryContext): the request gets an
// InternalError reply, a document whose analysis crashed shows one
// diagnostic saying so, and the server keeps going.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_LSP_SERVER_H
#define TDL_TOOLS_LSP_SERVER_H

#include "tools/lsp/Analysis.h"
#include "tools/lsp/JsonRpc.h"
#include "tools/lsp/SourceLocator.h"

#include "llvm/ADT/StringMap.h"

#include <cstdio>
#include <functional>
#include <memory>

namespace tdl::lsp {

struct ServerOptions {
  AnalysisOptions analysis;
  /// Where copies of the embedded stdlib go (empty: the user's cache).
  std::string stdlibCache;
  /// Catch crashes in analysis and features (off in the fuzzer, which
  /// wants to see them).
  bool recoverFromCrashes = true;
  /// serverInfo.version in the initialize reply.
  std::string version;
};

class Server {
public:
  Server(const ServerOptions &options,
         std::function<void(llvm::json::Value)> send);
  ~Server();

  /// Handles one message body (JSON text).
  void handleMessage(llvm::StringRef body);
  /// Reports a message that could not be framed (no reply id is known).
  void reportBadFraming(llvm::StringRef problem);

  bool exitRequested() const { return exited; }
  /// 0 when `shutdown` preceded `exit` (or the end of input), else 1.
  int exitStatus() const { return shutdownRequested ? 0 : 1; }

private:
  struct Document;
  void registerHandlers();
  Document *find(const llvm::json::Value &params);
  void analyze(Document &doc);
  void publish(Document &doc);
  template <typename F> llvm::Expected<llvm::json::Value> safely(F &&f);

  ServerOptions options;
  std::function<void(llvm::json::Value)> send;
  Dispatcher dispatcher;
  SourceLocator locator;
  llvm::StringMap<std::unique_ptr<Document>> documents;
  OffsetEncoding encoding = OffsetEncoding::UTF16;
  bool initialized = false, shutdownRequested = false, exited = false;
};

/// Reads framed messages from `in` until `exit` or end of input, writing
/// replies and notifications to `out`. Returns the process exit status.
int runServer(std::FILE *in, llvm::raw_ostream &out,
              const ServerOptions &options);

} // namespace tdl::lsp

#endif
