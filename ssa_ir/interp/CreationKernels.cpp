//===- CreationKernels.cpp - iota, constant, rng_uniform, rng_normal ------===//
#include "runtime/kernels/Philox.h"
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/interp/Kernels.h"

namespace tdl::ir::kernels {

namespace {

template <typename T> void fillSplat(RuntimeValue &out, T v) {
  T *o = out.mutableData<T>();
  for (int64_t i = 0, n = out.numElements(); i < n; ++i)
    o[i] = v;
}

RuntimeValue constant(const Operation &op, const Type &t) {
  const Attribute &value = OpAttrs(op).value();
  if (const DenseElements *d = value.getIf<DenseElements>()) {
    RuntimeValue out = RuntimeValue::zeros(t);
    std::memcpy(out.mutableRawData(), d->bytes.data(), d->bytes.size());
    return out;
  }
  RuntimeValue out = RuntimeValue::zeros(t);
  dispatchDType(t.getDType(), [&]<typename T>() {
    if (const double *f = value.getIf<double>())
      fillSplat<T>(out, T(*f));
    else if (const int64_t *i = value.getIf<int64_t>())
      fillSplat<T>(out, T(*i)); // wraps to the dtype, like a cast
    else
      fillSplat<T>(out, T(value.get<bool>() ? 1 : 0));
  });
  return out;
}

} // namespace

RuntimeValue evalCreation(const Operation &op, Operands in) {
  const Type &t = op.getResult(0)->getType();
  switch (op.getOpcode()) {
  case Opcode::Constant:
    return constant(op, t);
  case Opcode::Iota: {
    int64_t axis = OpAttrs(op).axis();
    llvm::ArrayRef<int64_t> s = t.getShape();
    int64_t len = s[axis], inner = numElements(s.drop_front(axis + 1));
    RuntimeValue out = RuntimeValue::zeros(t);
    dispatchDType(t.getDType(), [&]<typename T>() {
      T *o = out.mutableData<T>();
      for (int64_t i = 0, n = t.getNumElements(); i < n; ++i)
        o[i] = T((i / inner) % len);
    });
    return out;
  }
  case Opcode::RngUniform:
  case Opcode::RngNormal: {
    int64_t seed = in[0].getScalarInt();
    bool normal = op.getOpcode() == Opcode::RngNormal;
    RuntimeValue out = RuntimeValue::zeros(t);
    int64_t n = t.getNumElements();
    if (t.getDType() == DType::F32) {
      float *o = out.mutableData<float>();
      for (int64_t i = 0; i < n; ++i)
        o[i] = normal ? float(tdl_normal_f64(seed, uint64_t(i)))
                      : tdl_uniform_f32(seed, uint64_t(i));
    } else {
      double *o = out.mutableData<double>();
      for (int64_t i = 0; i < n; ++i)
        o[i] = normal ? tdl_normal_f64(seed, uint64_t(i))
                      : tdl_uniform_f64(seed, uint64_t(i));
    }
    return out;
  }
  default:
    llvm_unreachable("not a creation op");
  }
}

llvm::Expected<RuntimeValue> evalOp(const Operation &op, Operands in) {
  switch (op.getOpcode()) {
#define ELEMENTWISE(ID) case Opcode::ID:
    // clang-format off
    ELEMENTWISE(Neg)
    ELEMENTWISE(Abs)
    ELEMENTWISE(Sign)
    ELEMENTWISE(Exp)
    ELEMENTWISE(Log)
    ELEMENTWISE(Sqrt)
    ELEMENTWISE(Rsqrt)
    ELEMENTWISE(Sin)
    ELEMENTWISE(Cos)
    ELEMENTWISE(Tanh)
    ELEMENTWISE(Sigmoid)
    ELEMENTWISE(Floor)
    ELEMENTWISE(Ceil)
    ELEMENTWISE(Round)
    ELEMENTWISE(Not)
    ELEMENTWISE(IsNaN)
    ELEMENTWISE(StopGradient)
    ELEMENTWISE(Add)
    ELEMENTWISE(Sub)
    ELEMENTWISE(Mul)
    ELEMENTWISE(Div)
    ELEMENTWISE(Rem)
    ELEMENTWISE(Pow)
    ELEMENTWISE(Max)
    ELEMENTWISE(Min)
    ELEMENTWISE(Eq)
    ELEMENTWISE(Ne)
    ELEMENTWISE(Lt)
    ELEMENTWISE(Le)
    ELEMENTWISE(Gt)
    ELEMENTWISE(Ge)
    ELEMENTWISE(And)
    ELEMENTWISE(Or)
    ELEMENTWISE(Xor)
    ELEMENTWISE(Shl)
    ELEMENTWISE(Shr)
    ELEMENTWISE(Select)
    ELEMENTWISE(Cast)
    // clang-format on
#undef ELEMENTWISE
    return evalElementwise(op, in);
  case Opcode::Broadcast:
  case Opcode::Reshape:
  case Opcode::Transpose:
  case Opcode::Slice:
  case Opcode::DynamicSlice:
  case Opcode::DynamicUpdateSlice:
  case Opcode::Concat:
  case Opcode::Pad:
  case Opcode::Flip:
    return evalMovement(op, in);
  case Opcode::ReduceSum:
  case Opcode::ReduceMax:
  case Opcode::ReduceMin:
  case Opcode::ReduceProd:
  case Opcode::ArgMax:
  case Opcode::ArgMin:
    return evalReduce(op, in[0]);
  case Opcode::Matmul:
    return evalMatmul(op, in[0], in[1]);
  case Opcode::Conv2D:
    return evalConv2D(op, in[0], in[1]);
  case Opcode::Conv2DGradInput:
  case Opcode::Conv2DGradFilter:
    return evalConv2DGrad(op, in[0], in[1]);
  case Opcode::MaxPool2D:
  case Opcode::AvgPool2D:
    return evalPool2D(op, in[0]);
  case Opcode::MaxPool2DGrad:
  case Opcode::AvgPool2DGrad:
    return evalPool2DGrad(op, in);
  case Opcode::Iota:
  case Opcode::Constant:
  case Opcode::RngUniform:
  case Opcode::RngNormal:
    return evalCreation(op, in);
  case Opcode::Tuple:
    return RuntimeValue::tuple(std::vector<RuntimeValue>(in.begin(), in.end()));
  case Opcode::Get:
    return in[0].getElements()[OpAttrs(op).index()];
  case Opcode::TapeNew:
    return RuntimeValue::emptyTape(op.getResult(0)->getType());
  case Opcode::TapePush:
    return in[0].tapePushed(in[1]);
  case Opcode::TapeTop:
  case Opcode::TapePop:
    if (in[0].isEmptyTape())
      return makeRuntimeError(op,
                              "'" + op.getName().str() + "' of an empty tape");
    return op.getOpcode() == Opcode::TapeTop ? in[0].tapeTop()
                                             : in[0].tapeRest();
  case Opcode::Call:
  case Opcode::Print:
  case Opcode::If:
  case Opcode::For:
  case Opcode::While:
  case Opcode::Fused:
  case Opcode::Yield:
  case Opcode::Return:
  case Opcode::NumOpcodes:
    break;
  }
  llvm_unreachable("op is handled by the interpreter loop");
}

} // namespace tdl::ir::kernels
