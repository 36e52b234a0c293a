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

#include "lang/ASTVisit.h"

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

  void stmt(const ast::Stmt *s) {
    if (!s)
      return;
    line();
    os << ast::getNodeKindName(s->getKind());
    if (auto *l = llvm::dyn_cast<ast::LetStmt>(s))
      os << (l->isVar() ? " var" : " let");
    os << "\n";
    ++indent;
    ast::forEachChild(s, [&](const ast::Node *c) { child(c); });
    --indent;
  }

  /// A child of a statement or expression: type syntax is not printed (the
  /// types are on the expressions), patterns print their variables.
  void child(const ast::Node *c) {
    if (!c)
      return;
    if (auto *st = llvm::dyn_cast<ast::Stmt>(c))
      stmt(st);
    else if (auto *e = llvm::dyn_cast<ast::Expr>(c))
      expr(e);
    else if (llvm::isa<ast::Pattern>(c))
      ast::forEachChild(c, [&](const ast::Node *x) { child(x); });
    else if (auto *v = llvm::dyn_cast<ast::VarDecl>(c))
      var(v);
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
    case ast::NodeKind::CallExpr: {
      // A callee that is a plain name is shown by callInfo.
      auto *c = llvm::cast<ast::CallExpr>(e);
      if (!llvm::isa<ast::NameExpr>(c->getCallee()))
        expr(c->getCallee());
      for (const ast::Argument &a : c->getArgs())
        expr(a.value);
      return;
    }
    case ast::NodeKind::FieldExpr:
      // `nn.softmax`: the module name is not an expression of its own.
      if (inst->fields.lookup(llvm::cast<ast::FieldExpr>(e)).kind !=
          FieldAccess::Kind::Qualified)
        expr(llvm::cast<ast::FieldExpr>(e)->getBase());
      return;
    case ast::NodeKind::InstantiateExpr:
      return; // the instance is the expression's type
    default:
      ast::forEachChild(e, [&](const ast::Node *c) { child(c); });
      return;
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
