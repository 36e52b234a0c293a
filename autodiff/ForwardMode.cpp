//===- ForwardMode.cpp - jvp by tangent propagation ------------------------===//
#include "autodiff/ADContext.h"

namespace tdl::ad {

using namespace ir;

bool generateForward(ADContext &ctx, Function &decl, Function &base) {
  ctx.reportNoForwardRule(base, "not implemented yet");
  return false;
}

} // namespace tdl::ad
