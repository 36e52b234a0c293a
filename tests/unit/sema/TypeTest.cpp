//===- TypeTest.cpp - interning, printing, literal defaults ---------------===//
#include "sema/Type.h"

#include <gtest/gtest.h>

using namespace tdl::sema;

TEST(Types, InternedByStructure) {
  TypeContext ctx;
  const Type *a = ctx.tensor(Elem::F32, {2, 3});
  EXPECT_EQ(a, ctx.tensor(Elem::F32, {2, 3}));
  EXPECT_NE(a, ctx.tensor(Elem::F32, {3, 2}));
  EXPECT_NE(a, ctx.tensor(Elem::F64, {2, 3}));
  const Type *t = ctx.tuple({a, ctx.scalar(Elem::I32)});
  EXPECT_EQ(t, ctx.tuple({a, ctx.scalar(Elem::I32)}));
  EXPECT_NE(t, ctx.tuple({ctx.scalar(Elem::I32), a}));
  EXPECT_EQ(ctx.function({a}, a), ctx.function({a}, a));
  EXPECT_NE(ctx.function({a}, a), ctx.function({a}, t));
}

TEST(Types, Printing) {
  TypeContext ctx;
  EXPECT_EQ(ctx.tensor(Elem::F32, {2, 3})->str(), "f32[2, 3]");
  EXPECT_EQ(ctx.scalar(Elem::I8)->str(), "i8");
  EXPECT_EQ(ctx.unit()->str(), "()");
  EXPECT_EQ(ctx.tuple({ctx.scalar(Elem::Bool)})->str(), "(bool,)");
  EXPECT_EQ(ctx.function({ctx.scalar(Elem::F32)}, ctx.scalar(Elem::F64))->str(),
            "fn(f32) -> f64");
}

TEST(Types, LiteralDefaults) {
  TypeContext ctx;
  const Type *u = ctx.tuple(
      {ctx.scalar(Elem::UntypedInt), ctx.tensor(Elem::UntypedFloat, {2})});
  EXPECT_TRUE(u->hasUntyped());
  const Type *d = ctx.defaulted(u);
  EXPECT_FALSE(d->hasUntyped());
  EXPECT_EQ(d, ctx.tuple({ctx.scalar(Elem::I32), ctx.tensor(Elem::F32, {2})}));
}

TEST(Types, FloatLeaves) {
  TypeContext ctx;
  EXPECT_TRUE(isFloatLeaves(ctx.tensor(Elem::F32, {2})));
  EXPECT_FALSE(isFloatLeaves(ctx.tensor(Elem::I32, {2})));
  EXPECT_TRUE(isFloatLeaves(
      ctx.tuple({ctx.scalar(Elem::F64), ctx.tensor(Elem::F32, {3})})));
  EXPECT_FALSE(
      isFloatLeaves(ctx.tuple({ctx.scalar(Elem::F64), ctx.scalar(Elem::I8)})));
  EXPECT_FALSE(isFloatLeaves(ctx.unit()));
}
