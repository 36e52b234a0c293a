//===- GradCheck.cpp ------------------------------------------------------===//
#include "GradCheck.h"

#include "autodiff/Autodiff.h"
#include "basic/Diagnostic.h"
#include "basic/DiagnosticPrinters.h"
#include "ssa_ir/Parser.h"
#include "ssa_ir/Printer.h"
#include "ssa_ir/Verifier.h"
#include "ssa_ir/interp/Interpreter.h"

#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace tdl::ad::test {

using namespace ir;

Parsed parseAndDifferentiate(const std::string &text,
                             const AutodiffOptions &options) {
  Parsed p;
  SourceManager sources;
  DiagnosticEngine diags(sources);
  llvm::raw_string_ostream errs(p.errors);
  diags.setConsumer(
      std::make_unique<TextDiagnosticPrinter>(errs, sources, false, "test"));
  unsigned id = sources.addBuffer("test.tir", text);
  p.module = parseModule(id, diags);
  if (!p.module)
    return p;
  if (!verifyModule(*p.module, diags) ||
      !differentiateModule(*p.module, diags, options) ||
      !verifyModule(*p.module, diags)) {
    std::string ir;
    llvm::raw_string_ostream os(ir);
    printModule(*p.module, os);
    p.errors += "\n" + ir;
    p.module.reset();
  }
  return p;
}

std::vector<RuntimeValue> run(const Module &m, const std::string &fn,
                              const std::vector<RuntimeValue> &args) {
  std::string out;
  llvm::raw_string_ostream os(out);
  auto r = interpret(m, fn, args, os);
  if (!r) {
    ADD_FAILURE() << "@" << fn << ": "
                  << formatRuntimeError(r.takeError(), nullptr);
    return {};
  }
  return *r;
}

std::string readProgram(const std::string &relPath) {
  std::ifstream in(std::string(AD_PROGRAMS_DIR) + "/" + relPath);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<int64_t> opCounts(const Module &m, const std::string &fn,
                              const std::vector<RuntimeValue> &args) {
  std::vector<int64_t> counts;
  InterpreterOptions o;
  o.opCounts = &counts;
  std::string out;
  llvm::raw_string_ostream os(out);
  auto r = interpret(m, fn, args, os, o);
  if (!r)
    ADD_FAILURE() << "@" << fn << ": "
                  << formatRuntimeError(r.takeError(), nullptr);
  counts.resize(size_t(Opcode::NumOpcodes));
  return counts;
}

RuntimeValue randomValue(std::mt19937 &rng, const Type &t, double lo,
                         double hi) {
  if (t.isTuple()) {
    std::vector<RuntimeValue> elems;
    for (const Type &e : t.getElements())
      elems.push_back(randomValue(rng, e, lo, hi));
    return RuntimeValue::tuple(std::move(elems));
  }
  std::vector<double> data(t.getNumElements());
  std::uniform_real_distribution<double> dist(lo, hi);
  for (double &d : data)
    d = dist(rng);
  if (t.getDType() == DType::F64)
    return RuntimeValue::fromVector<double>(t, data);
  if (t.getDType() == DType::I64) {
    std::vector<int64_t> ints;
    for (size_t i = 0; i < data.size(); ++i)
      ints.push_back(int64_t(rng() % 4));
    return RuntimeValue::fromVector<int64_t>(t, ints);
  }
  ADD_FAILURE() << "randomValue: unsupported type " << t.str();
  return RuntimeValue::zeros(t);
}

std::vector<double> flatten(const RuntimeValue &v) {
  std::vector<double> out;
  if (v.isTuple()) {
    for (const RuntimeValue &e : v.getElements()) {
      std::vector<double> sub = flatten(e);
      out.insert(out.end(), sub.begin(), sub.end());
    }
    return out;
  }
  if (v.getDType() != DType::F64)
    return out;
  return v.toVector<double>();
}

RuntimeValue unflatten(const Type &t, const std::vector<double> &data,
                       size_t &pos) {
  if (t.isTuple()) {
    std::vector<RuntimeValue> elems;
    for (const Type &e : t.getElements())
      elems.push_back(unflatten(e, data, pos));
    return RuntimeValue::tuple(std::move(elems));
  }
  if (t.getDType() != DType::F64)
    return RuntimeValue::zeros(t);
  std::vector<double> d(data.begin() + pos,
                        data.begin() + pos + t.getNumElements());
  pos += t.getNumElements();
  return RuntimeValue::fromVector<double>(t, d);
}

/// Replaces the float leaves of `v` with `data` (integer leaves kept).
static RuntimeValue withLeaves(const RuntimeValue &v,
                               const std::vector<double> &data, size_t &pos) {
  if (v.isTuple()) {
    std::vector<RuntimeValue> elems;
    for (const RuntimeValue &e : v.getElements())
      elems.push_back(withLeaves(e, data, pos));
    return RuntimeValue::tuple(std::move(elems));
  }
  if (v.getDType() != DType::F64)
    return v;
  std::vector<double> d(data.begin() + pos,
                        data.begin() + pos + v.numElements());
  pos += v.numElements();
  return RuntimeValue::fromVector<double>(v.getType(), d);
}

static double dot(const std::vector<double> &a, const std::vector<double> &b) {
  double s = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    s += a[i] * b[i];
  return s;
}

static std::vector<double> flattenAll(const std::vector<RuntimeValue> &vs) {
  std::vector<double> out;
  for (const RuntimeValue &v : vs) {
    std::vector<double> f = flatten(v);
    out.insert(out.end(), f.begin(), f.end());
  }
  return out;
}

void expectClose(const std::vector<double> &got,
                 const std::vector<double> &want, double tol,
                 const std::string &what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    double scale = std::max({1.0, std::fabs(got[i]), std::fabs(want[i])});
    EXPECT_LE(std::fabs(got[i] - want[i]), tol * scale)
        << what << " element " << i << ": got " << got[i] << ", want "
        << want[i];
  }
}

