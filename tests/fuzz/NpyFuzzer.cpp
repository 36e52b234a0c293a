//===- NpyFuzzer.cpp - the .npy reader on arbitrary bytes -----------------===//
//
// Any input is parsed or refused with a message -- never a crash, a huge
// allocation or a read past the end. What parses must survive a round
// trip: writing it and parsing the result gives the same array.
//
//===----------------------------------------------------------------------===//
#include "runtime/Npy.h"

#include <cstdlib>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tdl::rt::NpyArray array;
  std::string error;
  if (!tdl::rt::parseNpy(data, size, array, error)) {
    if (error.empty())
      std::abort(); // a refusal must say why
    return 0;
  }
  std::string written = tdl::rt::writeNpy(
      array.type, array.shape.data(), array.shape.size(), array.data.data());
  tdl::rt::NpyArray again;
  if (!tdl::rt::parseNpy(reinterpret_cast<const uint8_t *>(written.data()),
                         written.size(), again, error) ||
      again.type != array.type || again.shape != array.shape ||
      again.data != array.data)
    std::abort();
  return 0;
}
