//===- SourceManager.cpp --------------------------------------------------===//
#include "basic/SourceManager.h"

#include "llvm/Support/MemoryBuffer.h"

namespace tdl {

llvm::Expected<unsigned> SourceManager::addFile(llvm::StringRef path) {
  auto buffer = path == "-"
                    ? llvm::MemoryBuffer::getSTDIN()
                    : llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return llvm::createStringError(buffer.getError(), "cannot open '%s': %s",
                                   path.str().c_str(),
                                   buffer.getError().message().c_str());
  // Re-wrap so the buffer is named "<stdin>" rather than "-" in diagnostics.
  if (path == "-")
    return addBuffer("<stdin>", (*buffer)->getBuffer());
  return mgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
}

unsigned SourceManager::addBuffer(llvm::StringRef name, llvm::StringRef text) {
  return mgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, name), llvm::SMLoc());
}

llvm::StringRef SourceManager::getBufferText(unsigned id) const {
  return mgr.getMemoryBuffer(id)->getBuffer();
}

llvm::StringRef SourceManager::getBufferName(unsigned id) const {
  return mgr.getMemoryBuffer(id)->getBufferIdentifier();
}

SourceLoc SourceManager::getBufferStart(unsigned id) const {
  return SourceLoc::getFromPointer(getBufferText(id).data());
}

unsigned SourceManager::findBuffer(SourceLoc loc) const {
  if (!loc.isValid())
    return 0;
  // FindBufferContainingLoc also accepts the one-past-the-end pointer.
  return mgr.FindBufferContainingLoc(loc);
}

LineColumn SourceManager::getLineColumn(SourceLoc loc) const {
  unsigned id = findBuffer(loc);
  if (!id)
    return {};
  auto [line, column] = mgr.getLineAndColumn(loc, id);
  return {line, column};
}

llvm::StringRef SourceManager::getLineText(SourceLoc loc) const {
  unsigned id = findBuffer(loc);
  if (!id)
    return {};
  llvm::StringRef text = getBufferText(id);
  size_t offset = loc.getPointer() - text.data();
  size_t begin = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  begin = (begin == llvm::StringRef::npos || offset == 0) ? 0 : begin + 1;
  if (offset > 0 && text[offset - 1] == '\n')
    begin = offset;
  size_t end = text.find('\n', offset);
  return text.slice(begin, end == llvm::StringRef::npos ? text.size() : end);
}

SourceLoc SourceManager::getLoc(unsigned id, unsigned line,
                                unsigned column) const {
  if (id == 0 || id > mgr.getNumBuffers() || line == 0 || column == 0)
    return {};
  return mgr.FindLocForLineAndColumn(id, line, column);
}

} // namespace tdl