void checkGradients(const std::string &text, const std::string &fn,
                    std::vector<int64_t> wrt, CheckOptions opts) {
  std::string wrtText;
  for (size_t i = 0; i < wrt.size(); ++i)
    wrtText += (i ? ", " : "") + std::to_string(wrt[i]);
  std::string full =
      text +
      fmt::format("\nfunc @{0}__vjp = vjp @{0} wrt [{1}]\n", fn, wrtText);
  if (opts.checkJvp)
    full += fmt::format("func @{0}__jvp = jvp @{0} wrt [{1}]\n", fn, wrtText);
  Parsed p = parseAndDifferentiate(full, opts.autodiff);
  ASSERT_TRUE(p.module) << p.errors;
  const Module &m = *p.module;
  const Function *f = m.lookup(fn);
  std::mt19937 rng(opts.seed);

  std::vector<RuntimeValue> x = opts.inputs;
  if (x.empty())
    for (const Type &t : f->getArgTypes())
      x.push_back(randomValue(rng, t, opts.lo, opts.hi));
  std::vector<RuntimeValue> u;
  for (const Type &t : f->getResultTypes())
    u.push_back(randomValue(rng, t));
  std::vector<double> uflat = flattenAll(u);

  // Reverse mode.
  std::vector<RuntimeValue> args = x;
  args.insert(args.end(), u.begin(), u.end());
  std::vector<RuntimeValue> grads = run(m, fn + "__vjp", args);
  ASSERT_EQ(grads.size(), wrt.size());

  // Central differences of phi(x) = <u, f(x)> per float leaf of each wrt.
  auto phi = [&](const std::vector<RuntimeValue> &xs) {
    return dot(uflat, flattenAll(run(m, fn, xs)));
  };
  for (size_t k = 0; k < wrt.size(); ++k) {
    std::vector<double> base = flatten(x[wrt[k]]), fd(base.size());
    for (size_t j = 0; j < base.size(); ++j) {
      std::vector<RuntimeValue> xp = x, xm = x;
      std::vector<double> plus = base, minus = base;
      plus[j] += opts.step;
      minus[j] -= opts.step;
      size_t pos = 0;
      xp[wrt[k]] = withLeaves(x[wrt[k]], plus, pos);
      pos = 0;
      xm[wrt[k]] = withLeaves(x[wrt[k]], minus, pos);
      fd[j] = (phi(xp) - phi(xm)) / (2 * opts.step);
    }
    expectClose(flatten(grads[k]), fd, opts.tol,
                fmt::format("vjp of @{} w.r.t. parameter {}", fn, wrt[k]));
  }
  if (!opts.checkJvp)
    return;

  // Forward mode: against finite differences along v and the dot identity.
  std::vector<RuntimeValue> v;
  for (int64_t w : wrt)
    v.push_back(randomValue(rng, f->getArgTypes()[w]));
  std::vector<RuntimeValue> jargs = x;
  jargs.insert(jargs.end(), v.begin(), v.end());
  std::vector<RuntimeValue> jout = run(m, fn + "__jvp", jargs);
  size_t nres = f->getResultTypes().size();
  ASSERT_EQ(jout.size(), 2 * nres);
  std::vector<RuntimeValue> tangents(jout.begin() + nres, jout.end());
  std::vector<RuntimeValue> values(jout.begin(), jout.begin() + nres);
  expectClose(flattenAll(values), flattenAll(run(m, fn, x)), 1e-12,
              "jvp primal value of @" + fn);
  std::vector<RuntimeValue> xp = x, xm = x;
  for (size_t k = 0; k < wrt.size(); ++k) {
    std::vector<double> base = flatten(x[wrt[k]]), dir = flatten(v[k]);
    std::vector<double> plus = base, minus = base;
    for (size_t j = 0; j < base.size(); ++j) {
      plus[j] += opts.step * dir[j];
      minus[j] -= opts.step * dir[j];
    }
    size_t pos = 0;
    xp[wrt[k]] = withLeaves(x[wrt[k]], plus, pos);
    pos = 0;
    xm[wrt[k]] = withLeaves(x[wrt[k]], minus, pos);
  }
  std::vector<double> fp = flattenAll(run(m, fn, xp)),
                      fm = flattenAll(run(m, fn, xm)), fdT(fp.size());
  for (size_t j = 0; j < fp.size(); ++j)
    fdT[j] = (fp[j] - fm[j]) / (2 * opts.step);
  expectClose(flattenAll(tangents), fdT, opts.tol, "jvp of @" + fn);
  double lhs = dot(flattenAll(tangents), uflat);
  double rhs = dot(flattenAll(v), flattenAll(grads));
  EXPECT_NEAR(lhs, rhs,
              (opts.tol > 1e-6 ? opts.tol : 1e-10) *
                  std::max(1.0, std::fabs(lhs)))
      << "dot-product identity <jvp(v), u> = <v, vjp(u)> for @" << fn;
}

} // namespace tdl::ad::test
