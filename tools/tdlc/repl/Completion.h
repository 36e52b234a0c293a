//===- Completion.h - tab completion for the REPL -----------------*- C++
//-*-===//
#ifndef TDL_TOOLS_REPL_COMPLETION_H
#define TDL_TOOLS_REPL_COMPLETION_H

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace tdl::repl {

/// The fixed vocabulary: keywords, builtins, transforms, stdlib functions
/// (unqualified and as `nn.softmax`), dtypes.
const std::vector<std::string> &staticCompletionWords();

/// The word being typed at `pos` of `line` (letters, digits, `_`, `.`, and
/// a leading `:` for commands), and every candidate in `words` (plus the
/// `:` commands at the start of a line) that extends it, sorted, unique.
std::vector<std::string> completeWord(llvm::StringRef line, size_t pos,
                                      const std::vector<std::string> &words,
                                      const std::vector<std::string> &commands,
                                      std::string &prefix);

} // namespace tdl::repl

#endif
