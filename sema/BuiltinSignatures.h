//===- BuiltinSignatures.h - builtin parameters, for tools --------*- C++
//-*-===//
//
// What an editor shows for a builtin: its parameters as a user writes them
// (`sum(x, axis: int | tuple = all, keepdims: bool = false)`), which of them
// may be passed by name, the result and one line of documentation. The
// checking itself lives in the shape rules (Builtin*.cpp, BuiltinCall::
// accept); tests/unit/sema/BuiltinSignaturesTest.cpp checks that every
// name listed here is one the rule accepts.
//
// Read-only: nothing in sema's checking uses this table.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SEMA_BUILTINSIGNATURES_H
#define TDL_SEMA_BUILTINSIGNATURES_H

#include "sema/Program.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace tdl::sema {

struct BuiltinParam {
  llvm::StringRef name;
  /// The parameter as written in a signature: `axis: int | tuple = all`.
  llvm::StringRef label;
  /// The argument may be given as `name: value` (every static argument;
  /// the tensor operands are positional only).
  bool byName = false;
  /// Only by name (`axis:` of a reduction), never positionally.
  bool nameOnly = false;
};

/// One form of a builtin; max and min have two (elementwise, reduction).
struct BuiltinSignature {
  BuiltinId id = BuiltinId::NumBuiltins;
  llvm::ArrayRef<BuiltinParam> params;
  llvm::StringRef result; // `T[..S]`, `i64[...]`
  llvm::StringRef doc;    // one sentence
};

/// Every form of the builtin `id`, the usual one first.
llvm::ArrayRef<BuiltinSignature> getBuiltinSignatures(BuiltinId id);

/// The builtin spelled `name` (`sum`), if any.
std::optional<BuiltinId> lookupBuiltin(llvm::StringRef name);

/// `sum(x, axis: int | tuple = all, keepdims: bool = false) -> T[...]`.
std::string formatSignature(llvm::StringRef name, const BuiltinSignature &s);

} // namespace tdl::sema

#endif
