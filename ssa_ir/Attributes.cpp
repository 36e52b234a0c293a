//===- Attributes.cpp -----------------------------------------------------===//
#include "ssa_ir/Attributes.h"
#include "ssa_ir/Printer.h"

#include <algorithm>

namespace tdl::ir {

double DenseElements::getAsDouble(int64_t i) const {
  switch (dtype) {
  case DType::Bool:
    return get<uint8_t>(i) != 0;
  case DType::I8:
    return get<int8_t>(i);
  case DType::I32:
    return get<int32_t>(i);
  case DType::I64:
    return double(get<int64_t>(i));
  case DType::F32:
    return get<float>(i);
  case DType::F64:
    return get<double>(i);
  }
  llvm_unreachable("bad dtype");
}

static void printDenseElement(const DenseElements &d, int64_t i,
                              llvm::raw_ostream &os) {
  switch (d.dtype) {
  case DType::Bool:
    os << (d.get<uint8_t>(i) ? "true" : "false");
    return;
  case DType::I8:
    os << int(d.get<int8_t>(i));
    return;
  case DType::I32:
    os << d.get<int32_t>(i);
    return;
  case DType::I64:
    os << d.get<int64_t>(i);
    return;
  case DType::F32:
    os << formatFloatAttr(d.get<float>(i), /*asF32=*/true);
    return;
  case DType::F64:
    os << formatFloatAttr(d.get<double>(i));
    return;
  }
}

void Attribute::print(llvm::raw_ostream &os) const {
  std::visit(
      [&](const auto &v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, int64_t>) {
          os << v;
        } else if constexpr (std::is_same_v<T, double>) {
          os << formatFloatAttr(v);
        } else if constexpr (std::is_same_v<T, bool>) {
          os << (v ? "true" : "false");
        } else if constexpr (std::is_same_v<T, IntArray>) {
          os << '[';
          for (size_t i = 0; i < v.size(); ++i)
            os << (i ? ", " : "") << v[i];
          os << ']';
        } else if constexpr (std::is_same_v<T, DType>) {
          os << dtypeName(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          os << '"';
          os.write_escaped(v);
          os << '"';
        } else if constexpr (std::is_same_v<T, SymbolRef>) {
          os << '@' << v.name;
        } else {
          os << "dense<" << dtypeName(v.dtype) << ">[";
          for (int64_t i = 0, e = v.size(); i < e; ++i) {
            if (i)
              os << ", ";
            printDenseElement(v, i, os);
          }
          os << ']';
        }
      },
      value);
}

void AttrList::set(llvm::StringRef name, Attribute value) {
  auto it = std::lower_bound(
      list.begin(), list.end(), name,
      [](const NamedAttribute &a, llvm::StringRef n) { return a.name < n; });
  if (it != list.end() && it->name == name)
    it->value = std::move(value);
  else
    list.insert(it, NamedAttribute{name.str(), std::move(value)});
}

const Attribute *AttrList::get(llvm::StringRef name) const {
  for (const NamedAttribute &a : list)
    if (a.name == name)
      return &a.value;
  return nullptr;
}

bool AttrList::erase(llvm::StringRef name) {
  for (auto it = list.begin(); it != list.end(); ++it)
    if (it->name == name) {
      list.erase(it);
      return true;
    }
  return false;
}

std::optional<int64_t> AttrList::getInt(llvm::StringRef name) const {
  if (const Attribute *a = get(name))
    if (auto *v = a->getIf<int64_t>())
      return *v;
  return std::nullopt;
}
std::optional<double> AttrList::getFloat(llvm::StringRef name) const {
  if (const Attribute *a = get(name))
    if (auto *v = a->getIf<double>())
      return *v;
  return std::nullopt;
}
std::optional<bool> AttrList::getBool(llvm::StringRef name) const {
  if (const Attribute *a = get(name))
    if (auto *v = a->getIf<bool>())
      return *v;
  return std::nullopt;
}
const IntArray *AttrList::getIntArray(llvm::StringRef name) const {
  if (const Attribute *a = get(name))
    return a->getIf<IntArray>();
  return nullptr;
}
std::optional<DType> AttrList::getDType(llvm::StringRef name) const {
  if (const Attribute *a = get(name))
    if (auto *v = a->getIf<DType>())
      return *v;
  return std::nullopt;
}
const SymbolRef *AttrList::getSymbol(llvm::StringRef name) const {
  if (const Attribute *a = get(name))
    return a->getIf<SymbolRef>();
  return nullptr;
}
const DenseElements *AttrList::getDense(llvm::StringRef name) const {
  if (const Attribute *a = get(name))
    return a->getIf<DenseElements>();
  return nullptr;
}

bool AttrList::operator==(const AttrList &o) const {
  if (list.size() != o.list.size())
    return false;
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i].name != o.list[i].name || !(list[i].value == o.list[i].value))
      return false;
  return true;
}

} // namespace tdl::ir
