//===- TypedASTPrinter.cpp - `--emit=typed-ast` ---------------------------===//
//
// Prints the Program: struct instances, constants, then every function
// instance's body, one node per line, indented, with `: type` after every
// expression and binding, and what each call resolved to. The format is a
// test contract (FileCheck), so it changes only additively.
//
//   FuncInstance 'dense<2, 3, 4>' : fn(f32[2, 3], f32[3, 4], f32[4]) -> f32[2,
//   4]
//     ParamDecl 'x' : f32[2, 3]
//     ReturnStmt
//       BinaryExpr '+' : f32[2, 4]
//
//===----------------------------------------------------------------------===//
#include "sema/Sema.h"

#include <fmt/format.h>

namespace tdl::sema {

namespace {

class Printer {
public:
  Printer(const Program &p, llvm::raw_ostream &os) : program(p), os(os) {}

  void print() {
    for (auto &s : program.types.getStructs()) {
      os << "StructInstance '" << s->name << "'";
      for (size_t i = 0; i < s->fieldTypes.size(); ++i)
        os << (i ? ", " : " { ") << s->fieldNames[i] << ": "
           << s->fieldTypes[i]->str();
      os << (s->fieldTypes.empty() ? "\n" : " }\n");
    }
    for (const ModuleConst &c : program.consts)
      os << "Const '" << c.decl->getName().name << "' : " << c.type->str()
         << " = " << c.value.str() << "\n";
    for (auto &f : program.functions)
      printFunction(*f);
    for (auto &d : program.derived)
      os << "DerivedInstance '" << d->name << "' : " << d->type->str() << "\n";
    for (const ExportedFunction &e : program.exports)
      os << "Export '" << e.cName << "' -> "
         << (e.function ? e.function->name : e.derived->name) << "\n";
  }

private:
  void line() { os.indent(indent * 2); }

  void printFunction(const FuncInstance &f) {
    inst = &f;
    os << "FuncInstance '" << f.name << "' : (";
    for (size_t i = 0; i < f.paramTypes.size(); ++i)
      os << (i ? ", " : "") << f.paramTypes[i]->str();
    os << ") -> " << f.resultType->str();
    if (f.customDerivative)
      os << " derivative '" << f.customDerivative->name << "'";
    if (f.customForwardDerivative)
      os << " forward derivative '" << f.customForwardDerivative->name << "'";
    os << "\n";
    ++indent;
    for (size_t i = 0; i < f.decl->getParams().size(); ++i) {
      line();
      os << "ParamDecl '" << f.decl->getParams()[i]->getName().name
         << "' : " << f.paramTypes[i]->str();
      if (i < f.constArgs.size() && f.constArgs[i])
        os << " = " << f.constArgs[i]->str();
      os << "\n";
    }
    if (f.decl->getBody())
      stmt(f.decl->getBody());
    --indent;
  }

  void var(const ast::VarDecl *v) {
    line();
    auto it = inst->varTypes.find(v);
    os << "VarDecl '" << v->getName().name << "' : "
       << (it == inst->varTypes.end() ? "<unchecked>" : it->second->str())
       << "\n";
  }

  void pattern(const ast::Pattern *p) {
    if (auto *n = llvm::dyn_cast<ast::NamePattern>(p))
      return var(n->getVar());
    if (auto *t = llvm::dyn_cast<ast::TuplePattern>(p))
      for (const ast::Pattern *e : t->getElements())
        pattern(e);
  }

