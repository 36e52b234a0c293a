/*===- HostRuntime.h - the runtime compiled objects call for offloaded regions
 *-*- C -*-===*\
|*                                                                          *|
|* An object compiled with `tdlc -c --accel` runs its host part on the cpu  *|
|* and calls tdl_accel_call_region for each offloaded region; the device is *|
|* the bundled simulator (functional + timing), behind the driver API of   *|
|* AccelRuntime.h. Link the application with the `tdl_accel_host` library  *|
|* (docs/accel.md "Compiled objects"). The generated header declares the   *|
|* statistics and control functions below as well.                         *|
|*                                                                          *|
\*===----------------------------------------------------------------------===*/
#ifndef TDL_BACKENDS_ACCEL_HOST_HOSTRUNTIME_H
#define TDL_BACKENDS_ACCEL_HOST_HOSTRUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef TDL_ACCEL_CALL_STATS_DEFINED
#define TDL_ACCEL_CALL_STATS_DEFINED
/* What the accelerator did during the last call of an exported function on
 * this thread. */
typedef struct TdlAccelCallStats {
  uint64_t regions;      /* offloaded region calls */
  uint64_t programs;     /* accelerator programs run (GEMMs, groups) */
  uint64_t cycles;       /* simulated device cycles */
  uint64_t macs;         /* multiply-accumulates */
  uint64_t dram_bytes;   /* DRAM traffic of every kind */
  double utilization;    /* macs / (cycles x peak macs per cycle) */
  double device_seconds; /* cycles at the configuration's clock_mhz */
} TdlAccelCallStats;
#endif

/* Statistics of the last exported call on this thread (zeros if it ran
 * nothing on the accelerator). Returns 0. */
int tdl_accel_call_stats(TdlAccelCallStats *out);
/* Bounds every accelerator program to `cycles` simulated cycles (0: no
 * bound, the default); a program that would run longer faults with
 * budget-exceeded, and the exported call returns non-zero. */
void tdl_accel_set_max_cycles(uint64_t cycles);

/* -- Called by generated code ------------------------------------------- */
/* Starts an exported call: resets this thread's statistics. */
void tdl_accel_begin_call(void);
/* Runs the region described by `description` (RegionJson.h; the pointer
 * identifies the region for the process's plan cache) on `inputs` (lhs,
 * rhs, then the epilogue operands) into `result`. 0 on success; otherwise
 * tdl_accel_region_error() says why. */
int tdl_accel_call_region(const char *description, uint64_t length,
                          const void *const *inputs, void *result);
const char *tdl_accel_region_error(void);

#ifdef __cplusplus
}

#include "backends/accel/host/RegionProgram.h"

#include <functional>

namespace tdl::accel {

/// For `tdlc run --backend=accel`: the totals of every region call of the
/// process so far, per region in the order first called (label, calls,
/// mapping), and an optional trace every program is recorded into.
struct HostRuntimeTotals {
  RunStats stats;
  uint64_t programs = 0;
  double hostSeconds = 0; // converting layouts (RegionTotals)
  uint64_t blockedInputs = 0, blockedResults = 0;
  uint64_t weightsReused = 0; // calls whose weights were packed already
  struct Region {
    std::string label, mapping, description;
    uint64_t calls = 0;
  };
  std::vector<Region> regions;
};
HostRuntimeTotals hostRuntimeTotals();
void setHostRuntimeTrace(TraceWriter *trace);

} // namespace tdl::accel
#endif

#endif
