//===- SignatureHelp.cpp - textDocument/signatureHelp ---------------------===//
//
// For the innermost call around the cursor: the callee's signature (a user
// function's as written, with defaults; a builtin's from
// sema/BuiltinSignatures.h, both forms of max and min; a transform's) and
// the active parameter: the one named by `name:` when the argument under
// the cursor is named, else the next positional one.
//
//===----------------------------------------------------------------------===//
#include "tools/lsp/Describe.h"
#include "tools/lsp/Features.h"
#include "tools/lsp/SymbolAt.h"
#include "tools/lsp/TextContext.h"

#include "sema/BuiltinSignatures.h"

namespace tdl::lsp {

namespace {
/// Builds a label piece by piece, remembering where each parameter is.
class SignatureBuilder {
public:
  explicit SignatureBuilder(OffsetEncoding e) : encoding(e) {}
  void text(llvm::StringRef s) { label += s; }
  void param(llvm::StringRef s, llvm::StringRef name, bool nameOnly = false) {
    positional.push_back(!nameOnly);
    if (!params.empty())
      label += ", ";
    int start = units(label);
    label += s;
    params.push_back(
        llvm::json::Object{{"label", llvm::json::Array{start, units(label)}}});
    names.push_back(name.str());
  }
  llvm::json::Object build(llvm::StringRef doc) {
    llvm::json::Object o{{"label", jsonText(label)},
                         {"parameters", std::move(params)}};
    if (!doc.empty())
      o["documentation"] = jsonText(doc);
    return o;
  }
  /// Index of the `n`th parameter that may be passed positionally, or -1.
  int positionalIndex(unsigned n) const {
    for (size_t i = 0; i < positional.size(); ++i)
      if (positional[i] && n-- == 0)
        return int(i);
    return -1;
  }
  /// Index of the parameter `name`, or -1.
  int indexOf(llvm::StringRef name) const {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == name)
        return int(i);
    return -1;
  }

private:
  int units(llvm::StringRef s) const {
    if (encoding == OffsetEncoding::UTF8)
      return int(s.size());
    LineTable t(s, OffsetEncoding::UTF16);
    // Labels are one line: the position's character is the length.
    Position p = t.position(s.size());
    return p.line == 0 ? p.character : int(s.size());
  }
  OffsetEncoding encoding;
  std::string label;
  llvm::json::Array params;
  std::vector<std::string> names;
  std::vector<bool> positional;
};
} // namespace

llvm::json::Value signatureHelp(const FeatureContext &c, Position p) {
  const Analysis &a = c.analysis;
  size_t offset = c.lines.offset(p);
  TextContext ctx = scanContext(a.text(), offset);
  if (!ctx.call)
    return nullptr;
  const CallSite &call = *ctx.call;
  llvm::SMLoc loc = a.locAt(call.openParen);
  const ast::Decl *target = nullptr;
  if (call.callee.size() == 1)
    target = lookupName(a, call.callee[0], loc);
  else if (call.callee.size() == 2)
    target = a.lookupQualified(call.callee[0], call.callee[1]);

  llvm::json::Array signatures;
  int activeSignature = 0, activeParameter = int(call.positionalBefore);
  auto activeIn = [&](const SignatureBuilder &b) {
    if (call.activeName)
      return b.indexOf(*call.activeName);
    // After a named argument only named ones may follow.
    if (!call.namedGiven.empty())
      return -1;
    return b.positionalIndex(call.positionalBefore);
  };

  if (auto *f = llvm::dyn_cast_or_null<ast::FuncDecl>(target)) {
    SignatureBuilder b(c.encoding);
    std::string prefix = functionPrefix(*f);
    b.text(prefix);
    for (const ast::ParamDecl *param : f->getParams())
      b.param(paramText(*param), param->getName().name);
    b.text(functionSuffix(*f));
    activeParameter = activeIn(b);
    signatures.push_back(b.build(docComment(a.sources, *f)));
  } else if (target) {
    // A derived function, a struct, a local: no parameter list to show.
    if (!llvm::isa<ast::DerivedFuncDecl>(target))
      return nullptr;
    SignatureBuilder b(c.encoding);
    b.text(foldedText(target->getRange()));
    activeParameter = 0;
    signatures.push_back(b.build(""));
  } else if (call.callee.size() == 1) {
    llvm::StringRef name = call.callee[0];
    if (std::optional<sema::BuiltinId> id = sema::lookupBuiltin(name)) {
      auto sigs = sema::getBuiltinSignatures(*id);
      for (size_t i = 0; i < sigs.size(); ++i) {
        SignatureBuilder b(c.encoding);
        b.text(name.str() + "(");
        for (const sema::BuiltinParam &param : sigs[i].params)
          b.param(param.label, param.name, param.nameOnly);
        b.text(") -> " + sigs[i].result.str());
        // max/min: the reduction form once `axis:`/`keepdims:` appears or
        // only one positional argument is there and a name is being typed.
        bool named = call.activeName || !call.namedGiven.empty();
        if (sigs.size() > 1 && named && i == 1)
          activeSignature = 1;
        if (int(i) == activeSignature || i == 0)
          activeParameter = activeIn(b);
        signatures.push_back(b.build(sigs[i].doc));
      }
      if (activeSignature == 1) {
        SignatureBuilder b(c.encoding);
        for (const sema::BuiltinParam &param : sigs[1].params)
          b.param(param.label, param.name, param.nameOnly);
        activeParameter = activeIn(b);
      }
    } else if (name == "grad" || name == "value_and_grad" || name == "vjp" ||
               name == "jvp") {
      SignatureBuilder b(c.encoding);
      b.text(name.str() + "(");
      b.param("f: fn", "f");
      b.param("wrt: param | (params, ...) = every float parameter", "wrt");
      b.text(")");
      activeParameter = activeIn(b);
      signatures.push_back(
          b.build("function transform (automatic differentiation)"));
    }
  }
  if (signatures.empty())
    return nullptr;
  // An unknown `name:` highlights no parameter; LSP has no way to say so
  // before 3.18 but an index past the end.
  if (activeParameter < 0)
    activeParameter = 999;
  return llvm::json::Object{{"signatures", std::move(signatures)},
                            {"activeSignature", activeSignature},
                            {"activeParameter", activeParameter}};
}

} // namespace tdl::lsp
