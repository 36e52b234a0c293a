//===- Printer.cpp - the IR text form (output) ----------------------------===//
#include "ssa_ir/Printer.h"

#include "basic/SourceManager.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"

#include <fmt/format.h>

#include <cmath>

namespace tdl::ir {

std::string formatFloatAttr(double v, bool asF32) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v < 0 ? "-inf" : "inf";
  // Shortest text that reads back as the same double, always with a '.' or
  // an exponent so it lexes as a float.
  std::string s = asF32 ? fmt::format("{}", float(v)) : fmt::format("{}", v);
  if (s.find_first_of(".eEn") == std::string::npos)
    s += ".0";
  return s;
}

namespace {

class FunctionPrinter {
public:
  FunctionPrinter(const Function &f, llvm::raw_ostream &os,
                  const PrintOptions &opts)
      : fn(f), os(os), opts(opts) {
    if (!f.isDerivedDeclaration())
      nameRegion(f.getBody());
  }

  void printFunction();
  void printOp(const Operation &op, unsigned indent, bool withRegions);

private:
  std::string freshName(const Value *v);
  void nameRegion(const Region &r);
  void printValue(const Value *v);
  void printArgList(const Region &r);
  void printRegion(const Region &r, unsigned indent);
  void printLoc(const Location &loc);

