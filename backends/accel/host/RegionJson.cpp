//===- RegionJson.cpp - a region program as a compact description ---------===//
#include "backends/accel/host/RegionJson.h"
#include "backends/accel/host/RegionLayout.h"

#include "llvm/Support/JSON.h"

namespace tdl::accel {

namespace json = llvm::json;

static json::Array dims(llvm::ArrayRef<int64_t> v) {
  return json::Array(std::vector<json::Value>(v.begin(), v.end()));
}

static json::Object epilogueStep(const EpilogueStep &s) {
  json::Object o{{"op", aluOpName(s.op)}};
  if (s.useImm)
    o["imm"] = int64_t(s.imm);
  else
    o["operand"] = int64_t(s.operand);
  return o;
}

static json::Object gemmSchedule(const GemmSchedule &s) {
  return json::Object{
      {"transposed", s.transposed},
      {"tile", json::Array{s.tileM, s.tileN, s.tileK}},
      {"n_outer", s.order == TileOrder::NOuter},
      {"outer_resident", s.outerResident},
      {"slots", json::Array{s.loadSlots, s.panelSlots, s.accSlots}},
      {"reuse_loaded", s.reuseLoaded}};
}

static json::Object convSchedule(const ConvSchedule &s) {
  return json::Object{
      {"tile", json::Array{s.tileRows, s.tileCols, s.tileO, s.tileC}},
      {"channels_outer", s.order == ConvOrder::ChannelsOuter},
      {"slots", json::Array{s.inpSlots, s.wgtSlots, s.accSlots}},
      {"strips", s.strips}};
}

std::string regionToJson(const RegionProgram &r, llvm::StringRef label) {
  const RegionShape &s = r.shape;
  json::Array operands, negated, narrowOperands, epilogue;
  for (size_t i = 0; i < r.gemm.operands.size(); ++i) {
    operands.push_back(r.gemm.operands[i] == OperandShape::Row ? "row"
                                                               : "full");
    negated.push_back(bool(r.operandNegated[i]));
    narrowOperands.push_back(i < r.operandI8.size() && r.operandI8[i]);
  }
  for (const EpilogueStep &step : r.gemm.epilogue)
    epilogue.push_back(epilogueStep(step));
  json::Object o{
      {"label", label},
      {"config", llvm::cantFail(json::parse(configToJson(r.config())))},
      {"kind", s.kind == RegionKind::Conv2D ? "conv2d" : "matmul"},
      {"lhs", dims(s.lhs)},
      {"rhs", dims(s.rhs)},
      {"result", dims(s.result)},
      {"gemms", s.numGemms},
      {"mnk", json::Array{s.m, s.n, s.k}},
      {"operands", std::move(operands)},
      {"negated", std::move(negated)},
      {"i8_operands", std::move(narrowOperands)},
      {"epilogue", std::move(epilogue)}};
  if (s.kind == RegionKind::Conv2D)
    o["conv"] = json::Object{{"stride", dims(s.conv.stride)},
                             {"padding", dims(s.conv.padding)},
                             {"dilation", dims(s.conv.dilation)},
                             {"groups", s.conv.groups}};
  if (s.pool.present()) {
    const ConvPool &p = s.pool;
    o[p.average ? "avg_pool" : "max_pool"] =
        json::Array{p.kh,     p.kw,        p.strideH, p.strideW,
                    p.padTop, p.padBottom, p.padLeft, p.padRight};
  }
  if (s.inputBlocked)
    o["input_blocked"] = true;
  if (s.resultBlocked)
    o["result_blocked_readers"] = s.blockedReaders;
  if (r.convPlan)
    o["conv_schedule"] = convSchedule(r.convPlan->schedule);
  else
    o["gemm_schedule"] = gemmSchedule(r.plan.schedule);
  std::string text;
  llvm::raw_string_ostream os(text);
  os << json::Value(std::move(o));
  return text;
}

//===-- Reading -----------------------------------------------------------===//

namespace {

/// Reads fields of one JSON object, remembering the first problem.
struct Reader {
  std::string error;

