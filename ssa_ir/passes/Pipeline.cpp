//===- Pipeline.cpp - the -O pipelines, in one readable function ----------===//
#include "ssa_ir/passes/PassManager.h"

namespace tdl::ir {

// -O0: nothing: the IR runs exactly as generated.
// -O1: local clean-up: fold constants and exact identities, merge common
//      subexpressions, drop dead code.
// -O2 (default): inline, sink layout changes (transpose/reshape) through
//      elementwise ops, clean up what that exposed, hoist loop
//      invariants, reorder (exact) integer matmul chains, add slice
//      cotangents into their accumulators as slice updates, clean up again.
// -O3: -O2 plus another hoisting and clean-up round (code hoisted out of an
//      inner loop and merged by CSE can then leave the outer loop).
// fastMath (any level >= 1): the float rewrites that are not exact for
//      every input: x*0 -> 0, x-x -> 0, x+0 -> x, float matmul chains
//      reassociated by FLOP cost. Without it every level computes bit for bit
//      what -O0 computes (tests/lit/passes/opt-equivalence.test).
void buildPipeline(PassManager &pm, unsigned optLevel, bool fastMath) {
  if (optLevel == 0)
    return;
  auto cleanup = [&] {
    pm.add(fastMath ? createCanonicalizeFastMathPass()
                    : createCanonicalizePass());
    pm.add(createCSEPass());
    pm.add(createDCEPass());
  };
  cleanup();
  if (optLevel == 1)
    return;
  pm.add(createInlinePass());
  pm.add(createSimplifyShapesPass());
  cleanup();
  pm.add(createLICMPass());
  pm.add(fastMath ? createMatmulChainFastMathPass() : createMatmulChainPass());
  pm.add(createAccumulateSlicesPass());
  cleanup();
  if (optLevel == 2)
    return;
  pm.add(createLICMPass());
  cleanup();
}

} // namespace tdl::ir
