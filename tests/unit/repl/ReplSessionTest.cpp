//===- ReplSessionTest.cpp - a REPL session driven directly ---------------===//
//
// The REPL's session (tools/tdlc/repl/ReplSession.h) without the line
// reader: inputs go to ReplSession::evaluate and `:` lines to runCommand,
// results are read from the output stream and errors from the diagnostics.
//
//===----------------------------------------------------------------------===//
#include "tools/tdlc/repl/ReplSession.h"
#include "tools/tdlc/driver/DriverOptions.h"
#include "tools/tdlc/repl/ReplCommands.h"

#include "basic/DiagnosticPrinters.h"
#include "basic/SourceManager.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace tdl;
using namespace tdl::repl;

namespace {

class ReplSessionTest : public ::testing::Test {
protected:
  /// The driver's options that replace LLVM's own (-ffast-math, ...), as
  /// tdlc's main registers them before the REPL reads any.
  static void SetUpTestSuite() {
    static bool registered = (opts::registerLateOptions(), true);
    (void)registered;
  }

  ReplSessionTest()
      : outStream(out), errStream(err),
        printer(errStream, sources, /*colors=*/false),
        session(sources, printer, outStream) {}

  /// Evaluates one input; returns what it printed and clears the streams.
  std::string eval(llvm::StringRef input, bool expectOk = true) {
    bool ok = session.evaluate(input);
    EXPECT_EQ(ok, expectOk) << "input: " << input.str() << "\nerrors: " << err;
    return take();
  }
  CommandResult command(llvm::StringRef line) {
    return runCommand(line, session, outStream);
  }
  std::string take() {
    outStream.flush();
    std::string s = out;
    out.clear();
    return s;
  }
  std::string takeErrors() {
    errStream.flush();
    std::string s = err;
    err.clear();
    return s;
  }

  std::string out, err;
  llvm::raw_string_ostream outStream, errStream;
  SourceManager sources;
  TextDiagnosticPrinter printer;
  ReplSession session;
};

TEST_F(ReplSessionTest, EvaluatesAnExpression) {
  EXPECT_EQ(eval("1 + 2\n"), "i32 3\n");
  EXPECT_EQ(eval("[1.0, 2.0] * 2.0\n"), "f32[2] [2, 4]\n");
  EXPECT_EQ(takeErrors(), "");
}

TEST_F(ReplSessionTest, BindingsOutliveTheirInput) {
  EXPECT_EQ(eval("let x = [3.0, 4.0];\n"), "");
  EXPECT_EQ(eval("x + 1.0\n"), "f32[2] [4, 5]\n");
}

TEST_F(ReplSessionTest, RedefinedFunctionIsUsedByItsCallers) {
  eval("fn sq(x: f32) -> f32 { return x * x; }\n");
  eval("fn twice_sq(x: f32) -> f32 { return 2.0 * sq(x); }\n");
  EXPECT_EQ(eval("twice_sq(3.0)\n"), "f32 18\n");
  eval("fn sq(x: f32) -> f32 { return x + x; }\n");
  EXPECT_EQ(eval("twice_sq(3.0)\n"), "f32 12\n");
  EXPECT_EQ(eval("sq(5.0)\n"), "f32 10\n");
}

TEST_F(ReplSessionTest, ErrorLeavesTheSessionUsable) {
  eval("let x = [1.0, 2.0, 3.0];\n");
  EXPECT_EQ(eval("let z = x + nope;\n", /*expectOk=*/false), "");
  EXPECT_NE(takeErrors().find("error: unknown name 'nope'"), std::string::npos);
  eval("fn broken(x: f32) -> f32 { return x +; }\n", /*expectOk=*/false);
  EXPECT_NE(takeErrors().find("error: expected expression"), std::string::npos);
  // Nothing of the failed inputs stays; what was there before does.
  eval("z\n", /*expectOk=*/false);
  EXPECT_NE(takeErrors().find("unknown name 'z'"), std::string::npos);
  EXPECT_EQ(eval("x * 2.0\n"), "f32[3] [2, 4, 6]\n");
  EXPECT_EQ(takeErrors(), "");
}

TEST_F(ReplSessionTest, BackendsPrintTheSameOutput) {
  const char *inputs[] = {
      "fn f(x: f32[3]) -> f32 { return sum(x * x); }\n",
      "let v = [1.0, 2.0, 3.0];\n",
      "f(v)\n",
      "v @ [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]\n",
      "grad(f)(v)\n",
      "exp([0.0, 1.0]) * 0.5\n",
  };
  std::vector<std::string> cpu, interp;
  ASSERT_EQ(session.backend, Backend::Cpu);
  for (const char *in : inputs)
    cpu.push_back(eval(in));
  ASSERT_EQ(command(":backend interp"), CommandResult::Ok);
  EXPECT_EQ(session.backend, Backend::Interp);
  take();
  for (const char *in : inputs)
    interp.push_back(eval(in));
  EXPECT_EQ(cpu, interp);
  EXPECT_EQ(cpu[2], "f32 14\n");
  EXPECT_EQ(takeErrors(), "");
}

} // namespace
