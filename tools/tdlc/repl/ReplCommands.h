//===- ReplCommands.h - the REPL's `:` commands ------------------*- C++
//-*-===//
#ifndef TDL_TOOLS_REPL_REPLCOMMANDS_H
#define TDL_TOOLS_REPL_REPLCOMMANDS_H

#include "tools/tdlc/repl/ReplSession.h"

#include <string>
#include <vector>

namespace tdl::repl {

enum class CommandResult { Ok, Error, Quit };

/// Runs one `:command args` line.
CommandResult runCommand(llvm::StringRef line, ReplSession &session,
                         llvm::raw_ostream &out);

/// `:help`, `:type`, ... for tab completion.
std::vector<std::string> commandNames();

} // namespace tdl::repl

#endif
