//===- Config.cpp - parse and validate the hardware description ----------===//
#include "backends/accel/isa/Config.h"

#include "backends/accel/isa/Encoding.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <fmt/format.h>

#include <algorithm>

namespace tdl::accel {

namespace {

llvm::Error configError(std::string message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// One integer key: its JSON name, the field, and the constraints on it.
struct IntKey {
  const char *name;
  uint32_t Config::*field;
  bool powerOfTwo;
  uint64_t max; // inclusive; from the field widths of the encoding
};

constexpr uint64_t MaxSramBytes = uint64_t(1) << 28;

const IntKey intKeys[] = {
    {"batch", &Config::batch, true, 1u << 16},
    {"block_in", &Config::blockIn, true, 1u << 16},
    {"block_out", &Config::blockOut, true, 1u << 16},
    // Depths are bounded by the micro-op index fields and sram_base.
    {"inp_depth", &Config::inpDepth, true, maxValue(width::UopSrc) + 1},
    {"wgt_depth", &Config::wgtDepth, true, maxValue(width::UopWgt) + 1},
    {"acc_depth", &Config::accDepth, true, maxValue(width::UopDst) + 1},
    {"uop_depth", &Config::uopDepth, true, maxValue(width::UopBgn) + 1},
    {"dram_bytes_per_cycle", &Config::dramBytesPerCycle, false, 1u << 20},
    {"dram_latency", &Config::dramLatency, false, 1u << 20},
    {"gemm_ii", &Config::gemmII, false, 1u << 10},
    {"alu_ii_imm", &Config::aluIIImm, false, 1u << 10},
    {"alu_ii_tensor", &Config::aluIITensor, false, 1u << 10},
};

} // namespace

uint64_t Config::maxElemBytes() const {
  return std::max({inpElemBytes(), wgtElemBytes(), accElemBytes(),
                   outElemBytes(), uopElemBytes()});
}

llvm::StringRef defaultConfigJson() {
  return R"({
  "batch": 1,
  "block_in": 16,
  "block_out": 16,
  "inp_depth": 2048,
  "wgt_depth": 1024,
  "acc_depth": 2048,
  "uop_depth": 8192,
  "dram_bytes_per_cycle": 8,
  "dram_latency": 64,
  "gemm_ii": 1,
  "alu_ii_imm": 1,
  "alu_ii_tensor": 2,
  "clock_mhz": 100
}
)";
}

llvm::Error validateConfig(const Config &config) {
  for (const IntKey &key : intKeys) {
    uint64_t v = config.*key.field;
    if (v == 0)
      return configError(
          fmt::format("'{}' must be positive (got 0)", key.name));
    if (key.powerOfTwo && !llvm::isPowerOf2_64(v))
      return configError(
          fmt::format("'{}' must be a power of two (got {})", key.name, v));
    if (v > key.max)
      return configError(fmt::format("'{}' must be at most {} (got {})",
                                     key.name, key.max, v));
  }
  // Each SRAM is allocated by the simulator: keep them within 256 MiB so a
  // large block size is an error, not an out-of-memory crash.
  const struct {
    const char *keys;
    uint64_t bytes;
  } srams[] = {
      {"'inp_depth' x 'batch' x 'block_in'",
       uint64_t(config.inpDepth) * config.inpElemBytes()},
      {"'wgt_depth' x 'block_out' x 'block_in'",
       uint64_t(config.wgtDepth) * config.wgtElemBytes()},
      {"'acc_depth' x 'batch' x 'block_out' x 4",
       uint64_t(config.accDepth) * config.accElemBytes()},
  };
  for (const auto &sram : srams)
    if (sram.bytes > MaxSramBytes)
      return configError(fmt::format("{} = {} bytes exceeds the simulator's "
                                     "limit of {} bytes per SRAM",
                                     sram.keys, sram.bytes, MaxSramBytes));
  if (!(config.clockMhz > 0))
    return configError(
        fmt::format("'clock_mhz' must be positive (got {})", config.clockMhz));
  return llvm::Error::success();
}

llvm::Expected<Config> parseConfig(llvm::StringRef json) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(json);
  if (!parsed)
    return configError("invalid JSON: " + llvm::toString(parsed.takeError()));
  const llvm::json::Object *object = parsed->getAsObject();
  if (!object)
    return configError("the configuration must be a JSON object");
  Config config;
  for (const auto &[k, value] : *object) {
    llvm::StringRef name = k;
    if (name == "clock_mhz") {
      std::optional<double> v = value.getAsNumber();
      if (!v)
        return configError("'clock_mhz' must be a number");
      config.clockMhz = *v;
      continue;
    }
    const IntKey *key = std::find_if(
        std::begin(intKeys), std::end(intKeys),
        [&](const IntKey &candidate) { return name == candidate.name; });
    if (key == std::end(intKeys))
      return configError(fmt::format("unknown key '{}'", name.str()));
    std::optional<int64_t> v = value.getAsInteger();
    if (!v)
      return configError(fmt::format("'{}' must be an integer", name.str()));
    if (*v <= 0)
      return configError(
          fmt::format("'{}' must be positive (got {})", name.str(), *v));
    if (uint64_t(*v) > key->max)
      return configError(fmt::format("'{}' must be at most {} (got {})",
                                     name.str(), key->max, *v));
    config.*key->field = uint32_t(*v);
  }
  if (llvm::Error err = validateConfig(config))
    return err;
  return config;
}

llvm::Expected<Config> loadConfigFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return configError(fmt::format("cannot open '{}': {}", path.str(),
                                   buffer.getError().message()));
  llvm::Expected<Config> config = parseConfig((*buffer)->getBuffer());
  if (!config)
    return configError(fmt::format("invalid accelerator config '{}': {}",
                                   path.str(),
                                   llvm::toString(config.takeError())));
  return config;
}

std::string configToJson(const Config &config) {
  llvm::json::Object object;
  for (const IntKey &key : intKeys)
    object[key.name] = int64_t(config.*key.field);
  object["clock_mhz"] = config.clockMhz;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(object)));
  return text;
}

} // namespace tdl::accel
