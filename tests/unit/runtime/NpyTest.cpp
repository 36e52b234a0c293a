//===- NpyTest.cpp - .npy round trips and hostile files -------------------===//
//
// The golden bytes are what NumPy 1.24 writes (np.save of the arrays named
// in each test); the hostile files are each one way a .npy can be broken.
//
//===----------------------------------------------------------------------===//
#include "runtime/Npy.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

using namespace tdl::rt;

namespace {

bool parse(const std::string &bytes, NpyArray &out, std::string &error) {
  return parseNpy(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(),
                  out, error);
}

/// A version-1.0 file with `dict` as its header (padded like NumPy) and
/// `data` after it.
std::string npy(const std::string &dict, const std::string &data) {
  std::string header = dict;
  size_t total = (10 + header.size() + 1 + 63) / 64 * 64;
  header.append(total - 10 - header.size() - 1, ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += char(header.size() & 0xff);
  out += char(header.size() >> 8);
  return out + header + data;
}

TEST(Npy, ReadsWhatNumPyWrites) {
  // np.save('a.npy', np.array([[1, 2, 3], [4, 5, 6]], np.float32))
  float values[6] = {1, 2, 3, 4, 5, 6};
  std::string data(reinterpret_cast<const char *>(values), sizeof values);
  std::string file =
      npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data);
  ASSERT_EQ(file.size() % 64, 24u); // 64-byte header + 24 bytes of data
  NpyArray a;
  std::string error;
  ASSERT_TRUE(parse(file, a, error)) << error;
  EXPECT_EQ(a.type, ElemType::F32);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(std::memcmp(a.data.data(), values, sizeof values), 0);
}

TEST(Npy, RoundTripsEveryDtypeAndRank) {
  int64_t scalarShape[1] = {0};
  double d = 2.5;
  std::string s = writeNpy(ElemType::F64, scalarShape, 0, &d);
  NpyArray a;
  std::string error;
  ASSERT_TRUE(parse(s, a, error)) << error;
  EXPECT_TRUE(a.shape.empty());
  EXPECT_NE(s.find("'shape': ()"), std::string::npos);
  int64_t shape[3] = {2, 1, 3};
  int32_t ints[6] = {-1, 2, -3, 4, 5, 2147483647};
  for (ElemType t : {ElemType::Bool, ElemType::I8, ElemType::I32, ElemType::I64,
                     ElemType::F32, ElemType::F64}) {
    uint8_t raw[48] = {};
    for (size_t i = 0; i < 6 * elemTypeSize(t); ++i)
      raw[i] = t == ElemType::Bool ? i % 2 : uint8_t(i * 37 + 1);
    std::string file = writeNpy(t, shape, 3, raw);
    EXPECT_EQ((file.size() - 6 * elemTypeSize(t)) % 64, 0u);
    ASSERT_TRUE(parse(file, a, error)) << error;
    EXPECT_EQ(a.type, t);
    EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 1, 3}));
    EXPECT_EQ(std::memcmp(a.data.data(), raw, a.data.size()), 0);
  }
  int64_t one[1] = {6};
  std::string file = writeNpy(ElemType::I32, one, 1, ints);
  EXPECT_NE(file.find("'shape': (6,)"), std::string::npos);
}

TEST(Npy, HostileFilesAreErrors) {
  std::string data(24, '\0');
  struct Case {
    std::string file;
    const char *message;
  } cases[] = {
      {"", "no \\x93NUMPY magic"},
      {"PK\x03\x04 not npy at all", "no \\x93NUMPY magic"},
      {std::string("\x93NUMPY\x09\x00", 8) + "xx", "unsupported .npy version"},
      {std::string("\x93NUMPY\x01\x00\xff\xff", 10) + "{", "ends inside"},
      {npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", data),
       "Fortran order"},
      {npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", data),
       "big-endian"},
      {npy("{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }", data),
       "'<c8' is not one of"},
      {npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,), }",
           data),
       "structured arrays"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }", data),
       "needs 32 bytes of data, but the file has 24"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, "
           "4294967296), }",
           data),
       "more than 2^40 elements"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': "
           "(99999999999999999999999,), }",
           data),
       "too large"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-6,), }", data),
       "not a non-negative integer"},
      {npy("{'descr': '<f4', 'shape': (6,), }", data), "lacks"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'x': 1}",
           data),
       "unknown header key 'x'"},
      {npy("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }",
           std::string("\x01\x07", 2)),
       "neither 0 nor 1"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6,)", data),
       "expected ',' or '}'"},
  };
  for (const Case &c : cases) {
    NpyArray a;
    std::string error;
    EXPECT_FALSE(parse(c.file, a, error)) << c.message;
    EXPECT_NE(error.find(c.message), std::string::npos)
        << "got: " << error << "\nwanted: " << c.message;
  }
}

TEST(Npy, EveryTruncationIsAnError) {
  float values[6] = {1, 2, 3, 4, 5, 6};
  int64_t shape[2] = {2, 3};
  std::string file = writeNpy(ElemType::F32, shape, 2, values);
  for (size_t n = 0; n < file.size(); ++n) {
    NpyArray a;
    std::string error;
    EXPECT_FALSE(parse(file.substr(0, n), a, error)) << n;
    EXPECT_FALSE(error.empty());
  }
}

} // namespace
