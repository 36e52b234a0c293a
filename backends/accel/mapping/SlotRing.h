//===- SlotRing.h - SRAM slots that tiles rotate through --------*- C++ -*-===//
//
// GEMM and conv programs (gemm/GemmCodegen.cpp, conv/ConvCodegen.cpp) load
// their input tiles into a ring of equal INP or WGT slots, and remember,
// per slot, the instruction that filled it and the last one that read it
// (the tokens a reload must wait for). This is that ring, once for both.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_SLOTRING_H
#define TDL_BACKENDS_ACCEL_MAPPING_SLOTRING_H

#include "backends/accel/mapping/TokenSync.h"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace tdl::accel {

/// Slots of INP or WGT that tiles rotate through, in order. A tile is
/// named by its tag (which tile, which K step); with reuse, a tile still in
/// a slot is not loaded again.
struct SlotRing {
  using Tag = std::pair<uint64_t, uint32_t>;
  SlotRing(uint32_t slots, uint32_t slotSize, bool reuse)
      : slotSize(slotSize), reuse(reuse), tags(slots), filler(slots),
        lastReader(slots) {}
  /// The slot for `tag` and whether it must be loaded.
  std::pair<uint32_t, bool> acquire(Tag tag) {
    if (reuse)
      for (uint32_t s = 0; s < tags.size(); ++s)
        if (tags[s] == tag)
          return {s, false};
    uint32_t s = next;
    next = (next + 1) % uint32_t(tags.size());
    tags[s] = tag;
    return {s, true};
  }
  uint32_t slotSize;
  bool reuse;
  uint32_t next = 0;
  std::vector<std::optional<Tag>> tags;
  std::vector<std::optional<TokenSyncBuilder::Id>> filler, lastReader;
};

} // namespace tdl::accel

#endif
