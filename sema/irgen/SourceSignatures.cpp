//===- SourceSignatures.cpp - exported signatures for the header ----------===//
//
// Parameter names come from the declaration. A derived export (`export fn
// g = grad(f)`) takes f's parameters, then, for vjp, one cotangent per
// result (`dy`, `dy1`, ..., as docs/language.md names them) and, for jvp,
// one tangent per differentiated parameter (`t_<name>`).
//
//===----------------------------------------------------------------------===//
#include "sema/irgen/SourceSignatures.h"

namespace tdl::irgen {

static ir::SourceValue describe(const sema::Type *t, std::string name) {
  ir::SourceValue v;
  v.name = std::move(name);
  if (t->isTensor())
    return v;
  if (t->isStruct()) {
    const sema::StructInstance *s = t->getStruct();
    v.kind = ir::SourceValue::Kind::Struct;
    v.structName = s->name;
    for (size_t i = 0; i < s->fieldTypes.size(); ++i)
      v.elements.push_back(describe(s->fieldTypes[i], s->fieldNames[i].str()));
    return v;
  }
  v.kind = ir::SourceValue::Kind::Tuple;
  for (const sema::Type *e : t->getElements())
    v.elements.push_back(describe(e, ""));
  return v;
}

static std::vector<std::string> paramNames(const sema::FuncInstance &f) {
  std::vector<std::string> names;
  for (const ast::ParamDecl *p : f.decl->getParams())
    names.push_back(p->getName().name.str());
  return names;
}

/// The names of a derived function's parameters, in order.
static std::vector<std::string> paramNames(const sema::DerivedInstance &d) {
  std::vector<std::string> primal = d.primalFunction
                                        ? paramNames(*d.primalFunction)
                                        : paramNames(*d.primalDerived);
  std::vector<std::string> names = primal;
  size_t extra = d.type->getParams().size() -
                 std::min(d.type->getParams().size(), primal.size());
  for (size_t i = 0; i < extra; ++i) {
    if (d.kind == sema::TransformKind::JVP && i < d.wrt.size() &&
        d.wrt[i] < primal.size())
      names.push_back("t_" + primal[d.wrt[i]]);
    else
      names.push_back(i == 0 ? "dy" : "dy" + std::to_string(i));
  }
  return names;
}

static ir::SourceSignature signatureOf(const sema::Type *fnType,
                                       const std::vector<std::string> &names) {
  ir::SourceSignature sig;
  llvm::ArrayRef<const sema::Type *> params = fnType->getParams();
  for (size_t i = 0; i < params.size(); ++i)
    sig.params.push_back(describe(
        params[i], i < names.size() ? names[i] : "arg" + std::to_string(i)));
  sig.result = describe(fnType->getResult(), "");
  return sig;
}

void recordSourceSignatures(const sema::Program &program, ir::Module &module) {
  for (const sema::ExportedFunction &e : program.exports) {
    ir::Function *fn = module.lookup(e.cName);
    if (!fn)
      continue;
    if (e.function) {
      const sema::FuncInstance &f = *e.function;
      ir::SourceSignature sig;
      std::vector<std::string> names = paramNames(f);
      for (size_t i = 0; i < f.paramTypes.size(); ++i)
        sig.params.push_back(describe(f.paramTypes[i], names[i]));
      sig.result = describe(f.resultType, "");
      fn->setSourceSignature(std::move(sig));
    } else if (e.derived) {
      fn->setSourceSignature(
          signatureOf(e.derived->type, paramNames(*e.derived)));
    }
  }
}

} // namespace tdl::irgen
