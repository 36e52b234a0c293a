#include "autodiff/Rules.h"
namespace tdl::ad {
using namespace ir;
RuleStatus pushforward(Builder &b, const PrimalView &p,
                       llvm::ArrayRef<Value *> dxs,
                       llvm::SmallVectorImpl<Value *> &dys) {
  return RuleStatus::Unsupported;
}
} // namespace tdl::ad
