//===- SourceSignature.h - how an exported function's leaves group -*- C++
//-*-===//
//
// The IR passes tensors only: IR generation flattens struct and tuple
// parameters and results into their leaves (depth-first, fields in
// declaration order). The generated C/C++ header wants the source's shape
// back — a C struct per TDL struct with named fields, a result struct — so
// IR generation records it on every exported function. It is metadata for
// the header only: no pass reads it, and IR parsed from text has none (the
// header then offers the flat functions alone).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SSA_IR_SOURCESIGNATURE_H
#define TDL_SSA_IR_SOURCESIGNATURE_H

#include <string>
#include <vector>

namespace tdl::ir {

/// One parameter, field, tuple element or result, as the source wrote it.
/// A Leaf stands for the next IR leaf in depth-first order.
struct SourceValue {
  enum class Kind { Leaf, Struct, Tuple };
  Kind kind = Kind::Leaf;
  std::string name;       // parameter or field name; empty for elements
  std::string structName; // Struct: the instance's name ("Dense<4, 3>")
  std::vector<SourceValue> elements; // Struct fields / Tuple elements
};

struct SourceSignature {
  std::vector<SourceValue> params;
  SourceValue result;
};

} // namespace tdl::ir

#endif
