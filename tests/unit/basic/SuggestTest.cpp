//===- SuggestTest.cpp - the "did you mean" rule --------------------------===//
#include "basic/Suggest.h"

#include <gtest/gtest.h>

using namespace tdl;

TEST(Suggest, ClosestWithinAThirdOfTheLength) {
  std::vector<llvm::StringRef> c = {"weight", "bias", "value"};
  EXPECT_EQ(closestName("wieght", c), "weight"); // two edits, limit 2
  EXPECT_EQ(closestName("valeu", c), "value");
  EXPECT_EQ(closestName("bais", c), "");   // two edits, limit 1
  EXPECT_EQ(closestName("zzzzzz", c), ""); // nothing close
}

TEST(Suggest, OneLetterNamesAndExactMatchesGetNone) {
  std::vector<llvm::StringRef> c = {"x", "y", "ab"};
  EXPECT_EQ(closestName("z", c), "");
  EXPECT_EQ(closestName("ac", c), "ab"); // one edit in two letters
  EXPECT_EQ(closestName("ab", c), "");   // the name itself is no suggestion
}

TEST(Suggest, TiesGoToTheAlphabeticallyFirst) {
  std::vector<llvm::StringRef> c = {"run", "repl", "rum"};
  EXPECT_EQ(closestName("runn", c), "run");
  EXPECT_EQ(closestName("ruk", {"rum", "run"}), "rum");
  EXPECT_EQ(closestName("ruk", {"run", "rum"}), "rum");
}
