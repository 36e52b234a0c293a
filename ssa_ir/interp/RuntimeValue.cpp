//===- RuntimeValue.cpp ---------------------------------------------------===//
#include "ssa_ir/interp/RuntimeValue.h"

#include "runtime/TensorFormat.h"

#include <atomic>
#include <cstdlib>
#include <new>

#include <unistd.h>

namespace tdl::ir {

RuntimeValue RuntimeValue::zeros(const Type &t) {
  assert(t.isTensor() && "zeros of a tuple type");
  RuntimeValue v;
  v.type = t;
  size_t bytes = size_t(t.getNumElements()) * dtypeSize(t.getDType());
  // calloc, not new: LLVM's new-handler aborts on failure, and a program
  // asking for too much memory must get a run-time error (interpret()
  // catches std::bad_alloc). Larger than physical memory fails up front
  // rather than being overcommitted and killed later.
  static const size_t physical =
      size_t(sysconf(_SC_PHYS_PAGES)) * size_t(sysconf(_SC_PAGESIZE));
  void *p = bytes <= physical ? std::calloc(bytes ? bytes : 1, 1) : nullptr;
  if (!p)
    throw std::bad_alloc();
  v.buf = std::shared_ptr<uint8_t[]>(static_cast<uint8_t *>(p),
                                     [](uint8_t *q) { std::free(q); });
  return v;
}

namespace {
std::atomic<int64_t> liveTapeBytes{0}, peakTapeBytes{0};

int64_t payloadBytes(const RuntimeValue &v) {
  const Type &t = v.getType();
  if (t.isTensor())
    return t.getNumElements() * int64_t(dtypeSize(t.getDType()));
  int64_t n = 0;
  if (t.isTuple())
    for (const RuntimeValue &e : v.getElements())
      n += payloadBytes(e);
  return n;
}
} // namespace

TapeMemory tapeMemory() {
  return {liveTapeBytes.load(std::memory_order_relaxed),
          peakTapeBytes.load(std::memory_order_relaxed)};
}

void resetTapePeak() {
  peakTapeBytes.store(liveTapeBytes.load(std::memory_order_relaxed),
                      std::memory_order_relaxed);
}

RuntimeValue RuntimeValue::tapePushed(RuntimeValue top) const {
  int64_t bytes = payloadBytes(top);
  int64_t now =
      liveTapeBytes.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  int64_t peak = peakTapeBytes.load(std::memory_order_relaxed);
  while (now > peak && !peakTapeBytes.compare_exchange_weak(
                           peak, now, std::memory_order_relaxed))
    ;
  RuntimeValue v = emptyTape(type);
  v.elements = std::shared_ptr<std::vector<RuntimeValue>>(
      new std::vector<RuntimeValue>{std::move(top), *this},
      [bytes](std::vector<RuntimeValue> *cell) {
        liveTapeBytes.fetch_sub(bytes, std::memory_order_relaxed);
        delete cell;
      });
  return v;
}

RuntimeValue RuntimeValue::tuple(std::vector<RuntimeValue> elems) {
  RuntimeValue v;
  std::vector<Type> types;
  for (const RuntimeValue &e : elems)
    types.push_back(e.getType());
  v.type = Type::tuple(types);
  v.elements = std::make_shared<std::vector<RuntimeValue>>(std::move(elems));
  return v;
}

RuntimeValue RuntimeValue::reshaped(llvm::ArrayRef<int64_t> shape) const {
  RuntimeValue v = *this;
  v.type = type.withShape(shape);
  assert(v.type.getNumElements() == type.getNumElements() && "bad reshape");
  return v;
}

double RuntimeValue::getAsDouble(int64_t i) const {
  return dispatchDType(
      getDType(), [&]<typename T>() -> double { return double(data<T>()[i]); });
}

int64_t RuntimeValue::getScalarInt() const {
  return dispatchDType(getDType(), [&]<typename T>() -> int64_t {
    return int64_t(data<T>()[0]);
  });
}

rt::ElemType toElemType(DType d) {
  switch (d) {
  case DType::Bool:
    return rt::ElemType::Bool;
  case DType::I8:
    return rt::ElemType::I8;
  case DType::I32:
    return rt::ElemType::I32;
  case DType::I64:
    return rt::ElemType::I64;
  case DType::F32:
    return rt::ElemType::F32;
  case DType::F64:
    return rt::ElemType::F64;
  }
  llvm_unreachable("bad dtype");
}

std::string RuntimeValue::format(int precision, int64_t threshold) const {
  if (isTape()) { // the stack, top first
    std::string s = type.str() + " [";
    for (const RuntimeValue *t = this; !t->isEmptyTape(); t = &t->tapeRest())
      s += (t == this ? "" : ", ") + t->tapeTop().format(precision, threshold);
    return s + "]";
  }
  if (isTuple()) {
    std::string s = "(";
    for (size_t i = 0; i < elements->size(); ++i)
      s += (i ? ", " : "") + (*elements)[i].format(precision, threshold);
    return s + ")";
  }
  rt::FormatOptions opts;
  opts.precision = precision;
  opts.threshold = threshold;
  return rt::formatTensor(toElemType(getDType()), getShape().data(),
                          getShape().size(), buf.get(), opts);
}

} // namespace tdl::ir
