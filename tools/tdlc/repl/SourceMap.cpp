//===- SourceMap.cpp ------------------------------------------------------===//
#include "tools/tdlc/repl/SourceMap.h"

#include "llvm/ADT/STLExtras.h"

namespace tdl::repl {

const SynthesizedBuffer *RemappingConsumer::bufferOf(SourceLoc loc) const {
  if (!loc.isValid())
    return nullptr;
  unsigned id = sources.findBuffer(loc);
  for (const SynthesizedBuffer &b : buffers)
    if (b.buffer == id)
      return &b;
  return nullptr;
}

SourceLoc RemappingConsumer::remap(SourceLoc loc) const {
  const SynthesizedBuffer *synth = bufferOf(loc);
  if (!synth)
    return loc;
  const std::vector<Segment> &segments = synth->segments;
  size_t offset =
      loc.getPointer() - sources.getBufferStart(synth->buffer).getPointer();
  const Segment *before = nullptr;
  for (const Segment &s : segments) {
    if (offset >= s.synthOffset && offset < s.synthOffset + s.length)
      return SourceLoc::getFromPointer(
          sources.getBufferStart(s.displayBuffer).getPointer() +
          s.displayOffset + (offset - s.synthOffset));
    if (s.synthOffset + s.length <= offset &&
        (!before || s.synthOffset > before->synthOffset))
      before = &s;
  }
  if (!before)
    before = segments.empty() ? nullptr : &segments.back();
  if (!before)
    return SourceLoc();
  // Glue text: the last character the user typed before it.
  size_t end = before->displayOffset + before->length;
  size_t last = before->length == 0 ? end : end - 1;
  return SourceLoc::getFromPointer(
      sources.getBufferStart(before->displayBuffer).getPointer() + last);
}

bool RemappingConsumer::isInGlue(SourceLoc loc) const {
  const SynthesizedBuffer *synth = bufferOf(loc);
  if (!synth)
    return false;
  size_t offset =
      loc.getPointer() - sources.getBufferStart(synth->buffer).getPointer();
  return llvm::none_of(synth->segments, [&](const Segment &s) {
    return offset >= s.synthOffset && offset < s.synthOffset + s.length;
  });
}

void RemappingConsumer::remapAll(Diagnostic &d) const {
  d.loc = remap(d.loc);
  for (SourceRange &r : d.ranges) {
    SourceLoc start = remap(r.Start), end = remap(r.End);
    // A range must stay inside one buffer; else keep only its start.
    if (sources.findBuffer(start) != sources.findBuffer(end) ||
        end.getPointer() < start.getPointer())
      end = start;
    r = SourceRange(start, end);
  }
  llvm::erase_if(d.notes, [&](const Diagnostic &n) { return isInGlue(n.loc); });
  for (Diagnostic &n : d.notes)
    remapAll(n);
}

void RemappingConsumer::handle(const Diagnostic &d) {
  if (!forwardWarnings && d.severity != Severity::Error)
    return;
  Diagnostic copy = d;
  remapAll(copy);
  sink.handle(copy);
}

} // namespace tdl::repl
