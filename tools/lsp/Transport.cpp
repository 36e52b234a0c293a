//===- Transport.cpp ------------------------------------------------------===//
#include "tools/lsp/Transport.h"

#include "llvm/ADT/StringExtras.h"

namespace tdl::lsp {

bool Transport::readLine(std::string &line) {
  line.clear();
  for (;;) {
    int c = std::getc(in);
    if (c == EOF)
      return !line.empty();
    if (c == '\n')
      break;
    // A header line has no business being long; cap it so garbage input
    // cannot grow it without bound (the rest of the line is dropped).
    if (line.size() < 4096)
      line += char(c);
  }
  if (!line.empty() && line.back() == '\r')
    line.pop_back();
  return true;
}

Transport::Status Transport::read(std::string &body, std::string &problem) {
  std::string line;
  std::optional<size_t> length;
  bool badLength = false;
  bool sawHeader = false;
  for (;;) {
    if (!readLine(line))
      return Status::Eof;
    if (line.empty()) {
      if (!sawHeader)
        continue; // blank lines between messages
      break;
    }
    sawHeader = true;
    llvm::StringRef name, value;
    std::tie(name, value) = llvm::StringRef(line).split(':');
    if (!name.trim().equals_insensitive("content-length"))
      continue; // Content-Type, or garbage: ignored
    uint64_t n = 0;
    if (value.trim().getAsInteger(10, n) || n > kMaxBody) {
      badLength = true;
      problem = "invalid Content-Length header: '" + value.trim().str() + "'";
      continue;
    }
    length = n;
    badLength = false;
  }
  if (badLength || !length) {
    if (!badLength)
      problem = "message header without Content-Length";
    return Status::Malformed;
  }
  body.resize(*length);
  size_t got = *length ? std::fread(body.data(), 1, *length, in) : 0;
  if (got != *length)
    return Status::Eof;
  return Status::Message;
}

void Transport::write(const llvm::json::Value &message) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::json::OStream(os).value(message);
  os.flush();
  out << "Content-Length: " << text.size() << "\r\n\r\n" << text;
  out.flush();
}

} // namespace tdl::lsp
