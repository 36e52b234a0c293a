//===- Config.h - the accelerator's hardware description ---------*- C++
//-*-===//
//
// ACCEL.md §1: a JSON object; every key is optional (the default applies),
// unknown keys are errors (a typo must not silently fall back to a default).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_ISA_CONFIG_H
#define TDL_BACKENDS_ACCEL_ISA_CONFIG_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace tdl::accel {

struct Config {
  uint32_t batch = 1;
  uint32_t blockIn = 16;
  uint32_t blockOut = 16;
  uint32_t inpDepth = 2048;
  uint32_t wgtDepth = 1024;
  uint32_t accDepth = 2048;
  uint32_t uopDepth = 8192;
  uint32_t dramBytesPerCycle = 8;
  uint32_t dramLatency = 64;
  uint32_t gemmII = 1;
  uint32_t aluIIImm = 1;
  uint32_t aluIITensor = 2;
  double clockMhz = 100;

  /// Bytes of one element of each memory type in DRAM.
  uint64_t inpElemBytes() const { return uint64_t(batch) * blockIn; }
  uint64_t wgtElemBytes() const { return uint64_t(blockOut) * blockIn; }
  uint64_t accElemBytes() const { return uint64_t(batch) * blockOut * 4; }
  uint64_t outElemBytes() const { return uint64_t(batch) * blockOut; }
  static constexpr uint64_t uopElemBytes() { return 4; }
  /// The largest element size: DRAM buffers are aligned to it so that any
  /// buffer can be addressed in units of any memory type.
  uint64_t maxElemBytes() const;
  /// MACs of one GEMM micro-op iteration: the peak per cycle.
  uint64_t macsPerIteration() const {
    return uint64_t(batch) * blockIn * blockOut;
  }
};

/// The default configuration as JSON text (what an empty object means).
llvm::StringRef defaultConfigJson();

/// Parses and validates a JSON configuration. Errors name the key, e.g.
/// "'block_in' must be a power of two (got 12)".
llvm::Expected<Config> parseConfig(llvm::StringRef json);
/// Reads and parses a configuration file; errors start with the path.
llvm::Expected<Config> loadConfigFile(llvm::StringRef path);
/// Checks the invariants the simulator and the encoding rely on.
llvm::Error validateConfig(const Config &config);
/// The configuration as JSON (all keys).
std::string configToJson(const Config &config);

} // namespace tdl::accel

#endif
