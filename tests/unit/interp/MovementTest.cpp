//===- MovementTest.cpp - broadcast, transpose, slices, pad, concat -------===//
//
// Expected values come from index arithmetic written out in the tests.
//
//===----------------------------------------------------------------------===//
#include "InterpTestUtil.h"

#include <numeric>

using namespace tdl::ir;
using namespace tdl::ir::test;

namespace {

std::vector<int32_t> iotaVec(int n, int start = 0) {
  std::vector<int32_t> v(n);
  std::iota(v.begin(), v.end(), start);
  return v;
}

TEST(InterpMovement, BroadcastInDim) {
  // [3] -> [2,3] along dim 1.
  auto a =
      runOp(Opcode::Broadcast, {tensor<int32_t>(DType::I32, {3}, {1, 2, 3})},
            {{"shape", Attribute(IntArray{2, 3})},
             {"dims", Attribute(IntArray{1})}})
          .toVector<int32_t>();
  EXPECT_EQ(a, (std::vector<int32_t>{1, 2, 3, 1, 2, 3}));
  // [2,1] -> [2,4,3]: dim 0 -> 0, the size-1 dim stretches to dim 2.
  auto b =
      runOp(Opcode::Broadcast, {tensor<int32_t>(DType::I32, {2, 1}, {7, 9})},
            {{"shape", Attribute(IntArray{2, 4, 3})},
             {"dims", Attribute(IntArray{0, 2})}})
          .toVector<int32_t>();
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 3; ++k)
        EXPECT_EQ(b[(i * 4 + j) * 3 + k], i == 0 ? 7 : 9);
  // scalar -> [2,2]
  auto c = runOp(Opcode::Broadcast, {tensor<float>(DType::F32, {}, {2.5f})},
                 {{"shape", Attribute(IntArray{2, 2})},
                  {"dims", Attribute(IntArray{})}})
               .toVector<float>();
  EXPECT_EQ(c, (std::vector<float>(4, 2.5f)));
}

TEST(InterpMovement, ReshapeKeepsRowMajorOrder) {
  RuntimeValue x = tensor<int32_t>(DType::I32, {2, 3}, iotaVec(6));
  RuntimeValue r =
      runOp(Opcode::Reshape, {x}, {{"shape", Attribute(IntArray{3, 2})}});
  EXPECT_EQ(r.getType(), T(DType::I32, {3, 2}));
  EXPECT_EQ(r.toVector<int32_t>(), iotaVec(6));
}

TEST(InterpMovement, Transpose3D) {
  // x[i][j][k] = 100i + 10j + k with shape [2,3,4]; perm [2,0,1] gives
  // out[k][i][j] = x[i][j][k].
  std::vector<int32_t> xs;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k)
        xs.push_back(100 * i + 10 * j + k);
  RuntimeValue out =
      runOp(Opcode::Transpose, {tensor<int32_t>(DType::I32, {2, 3, 4}, xs)},
            {{"perm", Attribute(IntArray{2, 0, 1})}});
  EXPECT_EQ(out.getType(), T(DType::I32, {4, 2, 3}));
  auto o = out.toVector<int32_t>();
  for (int k = 0; k < 4; ++k)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j)
        EXPECT_EQ(o[(k * 2 + i) * 3 + j], 100 * i + 10 * j + k);
}

TEST(InterpMovement, StridedSlice) {
  // [4,5] iota, rows 1..4 step 2, cols 0..5 step 2 -> rows {1,3}, cols {0,2,4}.
  RuntimeValue out =
      runOp(Opcode::Slice, {tensor<int32_t>(DType::I32, {4, 5}, iotaVec(20))},
            {{"start", Attribute(IntArray{1, 0})},
             {"limit", Attribute(IntArray{4, 5})},
             {"stride", Attribute(IntArray{2, 2})}});
  EXPECT_EQ(out.getType(), T(DType::I32, {2, 3}));
  EXPECT_EQ(out.toVector<int32_t>(),
            (std::vector<int32_t>{5, 7, 9, 15, 17, 19}));
}

