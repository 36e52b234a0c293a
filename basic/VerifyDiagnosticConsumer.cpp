//===- VerifyDiagnosticConsumer.cpp - `-verify` test mode -----------------===//
#include "basic/VerifyDiagnosticConsumer.h"

#include "llvm/ADT/StringExtras.h"

namespace tdl {

namespace {
struct Directive {
  llvm::StringRef keyword;
  Severity severity;
};
const Directive directives[] = {{"expected-error", Severity::Error},
                                {"expected-warning", Severity::Warning},
                                {"expected-note", Severity::Note}};
} // namespace

static void problem(std::vector<Diagnostic> &problems, SourceLoc loc,
                    llvm::StringRef keyword, llvm::StringRef why) {
  problems.push_back(DiagnosticEngine::make(
      DiagId::VerifyBadDirective, loc,
      DiagnosticEngine::format(DiagId::VerifyBadDirective, keyword.str(),
                               why.str())));
}

std::vector<ExpectedDiagnostic>
parseExpectedDiagnostics(SourceManager &sources, unsigned buffer,
                         std::vector<Diagnostic> &problems,
                         bool &sawNoDiagnostics) {
  std::vector<ExpectedDiagnostic> out;
  llvm::StringRef text = sources.getBufferText(buffer);
  if (text.contains("expected-no-diagnostics"))
    sawNoDiagnostics = true;
  size_t pos = 0;
  while ((pos = text.find("expected-", pos)) != llvm::StringRef::npos) {
    llvm::StringRef rest = text.substr(pos);
    const Directive *dir = nullptr;
    for (const Directive &d : directives)
      if (rest.starts_with(d.keyword))
        dir = &d;
    if (!dir) {
      pos += 9;
      continue;
    }
    SourceLoc loc = SourceLoc::getFromPointer(text.data() + pos);
    unsigned line = sources.getLineColumn(loc).line;
    llvm::StringRef cur = rest.drop_front(dir->keyword.size());
    pos += dir->keyword.size();
    // @+N, @-N, @N, @*
    if (cur.consume_front("@")) {
      if (cur.consume_front("*")) {
        line = 0;
      } else {
        bool plus = cur.consume_front("+");
        bool minus = !plus && cur.consume_front("-");
        unsigned n = 0;
        if (cur.consumeInteger(10, n)) {
          problem(problems, loc, dir->keyword,
                  "expected a line offset after '@'");
          continue;
        }
        if (plus)
          line += n;
        else if (minus)
          line = n < line ? line - n : 1;
        else
          line = n;
      }
    }
    cur = cur.ltrim(" \t");
    unsigned count = 1;
    if (!cur.empty() && llvm::isDigit(cur.front())) {
      cur.consumeInteger(10, count);
      cur = cur.ltrim(" \t");
    }
    if (!cur.consume_front("{{")) {
      problem(problems, loc, dir->keyword, "expected '{{' after the directive");
      continue;
    }
    size_t end = cur.find("}}");
    size_t newline = cur.find('\n');
    if (end == llvm::StringRef::npos ||
        (newline != llvm::StringRef::npos && newline < end)) {
      problem(problems, loc, dir->keyword, "missing '}}' on the same line");
      continue;
    }
    out.push_back(
        {dir->severity, buffer, line, cur.substr(0, end).str(), count, loc});
    pos = (cur.data() - text.data()) + end + 2;
  }
  return out;
}

void VerifyDiagnosticConsumer::handle(const Diagnostic &d) {
  Diagnostic copy = d;
  copy.notes.clear();
  seen.push_back(std::move(copy));
  for (const Diagnostic &n : d.notes)
    seen.push_back(n);
}

bool VerifyDiagnosticConsumer::finish() {
  std::vector<Diagnostic> problems;
  std::vector<ExpectedDiagnostic> expected;
  bool sawNoDiagnostics = false;
  for (unsigned b = 1; b <= sources.getNumBuffers(); ++b) {
    auto found =
        parseExpectedDiagnostics(sources, b, problems, sawNoDiagnostics);
    expected.insert(expected.end(), found.begin(), found.end());
  }
  std::vector<bool> matched(seen.size(), false);
  for (ExpectedDiagnostic &e : expected) {
    unsigned hits = 0;
    for (size_t i = 0; i < seen.size() && hits < e.count; ++i) {
      const Diagnostic &d = seen[i];
      if (matched[i] || d.severity != e.severity ||
          sources.findBuffer(d.loc) != e.buffer)
        continue;
      if (e.line != 0 && sources.getLineColumn(d.loc).line != e.line)
        continue;
      if (!llvm::StringRef(d.message).contains(e.text))
        continue;
      matched[i] = true;
      ++hits;
    }
    for (; hits < e.count; ++hits)
      problems.push_back(DiagnosticEngine::make(
          DiagId::VerifyExpectedNotSeen, e.directiveLoc,
          DiagnosticEngine::format(DiagId::VerifyExpectedNotSeen,
                                   severityName(e.severity), e.text)));
  }
  for (size_t i = 0; i < seen.size(); ++i) {
    if (matched[i])
      continue;
    Diagnostic d = DiagnosticEngine::make(
        DiagId::VerifyUnexpected, seen[i].loc,
        DiagnosticEngine::format(DiagId::VerifyUnexpected,
                                 severityName(seen[i].severity),
                                 seen[i].message));
    problems.push_back(std::move(d));
  }
  if (expected.empty() && !sawNoDiagnostics && problems.empty())
    problems.push_back(DiagnosticEngine::make(
        DiagId::VerifyNoDirectives, SourceLoc(),
        DiagnosticEngine::format(DiagId::VerifyNoDirectives)));
  for (const Diagnostic &p : problems)
    printer->handle(p);
  return problems.empty();
}

} // namespace tdl
