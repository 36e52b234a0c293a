//===- OpParams.h - decoded attributes of window ops ---------------*- C++
//-*-===//
//
// conv2d and the pooling ops have optional attributes with defaults; the
// type rule, the interpreter and the backends all read them through these
// helpers so the defaults live in one place.
//
//   conv2d:      stride [1,1], padding [0,0,0,0] (top, bottom, left, right),
//                dilation [1,1], groups 1
//   max_pool2d / avg_pool2d: window (required), stride = window,
//                padding [0,0,0,0]
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SSA_IR_OPPARAMS_H
#define TDL_SSA_IR_OPPARAMS_H

#include "ssa_ir/Attributes.h"

#include <array>

namespace tdl::ir {

struct Conv2DParams {
  std::array<int64_t, 2> stride{1, 1};
  std::array<int64_t, 4> padding{0, 0, 0, 0}; // top, bottom, left, right
  std::array<int64_t, 2> dilation{1, 1};
  int64_t groups = 1;
};

struct Pool2DParams {
  std::array<int64_t, 2> window{1, 1};
  std::array<int64_t, 2> stride{1, 1};
  std::array<int64_t, 4> padding{0, 0, 0, 0};
};

/// Decodes the attributes; returns an error message if one is malformed.
std::string getConv2DParams(const AttrList &attrs, Conv2DParams &p);
std::string getPool2DParams(const AttrList &attrs, Pool2DParams &p);

/// Output size of a window op along one spatial dim (may be <= 0 when the
/// window does not fit).
inline int64_t windowOutputSize(int64_t in, int64_t padLo, int64_t padHi,
                                int64_t window, int64_t stride,
                                int64_t dilation = 1) {
  int64_t span = dilation * (window - 1) + 1;
  int64_t padded = in + padLo + padHi;
  if (padded < span)
    return 0;
  return (padded - span) / stride + 1;
}

} // namespace tdl::ir

#endif
