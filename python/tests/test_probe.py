import math
import os

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from conftest import read_lines
from gradlab_torch import GradlabProbe
from nets import batch, tanh_mlp


def train(model, path, steps=5, every=1, **kw):
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    probe = GradlabProbe(model, optimizer=opt, path=path, every=every, **kw)
    x, y = batch()
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        probe.step(loss)
    probe.close()
    return probe


def test_every_line_validates_against_the_shipped_schema(tmp_path, validator):
    path = str(tmp_path / "run.jsonl")
    train(tanh_mlp(), path, steps=7, every=3)
    lines = read_lines(path)
    assert [l["type"] for l in lines] == ["header", "step", "step", "step", "end"]
    assert [l["step"] for l in lines[1:4]] == [0, 3, 6]
    for line in lines:
        errors = list(validator.iter_errors(line))
        assert errors == [], errors[0].message if errors else ""
    assert lines[0]["library"]["name"] == "gradlab_torch"
    assert lines[-1] == {"type": "end", "steps": 3, "status": "completed"}


def test_statistics_match_direct_measurements(tmp_path):
    model = tanh_mlp(std=0.2)
    x, y = batch()
    acts = {}
    hs = [m.register_forward_hook(lambda m, i, o, k=k: acts.__setitem__(k, o.detach())) for k, m in enumerate(model) if isinstance(m, nn.Tanh)]
    probe = GradlabProbe(model, every=1, jacobian_every=0)
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    rec = probe.step(loss)
    for h in hs:
        h.remove()
    tanhs = [l for l in rec["layers"] if l["kind"] == "tanh"]
    assert len(tanhs) == 6
    for lay, (k, a) in zip(tanhs, sorted(acts.items())):
        a64 = a.double()
        o = lay["output"]
        assert o["count"] == a.numel()
        assert math.isclose(o["mean"], float(a64.mean()), rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(o["std"], float(a64.std(unbiased=False)), rel_tol=1e-6)
        assert math.isclose(o["norm"], float(a64.norm()), rel_tol=1e-9)
        assert o["quantiles"]["exact"] is True
        assert math.isclose(o["quantiles"]["values"][3], float(torch.quantile(a64.reshape(-1), 0.5)), rel_tol=1e-9)
        assert sum(o["histogram"]["counts"]) == a.numel()
        assert math.isclose(lay["saturation"], float((a.abs() > 0.97).double().mean()), abs_tol=1e-12)
    assert rec["loss"] == pytest.approx(float(loss))
    total = math.sqrt(sum(float(p.grad.double().norm()) ** 2 for p in model.parameters()))
    assert rec["gradNorm"] == pytest.approx(total, rel=1e-9)


def test_gradients_of_activations_match_retain_grad():
    model = tanh_mlp(std=0.3)
    x, y = batch()
    outs = []
    def keep(m, i, o):
        o.retain_grad()
        outs.append(o)

    hs = [m.register_forward_hook(keep) for m in model if isinstance(m, nn.Tanh)]
    probe = GradlabProbe(model, every=1)
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    rec = probe.step(loss)
    for h in hs:
        h.remove()
    grads = [l["grad"]["norm"] for l in rec["layers"] if l["kind"] == "tanh"]
    assert grads == pytest.approx([float(o.grad.double().norm()) for o in outs], rel=1e-9)


def test_update_ratio_is_the_optimizer_step():
    model = tanh_mlp(std=0.3)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    probe = GradlabProbe(model, optimizer=opt, every=1)
    x, y = batch()
    before = [p.detach().clone() for p in model.parameters()]
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    rec = probe.step(loss)
    for r, b, p in zip(rec["params"], before, model.parameters()):
        assert r["update"] == pytest.approx(float((p.detach() - b).double().norm() / b.double().norm()), rel=1e-6)
    assert rec["lr"] == [0.5]


def test_functional_activations_and_custom_layers_are_seen():
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(8, 8)

        def forward(self, x):
            return torch.tanh(self.lin(x)) + F.relu(x)

    model = nn.Sequential(Block(), Block(), nn.Linear(8, 2))
    probe = GradlabProbe(model, every=1)
    x = torch.randn(16, 8)
    loss = model(x).pow(2).mean()
    loss.backward()
    rec = probe.step(loss)
    names = [l["name"] for l in rec["layers"]]
    assert "0/tanh#1" in names and "0/relu#1" in names and "1/tanh#1" in names
    kinds = {l["name"]: l["kind"] for l in rec["layers"]}
    assert kinds["0/tanh#1"] == "tanh" and kinds["0/relu#1"] == "relu"


def test_unrecorded_steps_record_nothing_and_training_is_unchanged():
    a, b = tanh_mlp(std=0.3), tanh_mlp(std=0.3)
    x, y = batch()
    oa = torch.optim.Adam(a.parameters(), lr=1e-2)
    ob = torch.optim.Adam(b.parameters(), lr=1e-2)
    probe = GradlabProbe(b, optimizer=ob, every=2, jacobian_every=2)
    recs = []
    for _ in range(4):
        for m, o in ((a, oa), (b, ob)):
            o.zero_grad()
            loss = F.cross_entropy(m(x), y)
            loss.backward()
            o.step()
            if m is b:
                recs.append(probe.step(loss))
    probe.close()
    assert [r is not None for r in recs] == [True, False, True, False]
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa, pb)


def test_recurrent_time_profile():
    torch.manual_seed(0)
    rnn = nn.RNN(4, 8, batch_first=True)
    head = nn.Linear(8, 1)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn, self.head = rnn, head

        def forward(self, x):
            return self.head(self.rnn(x)[0][:, -1])

    net = Net()
    probe = GradlabProbe(net, every=1)
    x = torch.randn(5, 20, 4)
    loss = net(x).pow(2).mean()
    loss.backward()
    rec = probe.step(loss)
    r = [l for l in rec["layers"] if l["kind"] == "recurrent"][0]
    out = rnn(x)[0].detach().double()
    assert r["timeSteps"] == list(range(20))
    assert r["timeRms"] == pytest.approx([float(out[:, t].pow(2).mean().sqrt()) for t in range(20)], rel=1e-9)


def test_bad_arguments_name_the_fix():
    with pytest.raises(TypeError, match="torch.nn.Module"):
        GradlabProbe("model")
    with pytest.raises(ValueError, match="every"):
        GradlabProbe(tanh_mlp(), every=0)
    with pytest.raises(ValueError, match="no module"):
        GradlabProbe(nn.Sequential(nn.Identity()), kinds=("conv",))
    with pytest.raises(ValueError, match="unknown layer kinds"):
        GradlabProbe(tanh_mlp(), kinds=("lineer",))


def test_context_manager_marks_a_failed_run(tmp_path):
    path = str(tmp_path / "run.jsonl")
    with pytest.raises(RuntimeError):
        with GradlabProbe(tanh_mlp(), path=path, every=1) as probe:
            x, y = batch()
            probe.step(F.cross_entropy(probe.model(x), y))
            raise RuntimeError("boom")
    end = read_lines(path)[-1]
    assert end["status"] == "failed" and "boom" in end["error"]