  void stmt(const ast::Stmt *s) {
    if (!s)
      return;
    line();
    os << ast::getNodeKindName(s->getKind());
    if (auto *l = llvm::dyn_cast<ast::LetStmt>(s))
      os << (l->isVar() ? " var" : " let");
    os << "\n";
    ++indent;
    switch (s->getKind()) {
    case ast::NodeKind::BlockStmt: {
      auto *b = llvm::cast<ast::BlockStmt>(s);
      for (const ast::Stmt *x : b->getStmts())
        stmt(x);
      if (b->getValue())
        expr(b->getValue());
      break;
    }
    case ast::NodeKind::LetStmt:
      pattern(llvm::cast<ast::LetStmt>(s)->getPattern());
      expr(llvm::cast<ast::LetStmt>(s)->getInit());
      break;
    case ast::NodeKind::AssignStmt:
      expr(llvm::cast<ast::AssignStmt>(s)->getTarget());
      expr(llvm::cast<ast::AssignStmt>(s)->getValue());
      break;
    case ast::NodeKind::IfStmt: {
      auto *i = llvm::cast<ast::IfStmt>(s);
      expr(i->getCond());
      stmt(i->getThen());
      stmt(i->getElse());
      break;
    }
    case ast::NodeKind::ForStmt: {
      auto *f = llvm::cast<ast::ForStmt>(s);
      var(f->getIndexVar());
      expr(f->getLo());
      expr(f->getHi());
      stmt(f->getBody());
      break;
    }
    case ast::NodeKind::WhileStmt:
      expr(llvm::cast<ast::WhileStmt>(s)->getCond());
      stmt(llvm::cast<ast::WhileStmt>(s)->getBody());
      break;
    case ast::NodeKind::ReturnStmt:
      if (auto *v = llvm::cast<ast::ReturnStmt>(s)->getValue())
        expr(v);
      break;
    case ast::NodeKind::PrintStmt:
      for (const ast::Argument &a : llvm::cast<ast::PrintStmt>(s)->getArgs())
        expr(a.value);
      break;
    case ast::NodeKind::ExprStmt:
      expr(llvm::cast<ast::ExprStmt>(s)->getExpr());
      break;
    default:
      break;
    }
    --indent;
  }

  void callInfo(const ast::CallExpr *c) {
    auto it = inst->calls.find(c);
    if (it == inst->calls.end())
      return;
    const ResolvedCall &r = it->second;
    switch (r.kind) {
    case ResolvedCall::Kind::Function:
      os << " -> '" << r.function->name << "'";
      break;
    case ResolvedCall::Kind::Derived:
      os << " -> '" << r.derived->name << "'";
      break;
    case ResolvedCall::Kind::Builtin: {
      const BuiltinAttrs &a = r.attrs;
      os << " -> builtin " << getBuiltinName(r.builtin);
      if (!a.axes.empty())
        os << fmt::format(" axes=[{}]", fmt::join(a.axes, ", "));
      if (a.keepdims)
        os << " keepdims";
      if (!a.perm.empty())
        os << fmt::format(" perm=[{}]", fmt::join(a.perm, ", "));
      if (!a.shape.empty())
        os << " shape=" << shapeToString(a.shape);
      if (r.builtin == BuiltinId::Conv2D || r.builtin == BuiltinId::MaxPool2D ||
          r.builtin == BuiltinId::AvgPool2D) {
        const shapes::Conv2DParams &p = a.conv;
        os << fmt::format(" stride=({}, {}) padding=({}, {}, {}, {})",
                          p.strideH, p.strideW, p.padTop, p.padBottom,
                          p.padLeft, p.padRight);
        if (r.builtin == BuiltinId::Conv2D)
          os << fmt::format(" dilation=({}, {}) groups={}", p.dilationH,
                            p.dilationW, p.groups);
        else
          os << fmt::format(" window=({}, {})", a.windowH, a.windowW);
      }
      if (!a.padding.empty()) {
        os << " pads=[";
        for (size_t i = 0; i < a.padding.size(); ++i)
          os << (i ? ", " : "") << "(" << a.padding[i].first << ", "
             << a.padding[i].second << ")";
        os << "]";
      }
      if (a.dtype)
        os << " dtype=" << elemName(*a.dtype);
      if (a.count)
        os << " count=" << a.count;
      for (const ConstValue &v : a.values)
        os << " value=" << v.str();
      break;
    }
    }
  }

