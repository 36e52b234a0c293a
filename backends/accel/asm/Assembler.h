//===- Assembler.h - .tasm text to a program with its DRAM image --*- C++
//-*-===//
//
// A .tasm file declares DRAM buffers (element type, shape, initial data), a
// micro-op table, the instructions, and which buffers to print after the run.
// The syntax is in docs/accel.md. Errors are located diagnostics.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_ASM_ASSEMBLER_H
#define TDL_BACKENDS_ACCEL_ASM_ASSEMBLER_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/DataType.h"
#include "backends/accel/isa/Dram.h"
#include "backends/accel/isa/ISA.h"
#include "basic/Diagnostic.h"

#include <optional>
#include <string>
#include <vector>

namespace tdl::accel {

/// A named DRAM buffer. Buffers are laid out in declaration order from
/// address 0, each aligned to Config::maxElemBytes() so that a buffer name
/// is a whole element address for every memory type.
struct AsmBuffer {
  std::string name;
  DType dtype = DType::I8;
  std::vector<uint64_t> shape;
  uint64_t address = 0;      // byte address in DRAM
  std::vector<uint8_t> data; // initial contents, little-endian
  SourceLoc loc;
  uint64_t numElements() const;
};

struct PrintRequest {
  size_t buffer;               // index into AsmProgram::buffers
  std::vector<uint64_t> shape; // the buffer's own shape unless reshaped
};

struct AsmProgram {
  /// `program NAME` (empty for the statements before the first one).
  std::string name;
  SourceLoc loc;
  std::vector<Instruction> insns;
  std::vector<SourceLoc> insnLocs; // parallel to insns
  std::vector<AsmBuffer> buffers;
  std::vector<PrintRequest> prints;

  /// Allocates every buffer in `dram` (which must be empty) and copies the
  /// initial data in.
  void loadInto(Dram &dram, const Config &config) const;
};

/// Assembles buffer `bufferId` of `diags`' source manager. Relative data file
/// paths are resolved against the directory of that buffer's name. Returns
/// nullopt after reporting errors. A file of several programs (`program`
/// statements) is an error here.
std::optional<AsmProgram> assemble(unsigned bufferId, DiagnosticEngine &diags,
                                   const Config &config);

/// The same for a file that may hold several programs: each `program NAME`
/// statement starts a new one, with its own buffers (names may repeat
/// across programs) and DRAM from address 0. Statements before the first
/// `program` form an unnamed program.
std::optional<std::vector<AsmProgram>> assemblePrograms(unsigned bufferId,
                                                        DiagnosticEngine &diags,
                                                        const Config &config);

} // namespace tdl::accel

#endif
