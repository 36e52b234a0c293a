//===- TextDiagnosticPrinter.cpp - clang-style rendering ------------------===//
//
// Rendering is LLVM's SourceMgr::PrintMessage (caret, ranges, colors, and
// each fix-it's text on a line under the caret, as clang prints it); this
// file maps our severities, handles diagnostics without a location and
// prints clang's -fdiagnostics-parseable-fixits lines on request.
//
//===----------------------------------------------------------------------===//
#include "basic/DiagnosticPrinters.h"

namespace tdl {

static llvm::SourceMgr::DiagKind toLLVMKind(Severity s) {
  switch (s) {
  case Severity::Note:
    return llvm::SourceMgr::DK_Note;
  case Severity::Warning:
    return llvm::SourceMgr::DK_Warning;
  case Severity::Error:
    return llvm::SourceMgr::DK_Error;
  }
  return llvm::SourceMgr::DK_Error;
}

/// `"text"` with clang's escapes for parseable fix-its.
static std::string quoted(llvm::StringRef text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + '"';
}

void TextDiagnosticPrinter::print(const Diagnostic &d) {
  if (sources.findBuffer(d.loc) == 0) {
    llvm::SMDiagnostic(/*filename=*/"", toLLVMKind(d.severity), d.message)
        .print(programName.c_str(), os, colors);
    return;
  }
  // Under the caret line goes the text each fix-it inserts on this line. A
  // whole inserted line (`import std.nn;\n`) shows without its newline;
  // LLVM skips texts that still span lines.
  std::vector<llvm::SMFixIt> fixIts;
  for (const FixIt &f : d.fixIts)
    fixIts.emplace_back(f.range, llvm::StringRef(f.text).rtrim('\n'));
  sources.getLLVMSourceMgr().PrintMessage(os, d.loc, toLLVMKind(d.severity),
                                          d.message, d.ranges, fixIts, colors);
  if (!parseableFixIts)
    return;
  for (const FixIt &f : d.fixIts) {
    LineColumn s = sources.getLineColumn(f.range.Start);
    LineColumn e = sources.getLineColumn(f.range.End);
    os << "fix-it:"
       << quoted(sources.getBufferName(sources.findBuffer(f.range.Start)))
       << ":{" << s.line << ':' << s.column << '-' << e.line << ':' << e.column
       << "}:" << quoted(f.text) << '\n';
  }
}

void TextDiagnosticPrinter::handle(const Diagnostic &d) {
  print(d);
  for (const Diagnostic &n : d.notes)
    print(n);
  os.flush();
}

} // namespace tdl
