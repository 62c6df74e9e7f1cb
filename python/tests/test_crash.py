"""A run killed mid-training leaves a record whose complete lines are all valid."""
import os
import signal
import subprocess
import sys

from conftest import PY_ROOT, read_lines

SCRIPT = r"""
import os, signal, sys
sys.path.insert(0, sys.argv[2]); sys.path.insert(0, os.path.join(sys.argv[2], "tests"))
import torch, torch.nn.functional as F
from gradlab_torch import GradlabProbe
from nets import tanh_mlp, batch
model = tanh_mlp()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
probe = GradlabProbe(model, optimizer=opt, path=sys.argv[1], every=1)
x, y = batch()
for step in range(100):
    opt.zero_grad(); loss = F.cross_entropy(model(x), y); loss.backward(); opt.step(); probe.step(loss)
    if step == 4:
        os.kill(os.getpid(), signal.SIGKILL)
"""


def test_killed_run_leaves_a_readable_record(tmp_path, validator):
    path = str(tmp_path / "crash.jsonl")
    p = subprocess.run([sys.executable, "-c", SCRIPT, path, PY_ROOT], capture_output=True)
    assert p.returncode == -signal.SIGKILL
    lines = read_lines(path)
    assert lines[0]["type"] == "header"
    assert [l["step"] for l in lines[1:]] == [0, 1, 2, 3, 4]
    assert all(l["type"] != "end" for l in lines)
    for line in lines:
        assert list(validator.iter_errors(line)) == []
