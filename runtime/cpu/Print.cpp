//===- Print.cpp - `print` in objects -------------------------------------===//
//
// In an object (not the JIT, which calls back into tdlc), `print(v)` calls
// tdl_rt_print with v's layout, a description of its leaves and their data.
// The text is NumPy style as `tdlc run` prints it (runtime/TensorFormat.cpp,
// docs/output-format.md): the same summarization (over 1000 elements, 3 edge
// items), the same fixed/scientific choice and shortest round-trip digits
// (found with snprintf, since the runtime has no C++ library; at most 8
// fraction digits). One line per printed value goes to the callback the
// application installs with tdl_set_print_callback, else to stderr.
//
// The callback and its argument are weak definitions shared by every tdlc
// object of a program, like the error state (CpuRuntime.cpp).
//
//===----------------------------------------------------------------------===//
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TDL_RT extern "C" __attribute__((visibility("default")))

typedef void (*TdlPrintCallback)(const char *text, void *user);
extern "C" __attribute__((weak, visibility("default")))
TdlPrintCallback tdl_rt_print_callback = nullptr;
extern "C"
    __attribute__((weak, visibility("default"))) void *tdl_rt_print_user =
        nullptr;

namespace {

constexpr int kPrecision = 8;
constexpr int64_t kThreshold = 1000, kEdgeItems = 3;

/// A growing text buffer (malloc; a failed allocation drops the line).
struct Text {
  char *p = nullptr;
  size_t size = 0, capacity = 0;
  bool failed = false;

  void append(const char *s, size_t n) {
    if (failed)
      return;
    if (size + n + 1 > capacity) {
      size_t c = capacity ? capacity * 2 : 256;
      while (c < size + n + 1)
        c *= 2;
      char *q = static_cast<char *>(realloc(p, c));
      if (!q) {
        failed = true;
        return;
      }
      p = q;
      capacity = c;
    }
    memcpy(p + size, s, n);
    size += n;
    p[size] = '\0';
  }
  void append(const char *s) { append(s, strlen(s)); }
};

enum DType { Bool, I8, I32, I64, F32, F64 };
const char *const kDTypeNames[] = {"bool", "i8", "i32", "i64", "f32", "f64"};

double floatAt(int32_t dtype, const uint8_t *data, int64_t i) {
  if (dtype == F32) {
    float f;
    memcpy(&f, data + i * 4, 4);
    return f;
  }
  double d;
  memcpy(&d, data + i * 8, 8);
  return d;
}

bool roundTrips(const char *text, double v, bool isF32) {
  return isF32 ? strtof(text, nullptr) == float(v) : strtod(text, nullptr) == v;
}

/// Drops trailing zeros of the fraction of the mantissa in s (and the '.'
/// if nothing is left), keeping an exponent part.
void trimFraction(char *s) {
  char *e = strchr(s, 'e');
  char exponent[16] = "";
  if (e) {
    snprintf(exponent, sizeof exponent, "%s", e);
    *e = '\0';
  }
  if (strchr(s, '.')) {
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '0')
      s[--n] = '\0';
    if (n > 0 && s[n - 1] == '.')
      s[--n] = '\0';
  }
  strcat(s, exponent);
}

/// The shortest scientific text that round-trips: "%.{p}e" for the least p.
void shortestScientific(double v, bool isF32, char *out, size_t size) {
  for (int p = 0; p <= (isF32 ? 9 : 17); ++p) {
    snprintf(out, size, "%.*e", p, v);
    if (roundTrips(out, v, isF32))
      return;
  }
}

/// A float as TensorFormat's formatFloat writes it.
void formatFloat(double v, bool isF32, bool scientific, bool scalar, char *out,
                 size_t size) {
  if (isnan(v)) {
    snprintf(out, size, "nan");
    return;
  }
  if (isinf(v)) {
    snprintf(out, size, v < 0 ? "-inf" : "inf");
    return;
  }
  if (scientific) {
    shortestScientific(v, isF32, out, size);
    char *e = strchr(out, 'e');
    char *dot = strchr(out, '.');
    if (dot && e && e - dot - 1 > kPrecision)
      snprintf(out, size, "%.*e", kPrecision, v);
    trimFraction(out);
    return;
  }
  if (scalar) {
    // The shortest digits, in fixed notation padded with zeros (NumPy's
    // scalar repr: f32 173936784 prints as 173936780).
    char sci[64];
    shortestScientific(v, isF32, sci, sizeof sci);
    char digits[64];
    size_t nd = 0;
    bool negative = false;
    char *e = strchr(sci, 'e');
    for (char *c = sci; c < e; ++c) {
      if (*c == '-')
        negative = true;
      else if (*c != '.')
        digits[nd++] = *c;
    }
    digits[nd] = '\0';
    int point = atoi(e + 1) + 1;
    char text[512];
    size_t n = 0;
    if (negative)
      text[n++] = '-';
    if (point <= 0) {
      text[n++] = '0';
      text[n++] = '.';
      for (int i = 0; i < -point && n < 400; ++i)
        text[n++] = '0';
      for (size_t i = 0; i < nd; ++i)
        text[n++] = digits[i];
    } else {
      for (int i = 0; i < point && n < 400; ++i)
        text[n++] = size_t(i) < nd ? digits[i] : '0';
      if (size_t(point) < nd) {
        text[n++] = '.';
        for (size_t i = point; i < nd; ++i)
          text[n++] = digits[i];
      }
    }
    text[n] = '\0';
    const char *dot = strchr(text, '.');
    if (dot && strlen(dot + 1) > size_t(kPrecision))
      snprintf(out, size, "%.*f", kPrecision, v);
    else
      snprintf(out, size, "%s", text);
    trimFraction(out);
    return;
  }
  // An array element: the fewest fraction digits that round-trip (the
  // integer digits are the exact value's, as std::to_chars writes them).
  for (int d = 0; d <= kPrecision; ++d) {
    snprintf(out, size, "%.*f", d, v);
    if (roundTrips(out, v, isF32) || d == kPrecision)
      break;
  }
  trimFraction(out);
}

