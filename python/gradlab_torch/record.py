"""Run-record lines (docs/run-record.md): JSON Lines, one header, step lines, optional finding
lines, an end line. JSON has no NaN or infinity: they are written as the strings "NaN",
"Infinity" and "-Infinity", as gradlab's own writer does.

The writer appends and flushes one whole line at a time, so a process killed mid-run leaves a
record whose every complete line is readable (readers drop a cut-off last line).
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import sys
from typing import Any, Dict, Optional

FORMAT = "gradlab-run-record"
VERSION = 1
LIBRARY = {"name": "gradlab_torch", "version": "0.1.0"}


def _encode(v: Any) -> Any:
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    if isinstance(v, dict):
        return {k: _encode(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_encode(x) for x in v]
    return v


def encode_line(obj: Dict[str, Any]) -> str:
    """One record line with its newline; non-finite floats become strings."""
    try:  # the common case: every number finite, one pass of the C encoder
        return json.dumps(obj, separators=(",", ":"), allow_nan=False) + "\n"
    except ValueError:
        return json.dumps(_encode(obj), separators=(",", ":"), allow_nan=False) + "\n"


def environment(extra: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    import torch

    env: Dict[str, Any] = {
        "runtime": f"python {platform.python_version()}",
        "torch": torch.__version__,
        "platform": sys.platform,
        "arch": platform.machine(),
        "cores": os.cpu_count() or 0,
    }
    if extra:
        env.update(extra)
    return env


class RunRecordWriter:
    """Writes a run record to ``path`` line by line (header first, then steps, findings, end)."""

    def __init__(self, path: str, seed: Optional[int] = None, spec: Any = None, env: Optional[Dict[str, Any]] = None,
                 probe: Any = None) -> None:
        d = os.path.dirname(os.path.abspath(path))
        os.makedirs(d, exist_ok=True)
        self.path = path
        self.steps = 0
        self.last_step = -1
        self.ended = False
        self._f = open(path, "w", encoding="utf-8")
        header: Dict[str, Any] = {
            "type": "header",
            "format": FORMAT,
            "version": VERSION,
            "createdAt": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "library": dict(LIBRARY),
            "seed": seed,
            "spec": spec,
            "environment": env if env is not None else environment(),
        }
        if probe is not None:
            header["probe"] = probe
        self._write(header)

    def _write(self, obj: Dict[str, Any]) -> None:
        if self.ended:
            raise ValueError(f"run record {self.path}: the record already ended; open a new GradlabProbe to record more")
        self._f.write(encode_line(obj))
        self._f.flush()

    def step(self, rec: Dict[str, Any]) -> None:
        if rec["step"] <= self.last_step:
            raise ValueError(f"run record: step {rec['step']} does not come after step {self.last_step}; steps must increase")
        self._write({"type": "step", **rec})
        self.last_step = rec["step"]
        self.steps += 1

    def finding(self, f: Dict[str, Any]) -> None:
        self._write({"type": "finding", **f})

    def end(self, status: str = "completed", error: Optional[str] = None) -> None:
        line: Dict[str, Any] = {"type": "end", "steps": self.steps, "status": status}
        if error is not None:
            line["error"] = error
        self._write(line)
        self.ended = True
        self._f.close()

    def close(self) -> None:
        if not self._f.closed:
            self._f.close()
