//===- Dram.cpp -----------------------------------------------------------===//
#include "backends/accel/isa/Dram.h"

#include "llvm/Support/MathExtras.h"

#include <cassert>

namespace tdl::accel {

uint64_t Dram::allocate(uint64_t bytes, uint64_t align) {
  assert(llvm::isPowerOf2_64(align) && "alignment must be a power of two");
  uint64_t address = llvm::alignTo(memory.size(), align);
  memory.resize(address + bytes, 0);
  return address;
}

} // namespace tdl::accel