  void expr(const ast::Expr *e) {
    if (!e)
      return;
    line();
    os << ast::getNodeKindName(e->getKind());
    switch (e->getKind()) {
    case ast::NodeKind::IntLiteralExpr:
      os << " " << llvm::cast<ast::IntLiteralExpr>(e)->getText();
      break;
    case ast::NodeKind::FloatLiteralExpr:
      os << " " << llvm::cast<ast::FloatLiteralExpr>(e)->getText();
      break;
    case ast::NodeKind::BoolLiteralExpr:
      os << (llvm::cast<ast::BoolLiteralExpr>(e)->getValue() ? " true"
                                                             : " false");
      break;
    case ast::NodeKind::NameExpr:
      os << " '" << llvm::cast<ast::NameExpr>(e)->getName() << "'";
      break;
    case ast::NodeKind::FieldExpr:
      os << " ." << llvm::cast<ast::FieldExpr>(e)->getField().name;
      break;
    case ast::NodeKind::UnaryExpr:
      os << " '"
         << ast::getUnaryOpSpelling(llvm::cast<ast::UnaryExpr>(e)->getOp())
         << "'";
      break;
    case ast::NodeKind::BinaryExpr:
      os << " '"
         << ast::getBinaryOpSpelling(llvm::cast<ast::BinaryExpr>(e)->getOp())
         << "'";
      break;
    case ast::NodeKind::DTypeExpr:
      os << " " << ast::getDTypeName(llvm::cast<ast::DTypeExpr>(e)->getDType());
      break;
    default:
      break;
    }
    if (const Type *t = inst->typeOf(e))
      os << " : " << t->str();
    auto c = inst->constants.find(e);
    if (c != inst->constants.end() &&
        llvm::isa<ast::NameExpr, ast::FieldExpr, ast::CallExpr>(e))
      os << " = " << c->second.str();
    if (auto *call = llvm::dyn_cast<ast::CallExpr>(e))
      callInfo(call);
    if (auto *idx = llvm::dyn_cast<ast::IndexExpr>(e)) {
      auto it = inst->indexes.find(idx);
      if (it != inst->indexes.end())
        for (const IndexEntry &x : it->second)
          switch (x.kind) {
          case IndexEntry::Kind::Const:
            os << " [" << x.index << "]";
            break;
          case IndexEntry::Kind::Dynamic:
            os << " [dynamic]";
            break;
          case IndexEntry::Kind::Slice:
            os << " [" << x.lo << ":" << x.hi << "]";
            break;
          }
    }
    os << "\n";
    ++indent;
    children(e);
    --indent;
  }

  void children(const ast::Expr *e) {
    switch (e->getKind()) {
    case ast::NodeKind::TensorLiteralExpr:
      for (const ast::Expr *x :
           llvm::cast<ast::TensorLiteralExpr>(e)->getElements())
        expr(x);
      break;
    case ast::NodeKind::CallExpr: {
      auto *c = llvm::cast<ast::CallExpr>(e);
      if (!llvm::isa<ast::NameExpr>(c->getCallee()))
        expr(c->getCallee());
      for (const ast::Argument &a : c->getArgs())
        expr(a.value);
      break;
    }
    case ast::NodeKind::IndexExpr: {
      auto *i = llvm::cast<ast::IndexExpr>(e);
      expr(i->getBase());
      for (const ast::Expr *x : i->getIndices())
        expr(x);
      break;
    }
    case ast::NodeKind::SliceExpr:
      expr(llvm::cast<ast::SliceExpr>(e)->getLo());
      expr(llvm::cast<ast::SliceExpr>(e)->getHi());
      break;
    case ast::NodeKind::FieldExpr:
      if (inst->fields.lookup(llvm::cast<ast::FieldExpr>(e)).kind !=
          FieldAccess::Kind::Qualified)
        expr(llvm::cast<ast::FieldExpr>(e)->getBase());
      break;
    case ast::NodeKind::UnaryExpr:
      expr(llvm::cast<ast::UnaryExpr>(e)->getOperand());
      break;
    case ast::NodeKind::BinaryExpr:
      expr(llvm::cast<ast::BinaryExpr>(e)->getLHS());
      expr(llvm::cast<ast::BinaryExpr>(e)->getRHS());
      break;
    case ast::NodeKind::CastExpr:
      expr(llvm::cast<ast::CastExpr>(e)->getOperand());
      break;
    case ast::NodeKind::IfExpr: {
      auto *i = llvm::cast<ast::IfExpr>(e);
      expr(i->getCond());
      stmt(i->getThen());
      stmt(i->getElse());
      break;
    }
    case ast::NodeKind::TupleExpr:
      for (const ast::Expr *x : llvm::cast<ast::TupleExpr>(e)->getElements())
        expr(x);
      break;
    case ast::NodeKind::StructLiteralExpr:
      for (const ast::FieldInit &f :
           llvm::cast<ast::StructLiteralExpr>(e)->getFields())
        expr(f.value);
      break;
    default:
      break;
    }
  }

  const Program &program;
  llvm::raw_ostream &os;
  const FuncInstance *inst = nullptr;
  unsigned indent = 0;
};

} // namespace

void printTypedProgram(const Program &program, const SourceManager &,
                       llvm::raw_ostream &os) {
  Printer(program, os).print();
}

} // namespace tdl::sema
