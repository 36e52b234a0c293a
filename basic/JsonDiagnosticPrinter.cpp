//===- JsonDiagnosticPrinter.cpp - --diagnostics-format=json --------------===//
#include "basic/DiagnosticPrinters.h"

#include "llvm/Support/JSON.h"

namespace tdl {

static llvm::json::Object position(SourceManager &sources, SourceLoc loc) {
  LineColumn lc = sources.getLineColumn(loc);
  return llvm::json::Object{{"line", lc.line}, {"column", lc.column}};
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
    ranges.push_back(llvm::json::Object{{"start", position(sources, r.Start)},
                                        {"end", position(sources, r.End)}});
  o["ranges"] = std::move(ranges);
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
