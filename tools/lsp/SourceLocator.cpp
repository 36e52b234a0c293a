//===- SourceLocator.cpp --------------------------------------------------===//
#include "tools/lsp/SourceLocator.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"

namespace tdl::lsp {

static constexpr llvm::StringLiteral kStdlibPrefix = "<stdlib>/";

SourceLocator::SourceLocator(std::string dir) : cacheDir(std::move(dir)) {
  if (cacheDir.empty()) {
    llvm::SmallString<256> p;
    if (llvm::sys::path::cache_directory(p)) {
      llvm::sys::path::append(p, "tdlc");
      cacheDir = std::string(p);
    }
  }
}

std::string SourceLocator::stdlibCopy(llvm::StringRef bufferName,
                                      llvm::StringRef text) {
  if (cacheDir.empty())
    return "";
  std::string hash = llvm::utohexstr(llvm::xxh3_64bits(text), true);
  std::string key = bufferName.str() + "#" + hash;
  auto it = written.find(key);
  if (it != written.end())
    return it->second;
  llvm::StringRef rel = bufferName.drop_front(kStdlibPrefix.size());
  llvm::SmallString<256> path(cacheDir);
  llvm::sys::path::append(path, "stdlib-" + hash);
  llvm::sys::path::append(path, rel);
  std::string result = std::string(path);
  // An existing copy with the same text is kept (it is read-only).
  auto existing = llvm::MemoryBuffer::getFile(result);
  if (!existing || (*existing)->getBuffer() != text) {
    if (llvm::sys::fs::create_directories(llvm::sys::path::parent_path(path)))
      return "";
    (void)llvm::sys::fs::setPermissions(result, llvm::sys::fs::all_read |
                                                    llvm::sys::fs::owner_write);
    std::error_code ec;
    {
      llvm::raw_fd_ostream os(result, ec);
      if (ec)
        return "";
      os << text;
    }
    // Read-only, so an editor warns before anyone edits the copy.
    (void)llvm::sys::fs::setPermissions(result, llvm::sys::fs::all_read);
  }
  written[key] = result;
  return result;
}

std::string SourceLocator::uriOf(const SourceManager &sources, unsigned id,
                                 unsigned mainBuffer, llvm::StringRef mainURI) {
  if (id == mainBuffer)
    return mainURI.str();
  llvm::StringRef name = sources.getBufferName(id);
  if (name.starts_with(kStdlibPrefix)) {
    std::string path = stdlibCopy(name, sources.getBufferText(id));
    return path.empty() ? "" : uriFromPath(path);
  }
  llvm::SmallString<256> path(name);
  if (llvm::sys::fs::make_absolute(path))
    return "";
  llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
  return uriFromPath(path);
}

Range toRange(const SourceManager &sources, llvm::SMRange r,
              OffsetEncoding encoding) {
  unsigned id = sources.findBuffer(r.Start);
  if (!id)
    return {};
  llvm::StringRef text = sources.getBufferText(id);
  LineTable lines(text, encoding);
  size_t start = r.Start.getPointer() - text.data();
  size_t end = start;
  if (r.End.isValid() && r.End.getPointer() >= r.Start.getPointer() &&
      r.End.getPointer() <= text.data() + text.size())
    end = r.End.getPointer() - text.data();
  return {lines.position(start), lines.position(end)};
}

llvm::json::Value SourceLocator::location(const SourceManager &sources,
                                          llvm::SMRange r, unsigned mainBuffer,
                                          llvm::StringRef mainURI,
                                          OffsetEncoding encoding) {
  unsigned id = sources.findBuffer(r.Start);
  if (!id)
    return nullptr;
  std::string uri = uriOf(sources, id, mainBuffer, mainURI);
  if (uri.empty())
    return nullptr;
  return llvm::json::Object{{"uri", jsonText(uri)},
                            {"range", toJSON(toRange(sources, r, encoding))}};
}

} // namespace tdl::lsp
