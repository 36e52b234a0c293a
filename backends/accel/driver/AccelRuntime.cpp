//===- AccelRuntime.cpp - the C API over backends/accel ------------------===//
#include "backends/accel/driver/AccelRuntime.h"

#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/Dram.h"
#include "backends/accel/isa/Encoding.h"
#include "backends/accel/sim/Simulator.h"

#include "llvm/Support/MathExtras.h"

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

using namespace tdl::accel;

struct TdlAccelDevice {
  explicit TdlAccelDevice(const Config &config)
      : config(config), simulator(config) {}
  Config config;
  Dram dram;
  Simulator simulator;
  std::vector<InsnWord> program;
  RunStats stats;
  std::string lastError;

  int fail(std::string message) {
    lastError = std::move(message);
    return -1;
  }
  bool checkRange(uint64_t address, uint64_t bytes) {
    if (dram.contains(address, bytes))
      return true;
    fail("dram range [" + std::to_string(address) + ", +" +
         std::to_string(bytes) + ") is outside the " +
         std::to_string(dram.size()) + " allocated bytes");
    return false;
  }
};

extern "C" {

TdlAccelDevice *tdl_accel_create(const char *configJson, char **error) {
  llvm::Expected<Config> config =
      configJson ? parseConfig(configJson) : parseConfig(defaultConfigJson());
  if (!config) {
    std::string message = llvm::toString(config.takeError());
    if (error) {
      *error = static_cast<char *>(std::malloc(message.size() + 1));
      if (*error)
        std::memcpy(*error, message.c_str(), message.size() + 1);
    }
    return nullptr;
  }
  return new TdlAccelDevice(*config);
}

void tdl_accel_destroy(TdlAccelDevice *dev) { delete dev; }

uint64_t tdl_accel_alloc(TdlAccelDevice *dev, uint64_t bytes, uint64_t align) {
  if (align == 0)
    align = dev->config.maxElemBytes();
  if (!llvm::isPowerOf2_64(align)) {
    dev->fail("alignment " + std::to_string(align) + " is not a power of two");
    return UINT64_MAX;
  }
  if (bytes > (uint64_t(1) << 36)) {
    dev->fail("allocation of " + std::to_string(bytes) + " bytes is too large");
    return UINT64_MAX;
  }
  return dev->dram.allocate(bytes, align);
}

int tdl_accel_copy_in(TdlAccelDevice *dev, uint64_t address, const void *src,
                      uint64_t bytes) {
  if (!dev->checkRange(address, bytes))
    return -1;
  std::memcpy(dev->dram.data(address), src, bytes);
  return 0;
}

int tdl_accel_copy_out(TdlAccelDevice *dev, void *dst, uint64_t address,
                       uint64_t bytes) {
  if (!dev->checkRange(address, bytes))
    return -1;
  std::memcpy(dst, dev->dram.data(address), bytes);
  return 0;
}

int tdl_accel_write_uops(TdlAccelDevice *dev, uint64_t address,
                         const uint32_t *dstSrcWgt, size_t count) {
  if (!dev->checkRange(address, uint64_t(count) * 4))
    return -1;
  for (size_t i = 0; i < count; ++i) {
    llvm::Expected<uint32_t> word = encodeUop(
        MicroOp{dstSrcWgt[3 * i], dstSrcWgt[3 * i + 1], dstSrcWgt[3 * i + 2]});
    if (!word)
      return dev->fail("micro-op " + std::to_string(i) + ": " +
                       llvm::toString(word.takeError()));
    uint8_t *p = dev->dram.data(address + 4 * i);
    for (int b = 0; b < 4; ++b)
      p[b] = uint8_t(*word >> (8 * b));
  }
  return 0;
}

int tdl_accel_submit(TdlAccelDevice *dev, const void *instructions,
                     size_t count) {
  dev->program.resize(count);
  if (count)
    std::memcpy(dev->program.data(), instructions, count * sizeof(InsnWord));
  return 0;
}

int tdl_accel_run(TdlAccelDevice *dev) {
  RunResult result = dev->simulator.runBinary(dev->program, dev->dram);
  dev->stats = result.stats;
  if (result.fault)
    return dev->fail(formatFault(*result.fault));
  dev->lastError.clear();
  return 0;
}

int tdl_accel_get_stats(const TdlAccelDevice *dev, TdlAccelStats *out) {
  const RunStats &s = dev->stats;
  *out = TdlAccelStats();
  out->cycles = s.cycles;
  out->macs = s.macs;
  for (unsigned m = 0; m < NumModules; ++m) {
    out->busy_cycles[m] = s.modules[m].busyCycles;
    out->stalled_cycles[m] =
        s.modules[m].stallTokenCycles + s.modules[m].stallDramCycles;
  }
  for (unsigned t = 0; t < NumTraffic; ++t)
    out->dram_bytes[t] = s.bytes[t];
  out->utilization = s.utilization(dev->config);
  out->gops = s.gops(dev->config);
  return 0;
}

const char *tdl_accel_last_error(const TdlAccelDevice *dev) {
  return dev->lastError.c_str();
}

} // extern "C"