  void fail(const std::string &what) {
    if (error.empty())
      error = what;
  }
  const json::Object *object(const json::Object &o, llvm::StringRef key) {
    const json::Object *v = o.getObject(key);
    if (!v)
      fail("'" + key.str() + "' must be an object");
    return v;
  }
  const json::Array *array(const json::Object &o, llvm::StringRef key,
                           size_t size = 0) {
    const json::Array *v = o.getArray(key);
    if (!v || (size && v->size() != size))
      fail("'" + key.str() + "' must be an array" +
           (size ? " of " + std::to_string(size) : std::string()));
    return v && (!size || v->size() == size) ? v : nullptr;
  }
  std::vector<int64_t> ints(const json::Object &o, llvm::StringRef key,
                            size_t size = 0) {
    std::vector<int64_t> out;
    if (const json::Array *a = array(o, key, size))
      for (const json::Value &v : *a) {
        std::optional<int64_t> i = v.getAsInteger();
        if (!i) {
          fail("'" + key.str() + "' must hold integers");
          break;
        }
        out.push_back(*i);
      }
    if (size && out.size() != size)
      out.assign(size, 1);
    return out;
  }
  int64_t integer(const json::Object &o, llvm::StringRef key) {
    std::optional<int64_t> v = o.getInteger(key);
    if (!v)
      fail("'" + key.str() + "' must be an integer");
    return v.value_or(0);
  }
  uint32_t u32(const json::Object &o, llvm::StringRef key) {
    int64_t v = integer(o, key);
    if (v < 0 || v > int64_t(UINT32_MAX))
      fail("'" + key.str() + "' is out of range");
    return uint32_t(v);
  }
  bool boolean(const json::Object &o, llvm::StringRef key) {
    std::optional<bool> v = o.getBoolean(key);
    if (!v)
      fail("'" + key.str() + "' must be true or false");
    return v.value_or(false);
  }
  std::string string(const json::Object &o, llvm::StringRef key) {
    std::optional<llvm::StringRef> v = o.getString(key);
    if (!v)
      fail("'" + key.str() + "' must be a string");
    return v ? v->str() : std::string();
  }
};

} // namespace

static uint32_t narrow(int64_t v, Reader &r) {
  if (v < 0 || v > int64_t(UINT32_MAX))
    r.fail("a schedule value is out of range");
  return uint32_t(v);
}

static GemmSchedule readGemmSchedule(const json::Object &o, Reader &r) {
  GemmSchedule s;
  s.transposed = r.boolean(o, "transposed");
  std::vector<int64_t> tile = r.ints(o, "tile", 3),
                       slots = r.ints(o, "slots", 3);
  s.tileM = narrow(tile[0], r);
  s.tileN = narrow(tile[1], r);
  s.tileK = narrow(tile[2], r);
  s.order = r.boolean(o, "n_outer") ? TileOrder::NOuter : TileOrder::MOuter;
  s.outerResident = r.boolean(o, "outer_resident");
  s.loadSlots = narrow(slots[0], r);
  s.panelSlots = narrow(slots[1], r);
  s.accSlots = narrow(slots[2], r);
  s.reuseLoaded = r.boolean(o, "reuse_loaded");
  return s;
}

static ConvSchedule readConvSchedule(const json::Object &o, Reader &r) {
  ConvSchedule s;
  std::vector<int64_t> tile = r.ints(o, "tile", 4),
                       slots = r.ints(o, "slots", 3);
  s.tileRows = narrow(tile[0], r);
  s.tileCols = narrow(tile[1], r);
  s.tileO = narrow(tile[2], r);
  s.tileC = narrow(tile[3], r);
  s.order = r.boolean(o, "channels_outer") ? ConvOrder::ChannelsOuter
                                           : ConvOrder::PixelsOuter;
  s.inpSlots = narrow(slots[0], r);
  s.wgtSlots = narrow(slots[1], r);
  s.accSlots = narrow(slots[2], r);
  s.strips = r.u32(o, "strips");
  return s;
}

static llvm::Error invalid(const std::string &why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "invalid region description: %s", why.c_str());
}

