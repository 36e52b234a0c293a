//===- RunArguments.cpp - data in and out of `tdlc run` -------------------===//
#include "tools/tdlc/RunArguments.h"

#include "backends/cpu/Codegen.h"
#include "runtime/Npy.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace tdl {

namespace {

/// One tensor leaf of a parameter or result: its dotted path (`p.inner.k`)
/// and, for parameters, which parameter it belongs to.
struct Leaf {
  std::string path;
  unsigned param = 0;
};

void leafPaths(const sema::Type *t, const std::string &path, unsigned param,
               std::vector<Leaf> &out) {
  if (t->isTensor()) {
    out.push_back({path, param});
    return;
  }
  if (t->isStruct()) {
    const sema::StructInstance *s = t->getStruct();
    for (size_t i = 0; i < s->fieldTypes.size(); ++i)
      leafPaths(s->fieldTypes[i], path + "." + s->fieldNames[i].str(), param,
                out);
    return;
  }
  llvm::ArrayRef<const sema::Type *> elements = t->getElements();
  for (size_t i = 0; i < elements.size(); ++i)
    leafPaths(elements[i], path + "." + std::to_string(i), param, out);
}

std::string npyTypeText(const rt::NpyArray &a) {
  std::string s = rt::elemTypeName(a.type);
  if (a.shape.empty())
    return s;
  s += "[";
  for (size_t i = 0; i < a.shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(a.shape[i]);
  return s + "]";
}

/// `dir/inner/k.npy` for the leaf `p.inner.k` under `p`.
std::string leafFile(llvm::StringRef dir, llvm::StringRef relativePath) {
  llvm::SmallString<128> file(dir);
  llvm::SmallVector<llvm::StringRef, 4> parts;
  relativePath.split(parts, '.');
  for (llvm::StringRef part : parts)
    llvm::sys::path::append(file, part);
  file += ".npy";
  return std::string(file);
}

bool loadNpy(const std::string &file, const ir::Type &type,
             ir::RuntimeValue &out, std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot read '" + file + "': " + buffer.getError().message();
    return false;
  }
  rt::NpyArray array;
  std::string why;
  if (!rt::parseNpy(
          reinterpret_cast<const uint8_t *>((*buffer)->getBufferStart()),
          (*buffer)->getBufferSize(), array, why)) {
    error = "'" + file + "': " + why;
    return false;
  }
  if (array.type != ir::toElemType(type.getDType()) ||
      llvm::ArrayRef<int64_t>(array.shape) != type.getShape()) {
    error = "the parameter is " + type.str() + ", but '" + file + "' holds " +
            npyTypeText(array);
    return false;
  }
  out = ir::RuntimeValue::zeros(type);
  std::memcpy(out.mutableRawData(), array.data.data(), array.data.size());
  return true;
}

/// A scalar from its literal (`0.01`, `-3`, `true`, `nan`, `-inf`).
bool parseScalar(const std::string &text, const ir::Type &type,
                 ir::RuntimeValue &out, std::string &error) {
  ir::DType dt = type.getDType();
  const char *begin = text.c_str();
  char *end = nullptr;
  errno = 0;
  switch (dt) {
  case ir::DType::Bool:
    if (text != "true" && text != "false")
      break;
    out = ir::RuntimeValue::scalar<bool>(dt, text == "true");
    return true;
  case ir::DType::I8:
  case ir::DType::I32:
  case ir::DType::I64: {
    long long v = std::strtoll(begin, &end, 10);
    int64_t lo = dt == ir::DType::I8    ? INT8_MIN
                 : dt == ir::DType::I32 ? INT32_MIN
                                        : INT64_MIN;
    int64_t hi = dt == ir::DType::I8    ? INT8_MAX
                 : dt == ir::DType::I32 ? INT32_MAX
                                        : INT64_MAX;
    if (text.empty() || *end != '\0')
      break;
    if (errno == ERANGE || v < lo || v > hi) {
      error = "'" + text + "' is out of range for " + type.str();
      return false;
    }
    if (dt == ir::DType::I8)
      out = ir::RuntimeValue::scalar<int8_t>(dt, int8_t(v));
    else if (dt == ir::DType::I32)
      out = ir::RuntimeValue::scalar<int32_t>(dt, int32_t(v));
    else
      out = ir::RuntimeValue::scalar<int64_t>(dt, int64_t(v));
    return true;
  }
  case ir::DType::F32:
  case ir::DType::F64: {
    // strtof rounds once from the decimal text, as the compiler does for
    // an f32 literal (not through double).
    if (dt == ir::DType::F32) {
      float v = std::strtof(begin, &end);
      if (text.empty() || *end != '\0')
        break;
      out = ir::RuntimeValue::scalar<float>(dt, v);
    } else {
      double v = std::strtod(begin, &end);
      if (text.empty() || *end != '\0')
        break;
      out = ir::RuntimeValue::scalar<double>(dt, v);
    }
    return true;
  }
  }
  error = "'" + text + "' is not a literal of type " + type.str();
  return false;
}

/// A value for one leaf: a .npy file, or a literal for a scalar.
bool loadLeaf(const std::string &value, const ir::Type &type,
              ir::RuntimeValue &out, std::string &error) {
  if (llvm::StringRef(value).ends_with(".npy") ||
      llvm::sys::fs::is_regular_file(value))
    return loadNpy(value, type, out, error);
  if (type.getRank() != 0) {
    error = "the parameter is " + type.str() +
            ": give a .npy file (or a directory for a struct)";
    return false;
  }
  return parseScalar(value, type, out, error);
}

} // namespace

