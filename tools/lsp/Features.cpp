//===- Features.cpp - what the features share -----------------------------===//
#include "tools/lsp/Features.h"

namespace tdl::lsp {

Range FeatureContext::range(llvm::SMRange r) const {
  return toRange(analysis.sources, r, encoding);
}

llvm::json::Value FeatureContext::location(llvm::SMRange r) const {
  return locator.location(analysis.sources, r, analysis.mainBuffer, uri,
                          encoding);
}

} // namespace tdl::lsp
