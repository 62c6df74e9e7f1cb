"""The lecture's experiment in PyTorch: a 6-layer tanh MLP (inputs N(0, 1)) under three inits,
N(0, 0.01²), N(0, 0.05²) and Xavier normal, watched by GradlabProbe. Writes one run record per
init, which `gradlab doctor`, `gradlab report` and the web lab read like gradlab's own:

    python3 python/examples/init_tanh.py --out runs/torch-init-tanh
    npx gradlab report runs/torch-init-tanh/*.jsonl --html torch-init-tanh.html
"""
import argparse
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from gradlab_torch import GradlabProbe  # noqa: E402

def inits(stds):
    """The three inits: N(0, σ²) for each σ in stds, then Xavier normal."""
    out = {f"normal-{s:g}": (lambda w, s=s: nn.init.normal_(w, 0.0, s)) for s in stds}
    out["xavier-normal"] = lambda w: nn.init.xavier_normal_(w)
    return out


def build(width, depth, classes, init_):
    layers, n = [], width
    for _ in range(depth):
        lin = nn.Linear(n, width)
        init_(lin.weight)
        nn.init.zeros_(lin.bias)
        layers += [lin, nn.Tanh()]
    out = nn.Linear(width, classes)
    init_(out.weight)
    nn.init.zeros_(out.bias)
    return nn.Sequential(*layers, out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--width", type=int, default=4096)
    ap.add_argument("--depth", type=int, default=6)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--stds", default="0.01,0.05",
                    help="the normal inits' standard deviations (the lecture's 0.01 and 0.05 at width 4096; "
                         "scale them by sqrt(4096/width) to keep its per-layer factors at another width)")
    ap.add_argument("--out", default="runs/torch-init-tanh")
    a = ap.parse_args(argv)
    table = inits([float(s) for s in a.stds.split(",")])
    os.makedirs(a.out, exist_ok=True)
    paths = []
    for init, init_ in table.items():
        torch.manual_seed(a.seed)
        model = build(a.width, a.depth, 10, init_)
        opt = torch.optim.SGD(model.parameters(), lr=a.lr)
        x = torch.randn(a.batch, a.width)
        y = torch.randint(0, 10, (a.batch,))
        path = os.path.join(a.out, f"{init}.jsonl")
        spec = {"name": "init-tanh", "variant": init, "model": {"type": "mlp", "depth": a.depth, "width": a.width, "activation": "tanh"},
                "batchSize": a.batch, "steps": a.steps, "optimizer": {"type": "sgd", "lr": a.lr}, "producer": "pytorch"}
        with GradlabProbe(model, optimizer=opt, path=path, every=1, histogram_range=(-1.0, 1.0), histogram_bins=24,
                          run_seed=a.seed, spec=spec) as probe:
            for _ in range(a.steps):
                opt.zero_grad()
                loss = F.cross_entropy(model(x), y)
                loss.backward()
                opt.step()
                probe.step(loss)
        paths.append(path)
        print(f"{init:14s} loss {float(loss):.4f}  → {path}")
    return paths


if __name__ == "__main__":
    main()
