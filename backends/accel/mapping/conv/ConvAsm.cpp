//===- ConvAsm.cpp - a planned conv as a .tasm program -------------------===//
//
// Buffers are declared in the layout's order with exactly its sizes, so the
// assembler places them at the plan's addresses and the numeric DRAM
// element addresses printed in the instructions stay valid.
//
//===----------------------------------------------------------------------===//
#include "backends/accel/isa/Printer.h"
#include "backends/accel/mapping/PlanProgram.h"
#include "backends/accel/mapping/conv/ConvPlan.h"

#include <fmt/format.h>

namespace tdl::accel {

void printConvPlanAsm(llvm::raw_ostream &os, const ConvPlan &plan,
                      llvm::StringRef name) {
  const Config &c = plan.config;
  const ConvLayout &l = plan.layout;
  const ConvOp op = stripConvOp(plan.op, plan.schedule.strips);
  printPlanHeader(os, name, plan.op.describe(), plan.schedule.describe(),
                  plan.estimate, plan.candidatesTimed, c);
  if (plan.schedule.strips > 1)
    os << fmt::format("# X and Y hold {} virtual images: each image's {} row "
                      "strips\n",
                      op.n, plan.schedule.strips);
  os << "# X, W and the epilogue operands are seeded random fills here; at "
        "run time\n# they hold the actual tensors, packed: X as INP elements "
        "[N/batch, C/block_in, H, W],\n# W as WGT elements [O/block_out, "
        "C/block_in, KH, KW], operands as ACC elements,\n# Y as OUT elements "
        "[N/batch, OH, OW, O/block_out]. No padded copy of X\n# exists: the "
        "conv's zero padding is the LOADs' padding.\n";
  const uint32_t oh = op.outH(), ow = op.outW();
  os << fmt::format("buffer X : i8[{}, {}, {}, {}, {}, {}] = random(1)\n",
                    l.nBlocks, l.cBlocks, op.h, op.w, c.batch, c.blockIn);
  os << fmt::format("buffer W : i8[{}, {}, {}, {}, {}, {}] = random(2)\n",
                    l.oBlocks, l.cBlocks, op.kh, op.kw, c.blockOut, c.blockIn);
  for (size_t i = 0; i < op.operands.size(); ++i) {
    if (op.operands[i] == OperandShape::Row)
      os << fmt::format("buffer OP{} : i32[{}, {}, {}] = random({}, -1024, "
                        "1024)   # row operand [O]\n",
                        i, l.oBlocks, c.batch, c.blockOut, 3 + i);
    else
      os << fmt::format("buffer OP{} : i32[{}, {}, {}, {}, {}, {}] = "
                        "random({}, -1024, 1024)   # full operand "
                        "[N, O, OH, OW], packed NHWC-blocked\n",
                        i, l.nBlocks, oh, ow, l.oBlocks, c.batch, c.blockOut,
                        3 + i);
  }
  // Y holds the pooled pixels when a max pool is fused.
  os << fmt::format("buffer Y : i8[{}, {}, {}, {}, {}, {}]\n", l.nBlocks,
                    op.yH(), op.yW(), l.oBlocks, c.batch, c.blockOut);
  printUops(os, "U", plan.uops);
  os << "\n";
  printProgram(os, plan.insns);
  os << "\nprint Y\n";
}

} // namespace tdl::accel
