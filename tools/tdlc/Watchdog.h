//===- Watchdog.h - `tdlc run --timeout` ---------------------------*- C++
//-*-===//
//
// A thread that ends the process with a run-time error (exit 1) when the
// program is still running after the limit. Nothing can be unwound from
// inside a JIT'd loop or a kernel, so it exits directly, after flushing
// what the program printed. Destroying it (the program finished) stops it.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_TDLC_WATCHDOG_H
#define TDL_TOOLS_TDLC_WATCHDOG_H

#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace tdl {

class Watchdog {
public:
  explicit Watchdog(unsigned seconds) {
    if (seconds == 0)
      return;
    thread = std::thread([this, seconds] {
      std::unique_lock<std::mutex> lock(mu);
      if (cv.wait_for(lock, std::chrono::seconds(seconds),
                      [this] { return done; }))
        return;
      llvm::outs().flush();
      llvm::errs() << "tdlc: error: the program did not finish within "
                      "--timeout="
                   << seconds << " seconds\n";
      llvm::errs().flush();
      std::_Exit(1);
    });
  }
  ~Watchdog() {
    if (!thread.joinable())
      return;
    {
      std::lock_guard<std::mutex> lock(mu);
      done = true;
    }
    cv.notify_all();
    thread.join();
  }

private:
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::thread thread;
};

} // namespace tdl

#endif
