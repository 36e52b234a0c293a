//===- TensorFormat.cpp - NumPy-style text for tensors --------------------===//
#include "runtime/TensorFormat.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>

namespace tdl::rt {

const char *elemTypeName(ElemType t) {
  switch (t) {
  case ElemType::Bool:
    return "bool";
  case ElemType::I8:
    return "i8";
  case ElemType::I32:
    return "i32";
  case ElemType::I64:
    return "i64";
  case ElemType::F32:
    return "f32";
  case ElemType::F64:
    return "f64";
  }
  return "?";
}

// Drops trailing zeros of the fraction (and the '.' if nothing is left) in
// a mantissa `s` (no exponent).
static void trimFraction(std::string &s) {
  if (s.find('.') == std::string::npos)
    return;
  while (!s.empty() && s.back() == '0')
    s.pop_back();
  if (!s.empty() && s.back() == '.')
    s.pop_back();
}

static size_t fractionDigits(const std::string &mantissa) {
  size_t dot = mantissa.find('.');
  return dot == std::string::npos ? 0 : mantissa.size() - dot - 1;
}

template <typename T>
static std::string toChars(T v, std::chars_format fmt, int precision = -1) {
  char buf[512];
  std::to_chars_result r =
      precision < 0 ? std::to_chars(buf, buf + sizeof buf, v, fmt)
                    : std::to_chars(buf, buf + sizeof buf, v, fmt, precision);
  return std::string(buf, r.ptr);
}

/// The shortest round-trip digits of `v` written in fixed notation, as
/// NumPy prints a scalar: f32 173936784 is "173936780", the shortest digits
/// padded with zeros. (std::to_chars in fixed format keeps every integer
/// digit of the exact value, since zeros would not make the text shorter;
/// NumPy's array printing does the same: [80000008.].)
template <typename T> static std::string shortestFixed(T v) {
  std::string sci = toChars(v, std::chars_format::scientific);
  size_t e = sci.find('e');
  int exp10 = std::atoi(sci.c_str() + e + 1);
  std::string sign, digits;
  for (size_t i = 0; i < e; ++i) {
    if (sci[i] == '-')
      sign = "-";
    else if (sci[i] != '.')
      digits += sci[i];
  }
  // The value is 0.<digits> * 10^(exp10 + 1).
  int point = exp10 + 1;
  if (point <= 0)
    return sign + "0." + std::string(size_t(-point), '0') + digits;
  if (size_t(point) >= digits.size())
    return sign + digits + std::string(size_t(point) - digits.size(), '0');
  return sign + digits.substr(0, point) + "." + digits.substr(point);
}

template <typename T>
static std::string formatFloatT(T v, bool scientific, int precision,
                                bool scalar) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v < 0 ? "-inf" : "inf";
  std::chars_format fmt =
      scientific ? std::chars_format::scientific : std::chars_format::fixed;
  // Shortest round-trip text first; if it needs more fraction digits than
  // `precision`, round to `precision` digits instead (NumPy's maxprec).
  std::string s = scientific || !scalar ? toChars(v, fmt) : shortestFixed(v);
  std::string mantissa = s, exponent;
  if (scientific) {
    size_t e = s.find('e');
    mantissa = s.substr(0, e);
    exponent = s.substr(e);
  }
  if (fractionDigits(mantissa) > size_t(precision)) {
    s = toChars(v, fmt, precision);
    mantissa = s;
    exponent.clear();
    if (scientific) {
      size_t e = s.find('e');
      mantissa = s.substr(0, e);
      exponent = s.substr(e);
    }
  }
  trimFraction(mantissa);
  return mantissa + exponent;
}

std::string formatFloat(double v, bool isF32, bool scientific, int precision,
                        bool scalar) {
  return isF32 ? formatFloatT<float>(float(v), scientific, precision, scalar)
               : formatFloatT<double>(v, scientific, precision, scalar);
}

namespace {

struct Formatter {
  ElemType type;
  const int64_t *shape;
  unsigned rank;
  const uint8_t *data;
  const FormatOptions &opts;
  bool summarize = false;
  bool scientific = false;

  double floatAt(int64_t i) const {
    if (type == ElemType::F32) {
      float f;
      std::memcpy(&f, data + i * 4, 4);
      return f;
    }
    double d;
    std::memcpy(&d, data + i * 8, 8);
    return d;
  }

  std::string element(int64_t i) const {
    switch (type) {
    case ElemType::Bool:
      return data[i] ? "true" : "false";
    case ElemType::I8:
      return std::to_string(int(int8_t(data[i])));
    case ElemType::I32: {
      int32_t v;
      std::memcpy(&v, data + i * 4, 4);
      return std::to_string(v);
    }
    case ElemType::I64: {
      int64_t v;
      std::memcpy(&v, data + i * 8, 8);
      return std::to_string(v);
    }
    case ElemType::F32:
    case ElemType::F64:
      return formatFloat(floatAt(i), type == ElemType::F32, scientific,
                         opts.precision, rank == 0);
    }
    return "?";
  }

  /// Visits the displayed elements in order; `open`/`close`/`sep`/`dots`
  /// describe the nesting (null callbacks are skipped).
  void visit(unsigned dim, int64_t offset, std::string *out,
             const std::function<void(int64_t)> &onElement) const {
    if (dim == rank) {
      onElement(offset);
      if (out)
        *out += element(offset);
      return;
    }
    int64_t n = shape[dim], stride = 1;
    for (unsigned d = dim + 1; d < rank; ++d)
      stride *= shape[d];
    bool cut = summarize && n > 2 * opts.edgeItems;
    if (out)
      *out += '[';
    bool first = true;
    for (int64_t i = 0; i < n; ++i) {
      if (cut && i == opts.edgeItems) {
        if (out)
          *out += ", ...";
        i = n - opts.edgeItems;
      }
      if (out && !first)
        *out += ", ";
      first = false;
      visit(dim + 1, offset + i * stride, out, onElement);
    }
    if (out)
      *out += ']';
  }
};

} // namespace

std::string formatTensor(ElemType type, const int64_t *shape, unsigned rank,
                         const void *data, const FormatOptions &opts) {
  Formatter f{type, shape, rank, static_cast<const uint8_t *>(data), opts};
  int64_t count = 1;
  for (unsigned d = 0; d < rank; ++d)
    count *= shape[d];
  f.summarize = count > opts.threshold;

  std::string out = elemTypeName(type);
  if (rank > 0) {
    out += '[';
    for (unsigned d = 0; d < rank; ++d)
      out += (d ? "," : "") + std::to_string(shape[d]);
    out += ']';
  }
  out += ' ';

  if (type == ElemType::F32 || type == ElemType::F64) {
    // NumPy: a scalar uses scientific notation when |x| >= 1e16 or
    // 0 < |x| < 1e-4; an array when, over its displayed finite nonzero
    // elements, max >= 1e8, min < 1e-4 or max / min > 1e3.
    double lo = INFINITY, hi = 0;
    f.visit(0, 0, nullptr, [&](int64_t i) {
      double a = std::fabs(f.floatAt(i));
      if (std::isfinite(a) && a != 0) {
        lo = std::min(lo, a);
        hi = std::max(hi, a);
      }
    });
    if (hi > 0) {
      if (rank == 0)
        f.scientific = hi >= 1e16 || lo < 1e-4;
      else
        f.scientific = hi >= 1e8 || lo < 1e-4 || hi / lo > 1e3;
    }
  }
  f.visit(0, 0, &out, [](int64_t) {});
  return out;
}

} // namespace tdl::rt
