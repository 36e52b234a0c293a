//===- ReplayMain.cpp - run the fuzz target over a corpus directory -------===//
//
// `frontend_fuzz_replay DIR...` feeds every file under DIR to
// LLVMFuzzerTestOneInput, so crashers found by libFuzzer stay regression
// tests in every (gcc) build. Exits non-zero if a directory is missing or
// empty; a crash fails the process itself.
//
//===----------------------------------------------------------------------===//
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
  if (argc < 2) {
    llvm::errs() << "usage: " << argv[0] << " CORPUS_DIR...\n";
    return 2;
  }
  unsigned count = 0;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    for (llvm::sys::fs::recursive_directory_iterator it(argv[i], ec), end;
         it != end && !ec; it.increment(ec)) {
      if (it->type() != llvm::sys::fs::file_type::regular_file)
        continue;
      auto buffer = llvm::MemoryBuffer::getFile(it->path());
      if (!buffer) {
        llvm::errs() << "cannot read " << it->path() << "\n";
        return 1;
      }
      llvm::StringRef bytes = (*buffer)->getBuffer();
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()),
                             bytes.size());
      ++count;
    }
    if (ec) {
      llvm::errs() << "cannot list " << argv[i] << ": " << ec.message() << "\n";
      return 1;
    }
  }
  llvm::outs() << "replayed " << count << " inputs\n";
  return count ? 0 : 1;
}
