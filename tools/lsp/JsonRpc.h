//===- JsonRpc.h - JSON-RPC 2.0 dispatch by method name -----------*- C++
//-*-===//
//
// handle() takes one message body: it parses the JSON (llvm::json::parse),
// tells requests (a `method` and an `id`) from notifications (no `id`) and
// from responses to the server's own requests (ignored), and calls the
// handler registered for the method. A request always gets exactly one
// reply: the handler's result, or an error object (ParseError for bad
// JSON, InvalidRequest for a message that is not a JSON-RPC request,
// MethodNotFound for an unknown method, or the handler's LspError).
// Notifications never get a reply, known or not.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_LSP_JSONRPC_H
#define TDL_TOOLS_LSP_JSONRPC_H

#include "tools/lsp/Protocol.h"

#include "llvm/ADT/StringMap.h"

#include <functional>

namespace tdl::lsp {

class Dispatcher {
public:
  using RequestHandler = std::function<llvm::Expected<llvm::json::Value>(
      const llvm::json::Value &)>;
  using NotificationHandler = std::function<void(const llvm::json::Value &)>;
  /// Runs before a known method's handler: an error refuses the message
  /// (for a request it becomes the reply; a notification is dropped).
  using Gate = std::function<llvm::Error(llvm::StringRef method, bool request)>;

  explicit Dispatcher(std::function<void(llvm::json::Value)> send)
      : send(std::move(send)) {}

  void onRequest(llvm::StringRef method, RequestHandler h) {
    requests[method] = std::move(h);
  }
  void onNotification(llvm::StringRef method, NotificationHandler h) {
    notifications[method] = std::move(h);
  }
  void setGate(Gate g) { gate = std::move(g); }

  void handle(llvm::StringRef body);

  /// A reply carrying `error` for the request `id` (null for a message
  /// whose id could not be read).
  void replyError(llvm::json::Value id, ErrorCode code,
                  const std::string &message);
  void replyError(llvm::json::Value id, llvm::Error error);

private:
  std::function<void(llvm::json::Value)> send;
  llvm::StringMap<RequestHandler> requests;
  llvm::StringMap<NotificationHandler> notifications;
  Gate gate;
};

} // namespace tdl::lsp

#endif
