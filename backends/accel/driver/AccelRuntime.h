/*===- AccelRuntime.h - C API of the accelerator device ----------*- C -*-===*\
|*                                                                          *|
|* The host side of the accelerator (ACCEL.md): create a device from a      *|
|* JSON configuration, allocate DRAM buffers, copy data in and out, submit  *|
|* a binary program (16-byte instructions; micro-ops live in DRAM and are   *|
|* loaded by LOAD UOP), run it on the bundled simulator and read the        *|
|* statistics. Functions returning int return 0 on success and -1 on error; *|
|* tdl_accel_last_error() then says why (faults name the instruction).      *|
|*                                                                          *|
\*===----------------------------------------------------------------------===*/
#ifndef TDL_RUNTIME_ACCELRUNTIME_H
#define TDL_RUNTIME_ACCELRUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct TdlAccelDevice TdlAccelDevice;

typedef struct TdlAccelStats {
  uint64_t cycles;
  uint64_t macs;
  uint64_t busy_cycles[3];    /* load, compute, store */
  uint64_t stalled_cycles[3]; /* waiting for tokens or the DRAM channel */
  uint64_t dram_bytes[5];     /* inp, wgt, uop, acc, out */
  double utilization;         /* macs / (cycles * peak macs per cycle) */
  double gops;                /* at the configuration's clock_mhz */
} TdlAccelStats;

/* A device; `config_json` NULL means the default configuration. Returns NULL
 * on an invalid configuration and, if `error` is not NULL, stores a
 * malloc'ed message there (free it with free()). */
TdlAccelDevice *tdl_accel_create(const char *config_json, char **error);
void tdl_accel_destroy(TdlAccelDevice *dev);

/* Allocates `bytes` zeroed bytes of DRAM aligned to `align` (a power of two;
 * 0 means the largest element size, which any memory type can address).
 * Returns the byte address, or UINT64_MAX on error. */
uint64_t tdl_accel_alloc(TdlAccelDevice *dev, uint64_t bytes, uint64_t align);
int tdl_accel_copy_in(TdlAccelDevice *dev, uint64_t address, const void *src,
                      uint64_t bytes);
int tdl_accel_copy_out(TdlAccelDevice *dev, void *dst, uint64_t address,
                       uint64_t bytes);
/* Encodes micro-ops (dst, src, wgt triples) into DRAM at `address`. */
int tdl_accel_write_uops(TdlAccelDevice *dev, uint64_t address,
                         const uint32_t *dst_src_wgt, size_t count);

/* Replaces the pending program by `count` 16-byte instructions. */
int tdl_accel_submit(TdlAccelDevice *dev, const void *instructions,
                     size_t count);
/* Runs the pending program to FINISH. -1 on a fault. */
int tdl_accel_run(TdlAccelDevice *dev);
/* Statistics of the last run (zeros before the first one). */
int tdl_accel_get_stats(const TdlAccelDevice *dev, TdlAccelStats *out);
/* The last error message, "" if none. Valid until the next call. */
const char *tdl_accel_last_error(const TdlAccelDevice *dev);

#ifdef __cplusplus
}
#endif

#endif
