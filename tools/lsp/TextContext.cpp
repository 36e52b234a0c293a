//===- TextContext.cpp ----------------------------------------------------===//
#include "tools/lsp/TextContext.h"

#include "llvm/ADT/StringExtras.h"

namespace tdl::lsp {

static bool isIdent(char c) { return llvm::isAlnum(c) || c == '_'; }

static bool isKeyword(llvm::StringRef w) {
  static const char *const kKeywords[] = {
      "fn",       "let",    "var",    "const", "struct", "return",
      "if",       "else",   "for",    "in",    "while",  "break",
      "continue", "import", "export", "as",    "true",   "false"};
  for (const char *k : kKeywords)
    if (w == k)
      return true;
  return false;
}

namespace {
struct Open {
  char bracket;
  size_t pos;
  std::vector<size_t> commas;
};
} // namespace

/// The identifier ending right before `end` (after skipping spaces), and
/// where it starts; empty if there is none.
static llvm::StringRef identBefore(llvm::StringRef text, size_t end,
                                   size_t &start) {
  while (end > 0 && llvm::isSpace(text[end - 1]))
    --end;
  start = end;
  while (start > 0 && isIdent(text[start - 1]))
    --start;
  if (start < end && llvm::isDigit(text[start]))
    return "";
  return text.slice(start, end);
}

/// `a.b.c` ending right before `end` (the dotted chain, outermost first).
static std::vector<std::string> chainBefore(llvm::StringRef text, size_t end) {
  std::vector<std::string> chain;
  for (;;) {
    size_t start;
    llvm::StringRef id = identBefore(text, end, start);
    if (id.empty())
      return {};
    chain.insert(chain.begin(), id.str());
    size_t p = start;
    while (p > 0 && llvm::isSpace(text[p - 1]))
      --p;
    if (p == 0 || text[p - 1] != '.' || (p >= 2 && text[p - 2] == '.'))
      return chain;
    end = p - 1;
  }
}

/// `name:` at the start of an argument's text (not `a::`), or empty.
static llvm::StringRef labelOf(llvm::StringRef arg, bool &complete) {
  llvm::StringRef s = arg.ltrim();
  size_t n = 0;
  while (n < s.size() && isIdent(s[n]))
    ++n;
  complete = false;
  if (n == 0 || llvm::isDigit(s[0]))
    return "";
  llvm::StringRef rest = s.drop_front(n).ltrim();
  if (rest.starts_with(":") && !rest.starts_with("::")) {
    complete = true;
    return s.take_front(n);
  }
  return s.take_front(n);
}

TextContext scanContext(llvm::StringRef text, size_t offset) {
  TextContext ctx;
  offset = std::min(offset, text.size());
  std::vector<Open> stack;
  size_t i = 0;
  while (i < offset) {
    char c = text[i];
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      size_t nl = text.find('\n', i);
      if (nl == llvm::StringRef::npos || nl >= offset) {
        ctx.inComment = true;
        return ctx;
      }
      i = nl + 1;
      continue;
    }
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      // Nestable block comments.
      unsigned depth = 1;
      i += 2;
      while (i < offset && depth > 0) {
        if (text[i] == '/' && i + 1 < text.size() && text[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (text[i] == '*' && i + 1 < text.size() &&
                   text[i + 1] == '/') {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      }
      if (depth > 0 || i > offset) {
        ctx.inComment = true;
        return ctx;
      }
      continue;
    }
    if (c == '(' || c == '[' || c == '{') {
      if (stack.size() < 4096)
        stack.push_back({c, i, {}});
    } else if (c == ')' || c == ']' || c == '}') {
      char open = c == ')' ? '(' : c == ']' ? '[' : '{';
      // Pop to the matching bracket; an unmatched closer is ignored.
      for (size_t k = stack.size(); k-- > 0;)
        if (stack[k].bracket == open) {
          stack.resize(k);
          break;
        }
    } else if (c == ',' && !stack.empty()) {
      stack.back().commas.push_back(i);
    } else if (c == ';') {
      // A statement ends: no call spans it. Drop parens back to a brace.
      while (!stack.empty() && stack.back().bracket != '{')
        stack.pop_back();
    }
    ++i;
  }

  ctx.wordStart = offset;
  while (ctx.wordStart > 0 && isIdent(text[ctx.wordStart - 1]))
    --ctx.wordStart;
  ctx.prefix = text.slice(ctx.wordStart, offset).str();
  size_t p = ctx.wordStart;
  if (p > 0 && text[p - 1] == '.' && !(p >= 2 && text[p - 2] == '.')) {
    // `1.` is a float literal, not a member access.
    size_t s = p - 1;
    while (s > 0 && isIdent(text[s - 1]))
      --s;
    bool number = s < p - 1 && llvm::isDigit(text[s]);
    if (!number) {
      ctx.afterDot = true;
      ctx.memberOf = chainBefore(text, p - 1);
    }
  }

  // The innermost '(' not behind a '{'.
  for (size_t k = stack.size(); k-- > 0;) {
    if (stack[k].bracket == '{')
      break;
    if (stack[k].bracket != '(')
      continue;
    const Open &o = stack[k];
    std::vector<std::string> callee = chainBefore(text, o.pos);
    // `>` before `(`: skip the generic arguments `f<...>(`.
    size_t q = o.pos;
    while (q > 0 && llvm::isSpace(text[q - 1]))
      --q;
    if (callee.empty() && q > 0 && text[q - 1] == '>') {
      int depth = 0;
      size_t r = q;
      while (r > 0) {
        char ch = text[--r];
        if (ch == '>')
          ++depth;
        else if (ch == '<' && --depth == 0)
          break;
      }
      if (depth == 0)
        callee = chainBefore(text, r);
    }
    if (callee.empty() || isKeyword(callee.back()))
      break;
    CallSite site;
    site.openParen = o.pos;
    site.callee = callee;
    // Only the commas of this argument list (not of nested brackets).
    const std::vector<size_t> &commas = o.commas;
    site.activeArg = commas.size();
    size_t argStart = o.pos + 1;
    for (size_t ci = 0; ci <= commas.size(); ++ci) {
      size_t argEnd = ci < commas.size() ? commas[ci] : offset;
      llvm::StringRef arg = text.slice(argStart, argEnd);
      bool complete = false;
      llvm::StringRef label = labelOf(arg, complete);
      if (ci < commas.size()) {
        if (complete)
          site.namedGiven.push_back(label.str());
        else if (!arg.trim().empty())
          ++site.positionalBefore;
      } else if (complete) {
        site.activeName = label.str();
      } else {
        llvm::StringRef t = arg.trim();
        site.maybeTypingName =
            t.empty() || (label.size() == t.size() && !llvm::isDigit(t[0]));
      }
      argStart = argEnd + 1;
    }
    ctx.call = std::move(site);
    break;
  }
  return ctx;
}

} // namespace tdl::lsp
