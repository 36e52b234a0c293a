//===- Depfile.cpp - `tdlc -MD -MF deps.d` --------------------------------===//
#include "tools/tdlc/Depfile.h"
#include "tools/tdlc/driver/DriverOptions.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace cl = llvm::cl;

namespace tdl {

static cl::opt<bool> writeDeps("MD",
                               cl::desc("Also write a Make-style dependency "
                                        "file of the output (gcc's -MD)"),
                               cl::cat(opts::Category));
static cl::opt<std::string>
    depFile("MF", cl::desc("The dependency file (default: <output>.d)"),
            cl::value_desc("file"), cl::cat(opts::Category));
static cl::opt<std::string>
    depTarget("MT",
              cl::desc("The target named in the dependency file (default: "
                       "the output)"),
              cl::value_desc("target"), cl::cat(opts::Category));
static cl::opt<bool>
    phonyTargets("MP",
                 cl::desc("Add a phony target for each dependency (gcc's "
                          "-MP: Make then survives a deleted import)"),
                 cl::cat(opts::Category));

bool depfileRequested() { return writeDeps; }

/// Make's escapes: spaces and '#' with a backslash, '$' doubled.
static std::string escape(llvm::StringRef path) {
  std::string out;
  for (char c : path) {
    if (c == ' ' || c == '#')
      out += '\\';
    if (c == '$')
      out += '$';
    out += c;
  }
  return out;
}

bool writeDepfile(const Session &session, llvm::StringRef output) {
  std::vector<std::string> deps;
  for (unsigned id = 1; id <= session.sources.getNumBuffers(); ++id) {
    llvm::StringRef name = session.sources.getBufferName(id);
    if (name == "-" || !llvm::sys::fs::is_regular_file(name))
      continue; // stdin, the embedded stdlib, REPL inputs
    if (std::find(deps.begin(), deps.end(), name) == deps.end())
      deps.push_back(name.str());
  }
  std::string target = depTarget.empty() ? output.str() : depTarget.getValue();
  std::string file = depFile.empty() ? output.str() + ".d" : depFile.getValue();
  return writeOutputFile(file, [&](llvm::raw_ostream &os) {
    os << escape(target) << ":";
    for (const std::string &d : deps)
      os << " \\\n  " << escape(d);
    os << "\n";
    if (phonyTargets)
      for (size_t i = 1; i < deps.size(); ++i)
        os << "\n" << escape(deps[i]) << ":\n";
  });
}

} // namespace tdl
