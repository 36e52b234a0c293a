//===- AccelBackend.h - the driver's side of the accelerator backend -*- C++
//-*-===//
#ifndef TDL_TOOLS_ACCELBACKEND_H
#define TDL_TOOLS_ACCELBACKEND_H

#include "tools/tdlc/driver/Session.h"

#include "backends/accel/isa/Config.h"
#include "backends/accel/offload/Partition.h"

#include <map>
#include <optional>
#include <string>

namespace tdl {

/// --accel-offload=auto|always|never (compile and run).
accel::OffloadPolicy accelOffloadPolicy();

/// Registers the accelerator's driver options (call before parsing).
void registerAccelOptions();

/// Reads an accelerator config file (empty path: the default config);
/// nullopt after printing why, with `status` set (2 for I/O, 1 for an
/// invalid config, as `tdlc sim` does).
std::optional<accel::Config> readAcceleratorConfig(llvm::StringRef path,
                                                   int &status);

/// Inlines calls (a region must not stop at a function boundary: a
/// `requantize` called on a matmul belongs to it), partitions the module
/// for the accelerator and cleans up what the outlined regions left dead.
/// Returns nullopt after an internal error was reported.
std::optional<accel::Partition>
partitionForAccelerator(Session &session, ir::Module &module,
                        const accel::Config &config);

/// `file:line:col` of an IR location, for the accelerator's reports; for
/// inlined work the user's call site first (`main.tdl:7:11, inlined from
/// <stdlib>/std/quant.tdl:33:23`).
std::string describeLocation(const Session &session, const ir::Location &loc);

/// What compiled code embeds per offloaded region, by outlined function
/// name (backends/accel/host/RegionJson.h), labelled "@f.accel0 (where)".
std::map<std::string, std::string>
describeOffloadedRegions(const Session &session,
                         const accel::Partition &partition);

} // namespace tdl

#endif
