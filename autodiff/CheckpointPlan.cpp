//===- CheckpointPlan.cpp - how a budgeted loop reversal is scheduled -----===//
#include "autodiff/CheckpointPlan.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tdl::ad {

int64_t planPeakBytes(int64_t trips, llvm::ArrayRef<int64_t> segments,
                      int64_t snapshotBytes, int64_t iterationBytes,
                      int64_t *snapshots) {
  if (segments.empty()) {
    if (snapshots)
      *snapshots = 0;
    return satMul(trips, iterationBytes);
  }
  int64_t n = ceilDiv(trips, segments[0]);
  for (size_t l = 1; l < segments.size(); ++l)
    n += ceilDiv(segments[l - 1], segments[l]);
  if (snapshots)
    *snapshots = n;
  return satAdd(satMul(n, snapshotBytes),
                satMul(segments.back(), iterationBytes));
}

/// Forward iterations run to reverse `len` iterations from a snapshot at
/// level `l` (segments[l] is the length of its sub-segments).
static double rangeCost(int64_t len, llvm::ArrayRef<int64_t> segments,
                        size_t l) {
  if (l == segments.size())
    return double(len); // the recorded segment
  int64_t k = segments[l];
  int64_t n = ceilDiv(len, k);
  int64_t lastLen = len - (n - 1) * k;
  double cost = double((n - 1) * k); // the sweep
  if (n > 1)
    cost += double(n - 1) * rangeCost(k, segments, l + 1);
  return cost + rangeCost(lastLen, segments, l + 1);
}

double planRecompute(int64_t trips, llvm::ArrayRef<int64_t> segments) {
  if (segments.empty() || trips <= 0)
    return 1.0;
  // The top sweep runs every iteration (it computes the loop's results);
  // then each top segment as a range.
  int64_t k = segments[0];
  int64_t n = ceilDiv(trips, k);
  double cost = double(trips) + double(n - 1) * rangeCost(k, segments, 1) +
                rangeCost(trips - (n - 1) * k, segments, 1);
  return cost / double(trips);
}

llvm::SmallVector<int64_t, 4> planSegments(int64_t trips, int64_t snapshotBytes,
                                           int64_t iterationBytes,
                                           int64_t budget) {
  if (trips <= 1 || satMul(trips, iterationBytes) <= budget)
    return {};
  // Leaf lengths to try: every one up to 4096, then about 1% apart.
  llvm::SmallVector<int64_t, 0> leaves;
  for (int64_t x = 1; x < trips; x = x < 4096 ? x + 1 : x + x / 100)
    leaves.push_back(x);
  llvm::SmallVector<int64_t, 4> best;
  int64_t bestPeak = INT64_MAX;
  for (unsigned levels = 1; levels <= 6; ++levels) {
    llvm::SmallVector<int64_t, 4> bestHere;
    int64_t bestHerePeak = INT64_MAX;
    for (int64_t x : leaves) {
      // Lengths in geometric progression from x to about trips / ratio.
      double ratio = std::pow(double(trips) / double(x), 1.0 / levels);
      if (ratio < 2.0)
        break;
      llvm::SmallVector<int64_t, 4> segs(levels);
      bool ok = true;
      for (unsigned l = 0; l < levels; ++l) {
        segs[l] = int64_t(
            std::ceil(double(x) * std::pow(ratio, levels - 1 - l) - 1e-9));
        ok &= segs[l] < (l ? segs[l - 1] : trips) && segs[l] >= 1;
      }
      if (!ok)
        continue;
      int64_t peak = planPeakBytes(trips, segs, snapshotBytes, iterationBytes);
      if (peak < bestHerePeak) {
        bestHerePeak = peak;
        bestHere = segs;
      }
    }
    if (bestHere.empty())
      break;
    if (bestHerePeak <= budget)
      return bestHere;
    if (bestHerePeak < bestPeak) {
      bestPeak = bestHerePeak;
      best = bestHere;
    }
  }
  return best;
}

namespace {

/// C(n, k), saturated at 2^62.
int64_t binomial(int64_t n, int64_t k) {
  if (k < 0 || n < k)
    return 0;
  k = std::min(k, n - k);
  unsigned __int128 c = 1;
  const unsigned __int128 cap = uint64_t(1) << 62;
  for (int64_t i = 1; i <= k; ++i) {
    c = c * uint64_t(n - k + i) / uint64_t(i);
    if (c >= cap)
      return int64_t(cap);
  }
  return int64_t(c);
}

/// beta(c, r) = C(c + r, c): the most iterations c snapshots reverse with
/// r repetitions.
int64_t beta(int64_t c, int64_t r) { return r < 0 ? 0 : binomial(c + r, c); }

/// The least r with beta(c, r) >= l.
int64_t repetitions(int64_t l, int64_t c) {
  int64_t r = 0;
  while (beta(c, r) < l)
    ++r;
  return r;
}

struct RevolveGen {
  std::vector<RevolveStep> out;
  int64_t cur = 0; // the position of the state
  int64_t depth = 1, maxDepth = 1, advances = 0;

