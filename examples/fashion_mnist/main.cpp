// Trains model.tdl's MLP on Fashion-MNIST through the tdlc-compiled object
// (model.o + model.h, see build-and-run.sh), reports the test accuracy, and
// writes a TDL program that runs the trained network in int8 (std.quant) on
// the first 256 test images, for `tdlc run --backend=accel`.
//
//   fashion_mnist [--data DIR] [--epochs N] [--train-limit N]
//                 [--quantized-out FILE.tdl]
#include "model.h"

#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr int kPixels = 784, kHidden = 128, kClasses = 10;
constexpr int kBatch = 64;      // train_step's batch (fixed in model.tdl)
constexpr int kEvalBatch = 256; // predict's and forward's batch
constexpr int kQuantImages = 256;
// Pixels in [0, 1] as int8: 1.0 -> 128, saturating to 127.
constexpr int kPixelShift = 7;

[[noreturn]] void fail(const std::string &msg) {
  std::fprintf(stderr, "fashion_mnist: error: %s\n", msg.c_str());
  std::exit(1);
}

void check(int32_t status, const char *what) {
  if (status != 0)
    fail(std::string(what) + " failed: " + model::last_error());
}

// Reads a gzip-compressed IDX file (big-endian header: magic, then one
// 32-bit size per dim) and returns its bytes; `dims` gets the sizes.
std::vector<uint8_t> readIdx(const std::string &path, std::vector<int> &dims) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f)
    fail("cannot open " + path);
  auto readU32 = [&] {
    unsigned char b[4];
    if (gzread(f, b, 4) != 4)
      fail("truncated header in " + path);
    return uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 |
           uint32_t(b[3]);
  };
  uint32_t magic = readU32();
  // 0x08: unsigned bytes; the low byte is the number of dims.
  if ((magic >> 8) != 0x08 || (magic & 0xff) == 0 || (magic & 0xff) > 3)
    fail(path + " is not an IDX file of unsigned bytes");
  size_t n = 1;
  dims.clear();
  for (uint32_t i = 0; i < (magic & 0xff); ++i) {
    dims.push_back(int(readU32()));
    n *= size_t(dims.back());
  }
  std::vector<uint8_t> data(n);
  if (gzread(f, data.data(), unsigned(n)) != int(n))
    fail("truncated data in " + path);
  gzclose(f);
  return data;
}

struct Dataset {
  std::vector<float> images; // [n, 784], pixels scaled to [0, 1]
  std::vector<int32_t> labels;
  int size() const { return int(labels.size()); }
  const float *image(int i) const { return &images[size_t(i) * kPixels]; }
};

Dataset load(const std::string &dir, const std::string &prefix) {
  std::vector<int> idims, ldims;
  auto pixels = readIdx(dir + "/" + prefix + "-images-idx3-ubyte.gz", idims);
  auto labels = readIdx(dir + "/" + prefix + "-labels-idx1-ubyte.gz", ldims);
  if (idims.size() != 3 || idims[1] * idims[2] != kPixels ||
      ldims.size() != 1 || ldims[0] != idims[0])
    fail("unexpected shapes in " + dir + "/" + prefix + "-*");
  Dataset d;
  d.images.resize(pixels.size());
  for (size_t i = 0; i < pixels.size(); ++i)
    d.images[i] = float(pixels[i]) / 255.0f;
  d.labels.assign(labels.begin(), labels.end());
  return d;
}

// The model's leaves in the order of the C ABI (struct fields depth first).
struct Params {
  std::vector<float> w1 = std::vector<float>(kPixels * kHidden),
                     b1 = std::vector<float>(kHidden),
                     w2 = std::vector<float>(kHidden * kClasses),
                     b2 = std::vector<float>(kClasses);
};

