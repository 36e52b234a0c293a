//===- RunArguments.h - data in and out of `tdlc run` -------------*- C++
//-*-===//
//
// `--arg NAME=VALUE` gives the entry function's parameters: a tensor from a
// .npy file (dtype and shape must be the parameter's), a scalar from a
// literal (`0.01`, `-3`, `true`) or a .npy of shape (). A struct or tuple
// parameter is given leaf by leaf (`--arg p.w=w.npy`, `--arg t.0=...`) or
// as a directory holding one `<leaf>.npy` per leaf (`--arg p=params/`,
// what `--save` writes). `--save DIR` writes every result leaf as
// DIR/<leaf>.npy at full size: `out0.npy`, `out1.w.npy`, ... (docs/cli.md).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_TDLC_RUNARGUMENTS_H
#define TDL_TOOLS_TDLC_RUNARGUMENTS_H

#include "tools/tdlc/driver/Session.h"

#include "sema/Program.h"
#include "ssa_ir/IR.h"
#include "ssa_ir/interp/RuntimeValue.h"

#include <optional>
#include <string>
#include <vector>

namespace tdl {

/// One value per IR parameter of `fn` (the entry's leaves) from the --arg
/// options, or nullopt after reporting every problem.
std::optional<std::vector<ir::RuntimeValue>>
buildRunArguments(Session &session, const sema::FuncInstance &entry,
                  const ir::Function &fn,
                  const std::vector<std::string> &options);

/// The dotted names of the entry's result leaves: `out0`, `out1.w`, ...
std::vector<std::string> resultLeafNames(const sema::FuncInstance &entry);

/// Writes each result leaf to DIR/<name>.npy. False after reporting an I/O
/// error.
bool saveResults(llvm::StringRef dir, const std::vector<std::string> &names,
                 const std::vector<ir::RuntimeValue> &results);

} // namespace tdl

#endif
