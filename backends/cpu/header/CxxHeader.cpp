//===- CxxHeader.cpp - the C++ part of the generated header ---------------===//
//
// Inside `namespace <module>` (C++17 and later):
//
//   constexpr std::array<int64_t, 2> forward_x_shape{4, 3};
//   [[nodiscard]] inline int32_t forward(span<const float> l_w, ...,
//                                        span<float> out0, float &out1);
//   using Layer = ::net_Layer;  using forward_result = ::net_forward_result;
//   [[nodiscard]] inline int32_t forward(const Layer &l, span<const float> x,
//                                        bool on, forward_result *out);
//
// `span` is std::span from C++20 and a small span of the same interface
// before (namespace tdl_abi, defined once for all generated headers). A
// span whose size is not its shape's element count makes the wrapper
// return -1 without calling the object, with a tdl_last_error() naming the
// function, the parameter, its type and the size given.
//
//===----------------------------------------------------------------------===//
#include "backends/cpu/header/Writers.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

namespace tdl::cpu::header {

/// Defined once however many generated headers a translation unit includes.
static const char *const kSupport = R"(
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <type_traits>
#include <utility>
#if __cplusplus >= 202002L && defined(__has_include)
#if __has_include(<span>)
#include <span>
#define TDL_ABI_STD_SPAN 1
#endif
#endif

#ifndef TDL_ABI_SUPPORT
#define TDL_ABI_SUPPORT
namespace tdl_abi {
#ifdef TDL_ABI_STD_SPAN
template <class T> using span = std::span<T>;
#else
/// The part of C++20's std::span the wrappers use: a pointer and a size,
/// from a pointer and a size, an array, or a contiguous container.
template <class T> class span {
public:
  constexpr span() noexcept = default;
  constexpr span(T *data, std::size_t size) noexcept : p(data), n(size) {}
  template <std::size_t N> constexpr span(T (&a)[N]) noexcept : p(a), n(N) {}
  template <class C,
            class = std::enable_if_t<std::is_convertible_v<
                decltype(std::declval<C &>().data()), T *>>>
  constexpr span(C &&c) noexcept : p(c.data()), n(c.size()) {}
  constexpr T *data() const noexcept { return p; }
  constexpr std::size_t size() const noexcept { return n; }
  constexpr bool empty() const noexcept { return n == 0; }
  constexpr T *begin() const noexcept { return p; }
  constexpr T *end() const noexcept { return p + n; }
  constexpr T &operator[](std::size_t i) const noexcept { return p[i]; }

private:
  T *p = nullptr;
  std::size_t n = 0;
};
#endif

/// Reports a span of the wrong size through the object's error accessor.
inline int32_t size_error(const char *function, const char *param,
                          const char *type, std::size_t expected,
                          std::size_t given, void (*report)(const char *)) {
  char text[256];
  std::snprintf(text, sizeof text,
                "%s: parameter '%s' is %s (%zu elements), but %zu were given",
                function, param, type, expected, given);
  report(text);
  return -1;
}
} // namespace tdl_abi
#endif
)";

namespace {

struct CxxParam {
  std::string decl;  // `span<const float> x`
  std::string arg;   // what the C function gets: `x.data()`
  std::string check; // the size check, or empty
};

class CxxWriter {
public:
  CxxWriter(const AbiModule &abi, llvm::raw_ostream &os) : abi(abi), os(os) {}

