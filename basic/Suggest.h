//===- Suggest.h - "did you mean" candidates ----------------------*- C++
//-*-===//
//
// One rule for every "did you mean" the compiler and the driver print:
// unknown names, fields, named arguments, module members, verbs.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BASIC_SUGGEST_H
#define TDL_BASIC_SUGGEST_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace tdl {

/// The candidate closest to `typo` by edit distance (Levenshtein: each
/// replaced, inserted or deleted character counts one), if it is within
/// (length + 1) / 3 edits: a one-letter name gets no suggestion (every
/// short name would be "close"), `yy` may get `y`, `wieght` gets `weight`.
/// Ties go to the alphabetically first, for deterministic output. Empty if
/// none is close.
llvm::StringRef closestName(llvm::StringRef typo,
                            llvm::ArrayRef<llvm::StringRef> candidates);

} // namespace tdl

#endif
