//===- Stream.cpp - writing large results past the caches -----------------===//
//
// A memory-bound loop nest with a large result asks tdl_rt_stream_wanted
// whether to stream it: when the whole result is at least half the
// last-level cache, it computes the result a row at a time into a small
// buffer that stays in L1, hands each finished row to tdl_rt_store_block,
// which writes it with non-temporal (streaming) stores, and ends with
// tdl_rt_stream_fence. A result that size would be evicted before anyone
// reads it anyway, and an ordinary store first reads every line it writes
// from memory (a read for ownership), so streaming cuts a memory-bound
// nest's traffic by up to a third (x * 2 + y over 4 M floats on one core:
// 1.61 -> 1.33 ms). Smaller results are stored directly and stay in cache
// for their consumers.
//
// The threshold is half of cpu0's level-3 cache as Linux reports it (sysfs:
// the cache one core shares, unlike sysconf, which adds up the caches of
// every core complex), 8 MiB when unknown; TDL_STREAM_MIN_BYTES overrides
// it (0: always stream; a huge value: never). Only where the bytes go
// changes, never their values.
//
//===----------------------------------------------------------------------===//
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TDL_RT extern "C" __attribute__((visibility("default")))

namespace {

constexpr int64_t kDefaultMinBytes = int64_t(8) << 20;

/// Half the level-3 cache of cpu0 from sysfs ("32768K"), or 0.
int64_t halfLastLevelCache() {
  int fd = open("/sys/devices/system/cpu/cpu0/cache/index3/size", O_RDONLY);
  if (fd < 0)
    return 0;
  char text[32] = {};
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n <= 0)
    return 0;
  char *end = nullptr;
  long long size = strtoll(text, &end, 10);
  if (*end == 'K')
    size <<= 10;
  else if (*end == 'M')
    size <<= 20;
  return size > 0 ? int64_t(size) / 2 : 0;
}

/// Out of line: inlined callers keep only the cached check.
__attribute__((noinline)) int64_t computeMinBytes() {
  if (const char *env = getenv("TDL_STREAM_MIN_BYTES")) {
    char *end = nullptr;
    long long v = strtoll(env, &end, 10);
    if (end != env && *end == '\0' && v >= 0)
      return int64_t(v);
  }
  int64_t half = halfLastLevelCache();
  return half > 0 ? half : kDefaultMinBytes;
}

/// Computed on first use; threads racing here all store the same value.
int64_t minBytes = -1;

} // namespace

/// Whether a nest should stream its result of `total` bytes (else it
/// stores directly and the result stays in cache).
TDL_RT int32_t tdl_rt_stream_wanted(int64_t total) {
  int64_t threshold = __atomic_load_n(&minBytes, __ATOMIC_RELAXED);
  if (threshold < 0) {
    threshold = computeMinBytes();
    __atomic_store_n(&minBytes, threshold, __ATOMIC_RELAXED);
  }
  return total >= threshold;
}

/// Copies `bytes` from `src` to `dst` (a row of a streamed result) with
/// streaming stores; tdl_rt_stream_fence ends the nest.
TDL_RT void tdl_rt_store_block(char *dst, const char *src, int64_t bytes) {
#if defined(__x86_64__) && __has_builtin(__builtin_nontemporal_store)
  // Up to the first 64-byte boundary normally, then whole lines with
  // streaming stores (they need aligned addresses), the rest normally.
  int64_t head = int64_t((64 - (uintptr_t(dst) & 63)) & 63);
  head = head < bytes ? head : bytes;
  memcpy(dst, src, size_t(head));
  dst += head, src += head, bytes -= head;
  typedef float Line __attribute__((ext_vector_type(16)));
  for (; bytes >= 64; dst += 64, src += 64, bytes -= 64) {
    Line line;
    memcpy(&line, src, 64);
    __builtin_nontemporal_store(line, reinterpret_cast<Line *>(dst));
  }
  memcpy(dst, src, size_t(bytes));
#else
  memcpy(dst, src, size_t(bytes));
#endif
}

/// After a nest's last tdl_rt_store_block (in each thread that stored):
/// streaming stores are weakly ordered, this makes them visible before the
/// caller (or the thread pool's join) lets anyone read the result. Once per
/// nest, not per row: the fence waits for the stores to drain.
TDL_RT void tdl_rt_stream_fence(void) {
#if defined(__x86_64__)
  __builtin_ia32_sfence();
#endif
}