llvm::Expected<DescribedRegion> regionFromJson(llvm::StringRef text) {
  llvm::Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return invalid(llvm::toString(parsed.takeError()));
  const json::Object *o = parsed->getAsObject();
  if (!o)
    return invalid("not an object");
  Reader r;
  DescribedRegion out;
  out.label = r.string(*o, "label");
  const json::Object *configObject = r.object(*o, "config");
  std::string configText;
  if (configObject) {
    llvm::raw_string_ostream os(configText);
    os << json::Value(json::Object(*configObject));
  }
  llvm::Expected<Config> config = parseConfig(configText);
  if (!config)
    return invalid(llvm::toString(config.takeError()));
  RegionProgram &p = out.program;
  RegionShape &s = p.shape;
  std::string kind = r.string(*o, "kind");
  if (kind != "matmul" && kind != "conv2d")
    r.fail("'kind' must be \"matmul\" or \"conv2d\"");
  s.kind = kind == "conv2d" ? RegionKind::Conv2D : RegionKind::Matmul;
  s.lhs = r.ints(*o, "lhs");
  s.rhs = r.ints(*o, "rhs");
  s.result = r.ints(*o, "result");
  s.numGemms = r.u32(*o, "gemms");
  std::vector<int64_t> mnk = r.ints(*o, "mnk", 3);
  s.m = narrow(mnk[0], r);
  s.n = narrow(mnk[1], r);
  s.k = narrow(mnk[2], r);
  p.gemm.m = s.m;
  p.gemm.n = s.n;
  p.gemm.k = s.k;
  if (const json::Array *operands = r.array(*o, "operands"))
    for (const json::Value &v : *operands) {
      std::optional<llvm::StringRef> name = v.getAsString();
      if (!name || (*name != "row" && *name != "full"))
        r.fail("'operands' must hold \"row\" or \"full\"");
      p.gemm.operands.push_back(name == "row" ? OperandShape::Row
                                              : OperandShape::Full);
    }
  if (const json::Array *negated = r.array(*o, "negated"))
    for (const json::Value &v : *negated)
      p.operandNegated.push_back(v.getAsBoolean().value_or(false));
  if (p.operandNegated.size() != p.gemm.operands.size())
    r.fail("'negated' must have one entry per operand");
  // Optional: descriptions written before residuals joined regions have none.
  if (const json::Array *i8 = o->getArray("i8_operands"))
    for (const json::Value &v : *i8)
      p.operandI8.push_back(v.getAsBoolean().value_or(false));
  else
    p.operandI8.assign(p.gemm.operands.size(), false);
  if (p.operandI8.size() != p.gemm.operands.size())
    r.fail("'i8_operands' must have one entry per operand");
  for (size_t i = 0; i < p.operandI8.size() && i < p.gemm.operands.size(); ++i)
    if (p.operandI8[i] && p.gemm.operands[i] != OperandShape::Full)
      r.fail(
          "an i8 operand must be \"full\" (a residual of the result's shape)");
  if (const json::Array *epilogue = r.array(*o, "epilogue"))
    for (const json::Value &v : *epilogue) {
      const json::Object *step = v.getAsObject();
      if (!step) {
        r.fail("'epilogue' must hold objects");
        break;
      }
      EpilogueStep e;
      std::optional<AluOp> op = parseAluOp(r.string(*step, "op"));
      if (!op)
        r.fail("unknown epilogue op");
      e.op = op.value_or(AluOp::Add);
      if (std::optional<int64_t> imm = step->getInteger("imm")) {
        e.useImm = true;
        e.imm = int16_t(*imm);
      } else {
        e.operand = unsigned(r.integer(*step, "operand"));
      }
      p.gemm.epilogue.push_back(e);
    }
  if (s.kind == RegionKind::Conv2D) {
    if (const json::Object *conv = r.object(*o, "conv")) {
      std::vector<int64_t> stride = r.ints(*conv, "stride", 2),
                           padding = r.ints(*conv, "padding", 4),
                           dilation = r.ints(*conv, "dilation", 2);
      std::copy(stride.begin(), stride.end(), s.conv.stride.begin());
      std::copy(padding.begin(), padding.end(), s.conv.padding.begin());
      std::copy(dilation.begin(), dilation.end(), s.conv.dilation.begin());
      s.conv.groups = r.integer(*conv, "groups");
    }
    if (o->getArray("max_pool") || o->getArray("avg_pool")) {
      bool average = !o->getArray("max_pool");
      std::vector<int64_t> v = r.ints(*o, average ? "avg_pool" : "max_pool", 8);
      s.pool.average = average;
      if (v.size() == 8) {
        ConvPool &pool = s.pool;
        uint32_t *fields[] = {&pool.kh,      &pool.kw,      &pool.strideH,
                              &pool.strideW, &pool.padTop,  &pool.padBottom,
                              &pool.padLeft, &pool.padRight};
        for (size_t i = 0; i < 8; ++i)
          *fields[i] = narrow(v[i], r);
        if (!pool.kh || !pool.kw || !pool.strideH || !pool.strideW)
          r.fail("pool windows and strides must be positive");
      }
    }
    if (s.lhs.size() != 4 || s.rhs.size() != 4 || s.result.size() != 4 ||
        s.conv.groups < 1)
      r.fail("a conv2d region needs NCHW / OIHW shapes and groups >= 1");
  } else if (s.lhs.empty() || s.rhs.size() < 2 || s.result.size() < 2) {
    r.fail("a matmul region needs operands of rank >= 2");
  }
  if (!r.error.empty())
    return invalid(r.error);
  if (s.pool.present() && !o->getObject("conv_schedule"))
    return invalid("a fused pool needs a 'conv_schedule'");
  s.inputBlocked = o->getBoolean("input_blocked").value_or(false);
  if (std::optional<int64_t> n = o->getInteger("result_blocked_readers")) {
    if (*n < 1 || *n > INT32_MAX)
      return invalid("'result_blocked_readers' must be positive");
    s.resultBlocked = true;
    s.blockedReaders = uint32_t(*n);
  }
  if ((s.inputBlocked || s.resultBlocked) && !o->getObject("conv_schedule"))
    return invalid("blocked inputs and results need a 'conv_schedule'");
  if (const json::Object *conv = o->getObject("conv_schedule")) {
    ConvSchedule schedule = readConvSchedule(*conv, r);
    if (!r.error.empty())
      return invalid(r.error);
    llvm::Expected<ConvPlan> plan =
        planConvWithSchedule(*config, convOpOf(s, p.gemm), schedule);
    if (!plan)
      return plan.takeError();
    p.convPlan = std::move(*plan);
    return out;
  }
  const json::Object *gemm = r.object(*o, "gemm_schedule");
  GemmSchedule schedule = gemm ? readGemmSchedule(*gemm, r) : GemmSchedule();
  if (!r.error.empty())
    return invalid(r.error);
  llvm::Expected<GemmPlan> plan =
      planGemmWithSchedule(*config, p.gemm, schedule);
  if (!plan)
    return plan.takeError();
  p.plan = std::move(*plan);
  return out;
}

} // namespace tdl::accel
