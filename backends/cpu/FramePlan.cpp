//===- FramePlan.cpp - compile-time layout of a function's frame ----------===//
#include "backends/cpu/FramePlan.h"

#include <algorithm>
#include <cassert>
#include <iterator>

namespace tdl::cpu {

unsigned FramePlan::allocate(int64_t bytes) {
  int64_t size = (std::max<int64_t>(bytes, 1) + kAlign - 1) / kAlign * kAlign;
  Buffer b;
  b.size = size;
  auto fit = freeRanges.begin();
  while (fit != freeRanges.end() && fit->second < size)
    ++fit;
  if (fit != freeRanges.end()) {
    b.offset = fit->first;
    int64_t rest = fit->second - size;
    int64_t restOffset = fit->first + size;
    freeRanges.erase(fit);
    if (rest > 0)
      freeRanges[restOffset] = rest;
  } else if (!freeRanges.empty() &&
             std::prev(freeRanges.end())->first +
                     std::prev(freeRanges.end())->second ==
                 peakBytes) {
    // The last free range ends at the peak: extend it.
    auto last = std::prev(freeRanges.end());
    b.offset = last->first;
    freeRanges.erase(last);
    peakBytes = b.offset + size;
  } else {
    b.offset = peakBytes;
    peakBytes += size;
  }
  live += size;
  buffers.push_back(b);
  return unsigned(buffers.size() - 1);
}

void FramePlan::dropRef(unsigned id) {
  Buffer &b = buffers[id];
  assert(b.refs > 0 && "dropping a reference that was never added");
  if (b.refs > 0 && --b.refs == 0)
    release(id);
}

void FramePlan::release(unsigned id) {
  Buffer &b = buffers[id];
  if (!b.live)
    return;
  b.live = false;
  live -= b.size;
  int64_t offset = b.offset, size = b.size;
  // Merge with the free neighbours.
  auto next = freeRanges.lower_bound(offset);
  if (next != freeRanges.end() && offset + size == next->first) {
    size += next->second;
    next = freeRanges.erase(next);
  }
  if (next != freeRanges.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == offset) {
      offset = prev->first;
      size += prev->second;
      freeRanges.erase(prev);
    }
  }
  freeRanges[offset] = size;
}

} // namespace tdl::cpu