  void restore(int64_t a) {
    if (cur != a)
      out.push_back({RevolveAction::Restore, a, 0});
    cur = a;
  }
  void advance(int64_t a, int64_t b) {
    out.push_back({RevolveAction::Advance, a, b});
    advances += b - a;
    cur = b;
  }
  /// Reverses [a, b) from the newest snapshot (at a), `free` more slots.
  void reverse(int64_t a, int64_t b, int64_t free) {
    while (b - a > 1) {
      if (free == 0) {
        for (int64_t i = b - 1; i > a; --i) {
          restore(a);
          advance(a, i);
          out.push_back({RevolveAction::Step, i, 0});
        }
        break;
      }
      int64_t l = b - a, c = free + 1;
      int64_t r = repetitions(l, c);
      // Optimal when the left part needs r - 1 repetitions with c
      // snapshots and the right one r with c - 1: beta(c, r - 2) <= m <=
      // beta(c, r - 1) and beta(c - 1, r - 1) <= l - m <= beta(c - 1, r)
      // (F is convex, piecewise linear in l with slope r there). The
      // longest right part allowed, so the sweep goes furthest.
      int64_t off = std::max({l - beta(c - 1, r), beta(c, r - 2), int64_t(1)});
      int64_t m = a + std::min(off, l - 1);
      restore(a);
      advance(a, m);
      out.push_back({RevolveAction::Push, m, 0});
      maxDepth = std::max(maxDepth, ++depth);
      reverse(m, b, free - 1);
      out.push_back({RevolveAction::Pop, m, 0});
      --depth;
      b = m;
    }
    restore(a);
    out.push_back({RevolveAction::Step, a, 0});
  }
};

} // namespace

int64_t binomialMinAdvances(int64_t trips, int64_t slots) {
  if (trips <= 1)
    return 0;
  int64_t r = repetitions(trips, slots);
  return r * trips - beta(slots + 1, r - 1);
}

BinomialSchedule binomialSchedule(int64_t trips, int64_t slots,
                                  bool sweepPath) {
  BinomialSchedule s;
  if (trips <= 0 || slots <= 0)
    return s;
  slots = std::min(slots, trips);
  s.slots = slots;
  RevolveGen g;
  g.reverse(0, trips, slots - 1);
  g.out.push_back({RevolveAction::Pop, 0, 0});
  s.totalAdvances = g.advances;
  size_t i = 0;
  if (sweepPath) {
    // The sweep takes the leading advance-and-push chain.
    s.sweepSnapshots.push_back(0);
    int64_t cur = 0;
    while (i + 1 < g.out.size() && g.out[i].kind == RevolveAction::Advance &&
           g.out[i].a == cur && g.out[i + 1].kind == RevolveAction::Push) {
      cur = g.out[i].b;
      s.sweepSnapshots.push_back(cur);
      i += 2;
    }
    // The reverse pass starts from the sweep's final state.
    if (g.out[i].kind != RevolveAction::Restore)
      s.actions.push_back({RevolveAction::Restore, cur, 0});
  } else {
    // The reverse pass starts from the loop's initial state.
    s.actions.push_back({RevolveAction::Push, 0, 0});
  }
  s.actions.insert(s.actions.end(), g.out.begin() + i, g.out.end());
  // The sweep's snapshots stay allocated until the reverse pass ends (the
  // loop's initial tape holds them); the ones the actions push are freed
  // when popped.
  // A restore pushes the snapshot again: the first restore of one of the
  // sweep's makes a second copy.
  std::vector<bool> stack(s.sweepSnapshots.size(), true); // the sweep's
  int64_t live = int64_t(stack.size());
  s.maxSnapshots = live;
  for (const RevolveStep &a : s.actions) {
    if (a.kind == RevolveAction::Advance) {
      s.advances += a.b - a.a;
    } else if (a.kind == RevolveAction::Push ||
               (a.kind == RevolveAction::Restore && stack.back())) {
      if (a.kind == RevolveAction::Restore)
        stack.pop_back();
      stack.push_back(false);
      s.maxSnapshots = std::max(s.maxSnapshots, ++live);
    } else if (a.kind == RevolveAction::Pop) {
      if (!stack.back())
        --live;
      stack.pop_back();
    }
  }
  return s;
}

BinomialSchedule planBinomial(int64_t trips, int64_t slots) {
  BinomialSchedule best;
  double bestCost = INFINITY;
  for (bool sweepPath : {true, false}) {
    // The most snapshots the schedule may use with at most `slots` live
    // (the sweep's stay allocated): about monotone, so bisect.
    int64_t lo = 1, hi = std::min(slots, trips);
    while (lo < hi) {
      int64_t mid = lo + (hi - lo + 1) / 2;
      if (binomialSchedule(trips, mid, sweepPath).maxSnapshots <= slots)
        lo = mid;
      else
        hi = mid - 1;
    }
    BinomialSchedule s = binomialSchedule(trips, lo, sweepPath);
    if (s.maxSnapshots <= slots && double(s.advances) < bestCost) {
      bestCost = double(s.advances);
      best = std::move(s);
    }
  }
  return best;
}

/// The sweep computes the primal results; F and R are gone (their copies
/// run per segment or action), `rev` replaces R.
} // namespace tdl::ad
