//===- ConfigTest.cpp - parsing and validating the hardware description --===//
#include "backends/accel/isa/Config.h"

#include "gtest/gtest.h"

using namespace tdl::accel;

namespace {

std::string errorOf(llvm::StringRef json) {
  llvm::Expected<Config> c = parseConfig(json);
  if (c)
    return "<no error>";
  return llvm::toString(c.takeError());
}

TEST(ConfigTest, DefaultMatchesSpec) {
  llvm::Expected<Config> c = parseConfig(defaultConfigJson());
  ASSERT_TRUE(bool(c)) << llvm::toString(c.takeError());
  EXPECT_EQ(c->batch, 1u);
  EXPECT_EQ(c->blockIn, 16u);
  EXPECT_EQ(c->blockOut, 16u);
  EXPECT_EQ(c->inpDepth, 2048u);
  EXPECT_EQ(c->wgtDepth, 1024u);
  EXPECT_EQ(c->accDepth, 2048u);
  EXPECT_EQ(c->uopDepth, 8192u);
  EXPECT_EQ(c->dramBytesPerCycle, 8u);
  EXPECT_EQ(c->dramLatency, 64u);
  EXPECT_EQ(c->gemmII, 1u);
  EXPECT_EQ(c->aluIIImm, 1u);
  EXPECT_EQ(c->aluIITensor, 2u);
  EXPECT_EQ(c->clockMhz, 100);
  EXPECT_EQ(c->macsPerIteration(), 256u);
  // The empty object means the defaults too.
  llvm::Expected<Config> empty = parseConfig("{}");
  ASSERT_TRUE(bool(empty));
  EXPECT_EQ(empty->accDepth, 2048u);
}

TEST(ConfigTest, OverridesAndRoundTrip) {
  llvm::Expected<Config> c =
      parseConfig(R"({"batch": 2, "block_in": 32, "clock_mhz": 250.5})");
  ASSERT_TRUE(bool(c));
  EXPECT_EQ(c->batch, 2u);
  EXPECT_EQ(c->blockIn, 32u);
  EXPECT_EQ(c->clockMhz, 250.5);
  EXPECT_EQ(c->inpElemBytes(), 64u);
  llvm::Expected<Config> again = parseConfig(configToJson(*c));
  ASSERT_TRUE(bool(again));
  EXPECT_EQ(again->batch, 2u);
  EXPECT_EQ(again->blockIn, 32u);
  EXPECT_EQ(again->clockMhz, 250.5);
}

TEST(ConfigTest, ErrorsNameTheKey) {
  EXPECT_EQ(errorOf(R"({"block_in": 12})"),
            "'block_in' must be a power of two (got 12)");
  EXPECT_EQ(errorOf(R"({"inp_depth": 0})"),
            "'inp_depth' must be positive (got 0)");
  EXPECT_EQ(errorOf(R"({"dram_latency": -3})"),
            "'dram_latency' must be positive (got -3)");
  EXPECT_EQ(errorOf(R"({"acc_depth": 4096})"),
            "'acc_depth' must be at most 2048 (got 4096)");
  EXPECT_EQ(errorOf(R"({"gemm_ii": "fast"})"), "'gemm_ii' must be an integer");
  EXPECT_EQ(errorOf(R"({"clock_mhz": 0})"),
            "'clock_mhz' must be positive (got 0)");
  EXPECT_EQ(errorOf(R"({"blok_in": 16})"), "unknown key 'blok_in'");
  EXPECT_EQ(errorOf(R"({"block_in": 65536, "block_out": 4096})"),
            "'wgt_depth' x 'block_out' x 'block_in' = 274877906944 bytes "
            "exceeds the simulator's limit of 268435456 bytes per SRAM");
  EXPECT_EQ(errorOf("[1, 2]"), "the configuration must be a JSON object");
  EXPECT_NE(errorOf("{\"batch\": ").find("invalid JSON"), std::string::npos);
}

} // namespace
