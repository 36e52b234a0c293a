#include "basic/Diagnostic.h"
#include "basic/DiagnosticPrinters.h"
#include "basic/VerifyDiagnosticConsumer.h"

#include "llvm/Support/JSON.h"

#include <gtest/gtest.h>

using namespace tdl;

namespace {
struct Collector : DiagnosticConsumer {
  std::vector<Diagnostic> seen;
  void handle(const Diagnostic &d) override { seen.push_back(d); }
};

SourceLoc at(SourceManager &sm, unsigned id, size_t offset) {
  return SourceLoc::getFromPointer(sm.getBufferText(id).data() + offset);
}
} // namespace

TEST(Diagnostics, FormatsTypedArguments) {
  SourceManager sm;
  DiagnosticEngine de(sm);
  auto c = std::make_unique<Collector>();
  Collector *col = c.get();
  de.setConsumer(std::move(c));
  de.report(diag::CannotOpenFile, SourceLoc(), "x.tdl", "no such file");
  ASSERT_EQ(col->seen.size(), 1u);
  EXPECT_EQ(col->seen[0].message, "cannot open 'x.tdl': no such file");
  EXPECT_EQ(col->seen[0].severity, Severity::Error);
  EXPECT_TRUE(de.hasErrors());
}

TEST(Diagnostics, ErrorLimitStopsAfterN) {
  SourceManager sm;
  DiagnosticEngine de(sm);
  auto c = std::make_unique<Collector>();
  Collector *col = c.get();
  de.setConsumer(std::move(c));
  de.setErrorLimit(2);
  for (int i = 0; i < 5; ++i)
    de.report(diag::CannotOpenFile, SourceLoc(), "f", "e");
  ASSERT_EQ(col->seen.size(), 3u); // two errors and "too many errors"
  EXPECT_EQ(col->seen[2].id, DiagId::TooManyErrors);
  EXPECT_TRUE(de.hasReachedErrorLimit());
  EXPECT_EQ(de.getErrorCount(), 5u);
}

TEST(Diagnostics, TextRendersCaretAndRange) {
  SourceManager sm;
  unsigned id = sm.addBuffer("t.tdl", "let x = foo + 1;\n");
  DiagnosticEngine de(sm);
  std::string out;
  llvm::raw_string_ostream os(out);
  de.setConsumer(std::make_unique<TextDiagnosticPrinter>(os, sm, false));
  de.report(diag::CannotOpenFile, SourceRange(at(sm, id, 8), at(sm, id, 11)),
            "a", "b")
      .note(diag::DeclaredHere, at(sm, id, 0), "x");
  EXPECT_NE(out.find("t.tdl:1:9: error: cannot open 'a': b"), std::string::npos)
      << out;
  EXPECT_NE(out.find("let x = foo + 1;"), std::string::npos);
  EXPECT_NE(out.find("        ^~~"), std::string::npos) << out;
  EXPECT_NE(out.find("t.tdl:1:1: note:"), std::string::npos) << out;
}

TEST(Diagnostics, TextShowsFixItsUnderTheCaret) {
  SourceManager sm;
  unsigned id = sm.addBuffer("t.tdl", "let x = l.wieght\nfn f() {}\n");
  DiagnosticEngine de(sm);
  std::string out;
  llvm::raw_string_ostream os(out);
  auto printer = std::make_unique<TextDiagnosticPrinter>(os, sm, false);
  printer->setParseableFixIts(true);
  de.setConsumer(std::move(printer));
  SourceRange typo(at(sm, id, 10), at(sm, id, 16));
  de.report(diag::CannotOpenFile, typo, "a", "b")
      .fixIt(typo, "weight")
      .insertion(at(sm, id, 16), ";")
      .note(diag::DeclaredHere, at(sm, id, 17), "f")
      .noteFixIt(SourceRange(at(sm, id, 17), at(sm, id, 17)), "import m;\n");
  // The replacement and the insertion under the source line, the note's
  // inserted line without its newline; then clang's parseable lines.
  EXPECT_NE(out.find("let x = l.wieght\n"
                     "          ^~~~~~\n"
                     "          weight;\n"
                     "fix-it:\"t.tdl\":{1:11-1:17}:\"weight\"\n"
                     "fix-it:\"t.tdl\":{1:17-1:17}:\";\"\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("fn f() {}\n"
                     "^\n"
                     "import m;\n"
                     "fix-it:\"t.tdl\":{2:1-2:1}:\"import m;\\n\"\n"),
            std::string::npos)
      << out;
}

TEST(Diagnostics, JsonIsOneObjectPerLine) {
  SourceManager sm;
  unsigned id = sm.addBuffer("j.tdl", "abc\ndef\n");
  DiagnosticEngine de(sm);
  std::string out;
  llvm::raw_string_ostream os(out);
  de.setConsumer(std::make_unique<JsonDiagnosticPrinter>(os, sm));
  de.report(diag::CannotOpenFile, at(sm, id, 5), "a", "b")
      .note(diag::DeclaredHere, at(sm, id, 1), "x");
  ASSERT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
  auto parsed = llvm::json::parse(out);
  ASSERT_TRUE(bool(parsed)) << out;
  const llvm::json::Object *o = parsed->getAsObject();
  EXPECT_EQ(o->getString("kind"), "error");
  EXPECT_EQ(o->getString("id"), "CannotOpenFile");
  EXPECT_EQ(o->getString("file"), "j.tdl");
  EXPECT_EQ(o->getInteger("line"), 2);
  EXPECT_EQ(o->getInteger("column"), 2);
  EXPECT_EQ(o->getArray("notes")->size(), 1u);
}

