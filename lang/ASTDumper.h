//===- ASTDumper.h - the indented text form of `--emit=ast` ------*- C++
//-*-===//
//
// One node per line, children indented by two spaces, the node's class name
// then its payload (names, operators, literal text and value, flags). The
// format is stable: lit tests match it. Locations are printed as
// `<line:col-line:col>` when asked for.
//
//   Module 'x.tdl'
//     FuncDecl 'f' export
//       ParamDecl 'x'
//         TensorTypeExpr
//           DTypeTypeExpr f32
//           DimIntExpr 3
//
//===----------------------------------------------------------------------===//
#ifndef TDL_LANG_ASTDUMPER_H
#define TDL_LANG_ASTDUMPER_H

#include "lang/AST.h"

#include "llvm/Support/raw_ostream.h"

namespace tdl {
class SourceManager;
}

namespace tdl::ast {

struct DumpOptions {
  /// Print each node's source range; needs `sources`.
  bool showRanges = false;
  const SourceManager *sources = nullptr;
};

void dumpAST(const Node *node, llvm::raw_ostream &os,
             const DumpOptions &options = {});

} // namespace tdl::ast

#endif
