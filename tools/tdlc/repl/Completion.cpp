//===- Completion.cpp -----------------------------------------------------===//
#include "tools/tdlc/repl/Completion.h"

#include "sema/Program.h"
#include "sema/Sema.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>

namespace tdl::repl {

/// `fn name` declarations of an embedded stdlib module.
static void addStdlibFunctions(llvm::StringRef module,
                               std::vector<std::string> &words) {
  llvm::StringRef text =
      sema::findEmbeddedStdlibSource(("std/" + module + ".tdl").str());
  while (!text.empty()) {
    size_t at = text.find("fn ");
    if (at == llvm::StringRef::npos)
      break;
    bool wordStart =
        at == 0 || !(llvm::isAlnum(text[at - 1]) || text[at - 1] == '_');
    text = text.substr(at + 3).ltrim();
    size_t len = 0;
    while (len < text.size() && (llvm::isAlnum(text[len]) || text[len] == '_'))
      ++len;
    if (wordStart && len > 0) {
      words.push_back(text.substr(0, len).str());
      words.push_back((module + "." + text.substr(0, len)).str());
    }
  }
}

const std::vector<std::string> &staticCompletionWords() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> w = {"fn",       "let",       "var",
                                  "const",    "struct",    "return",
                                  "if",       "else",      "for",
                                  "in",       "while",     "break",
                                  "continue", "import",    "export",
                                  "as",       "true",      "false",
                                  "print",    "grad",      "value_and_grad",
                                  "vjp",      "jvp",       "bool",
                                  "i8",       "i32",       "i64",
                                  "f32",      "f64",       "std.math",
                                  "std.nn",   "std.optim", "std.quant"};
    for (unsigned i = 0; i < unsigned(sema::BuiltinId::NumBuiltins); ++i)
      w.push_back(sema::getBuiltinName(sema::BuiltinId(i)).str());
    for (llvm::StringRef m : {"math", "nn", "optim", "quant"})
      addStdlibFunctions(m, w);
    return w;
  }();
  return words;
}

std::vector<std::string> completeWord(llvm::StringRef line, size_t pos,
                                      const std::vector<std::string> &words,
                                      const std::vector<std::string> &commands,
                                      std::string &prefix) {
  pos = std::min(pos, line.size());
  size_t start = pos;
  auto isWordChar = [](char c) {
    return llvm::isAlnum(c) || c == '_' || c == '.';
  };
  while (start > 0 && isWordChar(line[start - 1]))
    --start;
  bool command = start == 1 && line[0] == ':';
  if (command)
    start = 0;
  prefix = line.slice(start, pos).str();
  std::vector<std::string> result;
  const std::vector<std::string> &pool = command ? commands : words;
  if (!command && prefix.empty())
    return result; // completing nothing would list the whole vocabulary
  for (const std::string &w : pool)
    if (llvm::StringRef(w).starts_with(prefix) &&
        (command || !llvm::StringRef(w).starts_with(":")))
      result.push_back(w);
  llvm::sort(result);
  result.erase(std::unique(result.begin(), result.end()), result.end());
  return result;
}

} // namespace tdl::repl
