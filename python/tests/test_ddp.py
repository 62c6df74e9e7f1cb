"""Under DDP the record describes the global batch: a 2-process gloo run on the CPU writes one
record (rank 0) whose statistics equal those of one process that saw the whole batch."""
import math
import os

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from conftest import read_lines
from ddp_worker import run_rank, run_single

pytestmark = pytest.mark.skipif(not dist.is_available(), reason="torch.distributed is not available")

# keys whose values are a random estimate (none are recorded here: jacobian_every=0) or differ by design
SKIP = {"createdAt", "environment"}


def close(a, b, path="", rel=1e-4, abs_=1e-6):
    """Equal within float32 rounding: the ranks' half-batch products round differently from the whole batch's."""
    if isinstance(a, dict):
        assert set(a) == set(b), f"{path}: keys {sorted(set(a) ^ set(b))}"
        for k in a:
            if k not in SKIP:
                close(a[k], b[k], f"{path}.{k}", rel, abs_)
    elif isinstance(a, list):
        assert len(a) == len(b), f"{path}: lengths {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            close(x, y, f"{path}[{i}]", rel, abs_)
    elif isinstance(a, float) or isinstance(b, float):
        assert math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_), f"{path}: {a} != {b}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def test_two_ranks_equal_one_process_on_the_whole_batch(tmp_path, validator):
    ddp_path = str(tmp_path / "ddp.jsonl")
    one_path = str(tmp_path / "one.jsonl")
    mp.spawn(run_rank, args=(2, str(tmp_path / "init"), ddp_path), nprocs=2, join=True)
    run_single(one_path)
    ddp, one = read_lines(ddp_path), read_lines(one_path)
    for line in ddp:
        assert list(validator.iter_errors(line)) == []
    assert ddp[0]["environment"]["world_size"] == 2
    assert ddp[0]["environment"]["distributedBackend"] == "gloo"
    assert len(ddp) == len(one) == 6
    for a, b in zip(ddp[1:-1], one[1:-1]):
        # histogram counts are integers; a value on a bin edge may fall either side under float
        # rounding, so counts are compared with a tolerance of a few values
        for la, lb in zip(a["layers"], b["layers"]):
            for part in ("output", "input", "grad"):
                if part in la:
                    ha, hb = la[part].pop("histogram", None), lb[part].pop("histogram", None)
                    assert (ha is None) == (hb is None)
                    if ha:
                        assert ha["lo"] == pytest.approx(hb["lo"], rel=1e-6) and ha["hi"] == pytest.approx(hb["hi"], rel=1e-6)
                        assert sum(abs(p - q) for p, q in zip(ha["counts"], hb["counts"])) <= 4
        close(a, b)


def test_no_collective_on_unrecorded_steps(tmp_path):
    from ddp_worker import count_collectives

    out = str(tmp_path / "calls.txt")
    mp.spawn(count_collectives, args=(2, str(tmp_path / "init"), out), nprocs=2, join=True)
    calls = [int(c) for c in open(out).read().split(",")]
    assert calls[1] == 0 and calls[3] == 0
    # a recorded step needs a fixed handful, whatever the number of layers
    assert 0 < calls[0] <= 8 and calls[0] == calls[2]