// Runs `predict` over a dataset in batches of 256 (the last one padded with
// zeros) and returns the predicted classes.
std::vector<int32_t> predictAll(const Params &p, const Dataset &d, int n) {
  std::vector<int32_t> pred(static_cast<size_t>(n));
  std::vector<float> x(kEvalBatch * kPixels);
  std::vector<int32_t> out(kEvalBatch);
  for (int start = 0; start < n; start += kEvalBatch) {
    int rows = std::min(kEvalBatch, n - start);
    std::fill(x.begin(), x.end(), 0.0f);
    std::memcpy(x.data(), d.image(start), sizeof(float) * rows * kPixels);
    check(::predict(p.w1.data(), p.b1.data(), p.w2.data(), p.b2.data(),
                    x.data(), out.data()),
          "predict");
    std::copy_n(out.begin(), rows, pred.begin() + start);
  }
  return pred;
}

int countCorrect(const std::vector<int32_t> &pred, const Dataset &d, int n) {
  int c = 0;
  for (int i = 0; i < n; ++i)
    c += pred[i] == d.labels[i];
  return c;
}

// ---- int8 quantization (std.quant: real r ~ q / 2^shift) -----------------

// The largest shift s with max_abs * 2^s <= 127: the finest power-of-two
// scale at which nothing saturates.
int shiftFor(float max_abs) {
  return int(std::floor(std::log2(127.0f / std::max(max_abs, 1e-6f))));
}

int8_t quantize(float x, int shift) {
  float q = std::round(x * std::ldexp(1.0f, shift));
  return int8_t(std::clamp(q, -128.0f, 127.0f));
}

// std.quant.requantize: rounding half up, arithmetic shift, clamp.
int8_t requantize(int32_t acc, int shift) {
  int32_t rounding = shift > 0 ? 1 << (shift - 1) : 0;
  return int8_t(std::clamp((acc + rounding) >> shift, -128, 127));
}

struct QuantModel {
  int sx = kPixelShift;
  int sw1 = 0, sh = 0, sw2 = 0, so = 0;    // scales of w1, hidden, w2, logits
  std::vector<int8_t> w1, w2;              // [784, 128], [128, 10]
  std::vector<int32_t> b1, b2;             // at the accumulators' scales
  int r1() const { return sx + sw1 - sh; } // layer 1's requantizing shift
  int r2() const { return sh + sw2 - so; } // layer 2's
};

QuantModel quantizeModel(const Params &p, int sh, int so) {
  QuantModel q;
  auto maxAbs = [](const std::vector<float> &v) {
    float m = 0;
    for (float x : v)
      m = std::max(m, std::fabs(x));
    return m;
  };
  q.sw1 = shiftFor(maxAbs(p.w1));
  q.sw2 = shiftFor(maxAbs(p.w2));
  // A requantizing shift cannot be negative (requantize only shifts right).
  q.sh = std::min(sh, q.sx + q.sw1);
  q.so = std::min(so, q.sh + q.sw2);
  for (float w : p.w1)
    q.w1.push_back(quantize(w, q.sw1));
  for (float w : p.w2)
    q.w2.push_back(quantize(w, q.sw2));
  // Biases add to the i32 accumulators, whose scale is the product's.
  for (float b : p.b1)
    q.b1.push_back(int32_t(std::lround(std::ldexp(b, q.sx + q.sw1))));
  for (float b : p.b2)
    q.b2.push_back(int32_t(std::lround(std::ldexp(b, q.sh + q.sw2))));
  return q;
}

std::vector<int8_t> quantizeImages(const Dataset &d, int first, int n, int sx) {
  std::vector<int8_t> q(size_t(n) * kPixels);
  for (size_t i = 0; i < q.size(); ++i)
    q[i] = quantize(d.images[size_t(first) * kPixels + i], sx);
  return q;
}

