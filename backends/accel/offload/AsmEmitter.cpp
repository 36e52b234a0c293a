//===- AsmEmitter.cpp - `--emit=accel-asm`: the offloaded programs --------===//
#include "backends/accel/offload/AsmEmitter.h"

#include <fmt/format.h>

namespace tdl::accel {

void printAcceleratorPrograms(
    llvm::raw_ostream &os, const Partition &partition,
    llvm::function_ref<std::string(const ir::Location &)> where) {
  if (partition.offloaded.empty())
    os << "# no region of this module runs on the accelerator\n";
  for (const KeptRegion &k : partition.kept)
    os << fmt::format("# kept on the host: the region at {} in @{}: {}\n",
                      where(k.loc), k.parent, k.reason);
  for (const OffloadRegion &r : partition.offloaded) {
    os << fmt::format("\n# ==== @{}: the {} at {} in @{} ====\n", r.function,
                      r.shape.kind == RegionKind::Conv2D ? "conv2d" : "matmul",
                      where(r.loc), r.parent);
    if (r.shape.numGemms > 1)
      os << fmt::format("# runs {} times per call ({})\n", r.shape.numGemms,
                        r.shape.kind == RegionKind::Conv2D ? "once per group"
                                                           : "once per batch");
    if (r.convPlan && r.plan.estimate.cycles)
      os << fmt::format("# mapped as a direct conv: the im2col GEMM would "
                        "take {} cycles per group\n",
                        r.plan.estimate.cycles);
    // Each region is a program of its own: `tdlc sim` runs the file as is.
    os << "program " << r.function << "\n";
    if (r.convPlan)
      printConvPlanAsm(os, *r.convPlan, r.function);
    else
      printGemmPlanAsm(os, r.plan, r.function);
  }
}

} // namespace tdl::accel
