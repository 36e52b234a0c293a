#include "basic/DiagnosticPrinters.h"
#include "basic/SarifLog.h"

#include "llvm/Support/JSON.h"

#include <gtest/gtest.h>

using namespace tdl;

namespace {
SourceLoc at(SourceManager &sm, unsigned id, size_t offset) {
  return SourceLoc::getFromPointer(sm.getBufferText(id).data() + offset);
}

/// Reports through a SarifDiagnosticPrinter into a fresh log and returns
/// the log's JSON (parsed back from its text, as a reader would see it).
struct SarifFixture : ::testing::Test {
  SourceManager sm;
  SarifLog log{SarifToolInfo{"tdlc", "9.8.7", ""}};
  DiagnosticEngine de{sm};
  void SetUp() override {
    de.setConsumer(std::make_unique<SarifDiagnosticPrinter>(log, sm));
  }
  llvm::json::Value document(int exitCode = 1) {
    std::string text;
    llvm::raw_string_ostream os(text);
    log.write(os, exitCode, true);
    auto parsed = llvm::json::parse(text);
    EXPECT_TRUE(bool(parsed)) << text;
    return parsed ? std::move(*parsed) : llvm::json::Value(nullptr);
  }
  static const llvm::json::Object &run(const llvm::json::Value &doc) {
    return *doc.getAsObject()->getArray("runs")->front().getAsObject();
  }
  static const llvm::json::Object &result(const llvm::json::Value &doc,
                                          size_t i) {
    return *(*run(doc).getArray("results"))[i].getAsObject();
  }
  static const llvm::json::Object &region(const llvm::json::Object &location) {
    return *location.getObject("physicalLocation")->getObject("region");
  }
};
} // namespace

TEST_F(SarifFixture, EmptyLogIsACompleteDocument) {
  llvm::json::Value doc = document(0);
  const llvm::json::Object &o = *doc.getAsObject();
  EXPECT_EQ(o.getString("version"), "2.1.0");
  EXPECT_EQ(o.getString("$schema"),
            "https://json.schemastore.org/sarif-2.1.0.json");
  ASSERT_EQ(o.getArray("runs")->size(), 1u);
  const llvm::json::Object *driver =
      run(doc).getObject("tool")->getObject("driver");
  EXPECT_EQ(driver->getString("name"), "tdlc");
  EXPECT_EQ(driver->getString("version"), "9.8.7");
  EXPECT_FALSE(driver->get("informationUri"));
  EXPECT_TRUE(driver->getArray("rules")->empty());
  EXPECT_TRUE(run(doc).getArray("results")->empty());
}

TEST_F(SarifFixture, OneRulePerKindWithItsIndex) {
  unsigned id = sm.addBuffer("r.tdl", "abc\n");
  de.report(diag::ParseUnexpected, at(sm, id, 0), "'a'");
  de.report(diag::ArgumentUnused, SourceLoc(), "-o x", "check");
  de.report(diag::ParseUnexpected, at(sm, id, 1), "'b'");
  llvm::json::Value doc = document();
  const llvm::json::Array &rules =
      *run(doc).getObject("tool")->getObject("driver")->getArray("rules");
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].getAsObject()->getString("id"), "ParseUnexpected");
  EXPECT_EQ(rules[1].getAsObject()->getString("id"), "ArgumentUnused");
  EXPECT_EQ(rules[1]
                .getAsObject()
                ->getObject("defaultConfiguration")
                ->getString("level"),
            "warning");
  EXPECT_EQ(result(doc, 2).getString("ruleId"), "ParseUnexpected");
  EXPECT_EQ(result(doc, 2).getInteger("ruleIndex"), 0);
  EXPECT_EQ(result(doc, 1).getInteger("ruleIndex"), 1);
  EXPECT_EQ(result(doc, 1).getString("level"), "warning");
  // No source location: no locations at all, rather than an empty one.
  EXPECT_FALSE(result(doc, 1).get("locations"));
}

TEST_F(SarifFixture, RegionsCountCharactersAndEndWithTheRange) {
  // "é" is two bytes: 'x' is byte column 6 but character column 5.
  unsigned id = sm.addBuffer("u.tdl", "\"é\" xy\n");
  de.report(diag::ParseUnexpected, SourceRange(at(sm, id, 5), at(sm, id, 7)),
            "'xy'");
  llvm::json::Value doc = document();
  const llvm::json::Object &location =
      *result(doc, 0).getArray("locations")->front().getAsObject();
  const llvm::json::Object &r = region(location);
  EXPECT_EQ(r.getInteger("startLine"), 1);
  EXPECT_EQ(r.getInteger("startColumn"), 5);
  EXPECT_EQ(r.getInteger("endLine"), 1);
  EXPECT_EQ(r.getInteger("endColumn"), 7);
  EXPECT_EQ(run(doc).getString("columnKind"), "unicodeCodePoints");
  EXPECT_EQ(location.getObject("physicalLocation")
                ->getObject("artifactLocation")
                ->getString("uri"),
            "u.tdl");
}

