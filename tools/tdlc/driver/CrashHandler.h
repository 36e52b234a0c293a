//===- CrashHandler.h - internal compiler errors exit with status 3 -*- C++
//-*-===//
//
// A crash, assertion or LLVM fatal error is a bug in tdlc, never a user error:
// print "internal compiler error" with the stage that was running and exit 3
// (CLI.md). Stages are marked with a scoped CompilerStage.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_CRASHHANDLER_H
#define TDL_TOOLS_CRASHHANDLER_H

namespace tdl {

void installCrashHandler(const char *programName);

/// Names the stage reported if tdlc crashes while this object lives.
class CompilerStage {
public:
  explicit CompilerStage(const char *name);
  ~CompilerStage();
  CompilerStage(const CompilerStage &) = delete;
  CompilerStage &operator=(const CompilerStage &) = delete;

private:
  const char *previous;
};

} // namespace tdl

#endif
