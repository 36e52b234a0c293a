//===- ReplCommands.cpp - :help :type :ir :ast :load :reset :time ... -----===//
#include "tools/tdlc/repl/ReplCommands.h"

#include "llvm/Support/WithColor.h"

namespace tdl::repl {

namespace {
struct Command {
  const char *name;
  const char *args;
  const char *help;
};
} // namespace

static const Command commands[] = {
    {":help", "", "show this help"},
    {":type", "EXPR", "the type of EXPR (or of a function) without running it"},
    {":ir", "EXPR|NAME", "the optimized IR of EXPR or of function NAME"},
    {":ast", "EXPR", "the syntax tree of EXPR"},
    {":load", "FILE", "add the declarations of FILE"},
    {":reset", "", "forget every binding and declaration"},
    {":time", "EXPR", "run EXPR repeatedly and print mean ± std per run"},
    {":backend", "cpu|interp",
     "where inputs run: the JIT (default) or the interpreter"},
    {":quit", "", "leave (also :q, Ctrl-D or the end of input)"},
};

std::vector<std::string> commandNames() {
  std::vector<std::string> names;
  for (const Command &c : commands)
    names.push_back(c.name);
  return names;
}

static void printHelp(llvm::raw_ostream &out) {
  out << "Type TDL: `let`/`var` bindings, expressions (printed with their "
         "type; a trailing ';'\nhides the value), fn/struct/const/import "
         "declarations (a new fn replaces an old\none). Input continues while "
         "brackets are open.\n\nCommands:\n";
  for (const Command &c : commands) {
    std::string head = std::string(c.name) + (*c.args ? " " : "") + c.args;
    out << "  " << head
        << std::string(head.size() < 22 ? 22 - head.size() : 1, ' ') << c.help
        << '\n';
  }
}

static CommandResult usage(llvm::raw_ostream &out, llvm::StringRef name,
                           llvm::StringRef args) {
  out.flush();
  llvm::WithColor::error(llvm::errs(), "tdlc")
      << "usage: " << name << ' ' << args << '\n';
  return CommandResult::Error;
}

static CommandResult result(bool ok) {
  return ok ? CommandResult::Ok : CommandResult::Error;
}

CommandResult runCommand(llvm::StringRef line, ReplSession &session,
                         llvm::raw_ostream &out) {
  line = line.trim();
  auto [name, rest] = line.split(' ');
  llvm::StringRef arg = rest.trim();
  if (name == ":quit" || name == ":q" || name == ":exit")
    return CommandResult::Quit;
  if (name == ":help" || name == ":h" || name == ":?") {
    printHelp(out);
    return CommandResult::Ok;
  }
  if (name == ":reset") {
    session.reset();
    return CommandResult::Ok;
  }
  if (name == ":backend") {
    if (arg == "interp")
      session.backend = Backend::Interp;
    else if (arg == "cpu")
      session.backend = Backend::Cpu;
    else if (!arg.empty())
      return usage(out, name, "cpu|interp");
    out << (session.backend == Backend::Cpu
                ? "running on the cpu backend (JIT)\n"
                : "running on the reference interpreter\n");
    return CommandResult::Ok;
  }
  for (const Command &c : commands) {
    if (name != c.name || !*c.args)
      continue;
    if (arg.empty())
      return usage(out, name, c.args);
    if (name == ":type")
      return result(session.printType(arg));
    if (name == ":ir")
      return result(session.printIR(arg));
    if (name == ":ast")
      return result(session.printAST(arg));
    if (name == ":load")
      return result(session.loadFile(arg));
    if (name == ":time")
      return result(session.timeExpression(arg));
  }
  out.flush();
  llvm::WithColor::error(llvm::errs(), "tdlc")
      << "unknown command '" << name << "'; type :help for the list\n";
  return CommandResult::Error;
}

} // namespace tdl::repl
