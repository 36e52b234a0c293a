//===- DotWriter.cpp ------------------------------------------------------===//
#include "ssa_ir/DotWriter.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/GraphWriter.h"

namespace tdl::ir {

namespace {

class DotWriter {
public:
  explicit DotWriter(llvm::raw_ostream &os) : os(os) {}

  void writeFunction(const Function &f) {
    os << "  subgraph cluster_" << nextCluster++ << " {\n";
    os << "    label=\"" << llvm::DOT::EscapeString("@" + f.getName().str())
       << "\";\n";
    if (!f.isDerivedDeclaration())
      writeRegion(f.getBody(), 4);
    os << "  }\n";
  }

  void writeEdges() {
    for (auto &[user, defs] : edges)
      for (const Value *v : defs)
        os << "  " << nodeOf(v) << " -> n" << ids.lookup(user) << ";\n";
  }

private:
  std::string nodeOf(const Value *v) {
    if (v->isBlockArgument())
      return "a" + std::to_string(argIds.lookup(v));
    return "n" + std::to_string(ids.lookup(v->getDefiningOp()));
  }

  void writeRegion(const Region &r, unsigned indent) {
    for (const Value *a : r.getArguments()) {
      unsigned id = argIds[a] = nextArg++;
      os.indent(indent) << "a" << id << " [shape=ellipse, label=\"arg "
                        << a->getIndex() << " : "
                        << llvm::DOT::EscapeString(a->getType().str())
                        << "\"];\n";
    }
    for (const auto &op : r.getOps()) {
      unsigned id = ids[op.get()] = nextOp++;
      std::string label = op->getName().str();
      for (unsigned i = 0; i < op->getNumResults(); ++i)
        label += (i ? ", " : " : ") + op->getResult(i)->getType().str();
      os.indent(indent) << "n" << id << " [shape=box, label=\""
                        << llvm::DOT::EscapeString(label) << "\"];\n";
      for (Value *v : op->getOperands())
        edges.push_back({op.get(), {v}});
      for (unsigned k = 0; k < op->getNumRegions(); ++k) {
        os.indent(indent) << "subgraph cluster_" << nextCluster++ << " {\n";
        os.indent(indent + 2)
            << "label=\"" << op->getName() << " region " << k << "\";\n";
        writeRegion(op->getRegion(k), indent + 2);
        os.indent(indent) << "}\n";
      }
    }
  }

  llvm::raw_ostream &os;
  llvm::DenseMap<const Operation *, unsigned> ids;
  llvm::DenseMap<const Value *, unsigned> argIds;
  std::vector<std::pair<const Operation *, std::vector<const Value *>>> edges;
  unsigned nextOp = 0, nextArg = 0, nextCluster = 0;
};

} // namespace

void writeDot(const Module &m, llvm::raw_ostream &os) {
  os << "digraph tdl_ir {\n  compound=true;\n  node "
        "[fontname=\"monospace\"];\n";
  DotWriter w(os);
  for (const auto &f : m.getFunctions())
    w.writeFunction(*f);
  w.writeEdges();
  os << "}\n";
}

} // namespace tdl::ir