// The int8 network exactly as the generated TDL computes it (qdense, qrelu,
// qdense, argmax with the first maximum winning), to pick the scales.
std::vector<int32_t> int8Predict(const QuantModel &q,
                                 const std::vector<int8_t> &x, int n) {
  std::vector<int32_t> pred(static_cast<size_t>(n));
  std::vector<int32_t> acc(kHidden);
  std::vector<int8_t> h(kHidden);
  for (int i = 0; i < n; ++i) {
    std::copy(q.b1.begin(), q.b1.end(), acc.begin());
    for (int k = 0; k < kPixels; ++k) {
      int32_t xk = x[size_t(i) * kPixels + k];
      if (xk != 0)
        for (int j = 0; j < kHidden; ++j)
          acc[j] += xk * q.w1[size_t(k) * kHidden + j];
    }
    for (int j = 0; j < kHidden; ++j)
      h[j] = std::max<int8_t>(requantize(acc[j], q.r1()), 0);
    int best = 0;
    int8_t bestVal = -128;
    for (int c = 0; c < kClasses; ++c) {
      int32_t a = q.b2[c];
      for (int j = 0; j < kHidden; ++j)
        a += int32_t(h[j]) * q.w2[size_t(j) * kClasses + c];
      int8_t v = requantize(a, q.r2());
      if (c == 0 || v > bestVal)
        best = c, bestVal = v;
    }
    pred[i] = best;
  }
  return pred;
}

// Picks the hidden and logit scales on training images (never the test
// images the int8 model is scored on). Starting from the scales at which the
// largest observed value just fits, it tries finer ones — clipping a few
// outliers buys resolution for the bulk of the values — and keeps the pair
// with the best int8 accuracy.
QuantModel calibrate(const Params &p, const Dataset &train) {
  constexpr int kCalib = 1024;
  std::vector<float> x(kEvalBatch * kPixels), h(kEvalBatch * kHidden),
      z(kEvalBatch * kClasses);
  float maxH = 0, maxZ = 0;
  for (int start = 0; start < kCalib; start += kEvalBatch) {
    std::memcpy(x.data(), train.image(start), sizeof(float) * x.size());
    check(::forward(p.w1.data(), p.b1.data(), p.w2.data(), p.b2.data(),
                    x.data(), h.data(), z.data()),
          "forward");
    for (float v : h)
      maxH = std::max(maxH, v);
    for (float v : z)
      maxZ = std::max(maxZ, std::fabs(v));
  }
  auto xq = quantizeImages(train, 0, kCalib, kPixelShift);
  QuantModel best;
  int bestCorrect = -1;
  for (int dh = 0; dh <= 2; ++dh)
    for (int dz = 0; dz <= 1; ++dz) {
      QuantModel q = quantizeModel(p, shiftFor(maxH) + dh, shiftFor(maxZ) + dz);
      int c = countCorrect(int8Predict(q, xq, kCalib), train, kCalib);
      if (c > bestCorrect)
        best = q, bestCorrect = c;
    }
  return best;
}

template <typename T> void writeRow(std::FILE *f, const T *v, int n) {
  std::fputc('[', f);
  for (int i = 0; i < n; ++i)
    std::fprintf(f, i ? ", %d" : "%d", int(v[i]));
  std::fputc(']', f);
}

template <typename T>
void writeMatrix(std::FILE *f, const char *name, const char *type,
                 const std::vector<T> &v, int rows, int cols) {
  std::fprintf(f, "    let %s: %s = [\n", name, type);
  for (int r = 0; r < rows; ++r) {
    std::fputs("        ", f);
    writeRow(f, &v[size_t(r) * cols], cols);
    std::fputs(",\n", f);
  }
  std::fputs("    ] as i8;\n", f);
}

