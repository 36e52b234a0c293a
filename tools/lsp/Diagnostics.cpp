//===- Diagnostics.cpp - compiler diagnostics as LSP diagnostics ----------===//
//
// The diagnostics are exactly the compiler's (same kinds, texts and
// locations as `tdlc check`). A diagnostic's notes become its
// relatedInformation (a note with no location is appended to the message);
// its kind's id is the `code`. One located in an imported file is shown at
// the `import` that brought that file in, naming where it is.
//
//===----------------------------------------------------------------------===//
#include "tools/lsp/Features.h"

#include "llvm/ADT/StringExtras.h"

namespace tdl::lsp {

static int lspSeverity(Severity s) {
  switch (s) {
  case Severity::Error:
    return 1;
  case Severity::Warning:
    return 2;
  case Severity::Note:
    return 3;
  }
  return 1;
}

/// The range to underline in the main buffer: the first highlighted range,
/// else the identifier (or one character) at the location.
static llvm::SMRange mainRange(const Analysis &a, const Diagnostic &d) {
  for (const SourceRange &r : d.ranges)
    if (a.inMainBuffer(r.Start) && a.inMainBuffer(r.End))
      return r;
  llvm::StringRef t = a.text();
  size_t start = a.offsetOf(d.loc), end = start;
  while (end < t.size() && (llvm::isAlnum(t[end]) || t[end] == '_'))
    ++end;
  if (end == start && end < t.size() && t[end] != '\n')
    ++end;
  return {a.locAt(start), a.locAt(end)};
}

/// Where a diagnostic of another file is shown: the import of that file,
/// else the first import, else the start of the document.
static llvm::SMRange importRange(const Analysis &a, unsigned buffer) {
  const ast::ImportDecl *first = nullptr;
  if (a.module)
    for (const ast::ImportDecl *i : a.module->declsOf<ast::ImportDecl>()) {
      if (!first)
        first = i;
      if (i->module && i->module->getBufferId() == buffer)
        return i->getRange();
    }
  if (first)
    return first->getRange();
  return {a.locAt(0), a.locAt(0)};
}

llvm::json::Array diagnostics(const FeatureContext &c) {
  const Analysis &a = c.analysis;
  llvm::json::Array out;
  for (const Diagnostic &d : a.diagnostics) {
    std::string message = d.message;
    llvm::json::Array related;
    for (const Diagnostic &n : d.notes) {
      llvm::json::Value loc =
          n.loc.isValid()
              ? c.location(n.ranges.empty() ? llvm::SMRange(n.loc, n.loc)
                                            : n.ranges.front())
              : llvm::json::Value(nullptr);
      if (loc.kind() == llvm::json::Value::Null) {
        message += "\nnote: " + n.message;
        continue;
      }
      related.push_back(llvm::json::Object{{"location", std::move(loc)},
                                           {"message", jsonText(n.message)}});
    }
    llvm::SMRange range;
    if (!d.loc.isValid()) {
      range = {a.locAt(0), a.locAt(0)};
    } else if (a.inMainBuffer(d.loc)) {
      range = mainRange(a, d);
    } else {
      unsigned buffer = a.sources.findBuffer(d.loc);
      LineColumn lc = a.sources.getLineColumn(d.loc);
      std::string where = buffer ? a.sources.getBufferName(buffer).str() : "?";
      message = "in " + where + ":" + std::to_string(lc.line) + ":" +
                std::to_string(lc.column) + ": " + message;
      related.insert(
          related.begin(),
          llvm::json::Object{
              {"location",
               c.location(d.ranges.empty() ? llvm::SMRange(d.loc, d.loc)
                                           : d.ranges.front())},
              {"message", jsonText(d.message)}});
      range = importRange(a, buffer);
    }
    llvm::json::Object o{
        {"range", toJSON(c.range(range))},
        {"severity", lspSeverity(d.severity)},
        {"code", getDiagInfo(d.id).name},
        {"source", "tdlc"},
        {"message", jsonText(message)},
    };
    // A related location the client cannot open is dropped.
    llvm::json::Array kept;
    for (llvm::json::Value &r : related)
      if (r.getAsObject()->get("location")->kind() != llvm::json::Value::Null)
        kept.push_back(std::move(r));
    if (!kept.empty())
      o["relatedInformation"] = std::move(kept);
    out.push_back(std::move(o));
  }
  return out;
}

} // namespace tdl::lsp
