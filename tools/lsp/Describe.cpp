//===- Describe.cpp -------------------------------------------------------===//
#include "tools/lsp/Describe.h"

#include "sema/Type.h"

#include "llvm/ADT/StringExtras.h"

namespace tdl::lsp {

using namespace ast;

static llvm::StringRef rawText(llvm::SMRange r) {
  if (!r.Start.isValid() || !r.End.isValid() ||
      r.End.getPointer() < r.Start.getPointer())
    return "";
  return llvm::StringRef(r.Start.getPointer(),
                         r.End.getPointer() - r.Start.getPointer());
}

std::string foldedText(llvm::SMRange r) {
  std::string out;
  bool space = false;
  for (char c : rawText(r)) {
    if (llvm::isSpace(c)) {
      space = !out.empty();
      continue;
    }
    if (space && !(c == ')' || c == ']' || c == ',' ||
                   (!out.empty() && (out.back() == '(' || out.back() == '['))))
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string genericParamName(const GenericParamDecl &g) {
  return (g.isPack() ? ".." : "") + g.getName().name.str();
}

std::string functionPrefix(const FuncDecl &f) {
  std::string s = "fn " + f.getName().name.str();
  if (f.isGeneric()) {
    s += "<";
    for (size_t i = 0; i < f.getGenericParams().size(); ++i)
      s += (i ? ", " : "") + foldedText(f.getGenericParams()[i]->getRange());
    s += ">";
  }
  return s + "(";
}

std::string paramText(const ParamDecl &p) {
  std::string s = foldedText(p.getRange());
  if (s.empty())
    s = p.getName().name.str();
  return s;
}

std::string functionSuffix(const FuncDecl &f) {
  std::string s = ")";
  if (f.getResultType())
    s += " -> " + foldedText(f.getResultType()->getRange());
  return s;
}

std::string functionSignature(const FuncDecl &f) {
  std::string s = functionPrefix(f);
  for (size_t i = 0; i < f.getParams().size(); ++i)
    s += (i ? ", " : "") + paramText(*f.getParams()[i]);
  return s + functionSuffix(f);
}

std::string structSummary(const StructDecl &s) {
  std::string out = "struct " + s.getName().name.str();
  if (!s.getGenericParams().empty()) {
    out += "<";
    for (size_t i = 0; i < s.getGenericParams().size(); ++i)
      out += (i ? ", " : "") + foldedText(s.getGenericParams()[i]->getRange());
    out += ">";
  }
  out += " {";
  for (size_t i = 0; i < s.getFields().size(); ++i)
    out += (i ? ", " : " ") + foldedText(s.getFields()[i]->getRange());
  return out + (s.getFields().empty() ? "}" : " }");
}

std::string docComment(const SourceManager &sources, const Decl &d) {
  llvm::SMLoc start = d.getRange().Start;
  unsigned buffer = sources.findBuffer(start);
  if (!buffer)
    return "";
  llvm::StringRef text = sources.getBufferText(buffer);
  size_t offset = start.getPointer() - text.data();
  size_t lineStart = text.rfind('\n', offset);
  lineStart = lineStart == llvm::StringRef::npos ? 0 : lineStart + 1;
  // Only a declaration that starts its line has the comment above it (a
  // field on its struct's line does not).
  llvm::StringRef before = text.slice(lineStart, offset).trim();
  if (!before.empty() && before != "export" && !before.starts_with("@"))
    return "";
  // Attributes (`@derivative(...)`) may sit on the lines between.
  std::vector<std::string> lines;
  while (lineStart > 0) {
    size_t prevEnd = lineStart - 1; // the '\n'
    size_t prevStart = text.rfind('\n', prevEnd == 0 ? 0 : prevEnd - 1);
    prevStart = (prevStart == llvm::StringRef::npos || prevEnd == 0)
                    ? 0
                    : prevStart + 1;
    llvm::StringRef line = text.slice(prevStart, prevEnd).trim();
    if (line.starts_with("@")) { // an attribute between comment and decl
      lineStart = prevStart;
      continue;
    }
    if (!line.consume_front("///"))
      break;
    lines.push_back(line.trim().str());
    lineStart = prevStart;
  }
  std::reverse(lines.begin(), lines.end());
  return llvm::join(lines, "\n");
}

std::string bindingsText(const sema::FuncInstance &inst) {
  std::string s;
  if (!inst.decl)
    return s;
  auto params = inst.decl->getGenericParams();
  for (size_t i = 0; i < params.size() && i < inst.genericArgs.size(); ++i)
    s += (i ? ", " : "") + genericParamName(*params[i]) + " = " +
         inst.genericArgs[i].str();
  for (size_t i = 0; i < inst.constArgs.size(); ++i)
    if (inst.constArgs[i] && i < inst.decl->getParams().size())
      s += (s.empty() ? "" : ", ") +
           inst.decl->getParams()[i]->getName().name.str() + ": " +
           inst.constArgs[i]->str();
  return s;
}

std::string typesText(llvm::ArrayRef<TypedIn> types) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const TypedIn &t : types) {
    if (!t.type || sema::containsError(t.type))
      continue; // after an error: nothing worth showing
    std::string text = t.type->str();
    auto it = llvm::find_if(groups, [&](auto &g) { return g.first == text; });
    if (it == groups.end()) {
      groups.push_back({text, {}});
      it = groups.end() - 1;
    }
    if (t.instance && t.instance->decl && t.instance->decl->isGeneric())
      it->second.push_back(t.instance->name);
  }
  if (groups.size() == 1)
    return groups[0].first;
  std::string out;
  for (auto &[text, where] : groups) {
    out += (out.empty() ? "" : "\n") + text;
    if (!where.empty())
      out += "  // in " + llvm::join(where, ", ");
  }
  return out;
}

std::string declSummary(const Analysis &a, const Decl &d) {
  auto typed = [&](llvm::StringRef prefix) {
    std::string types = typesText(a.typesOfDecl(&d));
    std::string s = (prefix + d.getName().name).str();
    if (types.empty())
      return s;
    if (types.find('\n') == std::string::npos)
      return s + ": " + types;
    return s + ":\n" + types;
  };
  switch (d.getKind()) {
  case NodeKind::FuncDecl:
    return functionSignature(llvm::cast<FuncDecl>(d));
  case NodeKind::StructDecl:
    return structSummary(llvm::cast<StructDecl>(d));
  case NodeKind::FieldDecl:
    return "field " + foldedText(d.getRange());
  case NodeKind::DerivedFuncDecl:
    return foldedText(d.getRange());
  case NodeKind::ConstDecl: {
    auto &c = llvm::cast<ConstDecl>(d);
    std::string s = "const " + c.getName().name.str();
    if (const sema::ModuleConst *mc = a.moduleConst(&c)) {
      if (mc->type)
        s += ": " + mc->type->str();
      s += " = " + mc->value.str();
    } else if (c.getDeclaredType()) {
      s += ": " + foldedText(c.getDeclaredType()->getRange());
    }
    return s;
  }
  case NodeKind::ParamDecl: {
    auto &p = llvm::cast<ParamDecl>(d);
    std::string types = typesText(a.typesOfDecl(&d));
    std::string s = "param " + paramText(p);
    // A generic parameter's concrete types, per instance.
    if (!types.empty() &&
        types != foldedText(p.getParamType() ? p.getParamType()->getRange()
                                             : llvm::SMRange()))
      s += types.find('\n') == std::string::npos ? "  // " + types
                                                 : "\n" + types;
    return s;
  }
  case NodeKind::GenericParamDecl: {
    auto &g = llvm::cast<GenericParamDecl>(d);
    std::string s = "generic " + foldedText(g.getRange());
    return s;
  }
  case NodeKind::VarDecl: {
    auto &v = llvm::cast<VarDecl>(d);
    switch (v.getVarKind()) {
    case VarDecl::Kind::Let:
      return typed("let ");
    case VarDecl::Kind::Var:
      return typed("var ");
    case VarDecl::Kind::ForIndex:
      return typed("for ");
    }
    return typed("");
  }
  case NodeKind::ImportDecl:
    return foldedText(d.getRange());
  default:
    return d.getName().name.str();
  }
}

} // namespace tdl::lsp
