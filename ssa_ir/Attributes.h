//===- Attributes.h - compile-time constants attached to ops -------*- C++
//-*-===//
//
// An attribute is one of: int, float (held as double, exact for f32), bool,
// int array (shapes, axes, permutations, strides), dtype, string, symbol
// (`@name`, a function reference) or dense tensor data (dtype + row-major
// bytes). Ops keep them in an AttrList sorted by name, so printing is
// deterministic and print -> parse -> print is the identity.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SSA_IR_ATTRIBUTES_H
#define TDL_SSA_IR_ATTRIBUTES_H

#include "ssa_ir/Types.h"

#include <cstring>
#include <string>
#include <variant>
#include <vector>

namespace tdl::ir {

struct SymbolRef {
  std::string name; // without '@'
  bool operator==(const SymbolRef &o) const = default;
};

/// Dense data: `count` elements of `dtype`, row-major, 1 byte per bool.
struct DenseElements {
  DType dtype = DType::F32;
  std::vector<uint8_t> bytes;

  int64_t size() const { return bytes.size() / dtypeSize(dtype); }
  template <typename T> T get(int64_t i) const {
    T v;
    std::memcpy(&v, bytes.data() + i * sizeof(T), sizeof(T));
    return v;
  }
  template <typename T>
  static DenseElements from(DType dt, llvm::ArrayRef<T> values) {
    DenseElements d;
    d.dtype = dt;
    d.bytes.resize(values.size() * sizeof(T));
    if (!values.empty())
      std::memcpy(d.bytes.data(), values.data(), d.bytes.size());
    return d;
  }
  /// Element i converted to double (for messages and splat checks).
  double getAsDouble(int64_t i) const;
  bool operator==(const DenseElements &o) const = default;
};

using IntArray = std::vector<int64_t>;

class Attribute {
public:
  using Storage = std::variant<int64_t, double, bool, IntArray, DType,
                               std::string, SymbolRef, DenseElements>;
  Attribute(int64_t v) : value(v) {}
  Attribute(int v) : value(int64_t(v)) {}
  Attribute(double v) : value(v) {}
  Attribute(bool v) : value(v) {}
  Attribute(IntArray v) : value(std::move(v)) {}
  Attribute(llvm::ArrayRef<int64_t> v) : value(IntArray(v.begin(), v.end())) {}
  Attribute(DType v) : value(v) {}
  Attribute(std::string v) : value(std::move(v)) {}
  Attribute(SymbolRef v) : value(std::move(v)) {}
  Attribute(DenseElements v) : value(std::move(v)) {}

  template <typename T> bool is() const {
    return std::holds_alternative<T>(value);
  }
  template <typename T> const T &get() const { return std::get<T>(value); }
  template <typename T> const T *getIf() const {
    return std::get_if<T>(&value);
  }
  const Storage &storage() const { return value; }

  bool operator==(const Attribute &o) const { return value == o.value; }
  void print(llvm::raw_ostream &os) const;

private:
  Storage value;
};

struct NamedAttribute {
  std::string name;
  Attribute value;
};

/// Attributes of one op, sorted by name, names unique.
class AttrList {
public:
  AttrList() = default;
  AttrList(std::initializer_list<NamedAttribute> init) {
    for (const NamedAttribute &a : init)
      set(a.name, a.value);
  }
  void set(llvm::StringRef name, Attribute value);
  const Attribute *get(llvm::StringRef name) const;
  bool erase(llvm::StringRef name);
  bool has(llvm::StringRef name) const { return get(name) != nullptr; }

  // Typed getters: nullopt / null when missing or of another kind.
  std::optional<int64_t> getInt(llvm::StringRef name) const;
  std::optional<double> getFloat(llvm::StringRef name) const;
  std::optional<bool> getBool(llvm::StringRef name) const;
  const IntArray *getIntArray(llvm::StringRef name) const;
  std::optional<DType> getDType(llvm::StringRef name) const;
  const SymbolRef *getSymbol(llvm::StringRef name) const;
  const DenseElements *getDense(llvm::StringRef name) const;

  const std::vector<NamedAttribute> &entries() const { return list; }
  bool empty() const { return list.empty(); }
  bool operator==(const AttrList &o) const;

private:
  std::vector<NamedAttribute> list;
};

} // namespace tdl::ir

#endif
