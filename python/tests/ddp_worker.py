"""A rank of the 2-process DDP test: trains the broken tanh net on its half of the batch."""
import os

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP

from gradlab_torch import GradlabProbe
from nets import batch, tanh_mlp

STEPS = 4


def run_rank(rank, world, init_file, path):
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world)
    try:
        torch.set_num_threads(1)
        model = DDP(tanh_mlp(std=0.05))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        probe = GradlabProbe(model, optimizer=opt, path=path, every=1, jacobian_every=0)
        x, y = batch()
        per = x.shape[0] // world
        xs, ys = x[rank * per:(rank + 1) * per], y[rank * per:(rank + 1) * per]
        for _ in range(STEPS):
            opt.zero_grad()
            loss = F.cross_entropy(model(xs), ys)
            loss.backward()
            opt.step()
            probe.step(loss)
        probe.close()
    finally:
        dist.destroy_process_group()


def run_single(path):
    torch.set_num_threads(1)
    model = tanh_mlp(std=0.05)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    probe = GradlabProbe(model, optimizer=opt, path=path, every=1, jacobian_every=0)
    x, y = batch()
    for _ in range(STEPS):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        probe.step(loss)
    probe.close()


def count_collectives(rank, world, init_file, out):
    """Counts the probe's collectives per step with every=2 (DDP's own go through C++)."""
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world)
    try:
        calls = [0]
        real = {name: getattr(dist, name) for name in ("all_reduce", "all_gather", "all_gather_object", "broadcast")}

        def counting(f):
            def g(*a, **k):
                calls[0] += 1
                return f(*a, **k)
            return g

        for name, f in real.items():
            setattr(dist, name, counting(f))
        model = DDP(tanh_mlp(std=0.05))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        probe = GradlabProbe(model, optimizer=opt, every=2)
        x, y = batch()
        per_step = []
        for _ in range(4):
            calls[0] = 0
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            probe.step(loss)
            per_step.append(calls[0])
        for name, f in real.items():
            setattr(dist, name, f)
        if rank == 0:
            with open(out, "w") as f:
                f.write(",".join(map(str, per_step)))
    finally:
        dist.destroy_process_group()
