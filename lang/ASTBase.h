//===- ASTBase.h - the syntax tree's node base and shared pieces -*- C++
//-*-===//
//
// Every node has a kind (from ASTNodes.def), a source range, and a nesting
// depth the parser bounds (so no later recursive walk can overflow the stack).
// Nodes live in an ASTContext arena and are never freed one by one: they hold
// only trivially destructible members (pointers, ArrayRef / StringRef into the
// arena or into source buffers owned by the SourceManager).
//
// RTTI is LLVM style: `llvm::isa<ast::CallExpr>(e)`, `llvm::dyn_cast<...>`.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_LANG_ASTBASE_H
#define TDL_LANG_ASTBASE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Casting.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <optional>

namespace tdl::sema {
class Type; // sema's type; the AST only carries a pointer slot for it
} // namespace tdl::sema

namespace tdl::ast {

enum class NodeKind : uint8_t {
#define AST_NODE(CLASS, PARENT) CLASS,
#include "lang/ASTNodes.def"
};
#define NODE_RANGE(BASE, FIRST, LAST)                                          \
  inline constexpr NodeKind First##BASE = NodeKind::FIRST;                     \
  inline constexpr NodeKind Last##BASE = NodeKind::LAST;
#include "lang/ASTNodes.def"

/// The class name of a kind ("CallExpr"), used by the dumper.
llvm::StringRef getNodeKindName(NodeKind k);

class Node {
public:
  NodeKind getKind() const { return kind; }
  llvm::SMRange getRange() const { return range; }
  llvm::SMLoc getLoc() const { return range.Start; }
  void setRange(llvm::SMRange r) { range = r; }
  /// 1 for a leaf; 1 + the deepest child otherwise (set by the parser).
  uint32_t getDepth() const { return depth; }
  void setDepth(uint32_t d) { depth = d; }

protected:
  Node(NodeKind kind, llvm::SMRange range) : range(range), kind(kind) {}

private:
  llvm::SMRange range;
  uint32_t depth = 1;
  NodeKind kind;
};

/// A name as written, with where it was written.
struct Ident {
  llvm::StringRef name;
  llvm::SMLoc loc;
  llvm::SMRange getRange() const {
    return {loc, llvm::SMLoc::getFromPointer(loc.getPointer() + name.size())};
  }
  bool isValid() const { return loc.isValid(); }
};

class Expr;

/// A call / attribute argument: positional (`label` empty) or named `k: v`.
struct Argument {
  Ident label; // label.name is empty for a positional argument
  Expr *value = nullptr;
  bool isNamed() const { return !label.name.empty(); }
};

/// The element types of LANGUAGE.md section 2.
enum class DType : uint8_t { Bool, I8, I32, I64, F32, F64 };
/// "f32" -> DType::F32; nullopt for any other spelling.
std::optional<DType> parseDTypeName(llvm::StringRef name);
llvm::StringRef getDTypeName(DType t);

enum class UnaryOp : uint8_t { Neg, Not };
enum class BinaryOp : uint8_t {
  Pow, // **
  Mul,
  Div,
  Rem,
  MatMul, // * / % @
  Add,
  Sub, // + -
  Shl,
  Shr, // << >>
  BitAnd,
  BitXor,
  BitOr, // & ^ |
  Lt,
  Le,
  Gt,
  Ge, // < <= > >=
  Eq,
  Ne, // == !=
  LogicalAnd,
  LogicalOr, // && ||
};
/// The operator as written ("**", "&&").
llvm::StringRef getUnaryOpSpelling(UnaryOp op);
llvm::StringRef getBinaryOpSpelling(BinaryOp op);

} // namespace tdl::ast

#endif
