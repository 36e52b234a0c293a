//===- Completion.cpp - textDocument/completion ---------------------------===//
//
// After `.`: the members of what is before it: a module's declarations
// (`nn.`), a struct's fields with their types (`l.`, `model.l1.`), a
// tuple's elements, `T` of a matrix. Elsewhere: the named arguments of the
// call around the cursor (builtins and user functions, those not given
// yet), then the names in scope: locals and parameters with their types,
// the module's declarations, imports and what they export, builtins,
// transforms, keywords and dtypes.
//
// The text around the cursor is read by scanContext (it rarely parses);
// types come from the current analysis, or from the previous one when the
// edit in progress broke the function (the names are matched by name).
//
//===----------------------------------------------------------------------===//
#include "tools/lsp/AstWalk.h"
#include "tools/lsp/Describe.h"
#include "tools/lsp/Features.h"
#include "tools/lsp/SymbolAt.h"
#include "tools/lsp/TextContext.h"

#include "sema/BuiltinSignatures.h"
#include "sema/Type.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

namespace tdl::lsp {

namespace {
// LSP CompletionItemKind values.
enum ItemKind : int {
  KFunction = 3,
  KField = 5,
  KVariable = 6,
  KModule = 9,
  KProperty = 10,
  KKeyword = 14,
  KConstant = 21,
  KStruct = 22,
  KTypeParameter = 25,
};

class Items {
public:
  explicit Items(llvm::StringRef prefix) : prefix(prefix) {}
  void add(llvm::StringRef label, int kind, llvm::StringRef detail, char rank,
           llvm::StringRef insert = "", llvm::StringRef doc = "") {
    if (!matches(label) || !seen.insert(label).second)
      return;
    llvm::json::Object item{
        {"label", jsonText(label)},
        {"kind", kind},
        {"sortText", jsonText(std::string(1, rank) + label.str())}};
    if (!detail.empty())
      item["detail"] = jsonText(detail);
    if (!insert.empty())
      item["insertText"] = jsonText(insert);
    if (!doc.empty())
      item["documentation"] = jsonText(doc);
    items.push_back(std::move(item));
  }
  llvm::json::Array take() { return std::move(items); }

private:
  /// The typed prefix as a case-insensitive subsequence of the label,
  /// starting at its first character.
  bool matches(llvm::StringRef label) const {
    if (prefix.empty())
      return true;
    if (label.empty() || llvm::toLower(label[0]) != llvm::toLower(prefix[0]))
      return false;
    size_t j = 0;
    for (char ch : label)
      if (j < prefix.size() && llvm::toLower(ch) == llvm::toLower(prefix[j]))
        ++j;
    return j == prefix.size();
  }
  llvm::StringRef prefix;
  llvm::StringSet<> seen;
  llvm::json::Array items;
};
} // namespace

static int declKind(const ast::Decl *d) {
  switch (d->getKind()) {
  case ast::NodeKind::FuncDecl:
  case ast::NodeKind::DerivedFuncDecl:
    return KFunction;
  case ast::NodeKind::StructDecl:
    return KStruct;
  case ast::NodeKind::ConstDecl:
    return KConstant;
  case ast::NodeKind::FieldDecl:
    return KField;
  case ast::NodeKind::GenericParamDecl:
    return KTypeParameter;
  case ast::NodeKind::ImportDecl:
    return KModule;
  default:
    return KVariable;
  }
}

static void addDecl(const Analysis &a, const ast::Decl *d, char rank,
                    Items &items) {
  if (llvm::isa<ast::ImportDecl>(d))
    return;
  items.add(d->getName().name, declKind(d), declSummary(a, *d), rank, "",
            docComment(a.sources, *d));
}

/// The first type a local of that name has at `loc`, in `a`.
static const sema::Type *typeOfName(const Analysis &a, llvm::StringRef name,
                                    llvm::SMLoc loc) {
  const ast::Decl *d = lookupName(a, name, loc);
  if (!d || llvm::isa<ast::ImportDecl>(d))
    return nullptr;
  for (const TypedIn &t : a.typesOfDecl(d))
    if (t.type && !t.type->isError())
      return t.type;
  return nullptr;
}

/// The same, looked up in an earlier analysis by the enclosing function's
/// name (positions differ between versions).
static const sema::Type *typeOfNameBefore(const Analysis &now,
                                          const Analysis &before,
                                          llvm::StringRef name,
                                          llvm::SMLoc loc) {
  if (!now.module || !before.module)
    return nullptr;
  // The enclosing function's name: from the AST, or (when the edit broke
  // the function so that it did not parse) the last `fn NAME` before.
  llvm::StringRef fnName;
  if (const ast::FuncDecl *f = enclosingFunction(*now.module, loc)) {
    fnName = f->getName().name;
  } else {
    llvm::StringRef text = now.text().take_front(now.offsetOf(loc));
    for (size_t at = text.rfind("fn "); at != llvm::StringRef::npos;
         at = text.take_front(at).rfind("fn ")) {
      if (at > 0 && (llvm::isAlnum(text[at - 1]) || text[at - 1] == '_'))
        continue;
      llvm::StringRef rest = text.drop_front(at + 3).ltrim();
      fnName = rest.take_while(
          [](char ch) { return llvm::isAlnum(ch) || ch == '_'; });
      break;
    }
  }
  if (!fnName.empty()) {
    for (const ast::FuncDecl *g : before.module->declsOf<ast::FuncDecl>()) {
      if (g->getName().name != fnName)
        continue;
      const sema::Type *found = nullptr;
      walk(g, [&](const ast::Node *n) {
        auto *d = llvm::dyn_cast<ast::Decl>(n);
        if (found || !d || d->getName().name != name ||
            !(llvm::isa<ast::VarDecl>(d) || llvm::isa<ast::ParamDecl>(d)))
          return;
        for (const TypedIn &t : before.typesOfDecl(d))
          if (t.type && !t.type->isError()) {
            found = t.type;
            return;
          }
      });
      if (found)
        return found;
    }
  }
  if (auto *c =
          llvm::dyn_cast_or_null<ast::ConstDecl>(before.lookupTopLevel(name)))
    if (const sema::ModuleConst *mc = before.moduleConst(c))
      return mc->type;
  return nullptr;
}

static void memberItems(const sema::Type *t, Items &items) {
  if (!t)
    return;
  if (t->isStruct()) {
    const sema::StructInstance *s = t->getStruct();
    for (size_t i = 0; i < s->fieldNames.size() && i < s->fieldTypes.size();
         ++i)
      items.add(s->fieldNames[i], KField,
                s->fieldTypes[i] ? s->fieldTypes[i]->str() : "", '0');
  } else if (t->isTuple()) {
    for (size_t i = 0; i < t->getElements().size(); ++i)
      items.add(std::to_string(i), KField, t->getElements()[i]->str(), '0');
  } else if (t->isTensor() && t->getRank() == 2) {
    auto shape = t->getShape();
    items.add("T", KProperty,
              sema::elemName(t->getElem()).str() + "[" +
                  std::to_string(shape[1]) + ", " + std::to_string(shape[0]) +
                  "]",
              '0');
  }
}

/// The type of `chain[k]` given the type of `chain[k-1]`: a struct field
/// or a tuple element.
static const sema::Type *memberType(const sema::Type *t, llvm::StringRef m) {
  if (!t)
    return nullptr;
  if (t->isStruct()) {
    if (std::optional<unsigned> i = t->getStruct()->findField(m))
      return t->getStruct()->fieldTypes[*i];
    return nullptr;
  }
  unsigned index = 0;
  if (t->isTuple() && !m.getAsInteger(10, index) &&
      index < t->getElements().size())
    return t->getElements()[index];
  return nullptr;
}

static void namedArgumentItems(const Analysis &a, const CallSite &call,
                               llvm::SMLoc loc, Items &items) {
  auto given = [&](llvm::StringRef n) {
    return llvm::is_contained(call.namedGiven, n.str());
  };
  const ast::Decl *target = nullptr;
  if (call.callee.size() == 1)
    target = lookupName(a, call.callee[0], loc);
  else if (call.callee.size() == 2)
    target = a.lookupQualified(call.callee[0], call.callee[1]);
  // Parameters already filled by the positional arguments are skipped.
  if (auto *f = llvm::dyn_cast_or_null<ast::FuncDecl>(target)) {
    auto params = f->getParams();
    for (const ast::ParamDecl *p : params.drop_front(
             std::min<size_t>(call.positionalBefore, params.size())))
      if (!given(p->getName().name))
        items.add(p->getName().name.str() + ":", KProperty, paramText(*p), '0',
                  p->getName().name.str() + ": ");
    return;
  }
  if (target || call.callee.size() != 1)
    return;
  std::optional<sema::BuiltinId> b = sema::lookupBuiltin(call.callee[0]);
  if (!b) {
    if (call.callee[0] == "grad" || call.callee[0] == "value_and_grad" ||
        call.callee[0] == "vjp" || call.callee[0] == "jvp")
      if (!given("wrt"))
        items.add("wrt:", KProperty, "wrt: param | (params, ...)", '0',
                  "wrt: ");
    return;
  }
  for (const sema::BuiltinSignature &sig : sema::getBuiltinSignatures(*b)) {
    unsigned positional = 0;
    for (const sema::BuiltinParam &p : sig.params) {
      bool filled = !p.nameOnly && positional++ < call.positionalBefore;
      if (p.byName && !filled && !given(p.name))
        items.add(p.name.str() + ":", KProperty, p.label, '0',
                  p.name.str() + ": ");
    }
  }
}

llvm::json::Value completion(const FeatureContext &c, Position p) {
  const Analysis &a = c.analysis;
  size_t offset = c.lines.offset(p);
  TextContext ctx = scanContext(a.text(), offset);
  llvm::json::Object result{{"isIncomplete", false}};
  if (ctx.inComment) {
    result["items"] = llvm::json::Array();
    return result;
  }
  Items items(ctx.prefix);
  llvm::SMLoc loc = a.locAt(ctx.wordStart);

  if (ctx.afterDot) {
    const std::vector<std::string> &chain = ctx.memberOf;
    const ast::Decl *first =
        chain.empty() ? nullptr : lookupName(a, chain[0], loc);
    if (chain.size() == 1 && llvm::isa_and_nonnull<ast::ImportDecl>(first)) {
      if (const ast::Module *m = a.importedModule(chain[0]))
        for (const ast::Decl *d : m->getDecls())
          addDecl(a, d, '0', items);
    } else if (!chain.empty()) {
      const sema::Type *t = typeOfName(a, chain[0], loc);
      if (!t && c.previous)
        t = typeOfNameBefore(a, *c.previous, chain[0], loc);
      for (size_t k = 1; k < chain.size() && t; ++k)
        t = memberType(t, chain[k]);
      memberItems(t, items);
    }
    result["items"] = items.take();
    return result;
  }

  if (ctx.call && ctx.call->maybeTypingName)
    namedArgumentItems(a, *ctx.call, loc, items);

  if (a.module) {
    if (const ast::FuncDecl *f = enclosingFunction(*a.module, loc)) {
      std::vector<const ast::Decl *> locals = visibleLocals(*f, loc);
      for (auto it = locals.rbegin(); it != locals.rend(); ++it)
        addDecl(a, *it, '1', items);
    }
    for (const ast::Decl *d : a.module->getDecls())
      addDecl(a, d, '2', items);
    for (const ast::ImportDecl *i : a.module->declsOf<ast::ImportDecl>()) {
      items.add(i->getName().name, KModule, foldedText(i->getRange()), '3');
      if (i->module)
        for (const ast::Decl *d : i->module->getDecls())
          addDecl(a, d, '3', items);
    }
  }
  for (unsigned i = 0; i < unsigned(sema::BuiltinId::NumBuiltins); ++i) {
    auto id = sema::BuiltinId(i);
    llvm::StringRef name = sema::getBuiltinName(id);
    auto sigs = sema::getBuiltinSignatures(id);
    items.add(name, KFunction,
              sigs.empty() ? "" : sema::formatSignature(name, sigs[0]), '4', "",
              sigs.empty() ? "" : sigs[0].doc);
  }
  for (const char *t : {"grad", "value_and_grad", "vjp", "jvp"})
    items.add(t, KFunction, std::string(t) + "(f, wrt: ...)", '4');
  for (const char *k : {"fn", "let", "var", "const", "struct", "return", "if",
                        "else", "for", "in", "while", "break", "continue",
                        "import", "export", "as", "true", "false", "print"})
    items.add(k, KKeyword, "", '5');
  for (const char *t : {"bool", "i8", "i32", "i64", "f32", "f64"})
    items.add(t, KKeyword, "dtype", '5');
  result["items"] = items.take();
  return result;
}

} // namespace tdl::lsp
