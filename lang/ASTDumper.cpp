//===- ASTDumper.cpp - indented one-node-per-line tree printer ------------===//
//
// The output is a test contract (lit FileCheck tests match it), so it only
// changes additively. Recursion depth is bounded by the parser's nesting
// limit, so the recursive walk cannot overflow the stack.
//
//===----------------------------------------------------------------------===//
#include "lang/ASTDumper.h"
#include "lang/ASTVisit.h"

#include "basic/SourceManager.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Compiler.h"

#include <fmt/format.h>

namespace tdl::ast {

namespace {

class Dumper {
public:
  Dumper(llvm::raw_ostream &os, const DumpOptions &opts) : os(os), opts(opts) {}

  void dump(const Node *n, llvm::StringRef label = {}) {
    line(label);
    if (!n) {
      os << "<null>\n";
      return;
    }
    os << getNodeKindName(n->getKind());
    payload(n);
    if (opts.showRanges && opts.sources)
      printRange(n->getRange());
    os << '\n';
    ++indent;
    children(n);
    --indent;
  }

private:
  void line(llvm::StringRef label) {
    os.indent(indent * 2);
    if (!label.empty())
      os << label << ": ";
  }

  void printRange(llvm::SMRange r) {
    LineColumn b = opts.sources->getLineColumn(r.Start);
    LineColumn e = opts.sources->getLineColumn(r.End);
    os << " <" << b.line << ':' << b.column << '-' << e.line << ':' << e.column
       << '>';
  }

  static std::string quoted(llvm::StringRef s) { return "'" + s.str() + "'"; }

  static std::string path(llvm::ArrayRef<Ident> p) {
    std::string s;
    for (const Ident &id : p) {
      if (!s.empty())
        s += '.';
      s += id.name.str();
    }
    return s;
  }

  void args(llvm::ArrayRef<Argument> as) {
    for (const Argument &a : as)
      dump(a.value, a.label.name);
  }

  void payload(const Node *n);
  void children(const Node *n);

