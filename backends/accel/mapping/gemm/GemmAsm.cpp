//===- GemmAsm.cpp - a planned GEMM as a .tasm program -------------------===//
//
// Buffers are declared in the layout's order with exactly its sizes, so the
// assembler places them at the plan's addresses and the numeric DRAM
// element addresses printed in the instructions stay valid.
//
//===----------------------------------------------------------------------===//
#include "backends/accel/isa/Printer.h"
#include "backends/accel/mapping/PlanProgram.h"
#include "backends/accel/mapping/gemm/GemmLayout.h"
#include "backends/accel/mapping/gemm/GemmPlan.h"

#include <fmt/format.h>

namespace tdl::accel {

void printGemmPlanAsm(llvm::raw_ostream &os, const GemmPlan &plan,
                      llvm::StringRef name) {
  const Config &c = plan.config;
  const GemmLayout &l = plan.layout;
  printPlanHeader(os, name, plan.op.describe(), plan.describeSchedule(),
                  plan.estimate, plan.candidatesTimed, c);
  os << "# A, B and the epilogue operands are seeded random fills here; at "
        "run time\n# they hold the actual operands, packed: A as INP "
        "elements [M/batch, K/block_in],\n# B transposed as WGT elements "
        "[N/block_out, K/block_in], operands as ACC\n# elements (a Row "
        "operand's batch rows equal), C as OUT elements.\n";
  // A' = A (INP) and B' = B (WGT), or A' = B^T and B' = A if transposed.
  std::string inpShape =
      fmt::format("[{}, {}, {}, {}]", l.mBlocks, l.kBlocks, c.batch, c.blockIn);
  std::string wgtShape = fmt::format("[{}, {}, {}, {}]", l.nBlocks, l.kBlocks,
                                     c.blockOut, c.blockIn);
  if (l.transposed)
    os << "# transposed: C^T = B^T·A^T; A is packed as WGT elements, B^T as "
          "INP elements,\n# C holds C^T\n";
  os << fmt::format("buffer A : i8{} = random(1)\n",
                    l.transposed ? wgtShape : inpShape);
  os << fmt::format("buffer B : i8{} = random(2)\n",
                    l.transposed ? inpShape : wgtShape);
  for (size_t i = 0; i < plan.op.operands.size(); ++i) {
    if (plan.op.operands[i] == OperandShape::Row)
      os << fmt::format("buffer OP{} : i32[{}, {}, {}] = random({}, -1024, "
                        "1024)   # row operand [N]\n",
                        i, l.transposed ? l.mBlocks : l.nBlocks, c.batch,
                        c.blockOut, 3 + i);
    else
      os << fmt::format("buffer OP{} : i32[{}, {}, {}, {}] = random({}, "
                        "-1024, 1024)   # full operand [M, N]\n",
                        i, l.mBlocks, l.nBlocks, c.batch, c.blockOut, 3 + i);
  }
  os << fmt::format("buffer C : i8[{}, {}, {}, {}]\n", l.mBlocks, l.nBlocks,
                    c.batch, c.blockOut);
  printUops(os, "U", plan.uops);
  os << "\n";
  printProgram(os, plan.insns);
  os << "\n";
  if (c.batch == 1) // OUT elements are then row-major [M, N] (padded)
    os << fmt::format("print C as [{}, {}]\n", l.mBlocks,
                      uint64_t(l.nBlocks) * c.blockOut);
  else
    os << "print C\n";
}

} // namespace tdl::accel
