//===- Protocol.cpp -------------------------------------------------------===//
#include "tools/lsp/Protocol.h"

#include "llvm/ADT/StringExtras.h"

namespace tdl::lsp {

char LspError::ID;

std::string jsonText(llvm::StringRef text) {
  if (llvm::json::isUTF8(text))
    return text.str();
  return llvm::json::fixUTF8(text);
}

llvm::json::Value toJSON(const Position &p) {
  return llvm::json::Object{{"line", p.line}, {"character", p.character}};
}

llvm::json::Value toJSON(const Range &r) {
  return llvm::json::Object{{"start", toJSON(r.start)}, {"end", toJSON(r.end)}};
}

bool fromJSON(const llvm::json::Value &v, Position &p, llvm::json::Path path) {
  llvm::json::ObjectMapper o(v, path);
  int64_t line = 0, character = 0;
  if (!o || !o.map("line", line) || !o.map("character", character))
    return false;
  if (line < 0 || character < 0 || line > INT32_MAX || character > INT32_MAX) {
    path.report("negative or huge position");
    return false;
  }
  p.line = int(line);
  p.character = int(character);
  return true;
}

llvm::StringRef encodingName(OffsetEncoding e) {
  return e == OffsetEncoding::UTF8 ? "utf-8" : "utf-16";
}

LineTable::LineTable(llvm::StringRef text, OffsetEncoding encoding)
    : textRef(text), encoding(encoding) {
  lineStarts.push_back(0);
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n')
      lineStarts.push_back(i + 1);
}

/// UTF-16 code units of the UTF-8 byte sequence `s` (a lead byte of a
/// four-byte sequence counts two, continuation bytes none).
static int utf16Length(llvm::StringRef s) {
  int units = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) == 0x80)
      continue;
    units += (c >= 0xF0) ? 2 : 1;
  }
  return units;
}

Position LineTable::position(size_t offset) const {
  offset = std::min(offset, textRef.size());
  auto it = std::upper_bound(lineStarts.begin(), lineStarts.end(), offset);
  size_t line = size_t(it - lineStarts.begin()) - 1;
  llvm::StringRef before = textRef.slice(lineStarts[line], offset);
  int character = encoding == OffsetEncoding::UTF8 ? int(before.size())
                                                   : utf16Length(before);
  return {int(line), character};
}

size_t LineTable::offset(Position p) const {
  if (p.line < 0)
    return 0;
  if (size_t(p.line) >= lineStarts.size())
    return textRef.size();
  size_t start = lineStarts[p.line];
  size_t end = size_t(p.line) + 1 < lineStarts.size()
                   ? lineStarts[p.line + 1] - 1 // the '\n'
                   : textRef.size();
  if (end > start && textRef[end - 1] == '\r')
    --end;
  if (encoding == OffsetEncoding::UTF8)
    return std::min(start + size_t(std::max(p.character, 0)), end);
  int units = 0;
  size_t i = start;
  while (i < end && units < p.character) {
    unsigned char c = textRef[i];
    size_t len = c < 0x80    ? 1
                 : c >= 0xF0 ? 4
                 : c >= 0xE0 ? 3
                 : c >= 0xC0 ? 2
                             : 1;
    units += len == 4 ? 2 : 1;
    i = std::min(i + len, end);
  }
  return i;
}

std::string pathFromURI(llvm::StringRef uri) {
  if (!uri.consume_front("file://"))
    return "";
  // file://host/path: only the local host (empty or "localhost").
  (void)uri.consume_front("localhost");
  if (!uri.starts_with("/"))
    return "";
  std::string path;
  for (size_t i = 0; i < uri.size(); ++i) {
    char c = uri[i];
    if (c != '%') {
      path += c;
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= uri.size() || !llvm::isHexDigit(uri[i + 1]) ||
        !llvm::isHexDigit(uri[i + 2]) ||
        uri.substr(i + 1, 2).getAsInteger(16, value) || value == 0)
      return "";
    path += char(value);
    i += 2;
  }
  return path;
}

std::string uriFromPath(llvm::StringRef path) {
  std::string uri = "file://";
  for (unsigned char c : path) {
    if (llvm::isAlnum(c) || llvm::StringRef("/-_.~").contains(char(c)))
      uri += char(c);
    else
      uri += "%" + llvm::utohexstr(c, /*LowerCase=*/false, /*Width=*/2);
  }
  return uri;
}

llvm::Expected<std::string> stringParam(const llvm::json::Value &params,
                                        llvm::StringRef outer,
                                        llvm::StringRef inner) {
  const llvm::json::Object *o = params.getAsObject();
  if (o && !inner.empty())
    o = o->getObject(outer);
  std::optional<llvm::StringRef> s;
  if (o)
    s = o->getString(inner.empty() ? outer : inner);
  if (!s)
    return makeError(ErrorCode::InvalidParams,
                     "missing string parameter '" + outer +
                         (inner.empty() ? "" : "." + inner) + "'");
  return s->str();
}

llvm::Expected<Position> positionParam(const llvm::json::Value &params) {
  const llvm::json::Object *o = params.getAsObject();
  const llvm::json::Value *v = o ? o->get("position") : nullptr;
  Position p;
  llvm::json::Path::Root root("position");
  if (!v || !fromJSON(*v, p, root)) {
    llvm::consumeError(root.getError());
    return makeError(ErrorCode::InvalidParams, "missing or invalid 'position'");
  }
  return p;
}

} // namespace tdl::lsp
