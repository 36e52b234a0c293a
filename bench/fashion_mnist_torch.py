#!/usr/bin/python3
"""PyTorch (CPU) baseline for examples/fashion_mnist: the same 784-128-10 MLP,
He init, Adam lr 1e-3, batch 64, shuffled mini-batches, one thread (the
example's tdlc object is single-threaded). Prints the training throughput and
the test accuracy per epoch, for docs/performance.md.

usage: fashion_mnist_torch.py [--epochs N] [--threads N]
needs: python3-torch (Debian), dataset-fashion-mnist
"""
import argparse
import gzip
import time

import numpy as np
import torch

DATA = "/usr/share/datasets/fashion-mnist"


def idx(name, offset):
    with gzip.open("%s/%s.gz" % (DATA, name)) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def images(name):
    return torch.from_numpy(idx(name, 16).reshape(-1, 784).astype(np.float32) / 255)


def labels(name):
    return torch.from_numpy(idx(name, 8).astype(np.int64))


ap = argparse.ArgumentParser()
ap.add_argument("--epochs", type=int, default=2)
ap.add_argument("--threads", type=int, default=1)
args = ap.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(42)

xtr, ytr = images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte")
xte, yte = images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte")
model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(),
                            torch.nn.Linear(128, 10))
for layer in (model[0], model[2]):
    torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
    torch.nn.init.zeros_(layer.bias)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()

batch = 64
steps = len(ytr) // batch
for epoch in range(1, args.epochs + 1):
    order = torch.randperm(len(ytr))
    start, cpu_start = time.perf_counter(), time.process_time()
    for s in range(steps):
        i = order[s * batch:(s + 1) * batch]
        opt.zero_grad()
        loss = loss_fn(model(xtr[i]), ytr[i])
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    with torch.no_grad():
        acc = (model(xte).argmax(1) == yte).float().mean().item()
    print("epoch %d: test accuracy %.4f; training %.2f s (CPU %.2f s): "
          "%.0f images/s, %.0f per CPU second" % (
              epoch, acc, seconds, cpu, steps * batch / seconds,
              steps * batch / cpu))