TEST(InterpMovement, Flip) {
  RuntimeValue x = tensor<int32_t>(DType::I32, {2, 3}, iotaVec(6));
  EXPECT_EQ(runOp(Opcode::Flip, {x}, {{"axes", Attribute(IntArray{1})}})
                .toVector<int32_t>(),
            (std::vector<int32_t>{2, 1, 0, 5, 4, 3}));
  EXPECT_EQ(runOp(Opcode::Flip, {x}, {{"axes", Attribute(IntArray{0, 1})}})
                .toVector<int32_t>(),
            (std::vector<int32_t>{5, 4, 3, 2, 1, 0}));
}

TEST(InterpMovement, Pad) {
  RuntimeValue x = tensor<float>(DType::F32, {2, 2}, {1, 2, 3, 4});
  RuntimeValue v = tensor<float>(DType::F32, {}, {-1});
  RuntimeValue out = runOp(
      Opcode::Pad, {x, v},
      {{"lo", Attribute(IntArray{1, 0})}, {"hi", Attribute(IntArray{0, 2})}});
  EXPECT_EQ(out.getType(), T(DType::F32, {3, 4}));
  EXPECT_EQ(out.toVector<float>(), (std::vector<float>{-1, -1, -1, -1, //
                                                       1, 2, -1, -1,   //
                                                       3, 4, -1, -1}));
}

TEST(InterpMovement, Concat) {
  RuntimeValue a = tensor<int64_t>(DType::I64, {2, 1}, {1, 2});
  RuntimeValue b = tensor<int64_t>(DType::I64, {2, 2}, {3, 4, 5, 6});
  RuntimeValue out =
      runOp(Opcode::Concat, {a, b}, {{"axis", Attribute(int64_t(1))}});
  EXPECT_EQ(out.toVector<int64_t>(), (std::vector<int64_t>{1, 3, 4, 2, 5, 6}));
  RuntimeValue rows =
      runOp(Opcode::Concat, {b, b}, {{"axis", Attribute(int64_t(0))}});
  EXPECT_EQ(rows.toVector<int64_t>(),
            (std::vector<int64_t>{3, 4, 5, 6, 3, 4, 5, 6}));
}

RuntimeValue i64(int64_t v) {
  return RuntimeValue::scalar<int64_t>(DType::I64, v);
}

TEST(InterpMovement, DynamicSliceInRange) {
  RuntimeValue x = tensor<int32_t>(DType::I32, {3, 4}, iotaVec(12));
  RuntimeValue out = runOp(Opcode::DynamicSlice, {x, i64(1), i64(2)},
                           {{"sizes", Attribute(IntArray{2, 2})}});
  EXPECT_EQ(out.toVector<int32_t>(), (std::vector<int32_t>{6, 7, 10, 11}));
}

TEST(InterpMovement, DynamicSliceOutOfRangeIsARuntimeError) {
  RuntimeValue x = tensor<int32_t>(DType::I32, {3, 4}, iotaVec(12));
  EXPECT_EQ(runOpError(Opcode::DynamicSlice, {x, i64(2), i64(0)},
                       {{"sizes", Attribute(IntArray{2, 2})}}),
            "runtime error: index 2 out of range for dim 0 of size 3: a window "
            "of 2 starting there needs an index from 0 to 1");
  EXPECT_EQ(runOpError(Opcode::DynamicSlice, {x, i64(0), i64(-1)},
                       {{"sizes", Attribute(IntArray{1, 1})}}),
            "runtime error: index -1 out of range for dim 1 of size 4 (valid: "
            "0 to 3)");
}

TEST(InterpMovement, DynamicUpdateSlice) {
  RuntimeValue x =
      tensor<int32_t>(DType::I32, {3, 3}, std::vector<int32_t>(9, 0));
  RuntimeValue u = tensor<int32_t>(DType::I32, {2, 2}, {1, 2, 3, 4});
  RuntimeValue out = runOp(Opcode::DynamicUpdateSlice, {x, u, i64(1), i64(0)});
  EXPECT_EQ(out.toVector<int32_t>(),
            (std::vector<int32_t>{0, 0, 0, 1, 2, 0, 3, 4, 0}));
  // The operand is unchanged (values are immutable).
  EXPECT_EQ(x.toVector<int32_t>(), std::vector<int32_t>(9, 0));
  EXPECT_NE(runOpError(Opcode::DynamicUpdateSlice, {x, u, i64(2), i64(0)}), "");
}

} // namespace
