//===- Suggest.cpp - "did you mean" candidates ----------------------------===//
#include "basic/Suggest.h"

namespace tdl {

llvm::StringRef closestName(llvm::StringRef typo,
                            llvm::ArrayRef<llvm::StringRef> candidates) {
  unsigned limit = (typo.size() + 1) / 3;
  if (limit == 0)
    return {};
  llvm::StringRef best;
  unsigned bestDist = limit + 1;
  for (llvm::StringRef c : candidates) {
    if (c == typo || c.empty())
      continue;
    unsigned d = typo.edit_distance(c, /*AllowReplacements=*/true, limit);
    if (d < bestDist || (d == bestDist && !best.empty() && c < best)) {
      bestDist = d;
      best = c;
    }
  }
  return bestDist <= limit ? best : llvm::StringRef();
}

} // namespace tdl
