//===- JsonRpc.cpp --------------------------------------------------------===//
#include "tools/lsp/JsonRpc.h"

namespace tdl::lsp {

void Dispatcher::replyError(llvm::json::Value id, ErrorCode code,
                            const std::string &message) {
  send(llvm::json::Object{
      {"jsonrpc", "2.0"},
      {"id", std::move(id)},
      {"error", llvm::json::Object{{"code", int(code)},
                                   {"message", jsonText(message)}}}});
}

void Dispatcher::replyError(llvm::json::Value id, llvm::Error error) {
  ErrorCode code = ErrorCode::InternalError;
  std::string text;
  llvm::handleAllErrors(
      std::move(error),
      [&](const LspError &e) {
        code = e.code;
        text = e.message;
      },
      [&](const llvm::ErrorInfoBase &e) { text = e.message(); });
  replyError(std::move(id), code, text);
}

void Dispatcher::handle(llvm::StringRef body) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(body);
  if (!parsed) {
    replyError(nullptr, ErrorCode::ParseError,
               "invalid JSON: " + llvm::toString(parsed.takeError()));
    return;
  }
  const llvm::json::Object *message = parsed->getAsObject();
  if (!message) {
    replyError(nullptr, ErrorCode::InvalidRequest,
               "a message must be a JSON object");
    return;
  }
  const llvm::json::Value *idValue = message->get("id");
  std::optional<llvm::json::Value> id;
  if (idValue) {
    // JSON-RPC ids are numbers or strings.
    if (idValue->kind() != llvm::json::Value::Number &&
        idValue->kind() != llvm::json::Value::String) {
      replyError(nullptr, ErrorCode::InvalidRequest,
                 "'id' must be a number or a string");
      return;
    }
    id = *idValue;
  }
  std::optional<llvm::StringRef> version = message->getString("jsonrpc");
  std::optional<llvm::StringRef> method = message->getString("method");
  if (!method) {
    // A response to a request of ours (we send none that need answers) or
    // garbage; only a request-looking message is answered.
    if (id && !message->get("result") && !message->get("error"))
      replyError(*id, ErrorCode::InvalidRequest, "missing 'method'");
    return;
  }
  if (!version || *version != "2.0") {
    if (id)
      replyError(*id, ErrorCode::InvalidRequest, "'jsonrpc' must be \"2.0\"");
    return;
  }
  static const llvm::json::Value kNoParams = nullptr;
  const llvm::json::Value *params = message->get("params");
  if (!params)
    params = &kNoParams;

  if (!id) {
    auto it = notifications.find(*method);
    if (it == notifications.end())
      return; // unknown notifications ($/cancelRequest, ...) are ignored
    if (gate) {
      if (llvm::Error e = gate(*method, false)) {
        llvm::consumeError(std::move(e));
        return;
      }
    }
    it->second(*params);
    return;
  }

  auto it = requests.find(*method);
  if (it == requests.end()) {
    replyError(*id, ErrorCode::MethodNotFound,
               "method not found: " + method->str());
    return;
  }
  if (gate) {
    if (llvm::Error e = gate(*method, true)) {
      replyError(*id, std::move(e));
      return;
    }
  }
  llvm::Expected<llvm::json::Value> result = it->second(*params);
  if (!result) {
    replyError(*id, result.takeError());
    return;
  }
  send(llvm::json::Object{
      {"jsonrpc", "2.0"}, {"id", *id}, {"result", std::move(*result)}});
}

} // namespace tdl::lsp