  llvm::raw_ostream &os;
  const DumpOptions &opts;
  unsigned indent = 0;
};

void Dumper::payload(const Node *n) {
  switch (n->getKind()) {
  case NodeKind::Module:
    os << ' ' << quoted(llvm::cast<Module>(n)->getName());
    return;
  case NodeKind::ImportDecl:
    os << ' ' << quoted(path(llvm::cast<ImportDecl>(n)->getPath()));
    return;
  case NodeKind::ConstDecl: {
    auto *d = llvm::cast<ConstDecl>(n);
    os << ' ' << quoted(d->getName().name) << (d->isExport() ? " export" : "");
    return;
  }
  case NodeKind::StructDecl: {
    auto *d = llvm::cast<StructDecl>(n);
    os << ' ' << quoted(d->getName().name) << (d->isExport() ? " export" : "");
    return;
  }
  case NodeKind::FieldDecl:
    os << ' ' << quoted(llvm::cast<FieldDecl>(n)->getName().name);
    return;
  case NodeKind::FuncDecl: {
    auto *d = llvm::cast<FuncDecl>(n);
    os << ' ' << quoted(d->getName().name) << (d->isExport() ? " export" : "");
    return;
  }
  case NodeKind::DerivedFuncDecl: {
    auto *d = llvm::cast<DerivedFuncDecl>(n);
    os << ' ' << quoted(d->getName().name) << (d->isExport() ? " export" : "");
    return;
  }
  case NodeKind::ParamDecl: {
    auto *d = llvm::cast<ParamDecl>(n);
    os << ' ' << quoted(d->getName().name) << (d->isConst() ? " const" : "");
    return;
  }
  case NodeKind::GenericParamDecl: {
    auto *d = llvm::cast<GenericParamDecl>(n);
    os << ' ' << quoted(d->getName().name);
    switch (d->getParamKind()) {
    case GenericParamDecl::Kind::Plain:
      break;
    case GenericParamDecl::Kind::Pack:
      os << " pack";
      break;
    case GenericParamDecl::Kind::DType:
      os << " dtype";
      break;
    }
    switch (d->getConstraint()) {
    case GenericParamDecl::Constraint::None:
      break;
    case GenericParamDecl::Constraint::Float:
      os << " float";
      break;
    case GenericParamDecl::Constraint::Int:
      os << " int";
      break;
    case GenericParamDecl::Constraint::Num:
      os << " num";
      break;
    }
    return;
  }
  case NodeKind::VarDecl: {
    auto *d = llvm::cast<VarDecl>(n);
    os << ' ' << quoted(d->getName().name);
    switch (d->getVarKind()) {
    case VarDecl::Kind::Let:
      os << " let";
      break;
    case VarDecl::Kind::Var:
      os << " var";
      break;
    case VarDecl::Kind::ForIndex:
      os << " for";
      break;
    }
    return;
  }
  case NodeKind::LetStmt:
    os << (llvm::cast<LetStmt>(n)->isVar() ? " var" : " let");
    return;
  case NodeKind::IntLiteralExpr: {
    auto *e = llvm::cast<IntLiteralExpr>(n);
    os << ' ' << quoted(e->getText()) << ' ' << e->getValue();
    return;
  }
  case NodeKind::FloatLiteralExpr: {
    auto *e = llvm::cast<FloatLiteralExpr>(n);
    os << ' ' << quoted(e->getText()) << ' '
       << fmt::format("{}", e->getValue());
    return;
  }
  case NodeKind::BoolLiteralExpr:
    os << (llvm::cast<BoolLiteralExpr>(n)->getValue() ? " true" : " false");
    return;
  case NodeKind::NameExpr:
    os << ' ' << quoted(llvm::cast<NameExpr>(n)->getName());
    return;
  case NodeKind::DTypeExpr:
    os << ' ' << getDTypeName(llvm::cast<DTypeExpr>(n)->getDType());
    return;
  case NodeKind::FieldExpr: {
    auto *e = llvm::cast<FieldExpr>(n);
    os << " ." << e->getField().name;
    return;
  }
  case NodeKind::UnaryExpr:
    os << ' ' << quoted(getUnaryOpSpelling(llvm::cast<UnaryExpr>(n)->getOp()));
    return;
  case NodeKind::BinaryExpr:
    os << ' '
       << quoted(getBinaryOpSpelling(llvm::cast<BinaryExpr>(n)->getOp()));
    return;
  case NodeKind::DTypeTypeExpr:
    os << ' ' << getDTypeName(llvm::cast<DTypeTypeExpr>(n)->getDType());
    return;
  case NodeKind::NamedTypeExpr: {
    auto *t = llvm::cast<NamedTypeExpr>(n);
    os << ' ' << quoted(path(t->getPath()));
    if (t->hasGenericArgList())
      os << " generic";
    return;
  }
  case NodeKind::DimIntExpr:
    os << ' ' << llvm::cast<DimIntExpr>(n)->getValue();
    return;
  case NodeKind::DimBinaryExpr:
    os << ' '
       << quoted(getBinaryOpSpelling(llvm::cast<DimBinaryExpr>(n)->getOp()));
    return;
  case NodeKind::DimCallExpr: {
    auto *t = llvm::cast<DimCallExpr>(n);
    os << ' ' << t->getCallee().name << ' ' << quoted(t->getPack().name);
    return;
  }
  case NodeKind::DimPackExpr:
    os << ' ' << quoted(llvm::cast<DimPackExpr>(n)->getPack().name);
    return;
  case NodeKind::PackSpliceExpr:
    os << ' ' << quoted(llvm::cast<PackSpliceExpr>(n)->getPack().name);
    return;
  default:
    return; // no payload
  }
}

/// The children children() prints, collected by a function of its own so
/// that the recursion does not go through forEachChild: its switch over
/// every node kind has a large frame when instrumented (ASan gives each
/// inlined ChildInfo a slot of its own: 10 KB a level with GCC 12), and a
/// tree at the parser's depth limit (1024) must be dumped on an 8 MB stack
/// in the sanitized build too (tests/lit/parser/deep-nesting.test).
LLVM_ATTRIBUTE_NOINLINE void collectChildren(
    const Node *n,
    llvm::SmallVectorImpl<std::pair<const Node *, llvm::StringRef>> &kids) {
  forEachChild(n, [&](const Node *c, const ChildInfo &info) {
    if (!info.attribute)
      kids.emplace_back(c, info.label);
  });
}

void Dumper::children(const Node *n) {
  // An attribute is not a node: print it as a pseudo-node holding its
  // arguments, before the declaration's other children.
  llvm::ArrayRef<Attribute> attrs;
  if (auto *f = llvm::dyn_cast<FuncDecl>(n))
    attrs = f->getAttributes();
  else if (auto *d = llvm::dyn_cast<DerivedFuncDecl>(n))
    attrs = d->getAttributes();
  for (const Attribute &a : attrs) {
    line({});
    os << "Attribute @" << a.name.name << '\n';
    ++indent;
    args(a.args);
    --indent;
  }
  llvm::SmallVector<std::pair<const Node *, llvm::StringRef>, 8> kids;
  collectChildren(n, kids);
  for (auto [c, label] : kids)
    dump(c, label);
}

} // namespace

void dumpAST(const Node *node, llvm::raw_ostream &os,
             const DumpOptions &options) {
  Dumper(os, options).dump(node);
}

} // namespace tdl::ast
