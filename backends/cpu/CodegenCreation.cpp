//===- CodegenCreation.cpp - constant, iota and RNG tensor ops ------------===//
//
// Ops that make a tensor from attributes alone (a seed for the RNG):
// constants are private globals (a big splat read by a non-fused op is
// filled at run time instead), iota and the RNG call runtime kernels.
//
//===----------------------------------------------------------------------===//
#include "backends/cpu/FunctionEmitter.h"

#include "ssa_ir/OpAttrs.h"

namespace tdl::cpu {

std::vector<uint8_t> splatBytes(const ir::Attribute &value, ir::DType dt) {
  std::vector<uint8_t> bytes(ir::dtypeSize(dt));
  auto put = [&](auto v) { std::memcpy(bytes.data(), &v, sizeof(v)); };
  auto convert = [&]<typename T>() {
    if (const double *f = value.getIf<double>())
      put(T(*f));
    else if (const int64_t *i = value.getIf<int64_t>())
      put(T(*i));
    else
      put(T(value.get<bool>() ? 1 : 0));
  };
  switch (dt) {
  case ir::DType::Bool:
    convert.operator()<uint8_t>();
    break;
  case ir::DType::I8:
    convert.operator()<int8_t>();
    break;
  case ir::DType::I32:
    convert.operator()<int32_t>();
    break;
  case ir::DType::I64:
    convert.operator()<int64_t>();
    break;
  case ir::DType::F32:
    convert.operator()<float>();
    break;
  case ir::DType::F64:
    convert.operator()<double>();
    break;
  }
  return bytes;
}

llvm::GlobalVariable *FunctionEmitter::constantGlobal(const ir::Operation &op) {
  const ir::Type &outT = op.getResult(0)->getType();
  const ir::Attribute &value = ir::OpAttrs(op).value();
  std::vector<uint8_t> bytes;
  if (const ir::DenseElements *d = value.getIf<ir::DenseElements>()) {
    bytes = d->bytes;
  } else {
    std::vector<uint8_t> one = splatBytes(value, outT.getDType());
    for (int64_t i = 0, n = outT.getNumElements(); i < n; ++i)
      bytes.insert(bytes.end(), one.begin(), one.end());
  }
  if (bytes.empty())
    bytes.push_back(0);
  auto *data = llvm::ConstantDataArray::getRaw(
      llvm::StringRef((const char *)bytes.data(), bytes.size()), bytes.size(),
      b.getInt8Ty());
  auto *gv = new llvm::GlobalVariable(me.m, data->getType(), true,
                                      llvm::GlobalValue::PrivateLinkage, data,
                                      "tdl.const");
  gv->setAlignment(llvm::Align(16));
  gv->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  return gv;
}

llvm::Error FunctionEmitter::emitCreationOp(const ir::Operation &op) {
  using ir::Opcode;
  auto [attrs, outT, outShape, outDt, in, inType, result] = lowering(op);
  int64_t esize = ir::dtypeSize(outT.getDType());

  Opcode code = op.getOpcode();
  switch (code) {
  case Opcode::Constant: {
    const ir::Attribute &value = ir::OpAttrs(attrs).value();
    int64_t n = outT.getNumElements();
    if (!value.getIf<ir::DenseElements>() && n * esize > 4096) {
      // A big splat read by a non-fused op: fill at run time.
      std::vector<uint8_t> one = splatBytes(value, outT.getDType());
      llvm::Value *out = result();
      auto *data = llvm::ConstantDataArray::getRaw(
          llvm::StringRef((const char *)one.data(), one.size()), one.size(),
          b.getInt8Ty());
      auto *gv = new llvm::GlobalVariable(me.m, data->getType(), true,
                                          llvm::GlobalValue::PrivateLinkage,
                                          data, "tdl.splat");
      gv->setAlignment(llvm::Align(16));
      b.CreateCall(me.rt("tdl_rt_fill"), {i64(esize), i64(n), gv, out});
      return llvm::Error::success();
    }
    bind(op.getResult(0), {constantGlobal(op)});
    return llvm::Error::success();
  }
  case Opcode::Iota: {
    int64_t axis = ir::OpAttrs(attrs).axis();
    int64_t len = outShape[axis];
    int64_t inner = ir::numElements(outShape.drop_front(axis + 1));
    llvm::Value *out = result();
    b.CreateCall(me.rt("tdl_rt_iota"), {i32(outDt), i64(outT.getNumElements()),
                                        i64(len), i64(inner), out});
    return llvm::Error::success();
  }
  case Opcode::RngUniform:
  case Opcode::RngNormal: {
    llvm::Value *seed = loadScalar(op.getOperand(0));
    llvm::Value *out = result();
    b.CreateCall(me.rt("tdl_rt_rng"),
                 {i32(outDt), i32(code == Opcode::RngNormal ? 1 : 0), seed,
                  i64(outT.getNumElements()), out});
    return llvm::Error::success();
  }
  default:
    return unsupported(op);
  }
}

} // namespace tdl::cpu
