//===- Npy.cpp - NumPy .npy files -----------------------------------------===//
#include "runtime/Npy.h"

#include <cstring>

namespace tdl::rt {

namespace {

/// The descr NumPy writes for each element type on a little-endian host.
struct Descr {
  ElemType type;
  const char *text;
};
constexpr Descr kDescrs[] = {
    {ElemType::Bool, "|b1"}, {ElemType::I8, "|i1"},  {ElemType::I32, "<i4"},
    {ElemType::I64, "<i8"},  {ElemType::F32, "<f4"}, {ElemType::F64, "<f8"},
};

/// A cursor over the header dict, a Python literal such as
/// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class DictParser {
public:
  DictParser(const std::string &text) : s(text) {}

  bool parse(NpyArray &out, std::string &error) {
    bool sawDescr = false, sawOrder = false, sawShape = false;
    skipSpace();
    if (!eat('{'))
      return fail(error, "the header is not a dict");
    while (true) {
      skipSpace();
      if (eat('}'))
        break;
      std::string key;
      if (!string(key))
        return fail(error, "expected a quoted key in the header");
      skipSpace();
      if (!eat(':'))
        return fail(error, "expected ':' after '" + key + "'");
      skipSpace();
      if (key == "descr") {
        std::string descr;
        if (!string(descr))
          return fail(error, "'descr' is not a string (structured arrays "
                             "are not supported)");
        if (!typeOf(descr, out.type, error))
          return false;
        sawDescr = true;
      } else if (key == "fortran_order") {
        if (word("True"))
          return fail(error, "the array is in Fortran order; save it in C "
                             "order (numpy.ascontiguousarray)");
        if (!word("False"))
          return fail(error, "'fortran_order' is neither True nor False");
        sawOrder = true;
      } else if (key == "shape") {
        if (!shape(out.shape, error))
          return false;
        sawShape = true;
      } else {
        return fail(error, "unknown header key '" + key + "'");
      }
      skipSpace();
      if (eat(','))
        continue;
      skipSpace();
      if (eat('}'))
        break;
      return fail(error, "expected ',' or '}' in the header");
    }
    if (!sawDescr || !sawOrder || !sawShape)
      return fail(error, "the header lacks 'descr', 'fortran_order' or "
                         "'shape'");
    return true;
  }

private:
  static bool fail(std::string &error, std::string message) {
    error = std::move(message);
    return false;
  }
  void skipSpace() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
      ++i;
  }
  bool eat(char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  bool word(const char *w) {
    size_t n = std::strlen(w);
    if (s.compare(i, n, w) != 0)
      return false;
    i += n;
    return true;
  }
  bool string(std::string &out) {
    if (i >= s.size() || (s[i] != '\'' && s[i] != '"'))
      return false;
    char quote = s[i++];
    size_t end = s.find(quote, i);
    if (end == std::string::npos)
      return false;
    out = s.substr(i, end - i);
    i = end + 1;
    return true;
  }
  static bool typeOf(const std::string &descr, ElemType &type,
                     std::string &error) {
    // '=' is the native order (little-endian here); one-byte types may
    // carry any order character.
    std::string canonical = descr;
    if (canonical.size() == 3 && canonical[0] == '=')
      canonical[0] = '<';
    if (canonical.size() == 3 && canonical[2] == '1')
      canonical[0] = '|';
    for (const Descr &d : kDescrs)
      if (canonical == d.text) {
        type = d.type;
        return true;
      }
    if (canonical == "|u1")
      error = "element type uint8 ('" + descr +
              "') has no TDL dtype; convert to int8 or int32";
    else if (!descr.empty() && descr[0] == '>')
      error = "the array is big-endian ('" + descr +
              "'); save it little-endian (arr.astype(arr.dtype.newbyteorder("
              "'<')))";
    else
      error = "element type '" + descr +
              "' is not one of bool, int8, int32, int64, float32, float64";
    return false;
  }
  bool shape(std::vector<int64_t> &dims, std::string &error) {
    if (!eat('('))
      return fail(error, "'shape' is not a tuple");
    int64_t elements = 1;
    while (true) {
      skipSpace();
      if (eat(')'))
        return true;
      if (i >= s.size() || s[i] < '0' || s[i] > '9')
        return fail(error, "'shape' holds something that is not a "
                           "non-negative integer");
      int64_t d = 0;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        d = d * 10 + (s[i++] - '0');
        if (d > kNpyMaxElements)
          return fail(error, "a dimension of 'shape' is too large");
      }
      if (i < s.size() && s[i] == 'L') // Python 2's long suffix
        ++i;
      dims.push_back(d);
      if (d != 0 && elements > kNpyMaxElements / d)
        return fail(error, "'shape' has more than 2^40 elements");
      elements *= d;
      if (dims.size() > 32)
        return fail(error, "'shape' has more than 32 dimensions");
      skipSpace();
      if (eat(','))
        continue;
      skipSpace();
      if (eat(')'))
        return true;
      return fail(error, "expected ',' or ')' in 'shape'");
    }
  }

