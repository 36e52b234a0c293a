//===- SourceManager.h - source buffers and locations ------------*- C++
//-*-===//
//
// Every phase points into source text with llvm::SMLoc / llvm::SMRange; this
// class owns the buffers (files, stdin, in-memory text for tests and the REPL)
// and answers "which file, line and column is this location".
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BASIC_SOURCEMANAGER_H
#define TDL_BASIC_SOURCEMANAGER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/SourceMgr.h"

#include <string>

namespace tdl {

using SourceLoc = llvm::SMLoc;
using SourceRange = llvm::SMRange;

struct LineColumn {
  unsigned line = 0;   // 1-based; 0 when the location is invalid
  unsigned column = 0; // 1-based, in bytes
};

class SourceManager {
public:
  /// Opens a file ("-" reads standard input). Buffer ids are 1-based.
  llvm::Expected<unsigned> addFile(llvm::StringRef path);
  /// Adds in-memory text under a display name (tests, REPL lines, stdlib).
  unsigned addBuffer(llvm::StringRef name, llvm::StringRef text);

  unsigned getNumBuffers() const { return mgr.getNumBuffers(); }
  llvm::StringRef getBufferText(unsigned id) const;
  llvm::StringRef getBufferName(unsigned id) const;
  SourceLoc getBufferStart(unsigned id) const;
  /// The buffer containing `loc`, or 0 when it is in none.
  unsigned findBuffer(SourceLoc loc) const;
  LineColumn getLineColumn(SourceLoc loc) const;
  /// The text of the line containing `loc` (without the newline).
  llvm::StringRef getLineText(SourceLoc loc) const;
  /// Location of 1-based (line, column) in a buffer; invalid if out of range.
  SourceLoc getLoc(unsigned id, unsigned line, unsigned column) const;

  llvm::SourceMgr &getLLVMSourceMgr() { return mgr; }
  const llvm::SourceMgr &getLLVMSourceMgr() const { return mgr; }

private:
  // Mutable: SourceMgr builds its line-offset cache lazily, even for lookups.
  mutable llvm::SourceMgr mgr;
};

} // namespace tdl

#endif
