//===- TextContext.h - the cursor's surroundings, read from text --*- C++
//-*-===//
//
// Completion and signature help run on text that is being typed and often
// does not parse (`l.`, `softmax(x, ax`). They need the word being typed,
// the dotted names before a `.`, and the innermost call whose argument list
// holds the cursor. scanContext() reads these from the text alone: one
// forward pass that skips comments and tracks brackets, so it cannot be
// misled by a syntax error earlier in the file.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_LSP_TEXTCONTEXT_H
#define TDL_TOOLS_LSP_TEXTCONTEXT_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace tdl::lsp {

struct CallSite {
  size_t openParen = 0;
  /// The callee as written: `softmax`, `nn.softmax` (`f<...>` without the
  /// generic arguments).
  std::vector<std::string> callee;
  /// Index of the argument holding the cursor, and how many positional
  /// arguments precede it.
  unsigned activeArg = 0;
  unsigned positionalBefore = 0;
  /// The active argument is `name: ...` with the cursor after the colon.
  std::optional<std::string> activeName;
  /// The active argument so far is at most one identifier (a name could
  /// be being typed: `sum(x, ke|`).
  bool maybeTypingName = false;
  /// Names already given (`axis:` before the cursor or after it).
  std::vector<std::string> namedGiven;
};

struct TextContext {
  bool inComment = false;
  /// The identifier characters just before the cursor.
  size_t wordStart = 0;
  std::string prefix;
  /// The word follows a `.`: `memberOf` are the dotted names before it
  /// (`model.l1.` gives {"model", "l1"}); empty when the `.` follows
  /// something else (`f(x).`).
  bool afterDot = false;
  std::vector<std::string> memberOf;
  std::optional<CallSite> call;
};

TextContext scanContext(llvm::StringRef text, size_t offset);

} // namespace tdl::lsp

#endif
