//===- InputScanner.h - lexical facts about REPL input ------------*- C++
//-*-===//
//
// The REPL must decide things about a line before the real parser sees it:
// is the input complete or does it continue (open brackets), is it a
// top-level declaration or statements, where could a trailing expression
// start, which identifiers does it mention. A small scanner that skips
// comments and tracks bracket depth answers all of these; the real parser
// still checks everything afterwards.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_REPL_INPUTSCANNER_H
#define TDL_TOOLS_REPL_INPUTSCANNER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"

#include <string>
#include <utility>
#include <vector>

namespace tdl::repl {

/// True while a `(`, `[`, `{` or a block comment is still open: the REPL
/// then reads a continuation line. Extra closers count as complete (the
/// parser reports them).
bool needsMoreInput(llvm::StringRef text);

/// True if the text has anything besides spaces and comments.
bool hasCode(llvm::StringRef text);

/// The first identifier or keyword of the text (after spaces and
/// comments), or "@" for an attribute; empty if there is none.
llvm::StringRef firstWord(llvm::StringRef text);

/// True for input that starts a top-level declaration: fn, struct, import,
/// const, export or an `@attribute`.
bool isDeclarationInput(llvm::StringRef text);

/// The text with trailing spaces and comments removed ends in `;`.
bool endsWithSemicolon(llvm::StringRef text);

/// Offsets where a trailing expression could start: 0 and just after every
/// `;` or closing `}` at bracket depth 0, last first.
std::vector<size_t> statementBoundaries(llvm::StringRef text);

/// Splits declaration input into one [begin, end) range per top-level
/// declaration: a declaration ends at a depth-0 `;` or at the `}` that
/// closes its body (with a directly following `;`).
std::vector<std::pair<size_t, size_t>> splitDeclarations(llvm::StringRef text);

/// Every identifier in the text outside comments.
llvm::StringSet<> identifiersIn(llvm::StringRef text);

/// True if `word` occurs in `text` as a whole identifier.
bool mentionsIdentifier(llvm::StringRef text, llvm::StringRef word);

} // namespace tdl::repl

#endif
