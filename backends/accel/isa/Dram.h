//===- Dram.h - the byte-addressed memory the host shares ---------*- C++
//-*-===//
//
// The host runtime owns DRAM: it allocates buffers, copies data in and out,
// and the simulator's DMA reads and writes it with bounds checks.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_ISA_DRAM_H
#define TDL_BACKENDS_ACCEL_ISA_DRAM_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace tdl::accel {

class Dram {
public:
  /// Bump allocation of `bytes` (zero-filled) at a multiple of `align` (a
  /// power of two). Returns the byte address.
  uint64_t allocate(uint64_t bytes, uint64_t align);
  uint64_t size() const { return memory.size(); }
  /// True if [address, address + bytes) lies inside DRAM.
  bool contains(uint64_t address, uint64_t bytes) const {
    return address <= memory.size() && bytes <= memory.size() - address;
  }
  /// Unchecked access: callers check `contains` first.
  uint8_t *data(uint64_t address) { return memory.data() + address; }
  const uint8_t *data(uint64_t address) const {
    return memory.data() + address;
  }
  /// Frees everything (addresses restart at 0).
  void clear() { memory.clear(); }

private:
  std::vector<uint8_t> memory;
};

} // namespace tdl::accel

#endif
