//===- ProgramsTest.cpp - the gradient checks written in programs/ --------===//
//
// Every `.tir` file under programs/ may carry check lines (comments, so the
// IR parser skips them):
//
//   // GRADCHECK: [fn=f] [order=1|2] wrt=0,1 [lo=X hi=Y seed=N] [args=A;B;...]
//
// Each line is one or more cases of the value-parameterized test
// `Programs/GradCheck.Case/<file>_<line>_<k>`:
//   - order=1 (the default) runs checkGradients on @fn (GradCheck.h: vjp and
//     jvp against central finite differences and the dot-product identity);
//     order=2 also on `grad @fn wrt [wrt]` (vjp and jvp of the gradient:
//     reverse over reverse and forward over reverse).
//   - lo / hi bound the random inputs (and `rand`), seed seeds them.
//   - args fixes the inputs, one per parameter of @fn: `rand` or
//     `rand(lo,hi)` (a random value of the parameter's type), a number (a
//     scalar of the parameter's dtype), or a set `{a,b,c}` of numbers: a
//     line with sets is one case per combination.
// Without args every input is random. Checks that are not gradients against
// finite differences (op counts, analytic values, costs) stay in C++ tests
// that read the same files (HigherOrderLoopsTest.cpp, LoopsInIfTest.cpp).
//
//===----------------------------------------------------------------------===//
#include "GradCheck.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace tdl::ad::test;
using namespace tdl::ir;

namespace {

struct Case {
  std::string file; // relative to programs/
  unsigned line = 0;
  unsigned index = 0; // which combination of the line's sets
  std::string fn = "f";
  unsigned order = 1;
  std::vector<int64_t> wrt;
  double lo = -1.0, hi = 1.0;
  unsigned seed = 1;
  bool hasArgs = false;
  std::vector<std::string> args; // one spec per parameter, sets expanded
};

/// How gtest shows a case: `higher_order_loops/for_dynamic.tir:3 #0`.
void PrintTo(const Case &c, std::ostream *os) {
  *os << c.file << ':' << c.line << " #" << c.index;
}

std::vector<std::string> split(const std::string &s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : s) {
    if (c == '(' || c == '{')
      ++depth;
    else if (c == ')' || c == '}')
      --depth;
    if (c == sep && depth == 0) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

/// The cases of one GRADCHECK line (its text after the colon).
std::vector<Case> parseLine(const Case &where, const std::string &text) {
  Case c = where;
  std::vector<std::vector<std::string>> choices;
  std::istringstream in(text);
  std::string word;
  while (in >> word) {
    size_t eq = word.find('=');
    std::string key = word.substr(0, eq),
                value = eq == std::string::npos ? "" : word.substr(eq + 1);
    if (key == "fn")
      c.fn = value;
    else if (key == "order")
      c.order = std::stoul(value);
    else if (key == "wrt")
      for (const std::string &w : split(value, ','))
        c.wrt.push_back(std::stoll(w));
    else if (key == "lo")
      c.lo = std::stod(value);
    else if (key == "hi")
      c.hi = std::stod(value);
    else if (key == "seed")
      c.seed = std::stoul(value);
    else if (key == "args") {
      c.hasArgs = true;
      for (const std::string &a : split(value, ';'))
        if (a.size() > 1 && a.front() == '{' && a.back() == '}')
          choices.push_back(split(a.substr(1, a.size() - 2), ','));
        else
          choices.push_back({a});
    } else
      throw std::runtime_error(
          fmt::format("{}:{}: unknown key '{}'", c.file, c.line, key));
  }
  // One case per combination, the last set varying fastest.
  std::vector<Case> out;
  std::vector<size_t> pick(choices.size(), 0);
  for (unsigned k = 0;; ++k) {
    Case one = c;
    one.index = k;
    for (size_t i = 0; i < choices.size(); ++i)
      one.args.push_back(choices[i][pick[i]]);
    out.push_back(one);
    size_t i = choices.size();
    while (i > 0 && ++pick[i - 1] == choices[i - 1].size())
      pick[--i] = 0;
    if (i == 0)
      break;
  }
  return out;
}

std::vector<Case> collectCases() {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto &e : fs::recursive_directory_iterator(AD_PROGRAMS_DIR))
    if (e.is_regular_file() && e.path().extension() == ".tir")
      files.push_back(fs::relative(e.path(), AD_PROGRAMS_DIR).string());
  std::sort(files.begin(), files.end());
  std::vector<Case> cases;
  const std::string tag = "// GRADCHECK:";
  for (const std::string &f : files) {
    std::ifstream in(std::string(AD_PROGRAMS_DIR) + "/" + f);
    std::string text;
    for (unsigned line = 1; std::getline(in, text); ++line) {
      if (text.rfind(tag, 0) != 0)
        continue;
      Case where;
      where.file = f;
      where.line = line;
      for (Case &c : parseLine(where, text.substr(tag.size())))
        cases.push_back(std::move(c));
    }
  }
  return cases;
}

/// The value `spec` gives a parameter of type `t`.
RuntimeValue argument(std::mt19937 &rng, const Type &t, const std::string &spec,
                      const Case &c) {
  if (spec.rfind("rand", 0) == 0) {
    double lo = c.lo, hi = c.hi;
    if (spec.size() > 4) {
      std::vector<std::string> b = split(spec.substr(5, spec.size() - 6), ',');
      lo = std::stod(b.at(0));
      hi = std::stod(b.at(1));
    }
    return randomValue(rng, t, lo, hi);
  }
  if (t.isScalarOf(DType::I64))
    return RuntimeValue::scalar<int64_t>(DType::I64, std::stoll(spec));
  return RuntimeValue::scalar<double>(DType::F64, std::stod(spec));
}

class GradCheck : public testing::TestWithParam<Case> {};

TEST_P(GradCheck, Case) {
  const Case &c = GetParam();
  std::string text = readProgram(c.file);
  ASSERT_FALSE(text.empty()) << c.file;
  CheckOptions o;
  o.lo = c.lo;
  o.hi = c.hi;
  o.seed = c.seed;
  if (c.hasArgs) {
    Parsed p = parseAndDifferentiate(text);
    ASSERT_TRUE(p.module) << p.errors;
    const Function *f = p.module->lookup(c.fn);
    ASSERT_TRUE(f) << "no @" << c.fn;
    ASSERT_EQ(f->getArgTypes().size(), c.args.size());
    std::mt19937 rng(c.seed + c.index);
    for (size_t i = 0; i < c.args.size(); ++i)
      o.inputs.push_back(argument(rng, f->getArgTypes()[i], c.args[i], c));
  }
  checkGradients(text, c.fn, c.wrt, o);
  if (c.order < 2)
    return;
  std::string w;
  for (size_t i = 0; i < c.wrt.size(); ++i)
    w += (i ? ", " : "") + std::to_string(c.wrt[i]);
  checkGradients(
      text + fmt::format("\nfunc @{0}__g = grad @{0} wrt [{1}]\n", c.fn, w),
      c.fn + "__g", c.wrt, o);
}

std::string caseName(const testing::TestParamInfo<Case> &info) {
  std::string name = fmt::format("{}_{}_{}", info.param.file, info.param.line,
                                 info.param.index);
  for (char &ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch)))
      ch = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Programs, GradCheck, testing::ValuesIn(collectCases()),
                         caseName);

} // namespace
