//===- OpAttrs.h - typed access to an op's attributes -----------*- C++ -*-===//
//
// Generated from ssa_ir/OpAttrs.def. Instead of `*op.getAttrs().getInt("axis")`
// write `OpAttrs(op).axis()`: the name and the kind are written once, in the
// table, and the verifier checks every op's attributes against it, so the
// accessors of a Required attribute on verified IR never fail.
//
//   OpAttrs(op).axis()     the value (asserts it is there, of its kind)
//   OpAttrs(op).axisIf()   std::optional / a pointer: empty when absent
//
// The kinds: Int -> int64_t, Bool -> bool, DType -> DType, IntArray ->
// const IntArray &, Symbol -> llvm::StringRef (the callee's name), Value ->
// const Attribute & (a constant's number, bool or dense data). The `...If`
// forms return std::optional for the first three and a pointer (the
// SymbolRef for Symbol) for the others.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SSA_IR_OPATTRS_H
#define TDL_SSA_IR_OPATTRS_H

#include "ssa_ir/IR.h"
#include "ssa_ir/OpAttrs.h"

#include <cassert>
#include <optional>
#include <string>

namespace tdl::ir {

enum class AttrKind : uint8_t { Int, Bool, DType, IntArray, Symbol, Value };

/// "int", "int array", ... (for messages).
llvm::StringRef getAttrKindName(AttrKind k);

/// Whether `a` holds a value of kind `k`.
bool attrHasKind(const Attribute &a, AttrKind k);

/// Checks `attrs` of an op of `opcode` against OpAttrs.def: no attribute the
/// table does not list for the opcode, each of its kind, every Required one
/// present. Returns the first problem as a message, or "" when none.
std::string checkOpAttrs(Opcode opcode, const AttrList &attrs);

namespace detail {
template <AttrKind K> struct AttrAccess;
template <> struct AttrAccess<AttrKind::Int> {
  using Value = int64_t;
  using Found = std::optional<int64_t>;
  static Found find(const AttrList &a, llvm::StringRef n) {
    return a.getInt(n);
  }
  static Value get(const Found &f) { return *f; }
};
template <> struct AttrAccess<AttrKind::Bool> {
  using Value = bool;
  using Found = std::optional<bool>;
  static Found find(const AttrList &a, llvm::StringRef n) {
    return a.getBool(n);
  }
  static Value get(const Found &f) { return *f; }
};
template <> struct AttrAccess<AttrKind::DType> {
  using Value = DType;
  using Found = std::optional<DType>;
  static Found find(const AttrList &a, llvm::StringRef n) {
    return a.getDType(n);
  }
  static Value get(const Found &f) { return *f; }
};
template <> struct AttrAccess<AttrKind::IntArray> {
  using Value = const IntArray &;
  using Found = const IntArray *;
  static Found find(const AttrList &a, llvm::StringRef n) {
    return a.getIntArray(n);
  }
  static Value get(Found f) { return *f; }
};
template <> struct AttrAccess<AttrKind::Symbol> {
  using Value = llvm::StringRef;
  using Found = const SymbolRef *;
  static Found find(const AttrList &a, llvm::StringRef n) {
    return a.getSymbol(n);
  }
  static Value get(Found f) { return f->name; }
};
template <> struct AttrAccess<AttrKind::Value> {
  using Value = const Attribute &;
  using Found = const Attribute *;
  static Found find(const AttrList &a, llvm::StringRef n) { return a.get(n); }
  static Value get(Found f) { return *f; }
};
} // namespace detail

/// A typed view of one op's attributes (cheap to make: one reference).
class OpAttrs {
public:
  explicit OpAttrs(const AttrList &attrs) : attrs(attrs) {}
  explicit OpAttrs(const Operation &op) : attrs(op.getAttrs()) {}

#define ATTR(ACCESSOR, NAME, KIND)                                             \
  detail::AttrAccess<AttrKind::KIND>::Found ACCESSOR##If() const {             \
    return detail::AttrAccess<AttrKind::KIND>::find(attrs, NAME);              \
  }                                                                            \
  detail::AttrAccess<AttrKind::KIND>::Value ACCESSOR() const {                 \
    auto found = ACCESSOR##If();                                               \
    assert(found && "attribute '" NAME "' missing or of another kind");        \
    return detail::AttrAccess<AttrKind::KIND>::get(found);                     \
  }
#include "ssa_ir/OpAttrs.def"

  const AttrList &list() const { return attrs; }

private:
  const AttrList &attrs;
};

} // namespace tdl::ir

#endif
