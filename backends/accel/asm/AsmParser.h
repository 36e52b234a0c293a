//===- AsmParser.h - the .tasm parser (internal to the assembler) -*- C++
//-*-===//
//
// Shared by Assembler.cpp (directives: buffer, uops, print) and
// AsmInstruction.cpp (instructions and their fields). Not a public header.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_ASM_ASMPARSER_H
#define TDL_BACKENDS_ACCEL_ASM_ASMPARSER_H

#include "backends/accel/asm/AsmLexer.h"
#include "backends/accel/asm/Assembler.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Path.h"

#include <string>

namespace tdl::accel::detail {

/// Limits on the DRAM image a .tasm file may declare (one buffer, all of
/// them): large enough for 1024^3 GEMMs many times over, small enough that
/// a typo in a shape is an error rather than an out-of-memory crash.
constexpr uint64_t MaxBufferBytes = uint64_t(1) << 30;
constexpr uint64_t MaxDramBytes = uint64_t(1) << 31;
/// Nesting depth of literal lists (the parser recurses on '[').
constexpr unsigned MaxListDepth = 32;

/// The value of one `name=value` field.
struct Field {
  SourceRange range;
  llvm::SmallVector<int64_t, 4> values;
  std::string bufferRef; // `dram=NAME+off`: values = {off}
};

inline bool isStatementKeyword(const AsmToken &t) {
  return t.kind == AsmToken::Ident &&
         llvm::StringSwitch<bool>(t.text)
             .Cases("program", "buffer", "uops", "print", "LOAD", "STORE",
                    "GEMM", "ALU", "FINISH", true)
             .Default(false);
}

class Parser {
public:
  Parser(unsigned bufferId, DiagnosticEngine &diags, const Config &config)
      : lex(diags.getSourceManager().getBufferText(bufferId), diags),
        diags(diags), config(config) {
    baseDir = llvm::sys::path::parent_path(
                  diags.getSourceManager().getBufferName(bufferId))
                  .str();
    programs.emplace_back();
    advance();
  }

  std::optional<std::vector<AsmProgram>> run() {
    unsigned errorsBefore = diags.getErrorCount();
    while (tok.kind != AsmToken::Eof && !diags.hasReachedErrorLimit()) {
      const char *start = tok.text.data();
      if (!parseStatement())
        recover(start);
    }
    if (diags.getErrorCount() != errorsBefore)
      return std::nullopt;
    return std::move(programs);
  }

private:
  void advance() {
    prevEnd = tok.text.end();
    tok = lex.next();
  }
  /// True if `tok` is the first token on its line.
  bool startsLine() const {
    if (!prevEnd)
      return true;
    return llvm::StringRef(prevEnd, tok.text.data() - prevEnd).contains('\n');
  }
  /// Skips to the next statement keyword (always past `start`, where the
  /// broken statement began).
  void recover(const char *start) {
    if (tok.text.data() == start)
      advance();
    while (tok.kind != AsmToken::Eof && !isStatementKeyword(tok))
      advance();
  }
  bool fail(std::string_view what) {
    if (tok.kind != AsmToken::Error) // the lexer already reported it
      diags.report(diag::AsmExpected, tok.range(), what);
    return false;
  }
  bool expect(char punct, std::string_view what) {
    if (!tok.is(punct))
      return fail(what);
    advance();
    return true;
  }
  bool parseInteger(int64_t &v, std::string_view what = "an integer") {
    if (tok.kind != AsmToken::Integer)
      return fail(what);
    if (tok.overflow) {
      diags.report(diag::AsmValueOutOfRange, tok.range(), "integer", tok.value,
                   INT64_MIN, INT64_MAX);
      return false;
    }
    v = tok.value;
    advance();
    return true;
  }
  bool checkRange(std::string_view name, int64_t v, int64_t lo, int64_t hi,
                  SourceRange r) {
    if (v >= lo && v <= hi)
      return true;
    diags.report(diag::AsmValueOutOfRange, r, name, v, lo, hi);
    return false;
  }

  bool parseStatement();
  bool parseProgram();
  bool parseBuffer();
  bool parseUops();
  bool parsePrint();
  bool parseShape(std::vector<uint64_t> &shape);
  bool parseList(std::vector<int64_t> &values, std::vector<SourceRange> &ranges,
                 unsigned depth = 0);
  bool parseInit(AsmBuffer &b);
  bool parseInstruction();
  bool parseField(Field &f);
  size_t addBuffer(AsmBuffer b);

  AsmLexer lex;
  AsmToken tok;
  DiagnosticEngine &diags;
  const Config &config;
  std::string baseDir;
  /// Every program so far; the last one is being assembled.
  std::vector<AsmProgram> programs;
  AsmProgram &program() { return programs.back(); }
  llvm::StringMap<size_t> bufferIndex;
  /// Buffers whose declaration failed: uses stay quiet (no cascade).
  llvm::StringSet<> brokenBuffers;
  uint64_t nextAddress = 0;
  uint64_t fileBytes = 0; // of every program's buffers
  const char *prevEnd = nullptr;
};

} // namespace tdl::accel::detail

#endif
