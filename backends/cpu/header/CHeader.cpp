//===- CHeader.cpp - the C part of the generated header -------------------===//
//
// For `struct Layer { w: f32[3, 2], b: f32[2] }` and
// `export fn forward(l: Layer, x: f32[4, 3], on: bool) -> (f32[4, 2], f32)`:
//
//   int32_t forward(const float *l_w, const float *l_b, const float *x,
//                   bool on, float *out0, float *out1);        // the object
//   typedef struct net_Layer { const float *w; const float *b; } net_Layer;
//   typedef struct net_Layer_out { float *w; float *b; } net_Layer_out;
//   typedef struct net_forward_result { float *out0; float out1; }
//       net_forward_result;
//   static inline int32_t net_forward(const net_Layer *l, const float *x,
//                                     bool on, net_forward_result *out);
//
//===----------------------------------------------------------------------===//
#include "backends/cpu/header/Writers.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

namespace tdl::cpu::header {

static std::string flatParamList(const AbiFunction &fn) {
  std::string list;
  for (size_t i = 0; i < fn.flat.size(); ++i) {
    const FlatParam &p = fn.flat[i];
    const char *t = cType(p.type.getDType());
    list += i ? ", " : "";
    if (p.output)
      list += fmt::format("{} *{}", t, p.name);
    else if (p.type.getRank() == 0)
      list += fmt::format("{} {}", t, p.name);
    else
      list += fmt::format("const {} *{}", t, p.name);
    list += " /*" + p.type.str() + "*/";
  }
  return list.empty() ? "void" : list;
}

/// --accel: the accelerator host runtime the object calls (the same text as
/// backends/accel/host/HostRuntime.h; the guard lets both be included).
static const char *const kAcceleratorDeclarations = R"(
/* The accelerator (docs/accel.md "Compiled objects"): link the application
 * with the tdl_accel_host library. */
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
int tdl_accel_call_stats(TdlAccelCallStats *out);
void tdl_accel_set_max_cycles(uint64_t cycles);
)";

static void writeFlatDeclarations(const AbiModule &abi, llvm::raw_ostream &os) {
  for (const AbiFunction &fn : abi.functions) {
    std::string params = flatParamList(fn);
    os << "TDL_NODISCARD int32_t " << fn.flatName << "(" << params << ");\n";
    // docs/cpu-backend.md "Memory": the temporaries of one call, and the
    // same call on a buffer the caller lends (no allocation at all).
    os << "int64_t " << fn.flatName << "_workspace_size(void);\n";
    os << "TDL_NODISCARD int32_t " << fn.flatName
       << "_with_workspace(void *workspace, int64_t workspace_bytes"
       << (fn.flat.empty() ? "" : ", " + params) << ");\n";
  }
  // Shared by every tdlc object of the program (docs/cpu-backend.md).
  os << "const char *" << abi.prefix << "tdl_last_error(void);\n";
  os << "void " << abi.prefix << "tdl_set_last_error(const char *message);\n";
  os << "void " << abi.prefix << "tdl_set_num_threads(int32_t n);\n";
  // `print` in the model: one line per value, to stderr unless a callback is
  // installed (null restores stderr).
  os << "void " << abi.prefix
     << "tdl_set_print_callback(void (*callback)(const char *text, void "
        "*user), void *user);\n";
  if (abi.accelerator)
    os << kAcceleratorDeclarations;
}

/// A field or parameter declaration: `const float *w`, `float lr`,
/// `net_Layer_out p`. `output`: the leaf is written by the call.
static std::string declare(const AbiNode &n, bool output, bool byValueScalar) {
  if (n.kind == AbiNode::Kind::Struct)
    return fmt::format("{}{} {}", n.structType, output ? "_out" : "", n.name);
  const char *t = cType(n.type.getDType());
  if (n.type.getRank() == 0 && byValueScalar)
    return fmt::format("{} {}", t, n.name);
  return fmt::format("{}{} *{}", output ? "" : "const ", t, n.name);
}

static std::string comment(const AbiNode &n) {
  return n.kind == AbiNode::Kind::Leaf ? " /* " + n.type.str() + " */" : "";
}

static void writeStructs(const AbiModule &abi, llvm::raw_ostream &os) {
  for (const AbiStruct &s : abi.structs) {
    os << "\n/* TDL struct " << s.sourceName
       << ": inputs (scalars by value), results (every leaf a pointer). */\n";
    for (bool output : {false, true}) {
      std::string name = s.cName + (output ? "_out" : "");
      os << "typedef struct " << name << " {\n";
      for (const AbiNode &f : s.fields)
        os << "  " << declare(f, output, !output) << ";" << comment(f) << "\n";
      os << "} " << name << ";\n";
    }
  }
}

/// The flat argument each leaf under `n` is passed as, reached by `path`.
static void bindLeaves(const AbiNode &n, const std::string &path, bool output,
                       bool scalarByValue, std::vector<std::string> &args) {
  if (n.kind == AbiNode::Kind::Struct) {
    for (const AbiNode &f : n.fields)
      bindLeaves(f, path + "." + f.name, output, false, args);
    return;
  }
  bool addressOf = output && n.type.getRank() == 0 && scalarByValue;
  args[n.flatIndex] = (addressOf ? "&" : "") + path;
}

static void writeCallForm(const AbiFunction &fn, llvm::raw_ostream &os) {
  if (!fn.results.empty()) {
    os << "typedef struct " << fn.resultType << " {\n";
    for (const AbiNode &r : fn.results)
      os << "  " << declare(r, true, true) << ";" << comment(r) << "\n";
    os << "} " << fn.resultType << ";\n";
  }
  std::vector<std::string> params, args(fn.flat.size());
  for (const AbiNode &p : fn.params) {
    if (p.kind == AbiNode::Kind::Struct) {
      params.push_back(fmt::format("const {} *{}", p.structType, p.name));
      for (const AbiNode &f : p.fields)
        bindLeaves(f, p.name + "->" + f.name, false, false, args);
    } else {
      params.push_back(declare(p, false, true));
      bindLeaves(p, p.name, false, true, args);
    }
  }
  if (!fn.results.empty()) {
    params.push_back(fn.resultType + " *out");
    for (const AbiNode &r : fn.results) {
      if (r.kind == AbiNode::Kind::Struct)
        for (const AbiNode &f : r.fields)
          bindLeaves(f, "out->" + r.name + "." + f.name, true, false, args);
      else
        bindLeaves(r, "out->" + r.name, true, true, args);
    }
  }
  os << "TDL_NODISCARD static inline int32_t " << fn.callName << "("
     << (params.empty() ? "void" : llvm::join(params, ", ")) << ") {\n"
     << "  return " << fn.flatName << "(" << llvm::join(args, ", ")
     << ");\n}\n";
}

void writeC(const AbiModule &abi, llvm::raw_ostream &os) {
  writeFlatDeclarations(abi, os);
  writeStructs(abi, os);
  for (const AbiFunction &fn : abi.functions)
    if (fn.hasSource) {
      os << "\n/* " << fn.name << " as the source declares it. */\n";
      writeCallForm(fn, os);
    }
}

} // namespace tdl::cpu::header
