//===- Hover.cpp - textDocument/hover -------------------------------------===//
//
// Shows what the compiler inferred: the type of a binding or expression
// with its shape (`let h: f32[32, 128]`), once per distinct type when a
// generic function's instances differ; for a call of a function, its
// signature as written and the instance the call uses with its generic
// arguments (`dense<32, 784, 128>: B = 32, I = 784, O = 128`) and result;
// for a builtin, its signature; then the declaration's `///` comment.
//
//===----------------------------------------------------------------------===//
#include "tools/lsp/Describe.h"
#include "tools/lsp/Features.h"
#include "tools/lsp/SymbolAt.h"

#include "sema/BuiltinSignatures.h"
#include "sema/Type.h"

#include "llvm/ADT/StringExtras.h"

namespace tdl::lsp {

namespace {
struct HoverText {
  std::vector<std::string> code; // shown as TDL code
  std::vector<std::string> notes;
  void add(std::string s) {
    if (!s.empty())
      code.push_back(std::move(s));
  }
  std::string markdown() const {
    std::string out;
    if (!code.empty())
      out = "```tdl\n" + llvm::join(code, "\n") + "\n```";
    for (const std::string &n : notes)
      out += (out.empty() ? "" : "\n\n") + n;
    return out;
  }
};
} // namespace

/// For a call: the instances it resolved to, with their bindings.
static void describeCall(const Analysis &a, const ast::CallExpr *call,
                         HoverText &h) {
  std::vector<const sema::FuncInstance *> seen;
  for (auto &[in, resolved] : a.callsOf(call)) {
    (void)in;
    const sema::FuncInstance *f = resolved->function;
    if (resolved->kind != sema::ResolvedCall::Kind::Function || !f ||
        llvm::is_contained(seen, f))
      continue;
    seen.push_back(f);
    std::string line = "// instance " + f->name;
    std::string b = bindingsText(*f);
    if (!b.empty() && f->decl && f->decl->isGeneric())
      line += ": " + b;
    h.add(line);
    if (f->resultType)
      h.add("//   -> " + f->resultType->str());
  }
  if (seen.empty()) {
    std::string t = typesText(a.typesOf(call));
    if (!t.empty())
      h.add("// -> " + t);
  }
}

/// The values a dim parameter used as an expression has, per instance.
static std::string constantValues(const Analysis &a, const ast::Expr *e) {
  std::vector<std::string> parts;
  for (const TypedIn &t : a.typesOf(e)) {
    if (!t.instance)
      continue;
    auto it = t.instance->constants.find(e);
    if (it == t.instance->constants.end())
      continue;
    std::string s = it->second.str();
    if (t.instance->decl && t.instance->decl->isGeneric())
      s += " in " + t.instance->name;
    if (!llvm::is_contained(parts, s))
      parts.push_back(s);
  }
  return llvm::join(parts, ", ");
}

/// The values a generic parameter of a function takes, per instance.
static std::string genericValues(const Analysis &a,
                                 const ast::GenericParamDecl *g) {
  if (!a.program)
    return "";
  std::vector<std::string> parts;
  for (const auto &inst : a.program->functions) {
    if (!inst->decl)
      continue;
    auto params = inst->decl->getGenericParams();
    for (size_t i = 0; i < params.size() && i < inst->genericArgs.size(); ++i)
      if (params[i] == g)
        parts.push_back(inst->genericArgs[i].str() + " in " + inst->name);
  }
  return llvm::join(parts, ", ");
}

static HoverText describe(const FeatureContext &c, const SymbolRef &s) {
  const Analysis &a = c.analysis;
  HoverText h;
  switch (s.kind) {
  case SymbolRef::Kind::Decl: {
    const ast::Decl &d = *s.decl;
    h.add(declSummary(a, d));
    if (auto *f = llvm::dyn_cast<ast::FuncDecl>(&d)) {
      if (s.call) {
        describeCall(a, s.call, h);
      } else if (f->isGeneric() && s.isDeclaration) {
        std::vector<std::string> names;
        for (const sema::FuncInstance *i : a.instancesOf(f))
          names.push_back(i->name);
        if (!names.empty())
          h.add("// instances: " + llvm::join(names, ", "));
      }
    } else if (llvm::isa<ast::FieldDecl>(&d) && s.expr) {
      std::string t = typesText(a.typesOf(s.expr));
      if (!t.empty())
        h.add("// " + t);
    } else if (auto *g = llvm::dyn_cast<ast::GenericParamDecl>(&d)) {
      std::string v = s.expr ? constantValues(a, s.expr) : genericValues(a, g);
      if (!v.empty())
        h.add("// = " + v);
    } else if (llvm::isa<ast::DerivedFuncDecl>(&d) && s.call) {
      describeCall(a, s.call, h);
    }
    std::string doc = docComment(a.sources, d);
    if (!doc.empty())
      h.notes.push_back(doc);
    break;
  }
  case SymbolRef::Kind::Module: {
    if (s.import)
      h.add(foldedText(s.import->getRange()));
    if (s.module) {
      std::string doc;
      // A module's doc is its leading `//` comment block.
      llvm::StringRef text = a.sources.getBufferText(s.module->getBufferId());
      std::vector<std::string> lines;
      for (llvm::StringRef line : llvm::split(text, '\n')) {
        line = line.trim();
        if (!line.consume_front("//"))
          break;
        lines.push_back(line.trim().str());
      }
      if (!lines.empty())
        h.notes.push_back(llvm::join(lines, "\n"));
    }
    break;
  }
  case SymbolRef::Kind::Builtin: {
    for (const sema::BuiltinSignature &sig :
         sema::getBuiltinSignatures(s.builtin))
      h.add(sema::formatSignature(s.name, sig));
    if (s.call) {
      std::string t = typesText(a.typesOf(s.call));
      if (!t.empty())
        h.add("// -> " + t);
    }
    auto sigs = sema::getBuiltinSignatures(s.builtin);
    if (!sigs.empty())
      h.notes.push_back("builtin: " + sigs[0].doc.str());
    break;
  }
  case SymbolRef::Kind::NamedArgument: {
    for (const sema::BuiltinSignature &sig :
         sema::getBuiltinSignatures(s.builtin))
      for (const sema::BuiltinParam &p : sig.params)
        if (p.name == s.name) {
          h.add(p.label.str());
          return h;
        }
    break;
  }
  case SymbolRef::Kind::Transform: {
    h.add(s.name.str() + "(f, wrt: params = every float parameter)");
    if (s.call) {
      std::string t = typesText(a.typesOf(s.call));
      if (!t.empty())
        h.add("// -> " + t);
    }
    h.notes.push_back("function transform (automatic differentiation)");
    break;
  }
  case SymbolRef::Kind::TupleElement:
  case SymbolRef::Kind::Transpose: {
    std::string t = s.expr ? typesText(a.typesOf(s.expr)) : "";
    h.add((s.kind == SymbolRef::Kind::Transpose ? ".T: "
                                                : "." + s.name.str() + ": ") +
          t);
    break;
  }
  }
  return h;
}

llvm::json::Value hover(const FeatureContext &c, Position p) {
  const Analysis &a = c.analysis;
  size_t offset = c.lines.offset(p);
  HoverText h;
  llvm::SMRange range;
  if (std::optional<SymbolRef> s = symbolAt(a, offset)) {
    h = describe(c, *s);
    range = s->range;
  } else if (const ast::Expr *e = typedExprAt(a, offset)) {
    h.add(typesText(a.typesOf(e)));
    range = e->getRange();
  }
  std::string text = h.markdown();
  if (text.empty())
    return nullptr;
  llvm::json::Object result{
      {"contents",
       llvm::json::Object{{"kind", "markdown"}, {"value", jsonText(text)}}}};
  if (range.isValid() && a.inMainBuffer(range.Start))
    result["range"] = toJSON(c.range(range));
  return result;
}

} // namespace tdl::lsp
