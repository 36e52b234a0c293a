//===- TextDiagnosticPrinter.cpp - clang-style rendering ------------------===//
//
// Rendering is LLVM's SourceMgr::PrintMessage (caret, ranges, colors); this
// file only maps our severities and handles diagnostics without a location.
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

void TextDiagnosticPrinter::print(const Diagnostic &d) {
  if (sources.findBuffer(d.loc) == 0) {
    llvm::SMDiagnostic(/*filename=*/"", toLLVMKind(d.severity), d.message)
        .print(programName.c_str(), os, colors);
    return;
  }
  sources.getLLVMSourceMgr().PrintMessage(os, d.loc, toLLVMKind(d.severity),
                                          d.message, d.ranges, {}, colors);
}

void TextDiagnosticPrinter::handle(const Diagnostic &d) {
  print(d);
  for (const Diagnostic &n : d.notes)
    print(n);
  os.flush();
}

} // namespace tdl
