//===- Assembler.cpp - parse .tasm into instructions and buffers ----------===//
//
// A recursive-descent parser over AsmLexer tokens. Every statement starts
// with a keyword, so after an error the parser skips to the next keyword and
// goes on (one diagnostic per broken statement). Fields are checked against
// the encoding's widths here; rules that depend on the hardware state (SRAM
// depths, DRAM bounds) are the simulator's faults.
//
//===----------------------------------------------------------------------===//
#include "backends/accel/Assembler.h"

#include "backends/accel/AsmData.h"
#include "backends/accel/AsmLexer.h"
#include "backends/accel/Encoding.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"

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

namespace {

constexpr uint64_t MaxBufferBytes = uint64_t(1) << 32;

/// The value of one `name=value` field.
struct Field {
  SourceRange range;
  llvm::SmallVector<int64_t, 4> values;
  std::string bufferRef; // `dram=NAME+off`: values = {off}
};

bool isStatementKeyword(const AsmToken &t) {
  return t.kind == AsmToken::Ident &&
         llvm::StringSwitch<bool>(t.text)
             .Cases("buffer", "uops", "print", "LOAD", "STORE", "GEMM", "ALU",
                    "FINISH", true)
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
    advance();
  }

  std::optional<AsmProgram> run() {
    unsigned errorsBefore = diags.getErrorCount();
    while (tok.kind != AsmToken::Eof && !diags.hasReachedErrorLimit()) {
      const char *start = tok.text.data();
      if (!parseStatement())
        recover(start);
    }
    if (diags.getErrorCount() != errorsBefore)
      return std::nullopt;
    return std::move(program);
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
  bool parseBuffer();
  bool parseUops();
  bool parsePrint();
  bool parseShape(std::vector<uint64_t> &shape);
  bool parseList(std::vector<int64_t> &values,
                 std::vector<SourceRange> &ranges);
  bool parseInit(AsmBuffer &b);
  bool parseInstruction();
  bool parseField(Field &f);
  size_t addBuffer(AsmBuffer b);

  AsmLexer lex;
  AsmToken tok;
  DiagnosticEngine &diags;
  const Config &config;
  std::string baseDir;
  AsmProgram program;
  llvm::StringMap<size_t> bufferIndex;
  /// Buffers whose declaration failed: uses stay quiet (no cascade).
  llvm::StringSet<> brokenBuffers;
  uint64_t nextAddress = 0;
  const char *prevEnd = nullptr;
};

bool Parser::parseStatement() {
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

size_t Parser::addBuffer(AsmBuffer b) {
  brokenBuffers.erase(b.name);
  b.address = llvm::alignTo(nextAddress, config.maxElemBytes());
  nextAddress = b.address + b.data.size();
  bufferIndex[b.name] = program.buffers.size();
  program.buffers.push_back(std::move(b));
  return program.buffers.size() - 1;
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
                       std::vector<SourceRange> &ranges) {
  if (!expect('[', "'['"))
    return false;
  while (!tok.is(']')) {
    if (tok.is('[')) {
      if (!parseList(values, ranges))
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
    diags.report(diag::AsmUnknownDType, tok.range(), std::string_view(tok.text));
    return false;
  }
  b.dtype = *dtype;
  advance();
  if (!parseShape(b.shape))
    return false;
  uint64_t bytes = dtypeBytes(b.dtype);
  for (uint64_t d : b.shape) {
    if (d > MaxBufferBytes || bytes * d > MaxBufferBytes) {
      diags.report(diag::AsmBufferTooLarge, b.loc, b.name, int64_t(-1));
      return false;
    }
    bytes *= d;
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
  PrintRequest request{it->second, program.buffers[it->second].shape};
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
    const AsmBuffer &b = program.buffers[request.buffer];
    if (n != b.numElements()) {
      diags.report(diag::AsmPrintShapeMismatch, nameRange, b.name, int64_t(n),
                   int64_t(b.numElements()));
      return false;
    }
  }
  program.prints.push_back(std::move(request));
  return true;
}

/// value := INT | '(' INT (',' INT)* ')' | INT ':' INT | NAME ['+' INT]
bool Parser::parseField(Field &f) {
  SourceLoc start = tok.loc();
  const char *endPtr = nullptr;
  auto finish = [&] {
    f.range = SourceRange(start, SourceLoc::getFromPointer(endPtr));
    return true;
  };
  if (tok.kind == AsmToken::Ident) {
    f.bufferRef = tok.text.str();
    endPtr = tok.text.end();
    advance();
    int64_t offset = 0;
    if (tok.is('+')) {
      advance();
      endPtr = tok.text.end();
      if (!parseInteger(offset, "an element offset"))
        return false;
    }
    f.values.push_back(offset);
    return finish();
  }
  if (tok.is('(')) {
    advance();
    while (true) {
      int64_t v = 0;
      if (!parseInteger(v))
        return false;
      f.values.push_back(v);
      if (tok.is(')'))
        break;
      if (!expect(',', "',' or ')'"))
        return false;
    }
    endPtr = tok.text.end();
    advance();
    return finish();
  }
  int64_t v = 0;
  endPtr = tok.text.end();
  if (!parseInteger(v, "a value"))
    return false;
  f.values.push_back(v);
  if (tok.is(':')) {
    advance();
    endPtr = tok.text.end();
    if (!parseInteger(v, "the end of a range"))
      return false;
    f.values.push_back(v);
  }
  return finish();
}


bool Parser::parseInstruction() {
  AsmToken opTok = tok;
  std::string_view opName(opTok.text);
  advance();
  Instruction insn;
  insn.opcode = llvm::StringSwitch<Opcode>(opTok.text)
                    .Case("LOAD", Opcode::Load)
                    .Case("STORE", Opcode::Store)
                    .Case("GEMM", Opcode::Gemm)
                    .Case("ALU", Opcode::Alu)
                    .Default(Opcode::Finish);
  if (insn.opcode == Opcode::Load) {
    if (tok.kind != AsmToken::Ident)
      return fail("a memory type (INP, WGT, UOP or ACC)");
    std::optional<MemType> t = parseMemType(tok.text);
    if (!t) {
      diags.report(diag::AsmUnknownMemType, tok.range(),
                   std::string_view(tok.text));
      return false;
    }
    insn.mem.memType = *t;
    advance();
  } else if (insn.opcode == Opcode::Alu) {
    if (tok.kind != AsmToken::Ident)
      return fail("an alu operation (MIN, MAX, ADD, SHR or MUL)");
    std::optional<AluOp> op = parseAluOp(tok.text);
    if (!op) {
      diags.report(diag::AsmUnknownAluOp, tok.range(),
                   std::string_view(tok.text));
      return false;
    }
    insn.alu.op = *op;
    advance();
  }

  // Flags and fields, in any order, up to the next statement.
  llvm::StringMap<Field> fields;
  llvm::SmallVector<std::pair<AsmToken, bool DepFlags::*>, 4> flags;
  bool reset = false;
  const char *allowed = "";
  switch (insn.opcode) {
  case Opcode::Load:
  case Opcode::Store:
    allowed = " sram dram y x stride pad ";
    break;
  case Opcode::Gemm:
    allowed = " uop iter dst src wgt ";
    break;
  case Opcode::Alu:
    allowed = " uop iter dst src imm ";
    break;
  case Opcode::Finish:
    break;
  }
  while (tok.kind == AsmToken::Ident && !isStatementKeyword(tok)) {
    AsmToken nameTok = tok;
    bool DepFlags::*flag = llvm::StringSwitch<bool DepFlags::*>(tok.text)
                               .Case("pop_prev", &DepFlags::popPrev)
                               .Case("pop_next", &DepFlags::popNext)
                               .Case("push_prev", &DepFlags::pushPrev)
                               .Case("push_next", &DepFlags::pushNext)
                               .Default(nullptr);
    bool known = flag || nameTok.text == "reset" ||
                 llvm::StringRef(allowed).contains(
                     (" " + nameTok.text + " ").str());
    // An unknown word that starts a line is the next (misspelled)
    // statement, not a field of this instruction.
    if (!known && startsLine())
      break;
    advance();
    if (flag || nameTok.text == "reset") {
      if (!flag && insn.opcode != Opcode::Gemm && insn.opcode != Opcode::Alu) {
        diags.report(diag::AsmUnknownField, nameTok.range(), "reset", opName);
        return false;
      }
      bool &already = flag ? insn.deps.*flag : reset;
      if (already) {
        diags.report(diag::AsmDuplicateField, nameTok.range(),
                     std::string_view(nameTok.text));
        return false;
      }
      already = true;
      if (flag)
        flags.push_back({nameTok, flag});
      continue;
    }
    if (!llvm::StringRef(allowed).contains((" " + nameTok.text + " ").str())) {
      diags.report(diag::AsmUnknownField, nameTok.range(),
                   std::string_view(nameTok.text), opName);
      return false;
    }
    if (fields.count(nameTok.text)) {
      diags.report(diag::AsmDuplicateField, nameTok.range(),
                   std::string_view(nameTok.text));
      return false;
    }
    if (!expect('=', "'=' after the field name"))
      return false;
    Field f;
    if (!parseField(f))
      return false;
    fields[nameTok.text] = std::move(f);
  }

  // Reads field `name` as `names.size()` unsigned values of `bits` each.
  auto get = [&](llvm::StringRef name, llvm::ArrayRef<const char *> names,
                 unsigned bits, llvm::ArrayRef<uint32_t *> out,
                 std::optional<llvm::ArrayRef<uint32_t>> defaults) -> bool {
    auto it = fields.find(name);
    if (it == fields.end()) {
      if (!defaults) {
        diags.report(diag::AsmMissingField, opTok.range(), opName,
                     std::string_view(name));
        return false;
      }
      for (size_t i = 0; i < out.size(); ++i)
        *out[i] = (*defaults)[i];
      return true;
    }
    const Field &f = it->second;
    if (!f.bufferRef.empty() || f.values.size() != out.size()) {
      diags.report(diag::AsmExpected, f.range,
                   out.size() == 1 ? "a single integer"
                   : name == "uop" ? "a micro-op range BEGIN:END"
                                   : std::string_view(fmt::format(
                                         "a tuple of {} integers", out.size())));
      return false;
    }
    for (size_t i = 0; i < out.size(); ++i) {
      if (!checkRange(names[i], f.values[i], 0, int64_t(maxValue(bits)),
                      f.range))
        return false;
      *out[i] = uint32_t(f.values[i]);
    }
    return true;
  };

  bool ok = true;
  switch (insn.opcode) {
  case Opcode::Load:
  case Opcode::Store: {
    MemInsn &m = insn.mem;
    ok = get("sram", {"sram_base"}, width::SramBase, {&m.sramBase}, {}) &&
         get("x", {"x_size"}, width::XSize, {&m.xSize}, {}) &&
         get("y", {"y_size"}, width::YSize, {&m.ySize}, {{1}});
    if (!ok)
      return false;
    uint32_t stride = m.xSize;
    uint32_t pads[4];
    ok = get("stride", {"x_stride"}, width::XStride, {&m.xStride}, {{stride}}) &&
         get("pad", {"y_pad0", "y_pad1", "x_pad0", "x_pad1"}, width::Pad,
             {&pads[0], &pads[1], &pads[2], &pads[3]}, {{0, 0, 0, 0}});
    if (!ok)
      return false;
    m.yPad0 = pads[0], m.yPad1 = pads[1], m.xPad0 = pads[2], m.xPad1 = pads[3];
    // dram: a number, or a buffer name (+ offset) in elements of the type.
    auto it = fields.find("dram");
    if (it == fields.end()) {
      diags.report(diag::AsmMissingField, opTok.range(), opName, "dram");
      return false;
    }
    const Field &f = it->second;
    if (f.values.size() != 1) {
      diags.report(diag::AsmExpected, f.range, "an address: N or NAME[+N]");
      return false;
    }
    int64_t address = f.values[0];
    if (!f.bufferRef.empty()) {
      auto b = bufferIndex.find(f.bufferRef);
      if (b == bufferIndex.end()) {
        if (!brokenBuffers.contains(f.bufferRef))
          diags.report(diag::AsmUnknownBuffer, f.range,
                       std::string_view(f.bufferRef));
        return false;
      }
      uint64_t elem = 0;
      if (insn.opcode == Opcode::Store)
        elem = config.outElemBytes();
      else if (m.memType == MemType::Inp)
        elem = config.inpElemBytes();
      else if (m.memType == MemType::Wgt)
        elem = config.wgtElemBytes();
      else if (m.memType == MemType::Acc)
        elem = config.accElemBytes();
      else
        elem = Config::uopElemBytes();
      address += int64_t(program.buffers[b->second].address / elem);
    }
    if (!checkRange("dram_base", address, 0, int64_t(maxValue(width::DramBase)),
                    f.range))
      return false;
    m.dramBase = uint32_t(address);
    break;
  }
  case Opcode::Gemm:
  case Opcode::Alu: {
    bool isGemm = insn.opcode == Opcode::Gemm;
    LoopNest &l = isGemm ? insn.gemm.loop : insn.alu.loop;
    uint32_t uopBgn = 0, uopEnd = 0;
    ok = get("uop", {"uop_bgn", "uop_end"}, width::UopEnd, {&uopBgn, &uopEnd},
             {}) &&
         checkRange("uop_bgn", uopBgn, 0, int64_t(maxValue(width::UopBgn)),
                    fields["uop"].range) &&
         get("iter", {"iter_out", "iter_in"}, width::Iter,
             {&l.iterOut, &l.iterIn}, {{1, 1}}) &&
         get("dst", {"dst_factor_out", "dst_factor_in"}, width::AccFactor,
             {&l.dstFactorOut, &l.dstFactorIn}, {{0, 0}}) &&
         get("src", {"src_factor_out", "src_factor_in"}, width::InpFactor,
             {&l.srcFactorOut, &l.srcFactorIn}, {{0, 0}});
    if (!ok)
      return false;
    l.uopBgn = uopBgn, l.uopEnd = uopEnd;
    if (isGemm) {
      insn.gemm.reset = reset;
      if (!get("wgt", {"wgt_factor_out", "wgt_factor_in"}, width::WgtFactor,
               {&insn.gemm.wgtFactorOut, &insn.gemm.wgtFactorIn}, {{0, 0}}))
        return false;
    } else {
      insn.alu.reset = reset;
      auto it = fields.find("imm");
      if (it != fields.end()) {
        const Field &f = it->second;
        if (!f.bufferRef.empty() || f.values.size() != 1) {
          diags.report(diag::AsmExpected, f.range, "a single integer");
          return false;
        }
        if (!checkRange("imm", f.values[0], INT16_MIN, INT16_MAX, f.range))
          return false;
        insn.alu.useImm = true;
        insn.alu.imm = int16_t(f.values[0]);
      }
    }
    break;
  }
  case Opcode::Finish:
    break;
  }

  // Each flag must belong to the instruction's module.
  for (auto &[flagTok, flag] : flags) {
    Instruction probe = insn;
    probe.deps = DepFlags();
    probe.deps.*flag = true;
    if (!flagsAllowed(probe)) {
      diags.report(diag::AsmFlagNotAllowed, flagTok.range(), opName,
                   std::string_view(moduleName(moduleOf(insn))),
                   std::string_view(flagTok.text));
      return false;
    }
  }
  program.insns.push_back(insn);
  program.insnLocs.push_back(opTok.loc());
  return true;
}

} // namespace

std::optional<AsmProgram> assemble(unsigned bufferId, DiagnosticEngine &diags,
                                   const Config &config) {
  return Parser(bufferId, diags, config).run();
}

} // namespace tdl::accel
