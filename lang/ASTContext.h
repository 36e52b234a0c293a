//===- ASTContext.h - the arena that owns syntax tree nodes ------*- C++
//-*-===//
//
// Nodes and their child arrays are bump-allocated and freed all at once when
// the context dies. Node classes are trivially destructible, so no
// destructors run. One context can hold many modules (imports, REPL lines).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_LANG_ASTCONTEXT_H
#define TDL_LANG_ASTCONTEXT_H

#include "lang/AST.h"

#include "llvm/Support/Allocator.h"
#include "llvm/Support/StringSaver.h"

#include <type_traits>
#include <utility>

namespace tdl::ast {

class ASTContext {
public:
  ASTContext() = default;
  ASTContext(const ASTContext &) = delete;
  ASTContext &operator=(const ASTContext &) = delete;

  template <typename T, typename... Args> T *create(Args &&...args) {
    static_assert(std::is_trivially_destructible_v<T>,
                  "AST nodes are arena-allocated and never destroyed");
    return new (allocator.Allocate<T>()) T(std::forward<Args>(args)...);
  }

  /// Copies `items` into the arena.
  template <typename T> llvm::ArrayRef<T> copyArray(llvm::ArrayRef<T> items) {
    static_assert(std::is_trivially_destructible_v<T>);
    if (items.empty())
      return {};
    T *mem = allocator.Allocate<T>(items.size());
    std::uninitialized_copy(items.begin(), items.end(), mem);
    return {mem, items.size()};
  }

  /// Keeps a string alive as long as the context (for synthesized names).
  llvm::StringRef saveString(llvm::StringRef s) { return saver.save(s); }

  size_t getBytesAllocated() const { return allocator.getBytesAllocated(); }

private:
  llvm::BumpPtrAllocator allocator;
  llvm::UniqueStringSaver saver{allocator};
};

} // namespace tdl::ast

#endif
