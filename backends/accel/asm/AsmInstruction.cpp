//===- AsmInstruction.cpp - .tasm instructions and their fields ----------===//
//
// `MNEMONIC [TYPE|OP] name=value ... flags`: fields and flags in any order;
// each value is range-checked against its field width (Encoding.h) and each
// flag against the instruction's module.
//
//===----------------------------------------------------------------------===//
#include "backends/accel/asm/AsmParser.h"

#include "backends/accel/isa/Encoding.h"

#include <fmt/format.h>

namespace tdl::accel::detail {

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
    bool known =
        flag || nameTok.text == "reset" ||
        llvm::StringRef(allowed).contains((" " + nameTok.text + " ").str());
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
  // Anything else before the next statement is a stray token (`dram=A-1`,
  // `FINISH 3`): report it there, not as a missing field of this one.
  if (tok.kind != AsmToken::Ident && tok.kind != AsmToken::Eof)
    return fail("a field (name=value), a flag or the next statement");

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
                   : name == "uop"
                       ? "a micro-op range BEGIN:END"
                       : std::string_view(fmt::format("a tuple of {} integers",
                                                      out.size())));
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
    ok =
        get("stride", {"x_stride"}, width::XStride, {&m.xStride}, {{stride}}) &&
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
      address += int64_t(program().buffers[b->second].address / elem);
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
  program().insns.push_back(insn);
  program().insnLocs.push_back(opTok.loc());
  return true;
}

} // namespace tdl::accel::detail