struct Leaf {
  int32_t dtype;
  int64_t rank;
  const int64_t *shape;
  const uint8_t *data;
  bool summarize = false, scientific = false;

  void element(int64_t i, Text &out) const {
    char buf[512];
    switch (dtype) {
    case Bool:
      out.append(data[i] ? "true" : "false");
      return;
    case I8:
      snprintf(buf, sizeof buf, "%d", int(int8_t(data[i])));
      break;
    case I32: {
      int32_t v;
      memcpy(&v, data + i * 4, 4);
      snprintf(buf, sizeof buf, "%d", v);
      break;
    }
    case I64: {
      int64_t v;
      memcpy(&v, data + i * 8, 8);
      snprintf(buf, sizeof buf, "%lld", (long long)v);
      break;
    }
    default:
      formatFloat(floatAt(dtype, data, i), dtype == F32, scientific, rank == 0,
                  buf, sizeof buf);
    }
    out.append(buf);
  }

  /// Visits the displayed elements: writes them to `out`, or (out null)
  /// measures the smallest and largest finite nonzero magnitude.
  void visit(int64_t dim, int64_t offset, Text *out, double *lo,
             double *hi) const {
    if (dim == rank) {
      if (out) {
        element(offset, *out);
      } else {
        double a = fabs(floatAt(dtype, data, offset));
        if (isfinite(a) && a != 0) {
          *lo = a < *lo ? a : *lo;
          *hi = a > *hi ? a : *hi;
        }
      }
      return;
    }
    int64_t n = shape[dim], stride = 1;
    for (int64_t d = dim + 1; d < rank; ++d)
      stride *= shape[d];
    bool cut = summarize && n > 2 * kEdgeItems;
    if (out)
      out->append("[");
    for (int64_t i = 0; i < n; ++i) {
      if (cut && i == kEdgeItems) {
        if (out)
          out->append(", ...");
        i = n - kEdgeItems;
      }
      if (out && i > 0)
        out->append(", ");
      visit(dim + 1, offset + i * stride, out, lo, hi);
    }
    if (out)
      out->append("]");
  }

  void format(Text &out) {
    int64_t count = 1;
    for (int64_t d = 0; d < rank; ++d)
      count *= shape[d];
    summarize = count > kThreshold;
    out.append(kDTypeNames[dtype]);
    if (rank > 0) {
      out.append("[");
      for (int64_t d = 0; d < rank; ++d) {
        char dim[32];
        snprintf(dim, sizeof dim, d ? ",%lld" : "%lld", (long long)shape[d]);
        out.append(dim);
      }
      out.append("]");
    }
    out.append(" ");
    if (dtype == F32 || dtype == F64) {
      // NumPy: a scalar is scientific when |x| >= 1e16 or 0 < |x| < 1e-4,
      // an array when max >= 1e8, min < 1e-4 or max / min > 1e3.
      double lo = INFINITY, hi = 0;
      visit(0, 0, nullptr, &lo, &hi);
      if (hi > 0)
        scientific = rank == 0 ? hi >= 1e16 || lo < 1e-4
                               : hi >= 1e8 || lo < 1e-4 || hi / lo > 1e3;
    }
    visit(0, 0, &out, nullptr, nullptr);
  }
};

} // namespace

/// Installs the callback `print` calls with each line (no newline); null
/// restores the default, stderr.
TDL_RT __attribute__((weak)) void
tdl_set_print_callback(TdlPrintCallback callback, void *user) {
  tdl_rt_print_callback = callback;
  tdl_rt_print_user = user;
}

/// `layout`: the value's nesting, 'L' per leaf, tuples as "(L,L)";
/// `info`: per leaf its dtype, rank and dims; `leaves`: the data.
TDL_RT void tdl_rt_print(const char *layout, const int64_t *info,
                         void *const *leaves) {
  Text text;
  for (const char *c = layout; *c; ++c) {
    switch (*c) {
    case '(':
      text.append("(");
      break;
    case ')':
      text.append(")");
      break;
    case ',':
      text.append(", ");
      break;
    default: {
      Leaf leaf{int32_t(info[0]), info[1], info + 2,
                static_cast<const uint8_t *>(*leaves++)};
      info += 2 + leaf.rank;
      leaf.format(text);
    }
    }
  }
  if (text.failed) {
    free(text.p);
    return;
  }
  if (TdlPrintCallback cb = tdl_rt_print_callback) {
    cb(text.p ? text.p : "", tdl_rt_print_user);
  } else {
    fputs(text.p ? text.p : "", stderr);
    fputc('\n', stderr);
  }
  free(text.p);
}
