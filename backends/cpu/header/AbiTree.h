//===- AbiTree.h - an exported function as the header presents it -*- C++
//-*-===//
//
// The object's C functions take the IR's flattened leaves (LANGUAGE.md §8):
// one pointer or value per tensor leaf, then one pointer per result leaf.
// The header also offers the function as the source wrote it: a C struct per
// TDL struct, named fields, a result struct. AbiFunction pairs the two: the
// flat parameter list, and the source tree (ssa_ir/SourceSignature.h) with
// each leaf bound to its flat parameter. The C and C++ writers
// (CHeader.cpp, CxxHeader.cpp) only print what is computed here.
//
// C names: structs are `<module>_<Struct>` for inputs (`const T *` per
// tensor leaf, scalars by value) and `<module>_<Struct>_out` for results
// (`T *` per leaf); the result struct is `<module>_<fn>_result` with one
// field per result element `out0`, `out1`, ... (tensors as `T *`, scalars
// by value, structs as `_out` structs). Tuples inside parameters or structs
// are spelled as one field per element, `name_0`, `name_1`, ...
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_CPU_HEADER_ABITREE_H
#define TDL_BACKENDS_CPU_HEADER_ABITREE_H

#include "ssa_ir/IR.h"

#include <map>
#include <string>
#include <vector>

namespace tdl::cpu::header {

/// One leaf of the flat C ABI.
struct FlatParam {
  std::string name; // `l_w`, `x`, `out0`
  ir::Type type;
  bool output = false;
};

/// A parameter, field or result element with its leaves bound.
struct AbiNode {
  enum class Kind { Leaf, Struct };
  Kind kind = Kind::Leaf;
  std::string name;       // the C field or parameter name
  std::string structType; // Struct: the C base name (`net_Layer`)
  std::vector<AbiNode> fields;
  unsigned flatIndex = 0; // Leaf: index into AbiFunction::flat
  ir::Type type;          // Leaf
};

/// A TDL struct as C declares it.
struct AbiStruct {
  std::string cName;           // `net_Layer` (and `net_Layer_out`)
  std::string sourceName;      // `Layer`, `Dense<4, 3>`
  std::vector<AbiNode> fields; // leaves carry no flat index here
};

struct AbiFunction {
  std::string name;     // the TDL export name, e.g. `forward`
  std::string flatName; // the C symbol (with --prefix)
  std::vector<FlatParam> flat;
  bool hasSource = false;       // a source signature was recorded
  std::vector<AbiNode> params;  // source parameters (tuples spread)
  std::vector<AbiNode> results; // result struct fields out0, out1, ...
  std::string callName;         // the C struct form, `<module>_<fn>`
  std::string resultType;       // `<module>_<fn>_result`
};

struct AbiModule {
  std::string moduleName; // the C++ namespace and the C name prefix
  std::string prefix;     // --prefix of every object symbol
  std::vector<AbiFunction> functions;
  /// Every struct the functions use, inner before outer.
  std::vector<AbiStruct> structs;
  /// The object calls the accelerator host runtime (--accel).
  bool accelerator = false;
};

AbiModule buildAbiModule(const ir::Module &module, llvm::StringRef moduleName,
                         llvm::StringRef prefix);

/// `float`, `int32_t`, ...
const char *cType(ir::DType t);
/// A C identifier from any name (`Dense<4, 3>` -> `Dense_4_3`).
std::string cIdentifier(llvm::StringRef name);

} // namespace tdl::cpu::header

#endif
