//===- Type.cpp - concrete types, interning and printing ------------------===//
#include "sema/Type.h"

#include "lang/ASTDecl.h"

#include <fmt/format.h>

#include <cassert>

namespace tdl::sema {

Elem fromDType(ast::DType t) {
  switch (t) {
  case ast::DType::Bool:
    return Elem::Bool;
  case ast::DType::I8:
    return Elem::I8;
  case ast::DType::I32:
    return Elem::I32;
  case ast::DType::I64:
    return Elem::I64;
  case ast::DType::F32:
    return Elem::F32;
  case ast::DType::F64:
    return Elem::F64;
  }
  return Elem::F32;
}

ast::DType toDType(Elem e) {
  switch (e) {
  case Elem::Bool:
    return ast::DType::Bool;
  case Elem::I8:
    return ast::DType::I8;
  case Elem::I32:
    return ast::DType::I32;
  case Elem::I64:
    return ast::DType::I64;
  case Elem::F32:
    return ast::DType::F32;
  case Elem::F64:
    return ast::DType::F64;
  case Elem::UntypedInt:
  case Elem::UntypedFloat:
    break;
  }
  assert(false && "untyped element reached a concrete use");
  return ast::DType::F32;
}

llvm::StringRef elemName(Elem e) {
  switch (e) {
  // An untyped literal reads as the dtype it defaults to (an untyped tensor
  // literal of floats is an f32 tensor to the user); a lone scalar literal is
  // named as such by Type::str().
  case Elem::UntypedInt:
    return "i32";
  case Elem::UntypedFloat:
    return "f32";
  default:
    return ast::getDTypeName(toDType(e));
  }
}

Elem defaultElem(Elem e) {
  if (e == Elem::UntypedInt)
    return Elem::I32;
  if (e == Elem::UntypedFloat)
    return Elem::F32;
  return e;
}

std::string shapeToString(llvm::ArrayRef<int64_t> shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

std::optional<int64_t> boundedNumElements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d == 0)
      return 0;
    if (d < 0 || n > kMaxTensorElements / d)
      n = kMaxTensorElements + 1; // keep scanning: a later 0 makes it empty
    else
      n *= d;
  }
  if (n > kMaxTensorElements)
    return std::nullopt;
  return n;
}

const Type *oversizedTensorIn(const Type *t) {
  if (!t)
    return nullptr;
  if (t->isTensor())
    return boundedNumElements(t->getShape()) ? nullptr : t;
  if (t->isStruct()) {
    for (const Type *f : t->getStruct()->fieldTypes)
      if (const Type *big = oversizedTensorIn(f))
        return big;
    return nullptr;
  }
  if (t->isTuple())
    for (const Type *e : t->getElements())
      if (const Type *big = oversizedTensorIn(e))
        return big;
  return nullptr;
}

int64_t Type::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

bool Type::hasUntyped() const {
  switch (kind) {
  case Kind::Tensor:
    return isUntyped(elem);
  case Kind::Tuple:
    for (const Type *e : elements)
      if (e->hasUntyped())
        return true;
    return false;
  case Kind::Error:
  case Kind::Struct:
  case Kind::Function:
    return false;
  }
  return false;
}

std::string Type::str() const {
  // A lone untyped scalar is "an integer literal" / "a float literal"; inside
  // a tuple, a function type or with a shape it reads as its default dtype.
  if (kind == Kind::Tensor && shape.empty() && isUntyped(elem))
    return elem == Elem::UntypedInt ? "an integer literal" : "a float literal";
  return strNested();
}

std::string Type::strNested() const {
  switch (kind) {
  case Kind::Error:
    return "<error>";
  case Kind::Tensor:
    if (shape.empty())
      return elemName(elem).str();
    return elemName(elem).str() + shapeToString(shape);
  case Kind::Tuple: {
    std::string s = "(";
    for (size_t i = 0; i < elements.size(); ++i)
      s += (i ? ", " : "") + elements[i]->strNested();
    if (elements.size() == 1)
      s += ",";
    return s + ")";
  }
  case Kind::Struct:
    return structInst->name;
  case Kind::Function: {
    std::string s = "fn(";
    for (size_t i = 0; i < elements.size(); ++i)
      s += (i ? ", " : "") + elements[i]->strNested();
    return s + ") -> " + result->strNested();
  }
  }
  return "<?>";
}

std::string GenericValue::str() const {
  switch (kind) {
  case Kind::Dim:
    return std::to_string(dim);
  case Kind::Pack:
    return shapeToString(pack);
  case Kind::DType:
    return elemName(dtype).str();
  }
  return "?";
}

std::optional<unsigned> StructInstance::findField(llvm::StringRef n) const {
  for (unsigned i = 0; i < fieldNames.size(); ++i)
    if (fieldNames[i] == n)
      return i;
  return std::nullopt;
}

