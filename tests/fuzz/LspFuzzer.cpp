//===- LspFuzzer.cpp - the language server on arbitrary bytes -------------===//
//
// The libFuzzer entry point (built with -DTDLC_FUZZ=ON and clang) and, with
// ReplayMain.cpp, a plain executable that replays a corpus under ctest.
// Each input is used twice on a fresh, initialized server (crash recovery
// off, so a crash is the fuzzer's to see):
//   1. as a JSON-RPC message body (malformed JSON, odd ids and params);
//   2. as the text of a document: opened, then hover, definition,
//      completion and signature help at positions spread over the text,
//      and the document symbols. The text is whatever the bytes are, so
//      sema runs on every half-typed or broken program the fuzzer makes.
// Any input must end in replies -- never a crash or a hang.
//
//===----------------------------------------------------------------------===//
#include "tools/lsp/Protocol.h"
#include "tools/lsp/Server.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace tdl::lsp;

static void request(Server &s, int id, llvm::StringRef method,
                    llvm::json::Object params) {
  llvm::json::Value msg = llvm::json::Object{{"jsonrpc", "2.0"},
                                             {"id", id},
                                             {"method", method},
                                             {"params", std::move(params)}};
  std::string body;
  llvm::raw_string_ostream os(body);
  os << msg;
  s.handleMessage(os.str());
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  ServerOptions options;
  options.recoverFromCrashes = false;
  options.stdlibCache = ""; // definitions into the stdlib: not written
  size_t replies = 0;
  Server server(options, [&](llvm::json::Value) { ++replies; });
  request(server, 1, "initialize", llvm::json::Object{{"capabilities", {}}});

  server.handleMessage(bytes);

  const char *uri = "file:///fuzz/input.tdl";
  std::string text = jsonText(bytes);
  server.handleMessage([&] {
    std::string body;
    llvm::raw_string_ostream os(body);
    os << llvm::json::Value(llvm::json::Object{
        {"jsonrpc", "2.0"},
        {"method", "textDocument/didOpen"},
        {"params", llvm::json::Object{
                       {"textDocument", llvm::json::Object{{"uri", uri},
                                                           {"version", 1},
                                                           {"text", text}}}}}});
    return body;
  }());
  // Up to 48 positions: every line start and points in between.
  LineTable lines(text, OffsetEncoding::UTF16);
  size_t step = std::max<size_t>(1, text.size() / 48);
  int id = 2;
  for (size_t offset = 0; offset <= text.size(); offset += step) {
    Position p = lines.position(offset);
    for (const char *method :
         {"textDocument/hover", "textDocument/definition",
          "textDocument/completion", "textDocument/signatureHelp"})
      request(
          server, id++, method,
          llvm::json::Object{{"textDocument", llvm::json::Object{{"uri", uri}}},
                             {"position", toJSON(p)}});
  }
  request(
      server, id++, "textDocument/documentSymbol",
      llvm::json::Object{{"textDocument", llvm::json::Object{{"uri", uri}}}});
  return 0;
}
