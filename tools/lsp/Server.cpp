//===- Server.cpp ---------------------------------------------------------===//
#include "tools/lsp/Server.h"
#include "tools/lsp/Features.h"
#include "tools/lsp/Transport.h"

#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/raw_ostream.h"

namespace tdl::lsp {

struct Server::Document {
  std::string uri;
  std::string path; // the buffer name the compiler sees
  int64_t version = 0;
  std::string text;
  std::unique_ptr<Analysis> current;
  /// The last analysis before `current` (completion falls back to it when
  /// an edit in progress broke the syntax).
  std::unique_ptr<Analysis> previous;
  bool crashed = false;
};

Server::Server(const ServerOptions &options,
               std::function<void(llvm::json::Value)> sendFn)
    : options(options), send(std::move(sendFn)), dispatcher(send),
      locator(options.stdlibCache) {
  registerHandlers();
}

Server::~Server() {
  // An analysis that crashed was released, never freed; the others are
  // freed here in the normal way.
}

template <typename F> llvm::Expected<llvm::json::Value> Server::safely(F &&f) {
  if (!options.recoverFromCrashes)
    return f();
  llvm::json::Value result = nullptr;
  llvm::CrashRecoveryContext crc;
  if (!crc.RunSafely([&] { result = f(); }))
    return makeError(ErrorCode::InternalError,
                     "tdlc lsp: internal error while answering; please report "
                     "this bug with the document that triggered it");
  return result;
}

void Server::handleMessage(llvm::StringRef body) { dispatcher.handle(body); }

void Server::reportBadFraming(llvm::StringRef problem) {
  dispatcher.replyError(nullptr, ErrorCode::ParseError, problem.str());
}

void Server::analyze(Document &doc) {
  std::unique_ptr<Analysis> next;
  doc.crashed = false;
  if (options.recoverFromCrashes) {
    llvm::CrashRecoveryContext crc;
    if (!crc.RunSafely([&] {
          next = Analysis::run(doc.path, doc.text, options.analysis);
        })) {
      // The half-built analysis may be inconsistent: leak it rather than
      // run its destructors.
      (void)next.release();
      doc.crashed = true;
    }
  } else {
    next = Analysis::run(doc.path, doc.text, options.analysis);
  }
  if (doc.crashed)
    return;
  // Keep the older analysis when the new one parsed worse, so completion
  // can still find types the edit in progress hides.
  if (doc.current)
    doc.previous = std::move(doc.current);
  doc.current = std::move(next);
}

void Server::publish(Document &doc) {
  llvm::json::Array diags;
  if (doc.crashed) {
    diags.push_back(llvm::json::Object{
        {"range", toJSON(Range{})},
        {"severity", 1},
        {"source", "tdlc"},
        {"message", "tdlc lsp: internal error while analyzing this "
                    "document; please report this bug with the document"}});
  } else if (doc.current) {
    LineTable lines(doc.current->text(), encoding);
    FeatureContext c{*doc.current, doc.previous.get(), lines,
                     doc.uri,      encoding,           locator};
    llvm::Expected<llvm::json::Value> d =
        safely([&]() -> llvm::json::Value { return diagnostics(c); });
    if (d) {
      if (llvm::json::Array *a = d->getAsArray())
        diags = std::move(*a);
    } else {
      llvm::consumeError(d.takeError());
    }
  }
  send(llvm::json::Object{
      {"jsonrpc", "2.0"},
      {"method", "textDocument/publishDiagnostics"},
      {"params", llvm::json::Object{{"uri", doc.uri},
                                    {"version", doc.version},
                                    {"diagnostics", std::move(diags)}}}});
}

Server::Document *Server::find(const llvm::json::Value &params) {
  llvm::Expected<std::string> uri = stringParam(params, "textDocument", "uri");
  if (!uri) {
    llvm::consumeError(uri.takeError());
    return nullptr;
  }
  auto it = documents.find(*uri);
  return it == documents.end() ? nullptr : it->second.get();
}

/// Applies one entry of didChange's contentChanges to `text`.
static bool applyChange(std::string &text, const llvm::json::Object &change,
                        OffsetEncoding encoding) {
  std::optional<llvm::StringRef> newText = change.getString("text");
  if (!newText)
    return false;
  const llvm::json::Value *range = change.get("range");
  if (!range || range->kind() == llvm::json::Value::Null) {
    text = newText->str();
    return true;
  }
  const llvm::json::Object *r = range->getAsObject();
  Position start, end;
  llvm::json::Path::Root root;
  if (!r || !r->get("start") || !r->get("end") ||
      !fromJSON(*r->get("start"), start, root) ||
      !fromJSON(*r->get("end"), end, root)) {
    llvm::consumeError(root.getError());
    return false;
  }
  LineTable lines(text, encoding);
  size_t from = lines.offset(start), to = lines.offset(end);
  if (to < from)
    std::swap(from, to);
  text.replace(from, to - from, newText->str());
  return true;
}

void Server::registerHandlers() {
  dispatcher.setGate(
      [this](llvm::StringRef method, bool request) -> llvm::Error {
        if (method == "exit")
          return llvm::Error::success();
        if (shutdownRequested)
          return makeError(ErrorCode::InvalidRequest,
                           "the server is shutting down");
        if (!initialized && method != "initialize")
          return makeError(ErrorCode::ServerNotInitialized,
                           "the server is not initialized");
        if (initialized && method == "initialize")
          return makeError(ErrorCode::InvalidRequest,
                           "the server is already initialized");
        (void)request;
        return llvm::Error::success();
      });

  dispatcher.onRequest(
      "initialize",
      [this](const llvm::json::Value &params)
          -> llvm::Expected<llvm::json::Value> {
        // Positions in UTF-8 bytes when the client offers them (LSP 3.17),
        // else the protocol's default, UTF-16 code units.
        encoding = OffsetEncoding::UTF16;
        if (const llvm::json::Object *o = params.getAsObject())
          if (const llvm::json::Object *caps = o->getObject("capabilities"))
            if (const llvm::json::Object *general = caps->getObject("general"))
              if (const llvm::json::Array *encs =
                      general->getArray("positionEncodings"))
                for (const llvm::json::Value &e : *encs)
                  if (e.getAsString() == llvm::StringRef("utf-8"))
                    encoding = OffsetEncoding::UTF8;
        initialized = true;
        llvm::json::Object capabilities{
            {"positionEncoding", encodingName(encoding)},
            {"textDocumentSync",
             llvm::json::Object{{"openClose", true},
                                {"change", 1}, // full text
                                {"save", llvm::json::Object{}}}},
            {"hoverProvider", true},
            {"definitionProvider", true},
            {"documentSymbolProvider", true},
            {"completionProvider",
             llvm::json::Object{
                 {"triggerCharacters", llvm::json::Array{".", "(", ",", " "}},
                 {"resolveProvider", false}}},
            {"signatureHelpProvider",
             llvm::json::Object{
                 {"triggerCharacters", llvm::json::Array{"(", ","}},
                 {"retriggerCharacters", llvm::json::Array{":"}}}},
        };
        return llvm::json::Object{
            {"capabilities", std::move(capabilities)},
            {"serverInfo", llvm::json::Object{{"name", "tdlc"},
                                              {"version", options.version}}}};
      });
  dispatcher.onNotification("initialized", [](const llvm::json::Value &) {});
  dispatcher.onRequest(
      "shutdown",
      [this](const llvm::json::Value &) -> llvm::Expected<llvm::json::Value> {
        shutdownRequested = true;
        return nullptr;
      });
  dispatcher.onNotification(
      "exit", [this](const llvm::json::Value &) { exited = true; });

  dispatcher.onNotification(
      "textDocument/didOpen", [this](const llvm::json::Value &params) {
        const llvm::json::Object *o = params.getAsObject();
        const llvm::json::Object *td =
            o ? o->getObject("textDocument") : nullptr;
        std::optional<llvm::StringRef> uri =
            td ? td->getString("uri") : std::nullopt;
        std::optional<llvm::StringRef> text =
            td ? td->getString("text") : std::nullopt;
        if (!uri || !text)
          return;
        auto doc = std::make_unique<Document>();
        doc->uri = uri->str();
        doc->path = pathFromURI(*uri);
        if (doc->path.empty())
          doc->path = uri->str();
        doc->version = td->getInteger("version").value_or(0);
        doc->text = text->str();
        Document &d = *doc;
        documents[*uri] = std::move(doc);
        analyze(d);
        publish(d);
      });
  dispatcher.onNotification(
      "textDocument/didChange", [this](const llvm::json::Value &params) {
        Document *doc = find(params);
        const llvm::json::Object *o = params.getAsObject();
        const llvm::json::Array *changes =
            o ? o->getArray("contentChanges") : nullptr;
        if (!doc || !changes)
          return;
        for (const llvm::json::Value &change : *changes)
          if (const llvm::json::Object *c = change.getAsObject())
            applyChange(doc->text, *c, encoding);
        if (const llvm::json::Object *td = o->getObject("textDocument"))
          doc->version = td->getInteger("version").value_or(doc->version);
        analyze(*doc);
        publish(*doc);
      });
  dispatcher.onNotification("textDocument/didSave",
                            [this](const llvm::json::Value &) {
                              // A saved file may be imported by the others:
                              // analyze them all.
                              for (auto &entry : documents) {
                                analyze(*entry.second);
                                publish(*entry.second);
                              }
                            });
  dispatcher.onNotification(
      "textDocument/didClose", [this](const llvm::json::Value &params) {
        Document *doc = find(params);
        if (!doc)
          return;
        std::string uri = doc->uri;
        documents.erase(uri);
        send(llvm::json::Object{
            {"jsonrpc", "2.0"},
            {"method", "textDocument/publishDiagnostics"},
            {"params",
             llvm::json::Object{{"uri", uri},
                                {"diagnostics", llvm::json::Array()}}}});
      });

  // The position-based features share their set-up.
  using Feature = llvm::json::Value (*)(const FeatureContext &, Position);
  auto positional = [this](Feature feature) {
    return [this, feature](const llvm::json::Value &params)
               -> llvm::Expected<llvm::json::Value> {
      llvm::Expected<Position> p = positionParam(params);
      if (!p)
        return p.takeError();
      Document *doc = find(params);
      if (!doc || !doc->current)
        return nullptr;
      LineTable lines(doc->current->text(), encoding);
      FeatureContext c{*doc->current, doc->previous.get(),
                       lines,         doc->uri,
                       encoding,      locator};
      Position at = *p;
      return safely([&] { return feature(c, at); });
    };
  };
  dispatcher.onRequest("textDocument/hover", positional(hover));
  dispatcher.onRequest("textDocument/definition", positional(definition));
  dispatcher.onRequest("textDocument/completion", positional(completion));
  dispatcher.onRequest("textDocument/signatureHelp", positional(signatureHelp));
  dispatcher.onRequest("textDocument/documentSymbol",
                       [this](const llvm::json::Value &params)
                           -> llvm::Expected<llvm::json::Value> {
                         Document *doc = find(params);
                         if (!doc || !doc->current)
                           return nullptr;
                         LineTable lines(doc->current->text(), encoding);
                         FeatureContext c{*doc->current, doc->previous.get(),
                                          lines,         doc->uri,
                                          encoding,      locator};
                         return safely([&] { return documentSymbols(c); });
                       });
}

int runServer(std::FILE *in, llvm::raw_ostream &out,
              const ServerOptions &options) {
  if (options.recoverFromCrashes)
    llvm::CrashRecoveryContext::Enable();
  Transport transport(in, out);
  Server server(options, [&](llvm::json::Value v) { transport.write(v); });
  std::string body, problem;
  while (!server.exitRequested()) {
    Transport::Status status = transport.read(body, problem);
    if (status == Transport::Status::Eof)
      break;
    if (status == Transport::Status::Malformed) {
      llvm::errs() << "tdlc lsp: " << problem << '\n';
      server.reportBadFraming(problem);
      continue;
    }
    server.handleMessage(body);
  }
  return server.exitStatus();
}

} // namespace tdl::lsp
