//===- Protocol.h - LSP positions, ranges, URIs and errors --------*- C++
//-*-===//
//
// The small part of the Language Server Protocol's data model the server
// needs, with conversions to and from llvm::json:
//   - Position / Range, and LineTable, which converts between byte offsets
//     into a document and LSP positions in the negotiated encoding (UTF-16
//     code units by default, UTF-8 bytes when the client offers it);
//   - file URIs (percent-encoded) to paths and back;
//   - JSON-RPC error codes, carried as an llvm::Error (LspError).
//
// Every string that goes into JSON passes through jsonText(): llvm::json
// requires valid UTF-8, and source text need not be.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_LSP_PROTOCOL_H
#define TDL_TOOLS_LSP_PROTOCOL_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace tdl::lsp {

/// JSON-RPC 2.0 and LSP error codes.
enum class ErrorCode : int {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerNotInitialized = -32002,
  RequestFailed = -32803,
};

/// An error a request handler returns; the dispatcher turns it into the
/// reply's `error` member.
class LspError : public llvm::ErrorInfo<LspError> {
public:
  static char ID;
  LspError(ErrorCode code, std::string message)
      : code(code), message(std::move(message)) {}
  void log(llvm::raw_ostream &os) const override { os << message; }
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }
  ErrorCode code;
  std::string message;
};

inline llvm::Error makeError(ErrorCode code, const llvm::Twine &message) {
  return llvm::make_error<LspError>(code, message.str());
}

/// `text` as valid UTF-8 (invalid bytes become U+FFFD), for llvm::json.
std::string jsonText(llvm::StringRef text);

struct Position {
  int line = 0;      // 0-based
  int character = 0; // 0-based, in the negotiated encoding's units
  friend bool operator==(const Position &, const Position &) = default;
};
struct Range {
  Position start, end;
};

llvm::json::Value toJSON(const Position &p);
llvm::json::Value toJSON(const Range &r);
bool fromJSON(const llvm::json::Value &v, Position &p, llvm::json::Path path);

enum class OffsetEncoding { UTF16, UTF8 };
llvm::StringRef encodingName(OffsetEncoding e);

/// Byte offsets <-> positions in one text. Positions past the end of a line
/// or of the text are clamped (clients send those, and LSP allows it).
class LineTable {
public:
  LineTable(llvm::StringRef text, OffsetEncoding encoding);
  Position position(size_t offset) const;
  size_t offset(Position p) const;
  llvm::StringRef text() const { return textRef; }

private:
  llvm::StringRef textRef;
  OffsetEncoding encoding;
  std::vector<size_t> lineStarts;
};

/// `file:///a/b%20c.tdl` -> `/a/b c.tdl`; empty for another scheme or a
/// malformed URI.
std::string pathFromURI(llvm::StringRef uri);
/// `/a/b c.tdl` -> `file:///a/b%20c.tdl`.
std::string uriFromPath(llvm::StringRef path);

/// Reads a member of a params object, reporting InvalidParams.
llvm::Expected<std::string> stringParam(const llvm::json::Value &params,
                                        llvm::StringRef outer,
                                        llvm::StringRef inner = "");
llvm::Expected<Position> positionParam(const llvm::json::Value &params);

} // namespace tdl::lsp

#endif
