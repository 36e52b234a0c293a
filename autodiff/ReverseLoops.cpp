//===- ReverseLoops.cpp - reverse mode through for and while ---------------===//
#include "autodiff/ReverseEmitter.h"

namespace tdl::ad {

using namespace ir;

bool reverseLoop(ReverseEmitter &e, Builder &b, Operation &loop) {
  e.getContext().reportUnsupported(loop, "loops are not supported yet");
  return false;
}

} // namespace tdl::ad
