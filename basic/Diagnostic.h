//===- Diagnostic.h - diagnostics: kinds, values, the engine -----*- C++
//-*-===//
//
// Phases report user errors through DiagnosticEngine::report with a kind from
// basic/DiagnosticKinds.def. The engine counts, applies -Werror and the error
// limit, and hands finished diagnostics (with their notes) to a consumer:
// clang-style text, JSON lines, a SARIF log, or the -verify checker.
//
//   diags.report(diag::ExpectedToken, loc, "')'")
//       .range(parenRange)
//       .insertion(loc, ")")
//       .note(diag::ToMatchThis, openLoc, "(");
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BASIC_DIAGNOSTIC_H
#define TDL_BASIC_DIAGNOSTIC_H

#include "basic/SourceManager.h"

#include <fmt/format.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace tdl {

enum class Severity : uint8_t { Note, Warning, Error };

enum class DiagId : uint16_t {
#define DIAG(SEVERITY, ID, TEXT, SIGNATURE) ID,
#include "basic/DiagnosticKinds.def"
  NumDiagIds
};

struct DiagInfo {
  Severity severity;
  const char *name;   // the id as text ("ExpectedToken"), used in JSON output
  const char *format; // fmt format string
};
const DiagInfo &getDiagInfo(DiagId id);
std::string_view severityName(Severity s);

namespace diag {
/// A diagnostic kind typed by its argument list, so call sites are checked.
template <typename Signature> struct Kind;
template <typename... Args> struct Kind<void(Args...)> { DiagId id; };
#define DIAG(SEVERITY, ID, TEXT, SIGNATURE)                                    \
  inline constexpr Kind<void SIGNATURE> ID{DiagId::ID};
#include "basic/DiagnosticKinds.def"
} // namespace diag

/// A suggested edit, as clang's FixItHint: replace the text of `range` with
/// `text`. An empty range (Start == End) is an insertion before Start.
/// Machine-readable outputs (JSON, SARIF) carry it so tools can apply it.
struct FixIt {
  SourceRange range;
  std::string text;
};

/// A finished diagnostic. Notes are children of the diagnostic they explain.
struct Diagnostic {
  DiagId id = DiagId::NumDiagIds;
  Severity severity = Severity::Error;
  std::string message;
  SourceLoc loc;                   // may be invalid (command line, I/O)
  std::vector<SourceRange> ranges; // highlighted with ~~~
  std::vector<Diagnostic> notes;
  std::vector<FixIt> fixIts; // all apply together, in order
  // A note's fix-its are an alternative of their own (noteFixIt).
};

class DiagnosticConsumer {
public:
  virtual ~DiagnosticConsumer();
  virtual void handle(const Diagnostic &d) = 0;
  /// Called once when the compilation ends. Returns false if the consumer
  /// itself failed the run (the -verify checker does on any mismatch).
  virtual bool finish() { return true; }
};

class DiagnosticEngine;

/// Collects ranges and notes, then emits when it goes out of scope.
class DiagnosticBuilder {
public:
  DiagnosticBuilder(DiagnosticEngine *engine, Diagnostic d)
      : engine(engine), diag(std::move(d)) {}
  DiagnosticBuilder(DiagnosticBuilder &&other) noexcept
      : engine(other.engine), diag(std::move(other.diag)) {
    other.engine = nullptr;
  }
  DiagnosticBuilder(const DiagnosticBuilder &) = delete;
  DiagnosticBuilder &operator=(const DiagnosticBuilder &) = delete;
  ~DiagnosticBuilder();

  DiagnosticBuilder &range(SourceRange r) {
    if (r.isValid())
      diag.ranges.push_back(r);
    return *this;
  }
  /// Suggests replacing `r` with `text`; ignored without a valid range.
  DiagnosticBuilder &fixIt(SourceRange r, std::string text) {
    if (r.isValid())
      diag.fixIts.push_back(FixIt{r, std::move(text)});
    return *this;
  }
  /// Suggests inserting `text` before `at`.
  DiagnosticBuilder &insertion(SourceLoc at, std::string text) {
    return fixIt(SourceRange(at, at), std::move(text));
  }
  /// A fix-it of the last note: an edit where the note points that the
  /// note proposes (`change 'let' to 'var'`), rather than the repair of the
  /// diagnostic itself. Ignored without a note or a valid range.
  DiagnosticBuilder &noteFixIt(SourceRange r, std::string text) {
    if (!diag.notes.empty() && r.isValid())
      diag.notes.back().fixIts.push_back(FixIt{r, std::move(text)});
    return *this;
  }
  template <typename... Args>
  DiagnosticBuilder &note(diag::Kind<void(Args...)> kind, SourceLoc loc,
                          std::type_identity_t<Args>... args);
  template <typename... Args>
  DiagnosticBuilder &note(diag::Kind<void(Args...)> kind, SourceRange r,
                          std::type_identity_t<Args>... args) {
    note(kind, r.Start, args...);
    if (!diag.notes.empty() && r.isValid())
      diag.notes.back().ranges.push_back(r);
    return *this;
  }

private:
  DiagnosticEngine *engine;
  Diagnostic diag;
};

class DiagnosticEngine {
public:
  explicit DiagnosticEngine(SourceManager &sources);
  ~DiagnosticEngine();

  SourceManager &getSourceManager() { return sources; }
  void setConsumer(std::unique_ptr<DiagnosticConsumer> c);
  DiagnosticConsumer *getConsumer() { return consumer.get(); }

  void setWarningsAsErrors(bool on) { warningsAsErrors = on; }
  /// 0 means no limit.
  void setErrorLimit(unsigned limit) { errorLimit = limit; }

  template <typename... Args>
  DiagnosticBuilder report(diag::Kind<void(Args...)> kind, SourceLoc loc,
                           std::type_identity_t<Args>... args) {
    return DiagnosticBuilder(this,
                             make(kind.id, loc, format(kind.id, args...)));
  }
  template <typename... Args>
  DiagnosticBuilder report(diag::Kind<void(Args...)> kind, SourceRange r,
                           std::type_identity_t<Args>... args) {
    DiagnosticBuilder b(this, make(kind.id, r.Start, format(kind.id, args...)));
    b.range(r);
    return b;
  }

  unsigned getErrorCount() const { return errorCount; }
  unsigned getWarningCount() const { return warningCount; }
  bool hasErrors() const { return errorCount != 0; }
  /// True once the error limit was hit: phases may stop early.
  bool hasReachedErrorLimit() const { return limitReached; }
  /// Ends the compilation for the consumer; false if it failed the run.
  bool finish();

  template <typename... Args>
  static std::string format(DiagId id, const Args &...args) {
    return fmt::format(fmt::runtime(getDiagInfo(id).format), args...);
  }
  static Diagnostic make(DiagId id, SourceLoc loc, std::string message);

private:
  friend class DiagnosticBuilder;
  void emit(Diagnostic d);

  SourceManager &sources;
  std::unique_ptr<DiagnosticConsumer> consumer;
  bool warningsAsErrors = false;
  unsigned errorLimit = 20;
  unsigned errorCount = 0;
  unsigned warningCount = 0;
  bool limitReached = false;
};

template <typename... Args>
DiagnosticBuilder &DiagnosticBuilder::note(diag::Kind<void(Args...)> kind,
                                           SourceLoc loc,
                                           std::type_identity_t<Args>... args) {
  diag.notes.push_back(DiagnosticEngine::make(
      kind.id, loc, DiagnosticEngine::format(kind.id, args...)));
  return *this;
}

} // namespace tdl

#endif
