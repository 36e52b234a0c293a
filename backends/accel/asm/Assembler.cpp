//===- Assembler.cpp - parse .tasm into instructions and buffers ----------===//
//
// A recursive-descent parser over AsmLexer tokens. Every statement starts
// with a keyword, so after an error the parser skips to the next keyword and
// goes on (one diagnostic per broken statement). Fields are checked against
// the encoding's widths here; rules that depend on the hardware state (SRAM
// depths, DRAM bounds) are the simulator's faults.
//
//===----------------------------------------------------------------------===//
#include "backends/accel/asm/Assembler.h"

#include "backends/accel/asm/AsmData.h"
#include "backends/accel/asm/AsmParser.h"
#include "backends/accel/isa/Encoding.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace tdl::accel {

uint64_t AsmBuffer::numElements() const {
  uint64_t n = 1;
  for (uint64_t d : shape)
    n *= d;
  return n;
}

void AsmProgram::loadInto(Dram &dram, const Config &config) const {
  assert(dram.size() == 0 && "buffers are laid out from address 0");
  for (const AsmBuffer &b : buffers) {
    uint64_t address = dram.allocate(b.data.size(), config.maxElemBytes());
    assert(address == b.address && "layout differs from the assembler's");
    std::memcpy(dram.data(address), b.data.data(), b.data.size());
  }
}

