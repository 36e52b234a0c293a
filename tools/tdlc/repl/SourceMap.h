//===- SourceMap.h - synthesized-program diagnostics shown in the input -===//
//
// Each REPL step compiles one synthesized program: every live declaration
// followed by a wrapper function around the input just typed. The pieces of
// that program copied from what the user wrote are Segments; a diagnostic
// located in a segment is moved to the same place in the buffer the user
// typed (`<repl:3>`, or the file of `:load`), so the caret is under the
// culprit in the user's own line. Locations in the glue text the REPL adds
// move to the end of the preceding segment (e.g. "expected expression" at
// the end of an unfinished line); notes located in glue (a binding's
// declaration is a wrapper parameter) are dropped, having no user text to
// show.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_REPL_SOURCEMAP_H
#define TDL_TOOLS_REPL_SOURCEMAP_H

#include "basic/Diagnostic.h"

#include <string>
#include <vector>

namespace tdl::repl {

/// A copy of user text inside the synthesized program.
struct Segment {
  size_t synthOffset = 0; // where the copy starts in the program text
  size_t length = 0;
  unsigned displayBuffer = 0; // the buffer the user typed it in
  size_t displayOffset = 0;
};

/// Builds the synthesized program text and remembers where each copy came
/// from.
class ProgramText {
public:
  /// Appends REPL glue (not user text).
  void addGlue(llvm::StringRef text) { text_ += text; }
  /// Appends `text`, which is [offset, offset+size) of `displayBuffer`.
  void addUserText(llvm::StringRef text, unsigned displayBuffer,
                   size_t displayOffset) {
    segments.push_back(
        {text_.size(), text.size(), displayBuffer, displayOffset});
    text_ += text;
  }
  const std::string &str() const { return text_; }
  const std::vector<Segment> &getSegments() const { return segments; }

private:
  std::string text_;
  std::vector<Segment> segments;
};

/// One synthesized buffer and where its user text came from.
struct SynthesizedBuffer {
  unsigned buffer = 0;
  std::vector<Segment> segments;
};

/// Forwards diagnostics to `sink` after moving locations in the synthesized
/// buffers (an input's program; with cached declarations also the
/// declarations' program) to the user's buffers. Optionally drops warnings
/// (the second compile of the same input must not repeat them).
class RemappingConsumer : public DiagnosticConsumer {
public:
  RemappingConsumer(SourceManager &sources, unsigned synthBuffer,
                    std::vector<Segment> segments, DiagnosticConsumer &sink,
                    bool forwardWarnings)
      : RemappingConsumer(sources, {{synthBuffer, std::move(segments)}}, sink,
                          forwardWarnings) {}
  RemappingConsumer(SourceManager &sources,
                    std::vector<SynthesizedBuffer> buffers,
                    DiagnosticConsumer &sink, bool forwardWarnings)
      : sources(sources), buffers(std::move(buffers)), sink(sink),
        forwardWarnings(forwardWarnings) {}
  void handle(const Diagnostic &d) override;

private:
  /// The synthesized buffer `loc` is in, or null.
  const SynthesizedBuffer *bufferOf(SourceLoc loc) const;
  SourceLoc remap(SourceLoc loc) const;
  /// In a synthesized buffer but not in user text.
  bool isInGlue(SourceLoc loc) const;
  void remapAll(Diagnostic &d) const;

  SourceManager &sources;
  std::vector<SynthesizedBuffer> buffers;
  DiagnosticConsumer &sink;
  bool forwardWarnings;
};

/// Forwards to whichever consumer is set now (none: drops): the consumer of
/// a DiagnosticEngine that outlives the inputs it reports for.
class SwitchableConsumer : public DiagnosticConsumer {
public:
  void handle(const Diagnostic &d) override {
    if (sink)
      sink->handle(d);
  }
  DiagnosticConsumer *sink = nullptr;
};

/// Forwards to another consumer it does not own (DiagnosticEngine owns its
/// consumer; the REPL's printer lives as long as the session).
class ForwardingConsumer : public DiagnosticConsumer {
public:
  explicit ForwardingConsumer(DiagnosticConsumer &sink) : sink(sink) {}
  void handle(const Diagnostic &d) override { sink.handle(d); }

private:
  DiagnosticConsumer &sink;
};

/// Keeps diagnostics instead of printing them (trial parses).
class CollectingConsumer : public DiagnosticConsumer {
public:
  void handle(const Diagnostic &d) override { collected.push_back(d); }
  std::vector<Diagnostic> collected;
};

} // namespace tdl::repl

#endif
