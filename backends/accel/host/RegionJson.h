//===- RegionJson.h - a region program as a compact description -*- C++
//-*-===//
//
// What a compiled object embeds per offloaded region (docs/accel.md
// "Compiled objects"): the hardware configuration, the region's shape and
// epilogue, and the schedule the compiler's search chose -- not the
// program. The host runtime rebuilds the program from it once per process
// (planGemmWithSchedule / planConvWithSchedule: code generation for one
// schedule, no search), which is exactly the program the compiler planned.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_HOST_REGIONJSON_H
#define TDL_BACKENDS_ACCEL_HOST_REGIONJSON_H

#include "backends/accel/host/RegionProgram.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace tdl::accel {

/// The description of `region`; `label` names it in run-time errors
/// ("@main.accel0 (model.tdl:7:11)").
std::string regionToJson(const RegionProgram &region, llvm::StringRef label);

struct DescribedRegion {
  std::string label;
  RegionProgram program; // with its plan rebuilt
};

/// Parses a description and rebuilds the region's plan.
llvm::Expected<DescribedRegion> regionFromJson(llvm::StringRef json);

} // namespace tdl::accel

#endif