// The int8 program: the weights, images and labels as literals (TDL has no
// file I/O), and main() returning (correct count, predictions).
void writeQuantizedProgram(const std::string &path, const QuantModel &q,
                           const std::vector<int8_t> &x,
                           const std::vector<int32_t> &labels) {
  std::FILE *f = std::fopen(path.c_str(), "w");
  if (!f)
    fail("cannot write " + path);
  std::fprintf(
      f,
      "// Generated by examples/fashion_mnist/main.cpp: the trained MLP in "
      "int8 with\n"
      "// power-of-two scales (std.quant), on the first %d Fashion-MNIST test "
      "images.\n"
      "// Scales (real = q / 2^s): pixels %d, w1 %d, hidden %d, w2 %d, logits "
      "%d.\n"
      "//   tdlc run --backend=accel --stats %s\n"
      "import std.quant;\n\n"
      "fn main() -> (i32, i64[%d]) {\n",
      kQuantImages, q.sx, q.sw1, q.sh, q.sw2, q.so, path.c_str(), kQuantImages);
  writeMatrix(f, "x", "i8[256, 784]", x, kQuantImages, kPixels);
  writeMatrix(f, "w1", "i8[784, 128]", q.w1, kPixels, kHidden);
  writeMatrix(f, "w2", "i8[128, 10]", q.w2, kHidden, kClasses);
  std::fputs("    let b1: i32[128] = ", f);
  writeRow(f, q.b1.data(), kHidden);
  std::fputs(";\n    let b2: i32[10] = ", f);
  writeRow(f, q.b2.data(), kClasses);
  std::fputs(";\n    let labels: i64[256] = ", f);
  writeRow(f, labels.data(), kQuantImages);
  std::fprintf(f,
               ";\n"
               "    // Accumulators: x @ w1 at scale 2^%d, h @ w2 at 2^%d.\n"
               "    let h = qrelu(qdense(x, w1, b1, shift: %d));\n"
               "    let logits = qdense(h, w2, b2, shift: %d);\n"
               "    let pred = argmax(logits, axis: 1);\n"
               "    return (sum((pred == labels) as i32), pred);\n"
               "}\n",
               q.sx + q.sw1, q.sh + q.sw2, q.r1(), q.r2());
  if (std::fclose(f) != 0)
    fail("cannot write " + path);
}

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since)
      .count();
}

} // namespace

