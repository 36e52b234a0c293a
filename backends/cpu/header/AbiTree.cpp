//===- AbiTree.cpp - an exported function as the header presents it -------===//
#include "backends/cpu/header/AbiTree.h"
#include "backends/cpu/Codegen.h"
#include "backends/cpu/header/Header.h"

#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

namespace tdl::cpu::header {

const char *cType(ir::DType t) {
  switch (t) {
  case ir::DType::Bool:
    return "bool";
  case ir::DType::I8:
    return "int8_t";
  case ir::DType::I32:
    return "int32_t";
  case ir::DType::I64:
    return "int64_t";
  case ir::DType::F32:
    return "float";
  case ir::DType::F64:
    return "double";
  }
  return "void";
}

std::string cIdentifier(llvm::StringRef name) {
  std::string out;
  for (char c : name) {
    if (llvm::isAlnum(c))
      out += c;
    else if (!out.empty() && out.back() != '_')
      out += '_';
  }
  while (!out.empty() && out.back() == '_')
    out.pop_back();
  if (out.empty() || llvm::isDigit(out[0]))
    out = "m_" + out;
  return out;
}

namespace {

/// Binds a source tree to the flat leaves, depth-first.
class Binder {
public:
  Binder(AbiModule &module, AbiFunction &fn) : module(module), fn(fn) {}

  /// Appends the nodes `v` spells as (a tuple spreads into one node per
  /// element, named `name_i`).
  void spread(const ir::SourceValue &v, const std::string &name,
              std::vector<AbiNode> &out) {
    switch (v.kind) {
    case ir::SourceValue::Kind::Leaf: {
      AbiNode leaf;
      leaf.name = cIdentifier(name);
      leaf.flatIndex = next;
      leaf.type = next < fn.flat.size() ? fn.flat[next].type : ir::Type();
      ++next;
      out.push_back(std::move(leaf));
      return;
    }
    case ir::SourceValue::Kind::Tuple:
      for (size_t i = 0; i < v.elements.size(); ++i)
        spread(v.elements[i], fmt::format("{}_{}", name, i), out);
      return;
    case ir::SourceValue::Kind::Struct: {
      AbiNode node;
      node.kind = AbiNode::Kind::Struct;
      node.name = cIdentifier(name);
      node.structType = module.moduleName + "_" + cIdentifier(v.structName);
      for (const ir::SourceValue &field : v.elements)
        spread(field, field.name, node.fields);
      declare(node, v.structName);
      out.push_back(std::move(node));
      return;
    }
    }
  }

  unsigned consumed() const { return next; }

private:
  void declare(const AbiNode &node, const std::string &sourceName) {
    for (const AbiStruct &s : module.structs)
      if (s.cName == node.structType)
        return;
    module.structs.push_back({node.structType, sourceName, node.fields});
  }

  AbiModule &module;
  AbiFunction &fn;
  unsigned next = 0;
};

std::vector<FlatParam> flatParams(const ir::Function &f) {
  std::vector<FlatParam> params;
  llvm::SmallVector<ir::Type, 8> args, results;
  for (const ir::Type &t : f.getArgTypes())
    flattenType(t, args);
  for (const ir::Type &t : f.getResultTypes())
    flattenType(t, results);
  for (size_t i = 0; i < args.size(); ++i)
    params.push_back({paramName(f, i), args[i], false});
  for (size_t i = 0; i < results.size(); ++i)
    params.push_back({"out" + std::to_string(i), results[i], true});
  return params;
}

} // namespace

AbiModule buildAbiModule(const ir::Module &module, llvm::StringRef moduleName,
                         llvm::StringRef prefix) {
  AbiModule abi;
  abi.moduleName = sanitizeIdentifier(moduleName);
  abi.prefix = prefix.str();
  for (const auto &fp : module.getFunctions()) {
    const ir::Function &f = *fp;
    if (!f.isExported() || f.isDerivedDeclaration())
      continue;
    AbiFunction fn;
    fn.name = f.getName().str();
    fn.flatName = abi.prefix + fn.name;
    fn.flat = flatParams(f);
    fn.callName = abi.moduleName + "_" + cIdentifier(fn.name);
    if (fn.callName == fn.flatName)
      fn.callName += "_call";
    fn.resultType = abi.moduleName + "_" + cIdentifier(fn.name) + "_result";
    if (const ir::SourceSignature *sig = f.getSourceSignature()) {
      Binder binder(abi, fn);
      for (const ir::SourceValue &p : sig->params)
        binder.spread(p, p.name, fn.params);
      if (sig->result.kind == ir::SourceValue::Kind::Tuple)
        for (size_t i = 0; i < sig->result.elements.size(); ++i)
          binder.spread(sig->result.elements[i], "out" + std::to_string(i),
                        fn.results);
      else
        binder.spread(sig->result, "out0", fn.results);
      // A signature that does not cover the leaves exactly (it cannot
      // happen for IR from the front end) leaves the flat form only.
      fn.hasSource = binder.consumed() == fn.flat.size();
    }
    abi.functions.push_back(std::move(fn));
  }
  return abi;
}

} // namespace tdl::cpu::header
