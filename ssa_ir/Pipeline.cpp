//===- Pipeline.cpp - the -O pipelines, in one readable function ----------===//
#include "ssa_ir/PassManager.h"

namespace tdl::ir {

void buildPipeline(PassManager &pm, unsigned optLevel) {
  if (optLevel == 0)
    return;
  // The optimization passes (canonicalize, fold, CSE, inline, simplify,
  // fuse) are added here as they land; -O1 and up already clean up.
  pm.add(createDCEPass());
}

} // namespace tdl::ir
