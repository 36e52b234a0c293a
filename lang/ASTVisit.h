//===- ASTVisit.h - iterate the children of an AST node ---------*- C++ -*-===//
//
// ast::forEachChild(node, f) calls f on each direct child of `node`, in source
// order, with the cases generated from lang/ASTChildren.def. `f` takes either
// `(const Node *)` or `(const Node *, const ChildInfo &)`.
//
// A child the grammar always has (CHILD) is passed even if it is null, which
// only error recovery produces; a child that may be absent (CHILD_OPT) is
// passed only when present. Walkers that need a different order or scoping
// (sema's name walk binds a `let` pattern after its initializer) handle those
// node kinds themselves and use forEachChild for the rest.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_LANG_ASTVISIT_H
#define TDL_LANG_ASTVISIT_H

#include "lang/AST.h"

#include <type_traits>

namespace tdl::ast {

/// How a child hangs below its parent.
struct ChildInfo {
  /// The dumper's label: "type", "else", ... from ASTChildren.def, or an
  /// argument's / field initializer's name. Empty for most children.
  llvm::StringRef label;
  /// Set when the child is an argument value of this `@attribute(...)`.
  const Attribute *attribute = nullptr;
  /// True for a CHILD_OPT child (then never null).
  bool optional = false;
};

namespace detail {
template <typename F>
inline void visitChild(F &f, const Node *child, const ChildInfo &info) {
  if constexpr (std::is_invocable_v<F &, const Node *, const ChildInfo &>)
    f(child, info);
  else
    f(child);
}

inline constexpr unsigned numNodeKinds = 0
#define AST_NODE(CLASS, PARENT) +1
#include "lang/ASTNodes.def"
    ;
inline constexpr unsigned numChildRows = 0
#define NODE_CHILDREN(CLASS, CHILDREN) +1
#include "lang/ASTChildren.def"
    ;
static_assert(numNodeKinds == numChildRows,
              "every node kind of ASTNodes.def needs a row in ASTChildren.def");
} // namespace detail

/// Calls `f` on each direct child of `n` in source order (see the file
/// comment for which null children are passed).
template <typename F> void forEachChild(const Node *n, F &&f) {
  switch (n->getKind()) {
#define CHILD(GET) detail::visitChild(f, x->GET(), ChildInfo{});
#define CHILD_NAMED(GET, LABEL)                                                \
  detail::visitChild(f, x->GET(), ChildInfo{LABEL});
#define CHILD_OPT(GET, LABEL)                                                  \
  if (const Node *c = x->GET())                                                \
    detail::visitChild(f, c, ChildInfo{LABEL, nullptr, true});
#define CHILD_LIST(GET)                                                        \
  for (const Node *c : x->GET())                                               \
    detail::visitChild(f, c, ChildInfo{});
#define CHILD_ARGS(GET)                                                        \
  for (const Argument &a : x->GET())                                           \
    detail::visitChild(f, a.value, ChildInfo{a.label.name});
#define CHILD_FIELDS(GET)                                                      \
  for (const FieldInit &fi : x->GET())                                         \
    detail::visitChild(f, fi.value, ChildInfo{fi.name.name});
#define CHILD_ATTRS(GET)                                                       \
  for (const Attribute &at : x->GET())                                         \
    for (const Argument &a : at.args)                                          \
      detail::visitChild(f, a.value, ChildInfo{a.label.name, &at});
#define NODE_CHILDREN(CLASS, CHILDREN)                                         \
  case NodeKind::CLASS: {                                                      \
    [[maybe_unused]] auto *x = llvm::cast<CLASS>(n);                           \
    CHILDREN                                                                   \
    return;                                                                    \
  }
#include "lang/ASTChildren.def"
  }
}

} // namespace tdl::ast

#endif
