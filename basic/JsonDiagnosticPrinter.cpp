//===- JsonDiagnosticPrinter.cpp - --diagnostics-format=json --------------===//
#include "basic/DiagnosticPrinters.h"

#include "llvm/Support/JSON.h"

namespace tdl {

static llvm::json::Object position(SourceManager &sources, SourceLoc loc) {
  LineColumn lc = sources.getLineColumn(loc);
  return llvm::json::Object{{"line", lc.line}, {"column", lc.column}};
}

static llvm::json::Object span(SourceManager &sources, SourceRange r) {
  return llvm::json::Object{{"start", position(sources, r.Start)},
                            {"end", position(sources, r.End)}};
}

static llvm::json::Object toJson(SourceManager &sources, const Diagnostic &d) {
  llvm::json::Object o;
  o["kind"] = std::string(severityName(d.severity));
  o["id"] = getDiagInfo(d.id).name;
  o["message"] = d.message;
  unsigned buffer = sources.findBuffer(d.loc);
  o["file"] = buffer ? sources.getBufferName(buffer).str() : std::string();
  LineColumn lc = sources.getLineColumn(d.loc);
  o["line"] = lc.line;
  o["column"] = lc.column;
  llvm::json::Array ranges;
  for (SourceRange r : d.ranges)
    ranges.push_back(span(sources, r));
  o["ranges"] = std::move(ranges);
  // Always present, like "ranges" and "notes", so readers need no special
  // case; an insertion has start == end.
  llvm::json::Array fixIts;
  for (const FixIt &f : d.fixIts)
    fixIts.push_back(llvm::json::Object{{"range", span(sources, f.range)},
                                        {"text", f.text}});
  o["fixits"] = std::move(fixIts);
  llvm::json::Array notes;
  for (const Diagnostic &n : d.notes)
    notes.push_back(toJson(sources, n));
  o["notes"] = std::move(notes);
  return o;
}

void JsonDiagnosticPrinter::handle(const Diagnostic &d) {
  os << llvm::json::Value(toJson(sources, d)) << '\n';
  os.flush();
}

} // namespace tdl
