"""gradlab_torch: the gradlab doctor's probe for PyTorch runs.

    probe = GradlabProbe(model, optimizer=opt, path="runs/x.jsonl", every=10)
    for x, y in loader:
        opt.zero_grad(); loss = loss_fn(model(x), y); loss.backward(); opt.step()
        probe.step(loss)
    probe.close()

The record it writes (JSON Lines, format ``gradlab-run-record`` version 1) is read by
``gradlab doctor``, ``gradlab report`` and the web lab. Depends only on torch and the
standard library.
"""
from .kinds import layer_kind
from .probe import GradlabProbe
from .record import RunRecordWriter, encode_line

__all__ = ["GradlabProbe", "RunRecordWriter", "encode_line", "layer_kind"]
__version__ = "0.1.0"