namespace detail {

bool Parser::parseStatement() {
  if (tok.isIdent("program"))
    return parseProgram();
  if (tok.isIdent("buffer"))
    return parseBuffer();
  if (tok.isIdent("uops"))
    return parseUops();
  if (tok.isIdent("print"))
    return parsePrint();
  if (isStatementKeyword(tok))
    return parseInstruction();
  if (tok.kind == AsmToken::Ident) {
    diags.report(diag::AsmUnknownStatement, tok.range(),
                 std::string_view(tok.text));
    return false;
  }
  return fail("an instruction or directive");
}

/// `program NAME`: what follows is a new program, with buffers of its own.
bool Parser::parseProgram() {
  SourceLoc loc = tok.loc();
  advance(); // program
  if (tok.kind != AsmToken::Ident || isStatementKeyword(tok))
    return fail("a program name");
  const AsmProgram &current = program();
  bool unused = current.name.empty() && current.insns.empty() &&
                current.buffers.empty() && current.prints.empty();
  if (!unused)
    programs.emplace_back();
  program().name = tok.text.str();
  program().loc = loc;
  bufferIndex.clear();
  brokenBuffers.clear();
  nextAddress = 0;
  advance();
  return true;
}

size_t Parser::addBuffer(AsmBuffer b) {
  brokenBuffers.erase(b.name);
  b.address = llvm::alignTo(nextAddress, config.maxElemBytes());
  nextAddress = b.address + b.data.size();
  fileBytes += b.data.size();
  bufferIndex[b.name] = program().buffers.size();
  program().buffers.push_back(std::move(b));
  return program().buffers.size() - 1;
}

bool Parser::parseShape(std::vector<uint64_t> &shape) {
  SourceLoc start = tok.loc();
  if (!expect('[', "'[' starting a shape"))
    return false;
  while (!tok.is(']')) {
    int64_t d = 0;
    if (!parseInteger(d, "a dimension"))
      return false;
    shape.push_back(uint64_t(d));
    if (d <= 0) {
      diags.report(diag::AsmBadShape, start);
      return false;
    }
    if (!tok.is(']') && !expect(',', "',' or ']'"))
      return false;
  }
  advance();
  if (shape.empty()) {
    diags.report(diag::AsmBadShape, start);
    return false;
  }
  return true;
}

/// `[1, -2, [3, 4]]`: nested lists are flattened.
bool Parser::parseList(std::vector<int64_t> &values,
                       std::vector<SourceRange> &ranges, unsigned depth) {
  if (depth == MaxListDepth)
    return fail("at most 32 nested lists");
  if (!expect('[', "'['"))
    return false;
  while (!tok.is(']')) {
    if (tok.is('[')) {
      if (!parseList(values, ranges, depth + 1))
        return false;
    } else {
      SourceRange r = tok.range();
      int64_t v = 0;
      if (!parseInteger(v, "an integer or ']'"))
        return false;
      values.push_back(v);
      ranges.push_back(r);
    }
    if (!tok.is(']') && !expect(',', "',' or ']'"))
      return false;
  }
  advance();
  return true;
}

bool Parser::parseInit(AsmBuffer &b) {
  uint64_t count = b.numElements();
  unsigned elem = dtypeBytes(b.dtype);
  b.data.assign(count * elem, 0);
  if (!tok.is('='))
    return true; // zero-filled
  advance();
  int64_t lo = dtypeMin(b.dtype), hi = dtypeMax(b.dtype);
  if (tok.is('[')) {
    SourceLoc start = tok.loc();
    std::vector<int64_t> values;
    std::vector<SourceRange> ranges;
    if (!parseList(values, ranges))
      return false;
    if (values.size() != count) {
      diags.report(diag::AsmDataCount, start, int64_t(values.size()), b.name,
                   int64_t(count));
      return false;
    }
    for (size_t i = 0; i < values.size(); ++i) {
      if (!checkRange(dtypeName(b.dtype), values[i], lo, hi, ranges[i]))
        return false;
      writeElement(b.dtype, b.data.data(), i, values[i]);
    }
    return true;
  }
  if (tok.isIdent("random")) {
    advance();
    int64_t seed = 0;
    if (!expect('(', "'(' after random") || !parseInteger(seed, "a seed"))
      return false;
    if (tok.is(',')) {
      advance();
      SourceRange loRange = tok.range();
      if (!parseInteger(lo, "the lowest value") ||
          !checkRange("random low", lo, dtypeMin(b.dtype), dtypeMax(b.dtype),
                      loRange) ||
          !expect(',', "','"))
        return false;
      SourceRange hiRange = tok.range();
      if (!parseInteger(hi, "the highest value") ||
          !checkRange("random high", hi, lo, dtypeMax(b.dtype), hiRange))
        return false;
    }
    if (!expect(')', "')'"))
      return false;
    SplitMix64 rng{uint64_t(seed)};
    for (uint64_t i = 0; i < count; ++i)
      writeElement(b.dtype, b.data.data(), i, rng.nextInRange(lo, hi));
    return true;
  }
  if (tok.isIdent("file")) {
    advance();
    if (tok.kind != AsmToken::String)
      return fail("a file name in double quotes");
    AsmToken nameTok = tok;
    llvm::StringRef name = tok.text.drop_front().drop_back();
    advance();
    llvm::SmallString<256> path(name);
    if (llvm::sys::path::is_relative(path)) {
      path = baseDir;
      llvm::sys::path::append(path, name);
    }
    auto data = readDataFile(path, b.dtype, count);
    if (!data) {
      std::string why = llvm::toString(data.takeError());
      diags.report(diag::AsmBadDataFile, nameTok.range(),
                   std::string_view(path.str()), why);
      return false;
    }
    b.data = std::move(*data);
    return true;
  }
  return fail("'[', 'random(seed)' or 'file \"path\"'");
}

bool Parser::parseBuffer() {
  advance(); // buffer
  if (tok.kind != AsmToken::Ident)
    return fail("a buffer name");
  AsmBuffer b;
  b.name = tok.text.str();
  b.loc = tok.loc();
  if (bufferIndex.count(b.name)) {
    diags.report(diag::AsmDuplicateBuffer, tok.range(), b.name);
    return false;
  }
  brokenBuffers.insert(b.name); // until it is added
  advance();
  if (!expect(':', "':' and an element type"))
    return false;
  if (tok.kind != AsmToken::Ident)
    return fail("an element type");
  std::optional<DType> dtype = parseDType(tok.text);
  if (!dtype) {
    diags.report(diag::AsmUnknownDType, tok.range(),
                 std::string_view(tok.text));
    return false;
  }
  b.dtype = *dtype;
  advance();
  if (!parseShape(b.shape))
    return false;
  uint64_t bytes = dtypeBytes(b.dtype);
  for (uint64_t d : b.shape) {
    bytes = d > MaxBufferBytes ? MaxBufferBytes + 1
                               : std::min(bytes * d, MaxBufferBytes + 1);
  }
  // The DRAM limit holds per program and, for the assembler's memory, over
  // all programs of the file together.
  if (bytes > MaxBufferBytes ||
      llvm::alignTo(nextAddress, config.maxElemBytes()) + bytes >
          MaxDramBytes ||
      fileBytes + bytes > MaxDramBytes) {
    diags.report(diag::AsmBufferTooLarge, b.loc, b.name,
                 int64_t(MaxBufferBytes), int64_t(MaxDramBytes));
    return false;
  }
  if (!parseInit(b))
    return false;
  addBuffer(std::move(b));
  return true;
}

/// `uops NAME = [(dst, src, wgt), ...]`: a u32 buffer of encoded micro-ops.
bool Parser::parseUops() {
  advance(); // uops
  if (tok.kind != AsmToken::Ident)
    return fail("a micro-op table name");
  AsmBuffer b;
  b.name = tok.text.str();
  b.loc = tok.loc();
  b.dtype = DType::U32;
  if (bufferIndex.count(b.name)) {
    diags.report(diag::AsmDuplicateBuffer, tok.range(), b.name);
    return false;
  }
  brokenBuffers.insert(b.name); // until it is added
  advance();
  if (!expect('=', "'='") || !expect('[', "'['"))
    return false;
  std::vector<uint32_t> words;
  while (!tok.is(']')) {
    if (!expect('(', "'(' starting a micro-op (dst, src, wgt)"))
      return false;
    int64_t v[3] = {0, 0, 0};
    static const char *names[3] = {"dst", "src", "wgt"};
    static const unsigned widths[3] = {width::UopDst, width::UopSrc,
                                       width::UopWgt};
    for (int k = 0; k < 3; ++k) {
      SourceRange r = tok.range();
      if (!parseInteger(v[k], names[k]) ||
          !checkRange(names[k], v[k], 0, int64_t(maxValue(widths[k])), r))
        return false;
      if (k < 2 && !expect(',', "','"))
        return false;
    }
    if (!expect(')', "')'"))
      return false;
    words.push_back(cantFail(
        encodeUop(MicroOp{uint32_t(v[0]), uint32_t(v[1]), uint32_t(v[2])})));
    if (!tok.is(']') && !expect(',', "',' or ']'"))
      return false;
  }
  advance();
  if (words.empty()) {
    diags.report(diag::AsmBadShape, b.loc);
    return false;
  }
  b.shape = {words.size()};
  b.data.resize(words.size() * 4);
  for (size_t i = 0; i < words.size(); ++i)
    writeElement(DType::U32, b.data.data(), i, words[i]);
  addBuffer(std::move(b));
  return true;
}

/// `print NAME` or `print NAME as [d0, d1, ...]`.
bool Parser::parsePrint() {
  advance(); // print
  if (tok.kind != AsmToken::Ident)
    return fail("a buffer name");
  auto it = bufferIndex.find(tok.text);
  if (it == bufferIndex.end()) {
    if (!brokenBuffers.contains(tok.text))
      diags.report(diag::AsmUnknownBuffer, tok.range(),
                   std::string_view(tok.text));
    return false;
  }
  PrintRequest request{it->second, program().buffers[it->second].shape};
  SourceRange nameRange = tok.range();
  advance();
  if (tok.isIdent("as")) {
    advance();
    request.shape.clear();
    if (!parseShape(request.shape))
      return false;
    uint64_t n = 1;
    for (uint64_t d : request.shape)
      n = d > MaxBufferBytes || n * d > MaxBufferBytes ? MaxBufferBytes + 1
                                                       : n * d;
    const AsmBuffer &b = program().buffers[request.buffer];
    if (n != b.numElements()) {
      diags.report(diag::AsmPrintShapeMismatch, nameRange, b.name, int64_t(n),
                   int64_t(b.numElements()));
      return false;
    }
  }
  program().prints.push_back(std::move(request));
  return true;
}

/// value := INT | '(' INT (',' INT)* ')' | INT ':' INT | NAME ['+' INT]

} // namespace detail

std::optional<std::vector<AsmProgram>> assemblePrograms(unsigned bufferId,
                                                        DiagnosticEngine &diags,
                                                        const Config &config) {
  return detail::Parser(bufferId, diags, config).run();
}

std::optional<AsmProgram> assemble(unsigned bufferId, DiagnosticEngine &diags,
                                   const Config &config) {
  std::optional<std::vector<AsmProgram>> programs =
      assemblePrograms(bufferId, diags, config);
  if (!programs)
    return std::nullopt;
  if (programs->size() > 1) {
    diags.report(diag::AsmSeveralPrograms, (*programs)[1].loc,
                 int64_t(programs->size()));
    return std::nullopt;
  }
  return std::move(programs->front());
}

} // namespace tdl::accel
