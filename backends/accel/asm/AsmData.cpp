//===- AsmData.cpp - raw and .npy data files ------------------------------===//
#include "backends/accel/asm/AsmData.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Regex.h"

#include <fmt/format.h>

namespace tdl::accel {

static llvm::Error dataError(std::string message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The payload of a .npy file after checking its header against (t, count).
static llvm::Expected<llvm::StringRef> npyPayload(llvm::StringRef file, DType t,
                                                  uint64_t count) {
  if (!file.starts_with("\x93NUMPY") || file.size() < 10)
    return dataError("not a .npy file (bad magic)");
  unsigned major = uint8_t(file[6]);
  uint64_t headerLen, headerStart;
  if (major == 1) {
    headerLen = uint8_t(file[8]) | (uint8_t(file[9]) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (file.size() < 12)
      return dataError("truncated .npy header");
    headerLen = uint64_t(uint8_t(file[8])) | (uint64_t(uint8_t(file[9])) << 8) |
                (uint64_t(uint8_t(file[10])) << 16) |
                (uint64_t(uint8_t(file[11])) << 24);
    headerStart = 12;
  } else {
    return dataError(fmt::format("unsupported .npy version {}", major));
  }
  if (headerStart + headerLen > file.size())
    return dataError("truncated .npy header");
  llvm::StringRef header = file.substr(headerStart, headerLen);
  llvm::SmallVector<llvm::StringRef, 4> m;
  if (!llvm::Regex("'descr': *'([^']*)'").match(header, &m))
    return dataError("no 'descr' in the .npy header");
  std::string descr = m[1].str();
  // NumPy writes "|i1" or "<i1"-style descriptors; one byte has no order.
  if (dtypeBytes(t) == 1 && descr.size() == 3 && descr[0] != '>')
    descr[0] = '|';
  if (descr != npyDescr(t))
    return dataError(
        fmt::format("element type '{}' does not match the buffer's "
                    "{} ('{}')",
                    m[1].str(), dtypeName(t).str(), npyDescr(t).str()));
  if (llvm::Regex("'fortran_order': *True").match(header))
    return dataError("fortran_order arrays are not supported");
  if (!llvm::Regex("'shape': *\\(([0-9, ]*)\\)").match(header, &m))
    return dataError("no 'shape' in the .npy header");
  uint64_t elements = 1;
  llvm::SmallVector<llvm::StringRef, 4> dims;
  m[1].split(dims, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef d : dims) {
    uint64_t v;
    if (d.trim().empty()) // "(16, )": the 1-D tuple's trailing comma
      continue;
    if (d.trim().getAsInteger(10, v))
      return dataError("bad shape in the .npy header");
    elements *= v;
  }
  if (elements != count)
    return dataError(fmt::format("the file has {} elements, the buffer {}",
                                 elements, count));
  llvm::StringRef payload = file.substr(headerStart + headerLen);
  if (payload.size() != count * dtypeBytes(t))
    return dataError(fmt::format("the file has {} data bytes, expected {}",
                                 payload.size(), count * dtypeBytes(t)));
  return payload;
}

llvm::Expected<std::vector<uint8_t>> readDataFile(llvm::StringRef path, DType t,
                                                  uint64_t count) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return dataError(buffer.getError().message());
  llvm::StringRef file = (*buffer)->getBuffer();
  llvm::StringRef payload = file;
  if (path.ends_with(".npy")) {
    llvm::Expected<llvm::StringRef> p = npyPayload(file, t, count);
    if (!p)
      return p.takeError();
    payload = *p;
  } else if (file.size() != count * dtypeBytes(t)) {
    return dataError(fmt::format("the file has {} bytes, expected {} ({} x {})",
                                 file.size(), count * dtypeBytes(t), count,
                                 dtypeName(t).str()));
  }
  return std::vector<uint8_t>(payload.begin(), payload.end());
}

} // namespace tdl::accel
