//===- SourceLocator.h - buffers as URIs, stdlib included ---------*- C++
//-*-===//
//
// Locations the server sends (definitions, related diagnostic notes) name
// a URI. The main buffer is the document's own URI; an imported file is
// the file:// URI of its path. The standard library embedded in tdlc has
// no file (its buffers are named `<stdlib>/std/nn.tdl`), so the server
// writes each embedded module it points into to a read-only cache file,
// `<cache>/stdlib-<hash>/std/nn.tdl`, and uses that file's URI: every
// client opens file:// URIs with no extension of its own, and the hash of
// the text keeps one tdlc build's copy from being mistaken for another's.
// The cache directory is `--stdlib-cache=DIR`, else the user's cache
// directory (`$XDG_CACHE_HOME/tdlc`, `~/.cache/tdlc`). With `--stdlib DIR`
// the stdlib modules are real files and need no copy.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_LSP_SOURCELOCATOR_H
#define TDL_TOOLS_LSP_SOURCELOCATOR_H

#include "tools/lsp/Protocol.h"

#include "basic/SourceManager.h"

#include "llvm/ADT/StringMap.h"

#include <string>

namespace tdl::lsp {

class SourceLocator {
public:
  /// `cacheDir` empty: the user's cache directory.
  explicit SourceLocator(std::string cacheDir);

  /// The URI of buffer `id` of `sources`; `mainBuffer` is shown as
  /// `mainURI`. Empty if the buffer cannot be shown (a cache file that
  /// could not be written).
  std::string uriOf(const SourceManager &sources, unsigned id,
                    unsigned mainBuffer, llvm::StringRef mainURI);

  /// An LSP Location for `r` (a range in any buffer), or null.
  llvm::json::Value location(const SourceManager &sources, llvm::SMRange r,
                             unsigned mainBuffer, llvm::StringRef mainURI,
                             OffsetEncoding encoding);

  /// The path of the cache copy of an embedded stdlib buffer (written on
  /// first use); empty on an I/O error.
  std::string stdlibCopy(llvm::StringRef bufferName, llvm::StringRef text);

private:
  std::string cacheDir;
  llvm::StringMap<std::string> written; // buffer name + hash -> path
};

/// Range of `r` in its buffer's text, in `encoding`.
Range toRange(const SourceManager &sources, llvm::SMRange r,
              OffsetEncoding encoding);

} // namespace tdl::lsp

#endif
