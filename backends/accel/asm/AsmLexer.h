//===- AsmLexer.h - tokens of the .tasm assembly language ---------*- C++
//-*-===//
//
// Free-form: newlines are whitespace (every statement starts with a keyword),
// `#` starts a comment to the end of the line.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_ASM_ASMLEXER_H
#define TDL_BACKENDS_ACCEL_ASM_ASMLEXER_H

#include "basic/Diagnostic.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace tdl::accel {

struct AsmToken {
  enum Kind {
    Eof,
    Ident,   // [A-Za-z_][A-Za-z0-9_.]*
    Integer, // decimal or 0x hex, with an optional leading '-'
    String,  // "..." (no escapes)
    Punct,   // one of = : , ( ) [ ] +
    Error,
  };
  Kind kind = Eof;
  llvm::StringRef text;
  int64_t value = 0;     // Integer
  bool overflow = false; // Integer literal does not fit in 64 bits
  SourceLoc loc() const { return SourceLoc::getFromPointer(text.data()); }
  SourceRange range() const {
    return SourceRange(loc(), SourceLoc::getFromPointer(text.end()));
  }
  bool is(char punct) const {
    return kind == Punct && text.size() == 1 && text[0] == punct;
  }
  bool isIdent(llvm::StringRef name) const {
    return kind == Ident && text == name;
  }
};

class AsmLexer {
public:
  AsmLexer(llvm::StringRef text, DiagnosticEngine &diags)
      : cur(text.begin()), end(text.end()), diags(diags) {}
  AsmToken next();

private:
  const char *cur, *end;
  DiagnosticEngine &diags;
};

} // namespace tdl::accel

#endif