  void write() {
    os << kSupport << "\nnamespace " << abi.moduleName << " {\n"
       << "template <class T> using span = ::tdl_abi::span<T>;\n";
    for (const AbiStruct &s : abi.structs) {
      std::string name = cIdentifier(s.sourceName);
      os << "using " << name << " = ::" << s.cName << ";\n"
         << "using " << name << "_out = ::" << s.cName << "_out;\n";
    }
    for (const AbiFunction &fn : abi.functions)
      writeFunction(fn);
    os << "inline const char *last_error() { return ::" << abi.prefix
       << "tdl_last_error(); }\n"
       << "inline void set_num_threads(int32_t n) { ::" << abi.prefix
       << "tdl_set_num_threads(n); }\n"
       << "inline void set_print_callback(void (*callback)(const char *, "
          "void *), void *user) {\n  ::"
       << abi.prefix << "tdl_set_print_callback(callback, user);\n}\n";
    if (abi.accelerator)
      os << "inline TdlAccelCallStats accel_call_stats() {\n"
            "  TdlAccelCallStats s;\n  ::tdl_accel_call_stats(&s);\n"
            "  return s;\n}\n"
            "inline void set_accel_max_cycles(uint64_t cycles) {\n"
            "  ::tdl_accel_set_max_cycles(cycles);\n}\n";
    os << "} // namespace " << abi.moduleName << "\n";
  }

private:
  /// A tensor leaf as a checked span, a scalar by value or reference.
  CxxParam leafParam(const std::string &fn, const std::string &name,
                     const ir::Type &type, bool output) {
    const char *t = cType(type.getDType());
    if (type.getRank() == 0)
      return {output ? fmt::format("{} &{}", t, name)
                     : fmt::format("{} {}", t, name),
              output ? "&" + name : name, ""};
    std::string check = fmt::format(
        "  if ({0}.size() != {1})\n"
        "    return ::tdl_abi::size_error(\"{2}\", \"{0}\", \"{3}\", {1}, "
        "{0}.size(), ::{4}tdl_set_last_error);\n",
        name, type.getNumElements(), fn, type.str(), abi.prefix);
    return {fmt::format("span<{}{}> {}", output ? "" : "const ", t, name),
            name + ".data()", check};
  }

  void writeCall(const std::string &name, const std::vector<CxxParam> &params,
                 const std::string &callee) {
    std::vector<std::string> decls, args;
    for (const CxxParam &p : params) {
      decls.push_back(p.decl);
      args.push_back(p.arg);
    }
    os << "[[nodiscard]] inline int32_t " << name << "("
       << llvm::join(decls, ", ") << ") {\n";
    for (const CxxParam &p : params)
      os << p.check;
    os << "  return ::" << callee << "(" << llvm::join(args, ", ") << ");\n}\n";
  }

  void writeFunction(const AbiFunction &fn) {
    os << "\n";
    for (const FlatParam &p : fn.flat)
      if (p.type.getRank() > 0)
        os << fmt::format(
            "constexpr std::array<int64_t, {}> {}_{}_shape{{{}}};\n",
            p.type.getRank(), fn.name, p.name,
            llvm::join(
                llvm::map_range(p.type.getShape(),
                                [](int64_t d) { return std::to_string(d); }),
                ", "));
    std::vector<CxxParam> flat;
    for (const FlatParam &p : fn.flat)
      flat.push_back(leafParam(fn.name, p.name, p.type, p.output));
    writeCall(fn.name, flat, fn.flatName);
    if (fn.hasSource) {
      if (!fn.results.empty())
        os << "using " << cIdentifier(fn.name)
           << "_result = ::" << fn.resultType << ";\n";
      std::vector<CxxParam> params;
      for (const AbiNode &p : fn.params) {
        if (p.kind == AbiNode::Kind::Struct)
          params.push_back(
              {fmt::format("const {} &{}", alias(p.structType), p.name),
               "&" + p.name, ""});
        else
          params.push_back(leafParam(fn.name, p.name, p.type, false));
      }
      if (!fn.results.empty())
        params.push_back({cIdentifier(fn.name) + "_result *out", "out", ""});
      writeCall(fn.name, params, fn.callName);
    }
    os << fmt::format("inline int64_t {}_workspace_size() {{ return ::{}"
                      "_workspace_size(); }}\n",
                      fn.name, fn.flatName);
  }

  /// The namespace's name of a struct (`net_Layer` -> `Layer`).
  std::string alias(const std::string &cName) const {
    for (const AbiStruct &s : abi.structs)
      if (s.cName == cName)
        return cIdentifier(s.sourceName);
    return "::" + cName;
  }

  const AbiModule &abi;
  llvm::raw_ostream &os;
};

} // namespace

void writeCxx(const AbiModule &abi, llvm::raw_ostream &os) {
  CxxWriter(abi, os).write();
}

} // namespace tdl::cpu::header