TypeContext::TypeContext() {
  errorType = intern(std::unique_ptr<Type>(new Type(Type::Kind::Error)));
}

// The interning key spells the structure with pointers for components, so
// equal structure means equal key and equal pointer.
static std::string keyOf(const Type &t) {
  std::string k = std::to_string(static_cast<int>(t.getKind())) + ":";
  switch (t.getKind()) {
  case Type::Kind::Error:
    break;
  case Type::Kind::Tensor:
    k += std::to_string(static_cast<int>(t.getElem())) +
         shapeToString(t.getShape());
    break;
  case Type::Kind::Tuple:
  case Type::Kind::Function:
    for (const Type *e : t.getElements())
      k += fmt::format("{},", static_cast<const void *>(e));
    k += fmt::format("->{}", static_cast<const void *>(t.getResult()));
    break;
  case Type::Kind::Struct:
    k += fmt::format("{}", static_cast<const void *>(t.getStruct()));
    break;
  }
  return k;
}

const Type *TypeContext::intern(std::unique_ptr<Type> t) {
  std::string key = keyOf(*t);
  auto [it, inserted] = types.try_emplace(key, nullptr);
  if (inserted)
    it->second = std::move(t);
  return it->second.get();
}

const Type *TypeContext::tensor(Elem e, llvm::ArrayRef<int64_t> shape) {
  auto t = std::unique_ptr<Type>(new Type(Type::Kind::Tensor));
  t->elem = e;
  t->shape.assign(shape.begin(), shape.end());
  return intern(std::move(t));
}

const Type *TypeContext::tuple(llvm::ArrayRef<const Type *> elements) {
  auto t = std::unique_ptr<Type>(new Type(Type::Kind::Tuple));
  t->elements.assign(elements.begin(), elements.end());
  return intern(std::move(t));
}

const Type *TypeContext::function(llvm::ArrayRef<const Type *> params,
                                  const Type *result) {
  auto t = std::unique_ptr<Type>(new Type(Type::Kind::Function));
  t->elements.assign(params.begin(), params.end());
  t->result = result;
  return intern(std::move(t));
}

const Type *TypeContext::structType(const StructInstance *s) {
  auto t = std::unique_ptr<Type>(new Type(Type::Kind::Struct));
  t->structInst = s;
  return intern(std::move(t));
}

StructInstance *TypeContext::findStruct(const ast::StructDecl *decl,
                                        llvm::ArrayRef<GenericValue> args) {
  for (auto &s : structs)
    if (s->decl == decl && llvm::ArrayRef(s->genericArgs) == args)
      return s.get();
  return nullptr;
}

StructInstance *TypeContext::createStruct(const ast::StructDecl *decl,
                                          llvm::ArrayRef<GenericValue> args) {
  auto s = std::make_unique<StructInstance>();
  s->decl = decl;
  s->genericArgs.assign(args.begin(), args.end());
  s->name = decl->getName().name.str();
  if (!args.empty()) {
    std::vector<std::string> parts;
    for (const GenericValue &v : args)
      parts.push_back(v.str());
    s->name += fmt::format("<{}>", fmt::join(parts, ", "));
  }
  structs.push_back(std::move(s));
  return structs.back().get();
}

const Type *TypeContext::withElem(const Type *t, Elem e) {
  assert(t->isTensor() && "withElem on a non-tensor");
  return tensor(e, t->getShape());
}

const Type *TypeContext::defaulted(const Type *t) {
  if (t->isTensor())
    return isUntyped(t->getElem()) ? withElem(t, defaultElem(t->getElem())) : t;
  if (t->isTuple()) {
    std::vector<const Type *> elems;
    for (const Type *e : t->getElements())
      elems.push_back(defaulted(e));
    return tuple(elems);
  }
  return t;
}

bool isFloatLeaves(const Type *t) {
  switch (t->getKind()) {
  case Type::Kind::Tensor:
    return isFloat(t->getElem());
  case Type::Kind::Tuple:
    for (const Type *e : t->getElements())
      if (!isFloatLeaves(e))
        return false;
    return !t->getElements().empty();
  case Type::Kind::Struct:
    for (const Type *e : t->getStruct()->fieldTypes)
      if (!isFloatLeaves(e))
        return false;
    return true;
  case Type::Kind::Error:
  case Type::Kind::Function:
    return false;
  }
  return false;
}

bool containsError(const Type *t) {
  switch (t->getKind()) {
  case Type::Kind::Error:
    return true;
  case Type::Kind::Tensor:
    return false;
  case Type::Kind::Tuple:
  case Type::Kind::Function:
    for (const Type *e : t->getElements())
      if (containsError(e))
        return true;
    return t->getResult() && containsError(t->getResult());
  case Type::Kind::Struct:
    for (const Type *e : t->getStruct()->fieldTypes)
      if (containsError(e))
        return true;
    return false;
  }
  return false;
}

} // namespace tdl::sema