TEST_F(SarifFixture, NotesAreRelatedLocationsAndFixItsAFix) {
  unsigned id = sm.addBuffer("n.tdl", "(a b\n");
  de.report(diag::ParseExpectedFound, at(sm, id, 2), "')'", "'b'")
      .insertion(at(sm, id, 2), ")")
      .note(diag::ParseToMatchThis, at(sm, id, 0), "(");
  llvm::json::Value doc = document();
  const llvm::json::Array &related =
      *result(doc, 0).getArray("relatedLocations");
  ASSERT_EQ(related.size(), 1u);
  const llvm::json::Object &note = *related[0].getAsObject();
  EXPECT_EQ(note.getObject("message")->getString("text"), "to match this '('");
  EXPECT_EQ(region(note).getInteger("startColumn"), 1);

  const llvm::json::Array &fixes = *result(doc, 0).getArray("fixes");
  ASSERT_EQ(fixes.size(), 1u);
  const llvm::json::Object &change = *fixes[0]
                                          .getAsObject()
                                          ->getArray("artifactChanges")
                                          ->front()
                                          .getAsObject();
  const llvm::json::Object &replacement =
      *change.getArray("replacements")->front().getAsObject();
  const llvm::json::Object &deleted = *replacement.getObject("deletedRegion");
  EXPECT_EQ(deleted.getInteger("startColumn"), 3);
  EXPECT_EQ(deleted.getInteger("endColumn"), 3); // empty: an insertion
  EXPECT_EQ(replacement.getObject("insertedContent")->getString("text"), ")");
}

TEST_F(SarifFixture, NoteFixItsAreAFixOfTheirOwn) {
  unsigned id = sm.addBuffer("v.tdl", "let x = 1;\nx = 2;\n");
  de.report(diag::CannotOpenFile, at(sm, id, 11), "a", "b")
      .note(diag::DeclaredHere, SourceRange(at(sm, id, 0), at(sm, id, 3)), "x")
      .noteFixIt(SourceRange(at(sm, id, 0), at(sm, id, 3)), "var");
  llvm::json::Value doc = document();
  const llvm::json::Array &fixes = *result(doc, 0).getArray("fixes");
  ASSERT_EQ(fixes.size(), 1u); // the diagnostic itself has none
  const llvm::json::Object &fix = *fixes[0].getAsObject();
  EXPECT_EQ(fix.getObject("description")->getString("text"),
            "'x' declared here");
  const llvm::json::Object &replacement = *fix.getArray("artifactChanges")
                                               ->front()
                                               .getAsObject()
                                               ->getArray("replacements")
                                               ->front()
                                               .getAsObject();
  EXPECT_EQ(replacement.getObject("deletedRegion")->getInteger("endColumn"), 4);
  EXPECT_EQ(replacement.getObject("insertedContent")->getString("text"), "var");
}

TEST(Sarif, MessageTextDoublesBraces) {
  // Single braces are placeholders in SARIF messages (§3.11.5).
  EXPECT_EQ(sarifMessageText("found '}' in {x}"), "found '}}' in {{x}}");
}

TEST(Sarif, UrisArePercentEncoded) {
  EXPECT_EQ(sarifUri("dir/a b.tdl"), "dir/a%20b.tdl");
  EXPECT_EQ(sarifUri("/tmp/x.tdl"), "file:///tmp/x.tdl");
  EXPECT_EQ(sarifUri("<stdin>"), "%3Cstdin%3E");
}

TEST(Sarif, RuleTemplatesUseSarifPlaceholders) {
  SourceManager sm;
  SarifLog log(SarifToolInfo{"tdlc", "1", ""});
  DiagnosticEngine de(sm);
  de.setConsumer(std::make_unique<SarifDiagnosticPrinter>(log, sm));
  de.report(diag::LexNonAsciiCharacter, SourceLoc(), 0xe9u);
  de.report(diag::ParseStructLiteralNeedsParens, SourceLoc());
  llvm::json::Value doc = log.toJson(1, true);
  const llvm::json::Array &rules = *doc.getAsObject()
                                        ->getArray("runs")
                                        ->front()
                                        .getAsObject()
                                        ->getObject("tool")
                                        ->getObject("driver")
                                        ->getArray("rules");
  auto text = [&](size_t i) {
    return *rules[i]
                .getAsObject()
                ->getObject("messageStrings")
                ->getObject("default")
                ->getString("text");
  };
  // fmt's "{0:04X}" has a format spec SARIF does not know.
  EXPECT_EQ(text(0), "unexpected character U+{0} outside a comment");
  // fmt's and SARIF's brace escapes are the same.
  EXPECT_NE(text(1).find("'(Name {{ ... }})'"), llvm::StringRef::npos)
      << text(1).str();
}

TEST(Sarif, ToolNotificationsAndExitStatusGoToTheInvocation) {
  SarifLog log(SarifToolInfo{"tdlc", "1", "https://example.invalid/tdlc"});
  log.addToolNotification("UsageError", Severity::Error, "no input {file}");
  llvm::json::Value doc = log.toJson(2, false);
  const llvm::json::Object &run =
      *doc.getAsObject()->getArray("runs")->front().getAsObject();
  EXPECT_EQ(
      run.getObject("tool")->getObject("driver")->getString("informationUri"),
      "https://example.invalid/tdlc");
  const llvm::json::Object &invocation =
      *run.getArray("invocations")->front().getAsObject();
  EXPECT_EQ(invocation.getBoolean("executionSuccessful"), false);
  EXPECT_EQ(invocation.getInteger("exitCode"), 2);
  const llvm::json::Object &n =
      *invocation.getArray("toolExecutionNotifications")->front().getAsObject();
  EXPECT_EQ(n.getObject("descriptor")->getString("id"), "UsageError");
  EXPECT_EQ(n.getString("level"), "error");
  EXPECT_EQ(n.getObject("message")->getString("text"), "no input {{file}}");
}
