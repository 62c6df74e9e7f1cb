"""The cost of GradlabProbe on a PyTorch training step, with default options (every=10).

Plain and probed steps of the same model are timed in alternating blocks (so both meet the
same stretches of CPU speed), for `--rounds` rounds; the figure is the ratio of the lowest block
medians, as bench/measure.ts does for gradlab. Prints one JSON line per workload.

    /usr/bin/python3 bench/torch_probe.py [--threads 1] [--rounds 5]
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from gradlab_torch import GradlabProbe  # noqa: E402


def mlp(inp, width, depth, out, act):
    layers, n = [], inp
    for _ in range(depth):
        layers += [nn.Linear(n, width), act()]
        n = width
    return nn.Sequential(*layers, nn.Linear(n, out))


WORKLOADS = {
    "mlp-784-512x6-10-b128": (lambda: mlp(784, 512, 6, 10, nn.ReLU), 784, 128),
    "tanh-784-64x6-10-b32": (lambda: mlp(784, 64, 6, 10, nn.Tanh), 784, 32),
}


def block(step, n):
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        step()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def run(name, make, inp, bs, rounds, reps):
    torch.manual_seed(0)
    x, y = torch.randn(bs, inp), torch.randint(0, 10, (bs,))
    plain, probed = make(), make()
    probed.load_state_dict(plain.state_dict())
    op = torch.optim.SGD(plain.parameters(), lr=1e-3)
    oq = torch.optim.SGD(probed.parameters(), lr=1e-3)
    tmp = tempfile.mkdtemp()
    probe = GradlabProbe(probed, optimizer=oq, path=os.path.join(tmp, "run.jsonl"))

    def step_plain():
        op.zero_grad()
        F.cross_entropy(plain(x), y).backward()
        op.step()

    def step_probed():
        oq.zero_grad()
        loss = F.cross_entropy(probed(x), y)
        loss.backward()
        oq.step()
        probe.step(loss)

    for _ in range(3 * 10):  # warm-up, three recorded steps included
        step_plain()
        step_probed()
    best_plain, best_probed = float("inf"), float("inf")
    for _ in range(rounds):
        # blocks of whole `every` periods, so each block holds its share of recorded steps
        best_plain = min(best_plain, block(step_plain, reps))
        tp = []
        for _ in range(reps // 10):
            t0 = time.perf_counter()
            for _ in range(10):
                step_probed()
            tp.append((time.perf_counter() - t0) / 10)
        best_probed = min(best_probed, statistics.median(tp))
    probe.close()
    return {"workload": name, "plainMs": best_plain * 1e3, "probedMs": best_probed * 1e3,
            "overheadPct": (best_probed / best_plain - 1) * 100, "threads": torch.get_num_threads(), "torch": torch.__version__}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--reps", type=int, default=40)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    for name, (make, inp, bs) in WORKLOADS.items():
        print(json.dumps(run(name, make, inp, bs, a.rounds, a.reps)), flush=True)


if __name__ == "__main__":
    main()
