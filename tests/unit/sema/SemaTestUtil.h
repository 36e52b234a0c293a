//===- SemaTestUtil.h - compiling a small program for sema's tests -*- C++
//-*-===//
//
// Compiled runs the parser and sema over one source text and keeps the
// Program, the messages of the diagnostics and, separately, of their notes
// for the tests to look at.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TESTS_UNIT_SEMA_SEMATESTUTIL_H
#define TDL_TESTS_UNIT_SEMA_SEMATESTUTIL_H

#include "parser/Parse.h"
#include "sema/Sema.h"

#include <fmt/format.h>

namespace tdl::sema::test {

class Collect : public DiagnosticConsumer {
public:
  std::vector<std::string> *messages, *notes;
  Collect(std::vector<std::string> *m, std::vector<std::string> *n)
      : messages(m), notes(n) {}
  void handle(const Diagnostic &d) override {
    messages->push_back(d.message);
    for (const Diagnostic &n : d.notes)
      notes->push_back(n.message);
  }
};

struct Compiled {
  SourceManager sources;
  DiagnosticEngine diags{sources};
  ast::ASTContext ctx;
  std::vector<std::string> messages, notes;
  std::unique_ptr<Program> program;

  explicit Compiled(const std::string &text) {
    diags.setConsumer(std::make_unique<Collect>(&messages, &notes));
    unsigned id = sources.addBuffer("test.tdl", text);
    ast::Module *m = parser::parseBuffer(sources, id, diags, ctx);
    auto parse = [&](unsigned b) -> const ast::Module * {
      return parser::parseBuffer(sources, b, diags, ctx);
    };
    program = analyze(*m, sources, diags, SemaOptions(), parse);
  }
  const FuncInstance *instance(llvm::StringRef name) const {
    for (auto &f : program->functions)
      if (f->name == name)
        return f.get();
    return nullptr;
  }
  std::string errors() const {
    return fmt::format("{}", fmt::join(messages, "\n"));
  }
};

} // namespace tdl::sema::test

#endif
