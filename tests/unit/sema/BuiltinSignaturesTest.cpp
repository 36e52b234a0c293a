//===- BuiltinSignaturesTest.cpp - the editor table agrees with the rules -===//
//
// sema/BuiltinSignatures.cpp lists, for the language server, the arguments
// each builtin takes by name. The shape rules decide what is accepted; this
// test passes every listed name to the rule and fails if the rule reports
// it unknown, so the table cannot drift from the checking.
//
//===----------------------------------------------------------------------===//
#include "SemaTestUtil.h"

#include "sema/BuiltinSignatures.h"

#include <gtest/gtest.h>

namespace tdl::sema {
namespace {

bool rejectsName(llvm::StringRef builtin, llvm::StringRef arg) {
  test::Compiled c(fmt::format("fn f(x: f32[2, 2]) {{ let y = {}(x, {}: 0); }}",
                               builtin.str(), arg.str()));
  std::string unknown =
      fmt::format("'{}' has no argument named '{}'", builtin.str(), arg.str());
  return llvm::is_contained(c.messages, unknown);
}

TEST(BuiltinSignatures, EveryBuiltinHasOne) {
  for (unsigned i = 0; i < unsigned(BuiltinId::NumBuiltins); ++i) {
    auto id = BuiltinId(i);
    EXPECT_FALSE(getBuiltinSignatures(id).empty()) << getBuiltinName(id).str();
    EXPECT_EQ(lookupBuiltin(getBuiltinName(id)), id);
    for (const BuiltinSignature &s : getBuiltinSignatures(id))
      EXPECT_EQ(s.id, id);
  }
  EXPECT_FALSE(lookupBuiltin("no_such_builtin"));
}

TEST(BuiltinSignatures, NamedArgumentsAreAccepted) {
  for (unsigned i = 0; i < unsigned(BuiltinId::NumBuiltins); ++i) {
    llvm::StringRef name = getBuiltinName(BuiltinId(i));
    for (const BuiltinSignature &s : getBuiltinSignatures(BuiltinId(i)))
      for (const BuiltinParam &p : s.params)
        if (p.byName)
          EXPECT_FALSE(rejectsName(name, p.name))
              << name.str() << " rejects " << p.name.str() << ":";
  }
}

TEST(BuiltinSignatures, TheCheckSeesUnknownNames) {
  EXPECT_TRUE(rejectsName("sum", "no_such_argument"));
  EXPECT_TRUE(rejectsName("exp", "axis"));
}

TEST(BuiltinSignatures, Format) {
  EXPECT_EQ(formatSignature("sum", getBuiltinSignatures(BuiltinId::Sum)[0]),
            "sum(x: T[..S], axis: int | tuple = all, keepdims: bool = false) "
            "-> T[reduced]");
  EXPECT_EQ(getBuiltinSignatures(BuiltinId::Max).size(), 2u);
}

} // namespace
} // namespace tdl::sema
