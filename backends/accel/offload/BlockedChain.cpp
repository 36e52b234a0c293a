//===- BlockedChain.cpp - activations kept blocked between regions --------===//
#include "backends/accel/offload/BlockedChain.h"
#include "backends/accel/host/RegionLayout.h"

namespace tdl::accel {

namespace {

/// The offloaded region `op` calls, or null.
OffloadRegion *calledRegion(const ir::Operation &op, Partition &partition) {
  if (op.getOpcode() != ir::Opcode::Call)
    return nullptr;
  const ir::Attribute *callee = op.getAttr("callee");
  const ir::SymbolRef *name = callee ? callee->getIf<ir::SymbolRef>() : nullptr;
  if (!name)
    return nullptr;
  auto it = partition.byFunction.find(name->name);
  return it == partition.byFunction.end() ? nullptr
                                          : &partition.offloaded[it->second];
}

/// Whether `r` can run as a direct conv without row strips (now, or
/// switching to its direct alternative) whose groups each cover whole
/// channel blocks (of `block` lanes, `perGroup` channels a group).
bool blockAligned(const OffloadRegion &r, int64_t perGroup, uint32_t block) {
  bool direct = r.convPlan ? r.convPlan->schedule.strips == 1
                           : r.directAlternative.has_value();
  return direct && r.shape.kind == RegionKind::Conv2D &&
         (r.shape.conv.groups == 1 || perGroup % block == 0);
}

/// Cycles `r` costs more as a direct conv than it does now.
double directExtra(const OffloadRegion &r) {
  return r.convPlan
             ? 0
             : double(r.directAlternativeCycles) - double(r.acceleratorCycles);
}

/// Host cycles (at the accelerator's clock) of converting `bytes`.
double hostConversion(double bytes, const Config &config) {
  return bytes / HostLayoutBytesPerSecond * config.clockMhz * 1e6;
}

void collectCalls(ir::Region &region, std::vector<ir::Operation *> &out) {
  for (auto &op : region.getOps()) {
    for (unsigned i = 0; i < op->getNumRegions(); ++i)
      collectCalls(op->getRegion(i), out);
    if (op->getOpcode() == ir::Opcode::Call)
      out.push_back(op.get());
  }
}

} // namespace

void chainBlockedLayouts(ir::Function &f, Partition &partition,
                         const Config &config) {
  if (config.blockIn != config.blockOut || f.isDerivedDeclaration())
    return;
  std::vector<ir::Operation *> calls;
  collectCalls(f.getBody(), calls);
  for (ir::Operation *call : calls) {
    OffloadRegion *producer = calledRegion(*call, partition);
    if (!producer || producer->shape.resultBlocked ||
        !blockAligned(*producer,
                      producer->shape.rhs[0] / producer->shape.conv.groups,
                      config.blockOut))
      continue;
    ir::Value *result = call->getResult(0);
    std::vector<OffloadRegion *> consumers;
    bool ok = !result->use_empty();
    for (const ir::Use &use : result->getUses()) {
      OffloadRegion *c = calledRegion(*use.user, partition);
      ok &= c && use.operandIndex == 0 &&
            use.user->getParentRegion() == call->getParentRegion() &&
            blockAligned(*c, c->shape.rhs[1], config.blockIn);
      if (!ok)
        break;
      consumers.push_back(c);
    }
    if (!ok)
      continue;
    // The producer's mapping under the consumers' layout (and consumers
    // run as direct convs), against the mappings chosen alone plus the
    // host's unpacking and packing (or im2col gathering) this saves.
    RegionShape shape = producer->shape;
    shape.resultBlocked = true;
    llvm::Expected<ConvPlan> plan =
        planConv(config, convOpOf(shape, producer->gemm));
    if (!plan) {
      llvm::consumeError(plan.takeError());
      continue;
    }
    uint64_t cycles = plan->estimate.cycles * shape.numGemms;
    double bytes = 1;
    for (int64_t d : regionOutput(shape))
      bytes *= double(d);
    double extra = double(cycles) - double(producer->acceleratorCycles);
    double saved = hostConversion(bytes, config); // the producer's unpacking
    for (OffloadRegion *c : consumers) {
      extra += directExtra(*c);
      const RegionShape &cs = c->shape;
      // Its packing of the input, or its im2col gathering.
      saved += hostConversion(
          c->convPlan ? bytes : double(cs.m) * cs.k * cs.numGemms, config);
    }
    if (extra > saved)
      continue;
    shape.blockedReaders = uint32_t(consumers.size());
    producer->shape = shape;
    producer->convPlan = std::move(*plan);
    producer->acceleratorCycles = cycles;
    producer->directAlternative.reset();
    for (OffloadRegion *c : consumers) {
      c->shape.inputBlocked = true;
      if (!c->convPlan) {
        c->convPlan = std::move(c->directAlternative);
        c->acceleratorCycles = c->directAlternativeCycles;
        c->directAlternative.reset();
      }
    }
  }
}

} // namespace tdl::accel
