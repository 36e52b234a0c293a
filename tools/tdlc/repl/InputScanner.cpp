//===- InputScanner.cpp ---------------------------------------------------===//
#include "tools/tdlc/repl/InputScanner.h"

#include "llvm/ADT/StringExtras.h"

namespace tdl::repl {

namespace {
/// Walks the text one significant character at a time, skipping `//` and
/// (nestable) `/* */` comments, and keeps the bracket depth.
class Scanner {
public:
  explicit Scanner(llvm::StringRef text) : text(text) {}

  /// Advances to the next significant character; false at the end.
  bool next() {
    while (pos < text.size()) {
      if (text.substr(pos).starts_with("//")) {
        size_t nl = text.find('\n', pos);
        pos = nl == llvm::StringRef::npos ? text.size() : nl + 1;
        continue;
      }
      if (text.substr(pos).starts_with("/*")) {
        skipBlockComment();
        continue;
      }
      if (llvm::isSpace(text[pos])) {
        ++pos;
        continue;
      }
      current = pos++;
      char c = text[current];
      if (c == '(' || c == '[' || c == '{')
        ++depth;
      else if ((c == ')' || c == ']' || c == '}') && depth > 0)
        --depth;
      return true;
    }
    return false;
  }

  char ch() const { return text[current]; }
  size_t offset() const { return current; }
  int getDepth() const { return depth; }
  bool inUnterminatedComment() const { return openComment; }

  /// The identifier starting at the current character (the scanner moves
  /// past it), or empty.
  llvm::StringRef takeIdentifier() {
    char c = ch();
    if (!(llvm::isAlpha(c) || c == '_'))
      return {};
    size_t end = current + 1;
    while (end < text.size() && (llvm::isAlnum(text[end]) || text[end] == '_'))
      ++end;
    pos = end;
    return text.slice(current, end);
  }

private:
  void skipBlockComment() {
    int nesting = 0;
    while (pos < text.size()) {
      if (text.substr(pos).starts_with("/*")) {
        ++nesting;
        pos += 2;
      } else if (text.substr(pos).starts_with("*/")) {
        pos += 2;
        if (--nesting == 0)
          return;
      } else {
        ++pos;
      }
    }
    openComment = true;
  }

  llvm::StringRef text;
  size_t pos = 0, current = 0;
  int depth = 0;
  bool openComment = false;
};
} // namespace

bool needsMoreInput(llvm::StringRef text) {
  Scanner s(text);
  while (s.next())
    (void)s.takeIdentifier(); // identifiers may not hide brackets; skip them
  return s.getDepth() > 0 || s.inUnterminatedComment();
}

bool hasCode(llvm::StringRef text) {
  Scanner s(text);
  return s.next();
}

llvm::StringRef firstWord(llvm::StringRef text) {
  Scanner s(text);
  if (!s.next())
    return {};
  if (s.ch() == '@')
    return "@";
  return s.takeIdentifier();
}

bool isDeclarationInput(llvm::StringRef text) {
  llvm::StringRef w = firstWord(text);
  return w == "fn" || w == "struct" || w == "import" || w == "const" ||
         w == "export" || w == "@";
}

bool endsWithSemicolon(llvm::StringRef text) {
  Scanner s(text);
  char last = 0;
  while (s.next()) {
    last = s.ch();
    (void)s.takeIdentifier();
  }
  return last == ';';
}

std::vector<size_t> statementBoundaries(llvm::StringRef text) {
  std::vector<size_t> result{0};
  Scanner s(text);
  while (s.next()) {
    if (s.getDepth() == 0 && (s.ch() == ';' || s.ch() == '}'))
      result.push_back(s.offset() + 1);
    (void)s.takeIdentifier();
  }
  std::reverse(result.begin(), result.end());
  return result;
}

std::vector<std::pair<size_t, size_t>> splitDeclarations(llvm::StringRef text) {
  std::vector<std::pair<size_t, size_t>> result;
  Scanner s(text);
  size_t begin = 0;
  bool closedBody = false; // just saw the `}` ending a declaration
  while (s.next()) {
    if (closedBody) {
      closedBody = false;
      if (s.ch() == ';') {
        result.back().second = s.offset() + 1;
        begin = s.offset() + 1;
        continue;
      }
    }
    if (s.getDepth() == 0 && (s.ch() == ';' || s.ch() == '}')) {
      result.push_back({begin, s.offset() + 1});
      begin = s.offset() + 1;
      closedBody = s.ch() == '}';
      continue;
    }
    (void)s.takeIdentifier();
  }
  if (!llvm::StringRef(text.substr(begin)).trim().empty())
    result.push_back({begin, text.size()});
  return result;
}

llvm::StringSet<> identifiersIn(llvm::StringRef text) {
  llvm::StringSet<> result;
  Scanner s(text);
  while (s.next()) {
    // May over-report (the `e3` of `1e3`): the caller only uses this to
    // decide which bindings to pass in, and an extra one is harmless.
    llvm::StringRef id = s.takeIdentifier();
    if (!id.empty())
      result.insert(id);
  }
  return result;
}

bool mentionsIdentifier(llvm::StringRef text, llvm::StringRef word) {
  return identifiersIn(text).contains(word);
}

} // namespace tdl::repl
