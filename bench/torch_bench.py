#!/usr/bin/env python3
"""PyTorch side of `npm run bench`: the same workloads, printed as one JSON object on stdout.

Usage: torch_bench.py [--quick] [--blocks N] [--threads N ...]
Per-call ms after warm-up, timed as bench/measure.ts does: N blocks (default 1) of repetitions,
each at least 5 calls and 0.3 s, with a short pause between blocks. The bench runs this script
once per round, so PyTorch's blocks are spread over the run like every other configuration's;
bench/torch.ts takes the lowest block median. Threads set with torch.set_num_threads
(OMP/MKL/OpenBLAS).
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

QUICK = "--quick" in sys.argv


def arg_list(flag):
    out = []
    for i, a in enumerate(sys.argv):
        if a == flag and i + 1 < len(sys.argv):
            out.append(int(sys.argv[i + 1]))
    return out


PAUSE = 0.15
BLOCKS = (arg_list("--blocks") or [1])[0]


def measure(fn, warmup=None, min_reps=None, min_time=None, max_reps=2000):
    """Blocks of per-call times in ms: [[t, ...], ...]."""
    warmup = warmup if warmup is not None else (2 if QUICK else 5)
    min_reps = min_reps if min_reps is not None else (3 if QUICK else 5)
    min_time = min_time if min_time is not None else (0.1 if QUICK else 0.3)
    for _ in range(warmup):
        fn()
    runs = []
    for b in range(BLOCKS):
        if b > 0:
            time.sleep(PAUSE)
        ts = []
        t0 = time.perf_counter()
        while len(ts) < max_reps and (len(ts) < min_reps or time.perf_counter() - t0 < min_time):
            t = time.perf_counter()
            fn()
            ts.append((time.perf_counter() - t) * 1000.0)
        runs.append(ts)
    return runs


GEMM_CASES = [
    *[(f"{n}²", n, n, n, False, False) for n in (128, 256, 512, 1024)],
    ("MLP512 fwd 128×512×512 NT", 128, 512, 512, False, True),
    ("MLP512 dX 128×512×512 NN", 128, 512, 512, False, False),
    ("MLP512 dW 512×512×128 TN", 512, 512, 128, True, False),
    ("MLP512 in 128×512×784 NT", 128, 512, 784, False, True),
    ("MLP64 in 32×64×784 NT", 32, 64, 784, False, True),
    ("MLP64 hid 32×64×64 NT", 32, 64, 64, False, True),
]


def bench_gemm():
    out = {}
    for name, M, N, K, ta, tb in GEMM_CASES:
        if QUICK and M == 1024:
            continue
        a = torch.rand(K, M) if ta else torch.rand(M, K)
        b = torch.rand(N, K) if tb else torch.rand(K, N)
        aa = a.t() if ta else a
        bb = b.t() if tb else b
        out[name] = measure(lambda: torch.mm(aa, bb))
    return out


def mlp(width, depth=6, in_features=784):
    layers = [nn.Linear(in_features, width), nn.Tanh()]
    for _ in range(depth - 1):
        layers += [nn.Linear(width, width), nn.Tanh()]
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10),
    )


def step_fn(model, x, y):
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    return step


def bench_steps():
    torch.manual_seed(0)
    out = {}
    x = torch.randn(128, 784)
    y = torch.randint(0, 10, (128,))
    out["MLP 784→512×6→10 b128"] = measure(step_fn(mlp(512), x, y))
    x = torch.randn(32, 784)
    y = torch.randint(0, 10, (32,))
    out["MLP 784→64×6→10 b32"] = measure(step_fn(mlp(64), x, y))
    x = torch.randn(64, 1, 28, 28)
    y = torch.randint(0, 10, (64,))
    out["CNN 28×28 b64"] = measure(step_fn(cnn(), x, y))
    x = torch.randn(64, 128)
    y = torch.randint(0, 10, (64,))
    out["MLP 128→128×20→10 tanh b64"] = measure(step_fn(mlp(128, 20, 128), x, y))
    return out


def main():
    threads = arg_list("--threads") or [1, os.cpu_count() or 1]
    res = {"torch": torch.__version__, "blas": "", "runs": {}}
    try:
        cfg = torch.__config__.show()
        res["blas"] = "OpenBLAS" if "OpenBLAS" in cfg or "openblas" in cfg else ("MKL" if "MKL" in cfg else "")
    except Exception:
        pass
    for t in dict.fromkeys(threads):
        torch.set_num_threads(t)
        res["runs"][str(t)] = {"gemm": bench_gemm(), "steps": bench_steps()}
    print(json.dumps(res))


if __name__ == "__main__":
    main()
