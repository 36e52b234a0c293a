//===- SarifDiagnosticPrinter.cpp - --diagnostics-format=sarif ------------===//
//
// Turns each diagnostic into a SARIF result of the invocation's SarifLog:
// the location (region with an end when a range starts there), notes as
// relatedLocations, fix-its as fixes. Everything is resolved to URIs,
// lines and columns here, while the SourceManager still exists.
//
//===----------------------------------------------------------------------===//
#include "basic/DiagnosticPrinters.h"
#include "basic/SarifLog.h"

#include "llvm/ADT/MapVector.h"

namespace tdl {

namespace {
class ResultBuilder {
public:
  explicit ResultBuilder(SourceManager &sources) : sources(sources) {}

  llvm::json::Object result(const Diagnostic &d);

private:
  llvm::json::Object region(SourceLoc start, SourceLoc end);
  std::optional<llvm::json::Object> physicalLocation(const Diagnostic &d);
  unsigned column(SourceLoc loc, LineColumn lc);
  std::optional<llvm::json::Object> fix(llvm::ArrayRef<FixIt> fixIts);
  llvm::json::Array fixes(const Diagnostic &d);

  SourceManager &sources;
};
} // namespace

/// SARIF columns count characters (the log's columnKind is
/// unicodeCodePoints); the SourceManager counts UTF-8 bytes.
unsigned ResultBuilder::column(SourceLoc loc, LineColumn lc) {
  llvm::StringRef before(loc.getPointer() - (lc.column - 1), lc.column - 1);
  unsigned characters = 0;
  for (unsigned char c : before)
    if ((c & 0xC0) != 0x80) // not a UTF-8 continuation byte
      ++characters;
  return characters + 1;
}

/// A region from `start` to `end` (exclusive), or just the start position
/// when `end` is invalid or in another buffer.
llvm::json::Object ResultBuilder::region(SourceLoc start, SourceLoc end) {
  LineColumn s = sources.getLineColumn(start);
  llvm::json::Object r{{"startLine", s.line},
                       {"startColumn", column(start, s)}};
  if (end.isValid() && sources.findBuffer(end) == sources.findBuffer(start) &&
      start.getPointer() <= end.getPointer()) {
    LineColumn e = sources.getLineColumn(end);
    r["endLine"] = e.line;
    r["endColumn"] = column(end, e);
  }
  return r;
}

/// Where `d` points, or nothing for a diagnostic without a source location
/// (command-line warnings). A range that starts at the location gives the
/// region its end; other ranges only highlight and are not carried.
std::optional<llvm::json::Object>
ResultBuilder::physicalLocation(const Diagnostic &d) {
  unsigned buffer = sources.findBuffer(d.loc);
  if (!buffer)
    return std::nullopt;
  SourceLoc end;
  for (SourceRange r : d.ranges)
    if (r.Start == d.loc) {
      end = r.End;
      break;
    }
  return llvm::json::Object{
      {"artifactLocation",
       llvm::json::Object{{"uri", sarifUri(sources.getBufferName(buffer))}}},
      {"region", region(d.loc, end)}};
}

/// The fix-its of one diagnostic or note apply together, so they form one
/// fix: one artifactChange per file, its replacements in order. An
/// insertion is an empty deletedRegion. None without a fix-it in a file.
std::optional<llvm::json::Object>
ResultBuilder::fix(llvm::ArrayRef<FixIt> fixIts) {
  llvm::MapVector<unsigned, llvm::json::Array> byBuffer;
  for (const FixIt &f : fixIts) {
    unsigned buffer = sources.findBuffer(f.range.Start);
    if (!buffer)
      continue;
    byBuffer[buffer].push_back(llvm::json::Object{
        {"deletedRegion", region(f.range.Start, f.range.End)},
        {"insertedContent", llvm::json::Object{{"text", f.text}}}});
  }
  if (byBuffer.empty())
    return std::nullopt;
  llvm::json::Array changes;
  for (auto &[buffer, replacements] : byBuffer)
    changes.push_back(llvm::json::Object{
        {"artifactLocation",
         llvm::json::Object{{"uri", sarifUri(sources.getBufferName(buffer))}}},
        {"replacements", std::move(replacements)}});
  return llvm::json::Object{{"artifactChanges", std::move(changes)}};
}

/// SARIF's fixes are alternatives: the diagnostic's own fix-its first, then
/// each note's (`change 'let' to 'var'`), described by the note's text.
llvm::json::Array ResultBuilder::fixes(const Diagnostic &d) {
  llvm::json::Array out;
  if (auto f = fix(d.fixIts))
    out.push_back(std::move(*f));
  for (const Diagnostic &n : d.notes)
    if (auto f = fix(n.fixIts)) {
      (*f)["description"] =
          llvm::json::Object{{"text", sarifMessageText(n.message)}};
      out.push_back(std::move(*f));
    }
  return out;
}

llvm::json::Object ResultBuilder::result(const Diagnostic &d) {
  llvm::json::Object r{
      {"level", sarifLevel(d.severity)},
      {"message", llvm::json::Object{{"text", sarifMessageText(d.message)}}}};
  if (auto where = physicalLocation(d))
    r["locations"] = llvm::json::Array{
        llvm::json::Object{{"physicalLocation", std::move(*where)}}};
  if (!d.notes.empty()) {
    llvm::json::Array related;
    for (size_t i = 0; i < d.notes.size(); ++i) {
      const Diagnostic &n = d.notes[i];
      llvm::json::Object location{
          {"id", int64_t(i)},
          {"message",
           llvm::json::Object{{"text", sarifMessageText(n.message)}}}};
      if (auto where = physicalLocation(n))
        location["physicalLocation"] = std::move(*where);
      related.push_back(std::move(location));
    }
    r["relatedLocations"] = std::move(related);
  }
  if (llvm::json::Array f = fixes(d); !f.empty())
    r["fixes"] = std::move(f);
  return r;
}

void SarifDiagnosticPrinter::handle(const Diagnostic &d) {
  log.addResult(d.id, ResultBuilder(sources).result(d));
}

} // namespace tdl