  const std::string &s;
  size_t i = 0;
};

uint32_t readLE(const uint8_t *p, unsigned bytes) {
  uint32_t v = 0;
  for (unsigned b = 0; b < bytes; ++b)
    v |= uint32_t(p[b]) << (8 * b);
  return v;
}

} // namespace

size_t elemTypeSize(ElemType type) {
  switch (type) {
  case ElemType::Bool:
  case ElemType::I8:
    return 1;
  case ElemType::I32:
  case ElemType::F32:
    return 4;
  case ElemType::I64:
  case ElemType::F64:
    return 8;
  }
  return 1;
}

bool parseNpy(const uint8_t *bytes, size_t size, NpyArray &out,
              std::string &error) {
  static const uint8_t magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (size < 10 || std::memcmp(bytes, magic, 6) != 0) {
    error = "not a .npy file (no \\x93NUMPY magic)";
    return false;
  }
  unsigned major = bytes[6];
  if (major < 1 || major > 3) {
    error = "unsupported .npy version " + std::to_string(major) + "." +
            std::to_string(bytes[7]);
    return false;
  }
  unsigned lengthBytes = major == 1 ? 2 : 4;
  size_t start = 8 + lengthBytes;
  if (size < start) {
    error = "the file ends inside its header";
    return false;
  }
  uint32_t headerLength = readLE(bytes + 8, lengthBytes);
  if (headerLength > size - start) {
    error = "the file ends inside its header";
    return false;
  }
  std::string header(reinterpret_cast<const char *>(bytes + start),
                     headerLength);
  out = NpyArray();
  if (!DictParser(header).parse(out, error))
    return false;
  int64_t elements = 1;
  for (int64_t d : out.shape)
    elements *= d; // bounded by the parser
  size_t dataStart = start + headerLength;
  uint64_t dataBytes = uint64_t(elements) * elemTypeSize(out.type);
  if (dataBytes != size - dataStart) {
    error = "the shape needs " + std::to_string(dataBytes) +
            " bytes of data, but the file has " +
            std::to_string(size - dataStart);
    return false;
  }
  out.data.assign(bytes + dataStart, bytes + size);
  if (out.type == ElemType::Bool)
    for (uint8_t &b : out.data)
      if (b > 1) {
        error = "a bool element is neither 0 nor 1";
        return false;
      }
  return true;
}

std::string writeNpy(ElemType type, const int64_t *shape, unsigned rank,
                     const void *data) {
  std::string dict = "{'descr': '";
  for (const Descr &d : kDescrs)
    if (d.type == type)
      dict += d.text;
  dict += "', 'fortran_order': False, 'shape': (";
  int64_t elements = 1;
  for (unsigned i = 0; i < rank; ++i) {
    dict += std::to_string(shape[i]) + (rank == 1      ? ","
                                        : i + 1 < rank ? ", "
                                                       : "");
    elements *= shape[i];
  }
  dict += "), }";
  // Pad with spaces and a final newline so the data starts 64-aligned.
  bool v2 = dict.size() + 1 + 10 > 65535;
  size_t prefix = v2 ? 12 : 10;
  size_t total = (prefix + dict.size() + 1 + 63) / 64 * 64;
  dict.append(total - prefix - dict.size() - 1, ' ');
  dict += '\n';
  std::string out("\x93NUMPY", 6);
  out += char(v2 ? 2 : 1);
  out += char(0);
  for (unsigned b = 0; b < (v2 ? 4u : 2u); ++b)
    out += char((dict.size() >> (8 * b)) & 0xff);
  out += dict;
  out.append(static_cast<const char *>(data),
             size_t(elements) * elemTypeSize(type));
  return out;
}

} // namespace tdl::rt