  const Function &fn;
  llvm::raw_ostream &os;
  const PrintOptions &opts;
  llvm::DenseMap<const Value *, std::string> names;
  llvm::DenseMap<const Operation *, std::string> groupNames;
  llvm::StringSet<> used;
  unsigned next = 0;
};

std::string FunctionPrinter::freshName(const Value *v) {
  llvm::StringRef hint = v->getNameHint();
  std::string name;
  if (!hint.empty() && !used.contains(hint))
    name = hint.str();
  else
    do
      name = std::to_string(next++);
    while (used.contains(name));
  used.insert(name);
  return name;
}

void FunctionPrinter::nameRegion(const Region &r) {
  for (const Value *a : r.getArguments())
    names[a] = freshName(a);
  for (const auto &op : r.getOps()) {
    if (op->getNumResults() == 1) {
      names[op->getResult(0)] = freshName(op->getResult(0));
    } else if (op->getNumResults() > 1) {
      std::string g = freshName(op->getResult(0));
      groupNames[op.get()] = g;
      for (unsigned i = 0; i < op->getNumResults(); ++i)
        names[op->getResult(i)] = g + "#" + std::to_string(i);
    }
    for (unsigned i = 0; i < op->getNumRegions(); ++i)
      nameRegion(op->getRegion(i));
  }
}

void FunctionPrinter::printValue(const Value *v) {
  auto it = names.find(v);
  os << '%' << (it == names.end() ? std::string("<<unknown>>") : it->second);
}

void FunctionPrinter::printLoc(const Location &loc) {
  std::string file;
  unsigned line = 0, col = 0;
  if (loc.hasFileLineCol()) {
    file = loc.file;
    line = loc.line;
    col = loc.col;
  } else if (opts.resolveLocations && loc.pos.isValid()) {
    unsigned buf = opts.resolveLocations->findBuffer(loc.pos);
    if (!buf)
      return;
    file = opts.resolveLocations->getBufferName(buf).str();
    LineColumn lc = opts.resolveLocations->getLineColumn(loc.pos);
    line = lc.line;
    col = lc.column;
  } else {
    return;
  }
  os << " loc(\"";
  os.write_escaped(file);
  os << "\":" << line << ':' << col << ')';
}

void FunctionPrinter::printArgList(const Region &r) {
  for (unsigned i = 0; i < r.getNumArguments(); ++i) {
    if (i)
      os << ", ";
    printValue(r.getArgument(i));
    os << ": " << r.getArgument(i)->getType();
  }
}

void FunctionPrinter::printRegion(const Region &r, unsigned indent) {
  os << "{\n";
  if (r.getNumArguments()) {
    os.indent(indent) << "^(";
    printArgList(r);
    os << "):\n";
  }
  for (const auto &op : r.getOps())
    printOp(*op, indent + 2, true);
  os.indent(indent) << '}';
}

void FunctionPrinter::printOp(const Operation &op, unsigned indent,
                              bool withRegions) {
  os.indent(indent);
  if (op.getNumResults() == 1) {
    printValue(op.getResult(0));
    os << " = ";
  } else if (op.getNumResults() > 1) {
    auto it = groupNames.find(&op);
    os << '%' << (it == groupNames.end() ? "<<unknown>>" : it->second) << ':'
       << op.getNumResults() << " = ";
  }
  os << op.getName();
  for (unsigned i = 0; i < op.getNumOperands(); ++i) {
    os << (i ? ", " : " ");
    printValue(op.getOperand(i));
  }
  if (!op.getAttrs().empty()) {
    os << " {";
    bool first = true;
    for (const NamedAttribute &a : op.getAttrs().entries()) {
      os << (first ? "" : ", ") << a.name << " = ";
      a.value.print(os);
      first = false;
    }
    os << '}';
  }
  for (unsigned i = 0; i < op.getNumResults(); ++i)
    os << (i ? ", " : " : ") << op.getResult(i)->getType();
  printLoc(op.getLoc());
  for (unsigned i = 0; i < op.getNumRegions(); ++i) {
    os << ' ';
    if (withRegions)
      printRegion(op.getRegion(i), indent);
    else
      os << "{...}";
  }
  if (withRegions)
    os << '\n';
}

static void printTypeList(llvm::raw_ostream &os, llvm::ArrayRef<Type> ts) {
  if (ts.size() == 1 && ts[0].isTensor()) {
    os << ts[0];
    return;
  }
  os << '(';
  for (size_t i = 0; i < ts.size(); ++i)
    os << (i ? ", " : "") << ts[i];
  os << ')';
}

void FunctionPrinter::printFunction() {
  if (fn.isExported())
    os << "export ";
  os << "func @" << fn.getName();
  if (fn.isDerivedDeclaration()) {
    os << " = " << derivedKindName(fn.getDerivedKind()) << " @"
       << fn.getDerivedBase();
    if (fn.getDerivedKind() != DerivedKind::Checkpoint) {
      os << " wrt [";
      llvm::ArrayRef<int64_t> wrt = fn.getDerivedWrt();
      for (size_t i = 0; i < wrt.size(); ++i)
        os << (i ? ", " : "") << wrt[i];
      os << ']';
    }
    printLoc(fn.getLoc());
    os << '\n';
    return;
  }
  os << '(';
  printArgList(fn.getBody());
  os << ") -> ";
  printTypeList(os, fn.getResultTypes());
  if (!fn.getCustomVjp().empty())
    os << " custom_vjp @" << fn.getCustomVjp();
  if (!fn.getCustomJvp().empty())
    os << " custom_jvp @" << fn.getCustomJvp();
  if (fn.isCheckpoint())
    os << " checkpoint";
  printLoc(fn.getLoc());
  os << " {\n";
  for (const auto &op : fn.getBody().getOps())
    printOp(*op, 2, true);
  os << "}\n";
}

} // namespace

void printFunction(const Function &f, llvm::raw_ostream &os,
                   const PrintOptions &opts) {
  FunctionPrinter(f, os, opts).printFunction();
}

void printModule(const Module &m, llvm::raw_ostream &os,
                 const PrintOptions &opts) {
  bool first = true;
  for (const auto &f : m.getFunctions()) {
    if (!first)
      os << '\n';
    first = false;
    printFunction(*f, os, opts);
  }
}

void printOperation(const Operation &op, llvm::raw_ostream &os,
                    const PrintOptions &opts) {
  const Function *f = op.getParentFunction();
  if (!f) {
    os << op.getName() << " (detached)";
    return;
  }
  FunctionPrinter(*f, os, opts).printOp(op, 0, false);
}

std::string toString(const Module &m) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printModule(m, os);
  return s;
}

} // namespace tdl::ir
