//===- SimTestHelpers.h - a DRAM + simulator for tests ------------------===//
#ifndef TDL_TESTS_UNIT_ACCEL_SIMTESTHELPERS_H
#define TDL_TESTS_UNIT_ACCEL_SIMTESTHELPERS_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/Dram.h"
#include "backends/accel/isa/Encoding.h"
#include "backends/accel/sim/Simulator.h"

#include <cstring>
#include <random>
#include <vector>

namespace tdl::accel::test {

struct Machine {
  explicit Machine(Config c = Config()) : config(c), sim(c) {}
  /// Allocates and fills a DRAM buffer; returns its byte address.
  template <typename T> uint64_t put(const std::vector<T> &values) {
    uint64_t address =
        dram.allocate(values.size() * sizeof(T), config.maxElemBytes());
    std::memcpy(dram.data(address), values.data(), values.size() * sizeof(T));
    return address;
  }
  uint64_t zeros(uint64_t bytes) {
    return dram.allocate(bytes, config.maxElemBytes());
  }
  uint64_t putUops(const std::vector<MicroOp> &uops) {
    std::vector<uint32_t> words;
    for (const MicroOp &u : uops)
      words.push_back(cantFail(encodeUop(u)));
    return put(words);
  }
  template <typename T> std::vector<T> get(uint64_t address, size_t count) {
    std::vector<T> out(count);
    std::memcpy(out.data(), dram.data(address), count * sizeof(T));
    return out;
  }
  RunResult run(std::vector<Instruction> program) {
    return sim.run(program, dram);
  }

  Config config;
  Dram dram;
  Simulator sim;
};

inline std::vector<int8_t> randomI8(size_t n, unsigned seed, int lo = -128,
                                    int hi = 127) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<int8_t> v(n);
  for (int8_t &x : v)
    x = int8_t(dist(rng));
  return v;
}

inline std::vector<int32_t> randomI32(size_t n, unsigned seed, int32_t lo,
                                      int32_t hi) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> dist(lo, hi);
  std::vector<int32_t> v(n);
  for (int32_t &x : v)
    x = dist(rng);
  return v;
}

inline Instruction withFlags(Instruction i, DepFlags d) {
  i.deps = d;
  return i;
}

} // namespace tdl::accel::test

#endif
