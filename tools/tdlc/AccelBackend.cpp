//===- AccelBackend.cpp - the driver's side of the accelerator backend ----===//
#include "tools/tdlc/AccelBackend.h"
#include "tools/tdlc/Verbs.h"
#include "tools/tdlc/driver/CrashHandler.h"
#include "tools/tdlc/driver/DriverOptions.h"
#include "tools/tdlc/driver/Frontend.h"

#include "backends/accel/host/RegionJson.h"
#include "ssa_ir/passes/PassManager.h"

#include "llvm/Support/MemoryBuffer.h"

namespace cl = llvm::cl;

namespace tdl {

// Constructed on first use, from main before the command line is parsed:
// as a global it could be constructed before RunCommand (another
// translation unit), whose constructor would then drop it from `tdlc run
// --help` (it still parsed there, through the top-level fallback).
static cl::opt<accel::OffloadPolicy> &offloadPolicy() {
  static cl::opt<accel::OffloadPolicy> option(
      "accel-offload",
      cl::desc("Which supported regions run on the accelerator "
               "(--backend=accel, --emit=accel-asm)"),
      cl::values(clEnumValN(accel::OffloadPolicy::Auto, "auto",
                            "those the cost model finds faster there "
                            "(default)"),
                 clEnumValN(accel::OffloadPolicy::Always, "always",
                            "every supported region"),
                 clEnumValN(accel::OffloadPolicy::Never, "never",
                            "none: everything runs on the host")),
      cl::init(accel::OffloadPolicy::Auto), cl::sub(RunCommand),
      cl::sub(cl::SubCommand::getTopLevel()), cl::cat(opts::Category));
  return option;
}

static cl::opt<bool> &blockedLayouts() {
  static cl::opt<bool> option(
      "accel-blocked-layouts",
      cl::desc("Keep activations passed between offloaded convolutions in "
               "DRAM in the accelerator's blocked layout (default true; "
               "false: every region converts its tensors on the host)"),
      cl::init(true), cl::sub(RunCommand),
      cl::sub(cl::SubCommand::getTopLevel()), cl::cat(opts::Category));
  return option;
}

void registerAccelOptions() {
  (void)offloadPolicy();
  (void)blockedLayouts();
}

accel::OffloadPolicy accelOffloadPolicy() { return offloadPolicy(); }

std::optional<accel::Config> readAcceleratorConfig(llvm::StringRef path,
                                                   int &status) {
  if (path.empty())
    return accel::Config();
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    reportUsageError("cannot open '" + path.str() +
                     "': " + buffer.getError().message());
    status = ExitUsageOrIOError;
    return std::nullopt;
  }
  llvm::Expected<accel::Config> config =
      accel::parseConfig((*buffer)->getBuffer());
  if (!config) {
    reportUsageError("invalid accelerator config '" + path.str() +
                     "': " + llvm::toString(config.takeError()));
    status = ExitCompileError;
    return std::nullopt;
  }
  return *config;
}

/// inline, canonicalize, CSE, DCE: a pipeline of registered passes.
static bool runPasses(Session &session, ir::Module &module,
                      llvm::ArrayRef<llvm::StringRef> names) {
  ir::PassManager pm;
  for (llvm::StringRef name : names)
    if (!pm.add(name)) {
      reportInternalError("accelerator partitioning",
                          "no pass named '" + name.str() + "'");
      return false;
    }
  return pm.run(module, session.diags);
}

std::optional<accel::Partition>
partitionForAccelerator(Session &session, ir::Module &module,
                        const accel::Config &config) {
  CompilerStage stage("accelerator partitioning");
  if (!runPasses(session, module, {"inline", "canonicalize", "cse", "dce"}))
    return std::nullopt;
  accel::Partition partition = accel::partitionModule(
      module, config, accelOffloadPolicy(), blockedLayouts());
  if (!runPasses(session, module, {"dce"}))
    return std::nullopt;
  std::string problems = verifyMessages(module);
  if (!problems.empty()) {
    reportInternalError("accelerator partitioning",
                        "the partitioned ir is invalid:" + problems);
    return std::nullopt;
  }
  return partition;
}

/// `file:line:col` of a source position, or nullopt when it has none.
static std::optional<std::string> filePosition(const Session &session,
                                               llvm::SMLoc pos) {
  unsigned buffer = pos.isValid() ? session.sources.findBuffer(pos) : 0;
  if (!buffer)
    return std::nullopt;
  LineColumn lc = session.sources.getLineColumn(pos);
  return (session.sources.getBufferName(buffer) + ":" + llvm::Twine(lc.line) +
          ":" + llvm::Twine(lc.column))
      .str();
}

std::string describeLocation(const Session &session, const ir::Location &loc) {
  std::optional<std::string> own = filePosition(session, loc.pos);
  std::optional<std::string> site = filePosition(session, loc.inlinedAt);
  if (site && own)
    return *site + ", inlined from " + *own;
  if (own || site)
    return own ? *own : *site;
  return "an unknown place";
}

std::map<std::string, std::string>
describeOffloadedRegions(const Session &session,
                         const accel::Partition &partition) {
  std::map<std::string, std::string> out;
  for (const accel::OffloadRegion &r : partition.offloaded)
    out[r.function] = accel::regionToJson(
        r, "@" + r.function + " (" + describeLocation(session, r.loc) + ")");
  return out;
}

} // namespace tdl
