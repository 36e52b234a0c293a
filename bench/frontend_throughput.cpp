//===- frontend_throughput.cpp - lexer and parser speed on a large program ===//
//
// Generates a realistic TDL program (generic functions with tensor types,
// loops, ifs, calls, slices) of a given number of lines in memory and
// measures lexing alone and lexing + parsing (token filter, Bison, AST
// construction). Reported as source lines per second of CPU time.
//
//   ninja -C build bench_frontend_throughput
//   build/bench/bench_frontend_throughput
//
//===----------------------------------------------------------------------===//
#include "parser/Lexer.h"
#include "parser/Parse.h"

#include <benchmark/benchmark.h>

#include <string>

namespace {

/// One function of 8 lines; `count` copies with distinct names.
std::string generateProgram(int functions) {
  std::string text;
  for (int i = 0; i < functions; ++i) {
    std::string n = std::to_string(i);
    text += "fn layer" + n +
            "<B, I, O>(x: f32[B, I], w: f32[I, O], b: f32[O]) -> f32[B, O] {\n"
            "  let h = x @ w + b;\n"
            "  var acc: f32[B, O] = zeros([B, O], f32);\n"
            "  for k in 0..10 {\n"
            "    acc = acc + relu(h) * 0.5 - sigmoid(h[k, :]) / 2.0;\n"
            "  }\n"
            "  if sum(acc) > 1.0 { return acc; } else { return -acc ** 2; }\n"
            "}\n";
  }
  return text;
}

struct NullConsumer : tdl::DiagnosticConsumer {
  void handle(const tdl::Diagnostic &) override {}
};

void lexOnly(benchmark::State &state) {
  std::string text = generateProgram(static_cast<int>(state.range(0)));
  tdl::SourceManager sources;
  unsigned id = sources.addBuffer("bench.tdl", text);
  tdl::DiagnosticEngine diags(sources);
  diags.setConsumer(std::make_unique<NullConsumer>());
  size_t tokens = 0;
  for (auto _ : state) {
    tdl::parser::Lexer lexer(sources, id, diags);
    while (!lexer.lex().is(tdl::parser::TokenKind::Eof))
      ++tokens;
  }
  if (diags.hasErrors())
    state.SkipWithError("the generated program has lexical errors");
  double lines = 8.0 * state.range(0);
  state.counters["lines/s"] = benchmark::Counter(lines * state.iterations(),
                                                 benchmark::Counter::kIsRate);
  state.counters["tokens"] = static_cast<double>(tokens / state.iterations());
}

void lexAndParse(benchmark::State &state) {
  std::string text = generateProgram(static_cast<int>(state.range(0)));
  tdl::SourceManager sources;
  unsigned id = sources.addBuffer("bench.tdl", text);
  tdl::DiagnosticEngine diags(sources);
  diags.setConsumer(std::make_unique<NullConsumer>());
  size_t decls = 0;
  for (auto _ : state) {
    tdl::ast::ASTContext ctx;
    tdl::ast::Module *m = tdl::parser::parseBuffer(sources, id, diags, ctx);
    decls = m->getDecls().size();
    benchmark::DoNotOptimize(m);
  }
  if (diags.hasErrors() || decls != static_cast<size_t>(state.range(0)))
    state.SkipWithError("the generated program did not parse");
  double lines = 8.0 * state.range(0);
  state.counters["lines/s"] = benchmark::Counter(lines * state.iterations(),
                                                 benchmark::Counter::kIsRate);
}

} // namespace

BENCHMARK(lexOnly)->Arg(1000)->Arg(20000)->Unit(benchmark::kMillisecond);
BENCHMARK(lexAndParse)->Arg(1000)->Arg(20000)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