int main(int argc, char **argv) {
  std::string dataDir = "/usr/share/datasets/fashion-mnist", quantOut;
  int epochs = 1, trainLimit = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        fail("missing value after " + a);
      return argv[++i];
    };
    if (a == "--data")
      dataDir = value();
    else if (a == "--epochs")
      epochs = std::atoi(value().c_str());
    else if (a == "--train-limit")
      trainLimit = std::atoi(value().c_str());
    else if (a == "--quantized-out")
      quantOut = value();
    else
      fail("unknown argument " + a +
           " (usage: fashion_mnist [--data DIR] [--epochs N] "
           "[--train-limit N] [--quantized-out FILE.tdl])");
  }

  Dataset train = load(dataDir, "train"), test = load(dataDir, "t10k");
  int nTrain =
      trainLimit > 0 ? std::min(trainLimit, train.size()) : train.size();
  int steps = nTrain / kBatch; // the last partial batch is dropped
  if (steps == 0)
    fail("--train-limit must be at least one batch (64)");
  const float lr = 1e-3f;
  std::printf("training on %d of %d images, %d epoch(s) of %d steps (batch "
              "%d, Adam lr %g); test set %d images\n",
              nTrain, train.size(), epochs, steps, kBatch, double(lr),
              test.size());

  // Parameters, Adam moments (zero), and a second set of each: train_step
  // writes into separate output buffers, then the two sets swap.
  Params p, m, v, p2, m2, v2;
  check(::init(42, p.w1.data(), p.b1.data(), p.w2.data(), p.b2.data()), "init");

  std::mt19937 rng(1234); // fixed seed: the same batches on every run
  std::vector<int> order(static_cast<size_t>(nTrain));
  std::iota(order.begin(), order.end(), 0);
  std::vector<float> x(kBatch * kPixels);
  std::vector<int32_t> y(kBatch);
  const int logEvery = (steps + 4) / 5; // five loss lines per epoch
  int64_t t = 0;
  double totalTrainSeconds = 0, totalTrainCpu = 0;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    auto start = std::chrono::steady_clock::now();
    std::clock_t cpuStart = std::clock();
    double lossSum = 0;
    int lossCount = 0;
    for (int s = 0; s < steps; ++s) {
      for (int r = 0; r < kBatch; ++r) {
        int idx = order[size_t(s) * kBatch + r];
        std::memcpy(&x[size_t(r) * kPixels], train.image(idx),
                    sizeof(float) * kPixels);
        y[r] = train.labels[idx];
      }
      float loss = 0;
      check(::train_step(p.w1.data(), p.b1.data(), p.w2.data(), p.b2.data(),
                         m.w1.data(), m.b1.data(), m.w2.data(), m.b2.data(),
                         v.w1.data(), v.b1.data(), v.w2.data(), v.b2.data(),
                         ++t, x.data(), y.data(), lr, p2.w1.data(),
                         p2.b1.data(), p2.w2.data(), p2.b2.data(), m2.w1.data(),
                         m2.b1.data(), m2.w2.data(), m2.b2.data(), v2.w1.data(),
                         v2.b1.data(), v2.w2.data(), v2.b2.data(), &loss),
            "train_step");
      std::swap(p, p2), std::swap(m, m2), std::swap(v, v2);
      lossSum += loss, ++lossCount;
      if ((s + 1) % logEvery == 0 || s + 1 == steps) {
        std::printf("epoch %d step %d/%d: mean loss %.4f\n", epoch, s + 1,
                    steps, lossSum / lossCount);
        std::fflush(stdout);
        lossSum = 0, lossCount = 0;
      }
    }
    // Wall and CPU time: on a shared machine the CPU time is the steadier.
    double trainSeconds = seconds(start);
    double trainCpu = double(std::clock() - cpuStart) / CLOCKS_PER_SEC;
    totalTrainSeconds += trainSeconds, totalTrainCpu += trainCpu;
    auto evalStart = std::chrono::steady_clock::now();
    int correct =
        countCorrect(predictAll(p, test, test.size()), test, test.size());
    std::printf("epoch %d: test accuracy %.4f (%d/%d); training %.2f s "
                "(CPU %.2f s), evaluation %.2f s\n",
                epoch, double(correct) / test.size(), correct, test.size(),
                trainSeconds, trainCpu, seconds(evalStart));
    std::fflush(stdout);
  }
  double images = double(steps) * kBatch * epochs;
  std::printf("training throughput: %.0f images/s (%.0f per CPU second)\n",
              images / totalTrainSeconds, images / totalTrainCpu);

  // The float model on the images the int8 program is scored on.
  std::vector<int32_t> firstLabels(test.labels.begin(),
                                   test.labels.begin() + kQuantImages);
  int floatCorrect =
      countCorrect(predictAll(p, test, kQuantImages), test, kQuantImages);
  std::printf("float model on the first %d test images: %d correct\n",
              kQuantImages, floatCorrect);
  if (quantOut.empty())
    return 0;

  QuantModel q = calibrate(p, train);
  auto xq = quantizeImages(test, 0, kQuantImages, q.sx);
  int int8Correct =
      countCorrect(int8Predict(q, xq, kQuantImages), test, kQuantImages);
  writeQuantizedProgram(quantOut, q, xq, firstLabels);
  std::printf("int8 model: scales 2^%d (pixels), 2^%d (w1), 2^%d (hidden), "
              "2^%d (w2), 2^%d (logits); requantize shifts %d, %d\n",
              q.sx, q.sw1, q.sh, q.sw2, q.so, q.r1(), q.r2());
  std::printf("int8 model (C++ reference) on the first %d test images: %d "
              "correct\n",
              kQuantImages, int8Correct);
  std::printf("wrote %s\n", quantOut.c_str());
  return 0;
}
