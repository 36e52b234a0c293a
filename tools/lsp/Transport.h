//===- Transport.h - LSP base protocol: Content-Length framing ----*- C++
//-*-===//
//
// A message is a header block (`Content-Length: N`, optionally
// `Content-Type: ...`, each line ending in CRLF, then an empty line) and N
// bytes of JSON. read() returns one body at a time; a header block without
// a valid Content-Length is reported as Malformed and skipped (the next
// block is read from where it ended, so the stream resynchronizes on the
// next well-formed header). write() frames one JSON value.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_LSP_TRANSPORT_H
#define TDL_TOOLS_LSP_TRANSPORT_H

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <string>

namespace tdl::lsp {

class Transport {
public:
  /// The largest body accepted (a larger Content-Length is Malformed).
  static constexpr size_t kMaxBody = 64u << 20;

  Transport(std::FILE *in, llvm::raw_ostream &out) : in(in), out(out) {}

  enum class Status { Message, Malformed, Eof };
  /// Reads the next message into `body`. Malformed: `problem` says why.
  Status read(std::string &body, std::string &problem);

  /// Writes `message` with its header and flushes.
  void write(const llvm::json::Value &message);

private:
  /// One header line without its line ending; false at end of input.
  bool readLine(std::string &line);
  std::FILE *in;
  llvm::raw_ostream &out;
};

} // namespace tdl::lsp

#endif