TEST(Diagnostics, JsonCarriesFixIts) {
  SourceManager sm;
  unsigned id = sm.addBuffer("f.tdl", "return x }\n");
  DiagnosticEngine de(sm);
  std::string out;
  llvm::raw_string_ostream os(out);
  de.setConsumer(std::make_unique<JsonDiagnosticPrinter>(os, sm));
  de.report(diag::ParseExpectedFound, at(sm, id, 8), "';'", "'}'")
      .insertion(at(sm, id, 8), ";")
      .fixIt(SourceRange(at(sm, id, 0), at(sm, id, 6)), "yield");
  auto parsed = llvm::json::parse(out);
  ASSERT_TRUE(bool(parsed)) << out;
  const llvm::json::Array *fixIts = parsed->getAsObject()->getArray("fixits");
  ASSERT_TRUE(fixIts) << out;
  ASSERT_EQ(fixIts->size(), 2u) << out;
  const llvm::json::Object *insert = (*fixIts)[0].getAsObject();
  EXPECT_EQ(insert->getString("text"), ";");
  const llvm::json::Object *range = insert->getObject("range");
  EXPECT_EQ(range->getObject("start")->getInteger("column"), 9);
  EXPECT_EQ(range->getObject("end")->getInteger("column"), 9);
  const llvm::json::Object *replace = (*fixIts)[1].getAsObject();
  EXPECT_EQ(replace->getString("text"), "yield");
  EXPECT_EQ(replace->getObject("range")->getObject("end")->getInteger("column"),
            7);
}

TEST(Diagnostics, FixItsNeedAValidRange) {
  SourceManager sm;
  DiagnosticEngine de(sm);
  auto c = std::make_unique<Collector>();
  Collector *col = c.get();
  de.setConsumer(std::move(c));
  de.report(diag::ArgumentUnused, SourceLoc(), "-o x", "check")
      .insertion(SourceLoc(), ";");
  ASSERT_EQ(col->seen.size(), 1u);
  EXPECT_TRUE(col->seen[0].fixIts.empty());
}

TEST(Diagnostics, WerrorPromotesWarnings) {
  SourceManager sm;
  DiagnosticEngine de(sm);
  auto c = std::make_unique<Collector>();
  Collector *col = c.get();
  de.setConsumer(std::move(c));
  de.report(diag::ArgumentUnused, SourceLoc(), "-o x", "check");
  EXPECT_FALSE(de.hasErrors());
  EXPECT_EQ(de.getWarningCount(), 1u);
  de.setWarningsAsErrors(true);
  de.report(diag::ArgumentUnused, SourceLoc(), "-o x", "check");
  EXPECT_TRUE(de.hasErrors());
  ASSERT_EQ(col->seen.size(), 2u);
  EXPECT_EQ(col->seen[0].severity, Severity::Warning);
  EXPECT_EQ(col->seen[1].severity, Severity::Error);
}

TEST(Verify, ParsesDirectivesWithOffsetsAndCounts) {
  SourceManager sm;
  unsigned id = sm.addBuffer("v.tdl", "a // expected-error {{one}}\n"
                                      "// expected-note@+1 2 {{two}}\n"
                                      "b\n"
                                      "// expected-warning@-3 {{three}}\n"
                                      "// expected-error@* {{any}}\n"
                                      "// expected-error {{unclosed\n");
  std::vector<Diagnostic> problems;
  bool none = false;
  auto ds = parseExpectedDiagnostics(sm, id, problems, none);
  ASSERT_EQ(ds.size(), 4u);
  EXPECT_EQ(ds[0].line, 1u);
  EXPECT_EQ(ds[0].text, "one");
  EXPECT_EQ(ds[1].line, 3u);
  EXPECT_EQ(ds[1].count, 2u);
  EXPECT_EQ(ds[1].severity, Severity::Note);
  EXPECT_EQ(ds[2].line, 1u);
  EXPECT_EQ(ds[3].line, 0u);
  EXPECT_EQ(problems.size(), 1u); // the unclosed one
  EXPECT_FALSE(none);
}

TEST(Verify, ReportsMissingAndUnexpected) {
  SourceManager sm;
  unsigned id =
      sm.addBuffer("w.tdl", "x // expected-error {{cannot open}}\ny\n");
  DiagnosticEngine de(sm);
  auto printer = std::make_unique<Collector>();
  Collector *col = printer.get();
  de.setConsumer(
      std::make_unique<VerifyDiagnosticConsumer>(sm, std::move(printer)));
  de.report(diag::CannotOpenFile, at(sm, id, 0), "a", "b"); // matches
  EXPECT_TRUE(de.finish());
  EXPECT_TRUE(col->seen.empty());

  SourceManager sm2;
  unsigned id2 =
      sm2.addBuffer("w.tdl", "x // expected-error {{cannot open}}\ny\n");
  DiagnosticEngine de2(sm2);
  auto printer2 = std::make_unique<Collector>();
  Collector *col2 = printer2.get();
  de2.setConsumer(
      std::make_unique<VerifyDiagnosticConsumer>(sm2, std::move(printer2)));
  de2.report(diag::CannotOpenFile, at(sm2, id2, 36), "a", "b"); // wrong line
  EXPECT_FALSE(de2.finish());
  ASSERT_EQ(col2->seen.size(), 2u);
  EXPECT_EQ(col2->seen[0].id, DiagId::VerifyExpectedNotSeen);
  EXPECT_EQ(col2->seen[1].id, DiagId::VerifyUnexpected);
}
