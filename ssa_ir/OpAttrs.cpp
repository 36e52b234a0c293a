//===- OpAttrs.cpp - the attribute table's kinds and the verifier check ---===//
#include "ssa_ir/OpAttrs.h"

#include <fmt/format.h>

namespace tdl::ir {

namespace {
enum class Presence : uint8_t { Required, Optional };

struct AttrRow {
  llvm::StringRef name;
  AttrKind kind;
};

struct OpAttrRow {
  Opcode opcode;
  AttrRow attr;
  Presence presence;
};

// One constant per ATTR row, so that an OP_ATTR row naming an unknown
// attribute does not compile.
namespace rows {
#define ATTR(ACCESSOR, NAME, KIND)                                             \
  constexpr AttrRow ACCESSOR{NAME, AttrKind::KIND};
#include "ssa_ir/OpAttrs.def"
} // namespace rows

constexpr OpAttrRow opAttrRows[] = {
#define OP_ATTR(OPCODE, ACCESSOR, PRESENCE)                                    \
  {Opcode::OPCODE, rows::ACCESSOR, Presence::PRESENCE},
#include "ssa_ir/OpAttrs.def"
};
} // namespace

llvm::StringRef getAttrKindName(AttrKind k) {
  switch (k) {
  case AttrKind::Int:
    return "int";
  case AttrKind::Bool:
    return "bool";
  case AttrKind::DType:
    return "dtype";
  case AttrKind::IntArray:
    return "int array";
  case AttrKind::Symbol:
    return "symbol";
  case AttrKind::Value:
    return "value";
  }
  return "?";
}

bool attrHasKind(const Attribute &a, AttrKind k) {
  switch (k) {
  case AttrKind::Int:
    return a.is<int64_t>();
  case AttrKind::Bool:
    return a.is<bool>();
  case AttrKind::DType:
    return a.is<DType>();
  case AttrKind::IntArray:
    return a.is<IntArray>();
  case AttrKind::Symbol:
    return a.is<SymbolRef>();
  case AttrKind::Value:
    return true;
  }
  return false;
}

std::string checkOpAttrs(Opcode opcode, const AttrList &attrs) {
  for (const NamedAttribute &a : attrs.entries()) {
    const OpAttrRow *row = nullptr;
    for (const OpAttrRow &r : opAttrRows)
      if (r.opcode == opcode && r.attr.name == a.name)
        row = &r;
    if (!row)
      return fmt::format("has no attribute '{}'", a.name);
    if (!attrHasKind(a.value, row->attr.kind))
      return fmt::format("attribute '{}' must be of kind {}", a.name,
                         getAttrKindName(row->attr.kind).str());
  }
  for (const OpAttrRow &r : opAttrRows)
    if (r.opcode == opcode && r.presence == Presence::Required &&
        !attrs.has(r.attr.name))
      return fmt::format("needs the {} attribute '{}'",
                         getAttrKindName(r.attr.kind).str(), r.attr.name.str());
  return "";
}

} // namespace tdl::ir