std::optional<std::vector<ir::RuntimeValue>>
buildRunArguments(Session &session, const sema::FuncInstance &entry,
                  const ir::Function &fn,
                  const std::vector<std::string> &options) {
  std::vector<Leaf> leaves;
  llvm::ArrayRef<ast::ParamDecl *> decls = entry.decl->getParams();
  for (size_t i = 0; i < entry.paramTypes.size(); ++i)
    leafPaths(entry.paramTypes[i], decls[i]->getName().name.str(), i, leaves);
  llvm::SmallVector<ir::Type, 8> types;
  for (const ir::Type &t : fn.getArgTypes())
    cpu::flattenType(t, types);
  assert(types.size() == leaves.size() && "sema and IR disagree on leaves");

  std::vector<std::optional<ir::RuntimeValue>> values(leaves.size());
  std::vector<bool> given(leaves.size());
  llvm::SMRange fnName = entry.decl->getName().getRange();
  auto paramLoc = [&](const Leaf &l) {
    return decls[l.param]->getName().getRange();
  };
  bool ok = true;
  for (const std::string &option : options) {
    auto [name, value] = llvm::StringRef(option).split('=');
    if (name.empty() || !llvm::StringRef(option).contains('=')) {
      session.diags.report(diag::RunArgSyntax, SourceLoc(), option);
      ok = false;
      continue;
    }
    bool matched = false;
    for (size_t i = 0; i < leaves.size(); ++i) {
      llvm::StringRef path = leaves[i].path;
      bool exact = path == name;
      bool under = path.starts_with(name) && path.size() > name.size() &&
                   path[name.size()] == '.';
      if (!exact && !under)
        continue;
      matched = true;
      if (given[i]) {
        session.diags.report(diag::RunArgTwice, paramLoc(leaves[i]),
                             leaves[i].path);
        ok = false;
        continue;
      }
      given[i] = true;
      std::string file = value.str();
      if (under) {
        if (!llvm::sys::fs::is_directory(value)) {
          session.diags.report(diag::RunArgBadValue, paramLoc(leaves[i]), name,
                               value,
                               "'" + name.str() +
                                   "' has several leaves: give a directory "
                                   "of .npy files, or each leaf (--arg " +
                                   leaves[i].path + "=...)");
          ok = false;
          break;
        }
        file = leafFile(value, path.drop_front(name.size() + 1));
      }
      ir::RuntimeValue v;
      std::string error;
      if (!loadLeaf(file, types[i], v, error)) {
        session.diags.report(diag::RunArgBadValue, paramLoc(leaves[i]),
                             leaves[i].path, value, error);
        ok = false;
        continue;
      }
      values[i] = std::move(v);
    }
    if (!matched) {
      std::vector<std::string> described;
      for (size_t i = 0; i < leaves.size(); ++i)
        described.push_back(leaves[i].path + ": " + types[i].str());
      session.diags
          .report(diag::RunArgUnknown, fnName, name, entry.decl->getName().name)
          .note(diag::RunArgParameters, fnName, entry.decl->getName().name,
                described.empty() ? "no parameters"
                                  : llvm::join(described, ", "));
      ok = false;
    }
  }
  if (ok) // every leaf without a value (after errors, they add nothing)
    for (size_t i = 0; i < leaves.size(); ++i)
      if (!given[i]) {
        session.diags.report(diag::RunArgMissing, paramLoc(leaves[i]),
                             leaves[i].path, entry.decl->getName().name);
        ok = false;
      }
  if (!ok)
    return std::nullopt;
  std::vector<ir::RuntimeValue> args;
  for (std::optional<ir::RuntimeValue> &v : values)
    args.push_back(std::move(*v));
  return args;
}

std::vector<std::string> resultLeafNames(const sema::FuncInstance &entry) {
  std::vector<Leaf> leaves;
  const sema::Type *result = entry.resultType;
  if (result->isTuple()) {
    llvm::ArrayRef<const sema::Type *> elements = result->getElements();
    for (size_t i = 0; i < elements.size(); ++i)
      leafPaths(elements[i], "out" + std::to_string(i), 0, leaves);
  } else {
    leafPaths(result, "out0", 0, leaves);
  }
  std::vector<std::string> names;
  for (const Leaf &l : leaves)
    names.push_back(l.path);
  return names;
}

bool saveResults(llvm::StringRef dir, const std::vector<std::string> &names,
                 const std::vector<ir::RuntimeValue> &results) {
  for (size_t i = 0; i < names.size() && i < results.size(); ++i) {
    const ir::RuntimeValue &v = results[i];
    std::string file = leafFile(dir, names[i]);
    if (std::error_code ec = llvm::sys::fs::create_directories(
            llvm::sys::path::parent_path(file))) {
      reportUsageError("cannot create the directory of '" + file +
                       "': " + ec.message());
      return false;
    }
    std::string bytes = rt::writeNpy(ir::toElemType(v.getType().getDType()),
                                     v.getType().getShape().data(),
                                     v.getType().getRank(), v.rawData());
    if (!writeOutputFile(file, [&](llvm::raw_ostream &os) { os << bytes; }))
      return false;
  }
  return true;
}

} // namespace tdl
