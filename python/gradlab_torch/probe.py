"""GradlabProbe: watches every layer of a torch model while it trains and writes a gradlab run
record, the way gradlab's TypeScript ``Probe`` does (src/diagnostics/probe.ts).

    probe = GradlabProbe(model, optimizer=opt, path="runs/x.jsonl", every=10)
    ...  # after optimizer.step():
    probe.step(loss)            # or probe.step(loss, grad_norm=total_norm_returned_by_clip_grad_norm_)
    probe.close()

On a recorded step (every ``every``-th, from step 0) forward hooks see each watched module's
input and output, a tensor hook on the output sees the gradient flowing back to it, a forward
pre-hook on the model snapshots the weights (for ‖Δw‖/‖w‖ of the step), and ``step()`` closes
the record: layer summaries, parameters, loss, learning rates, global gradient norm. Functional
activations called inside a module's forward (``torch.tanh(h)``, ``F.relu(h)``) are seen through
a ``TorchFunctionMode`` where torch has one (≥ 1.13) and recorded as layers named
``<module>/<op>#<k>``. On unrecorded steps the hooks return at once and no collective runs.

Under DDP (``torch.distributed`` initialized) every statistic of a recorded step is reduced
across ranks so that the record describes the global batch (summary.py), gradients with
respect to activations are divided by the world size (DDP averages the ranks' gradients, so
the global loss is the mean of the ranks' losses), and rank 0 alone writes the file.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import torch
import torch.distributed as dist
import torch.nn as nn

from .kinds import ACTIVATION_KINDS, DEFAULT_KINDS, FUNCTIONAL_KINDS, KINDS, WEIGHT_KINDS, layer_kind
from .record import RunRecordWriter, environment
from .summary import DEFAULT_QUANTILES, Summaries

try:  # torch >= 1.13
    from torch.overrides import TorchFunctionMode as _TorchFunctionMode
except ImportError:  # pragma: no cover - older torch: no functional activations
    _TorchFunctionMode = None  # type: ignore[assignment,misc]

_PURE_PER_SAMPLE = ("linear", "conv", "tanh", "sigmoid", "relu", "activation")


def _first_tensor(x: Any) -> Optional[torch.Tensor]:
    if isinstance(x, torch.Tensor):
        return x
    if isinstance(x, (tuple, list)):
        for v in x:
            t = _first_tensor(v)
            if t is not None:
                return t
    return None


def _world() -> Tuple[int, int]:
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


class _Layer:
    """One watched layer's pending record on a recorded step."""

    __slots__ = ("rec", "out", "inp", "grad", "sat", "alive", "time", "jac", "var_in")

    def __init__(self, rec: Dict[str, Any]) -> None:
        self.rec = rec
        self.out: Optional[int] = None
        self.inp: Optional[int] = None
        self.grad: Optional[int] = None
        self.sat: Optional[int] = None
        self.alive: Optional[torch.Tensor] = None
        self.time: Optional[Tuple[int, List[int]]] = None
        self.jac: Optional[int] = None
        self.var_in: Optional[int] = None


class GradlabProbe:
    """See the module docstring. Arguments mirror the TypeScript ``ProbeOptions``."""

    def __init__(
        self,
        model: nn.Module,
        optimizer: Optional[torch.optim.Optimizer] = None,
        path: Optional[str] = None,
        every: int = 10,
        kinds: Sequence[str] = DEFAULT_KINDS,
        select: Optional[Callable[[str, nn.Module], bool]] = None,
        histogram_bins: int = 32,
        histogram_range: "str | Tuple[float, float]" = "adaptive",
        quantiles: "Sequence[float] | None" = DEFAULT_QUANTILES,
        quantile_sample: int = 4096,
        saturation: float = 0.97,
        jacobian_every: int = 100,
        jacobian_batch: int = 16,
        grads: bool = True,
        functional: bool = True,
        seed: int = 0,
        run_seed: Optional[int] = None,
        spec: Any = None,
    ) -> None:
        if not isinstance(model, nn.Module):
            raise TypeError(f"GradlabProbe: model must be a torch.nn.Module, got {type(model).__name__}")
        if not (isinstance(every, int) and every >= 1):
            raise ValueError(f"GradlabProbe: every must be a positive integer, got {every!r}")
        bad = [k for k in kinds if k not in KINDS]
        if bad:
            raise ValueError(f"GradlabProbe: unknown layer kinds {bad}; choose from {', '.join(KINDS)}")
        if not (0.5 < saturation < 1):
            raise ValueError(f"GradlabProbe: saturation must be in (0.5, 1), got {saturation}")
        self.rank, self.world = _world()
        # DDP and DataParallel wrap the user's model: watch the inner one, with its own names
        inner = model.module if hasattr(model, "module") and isinstance(getattr(model, "module"), nn.Module) else model
        self.model = inner
        self.optimizer = optimizer
        self.every = every
        self.saturation = saturation
        self.jacobian_every = jacobian_every
        self.jacobian_batch = jacobian_batch
        self.grads = grads
        self.step_no = 0
        self.records: List[Dict[str, Any]] = []
        self._gen = torch.Generator().manual_seed(seed * 1009 + self.rank)
        self._sum = Summaries(histogram_bins, histogram_range, quantiles, quantile_sample, self._gen)
        self._layers: List[_Layer] = []
        self._by_module: Dict[int, _Layer] = {}
        self._scalars: List[torch.Tensor] = []  # summed across ranks in one collective
        self._before: Optional[List[torch.Tensor]] = None
        self._in_jacobian = False
        self._stack: List[str] = []
        self._fn_counts: Dict[str, int] = {}
        self._handles: List[Any] = []
        self.closed = False

        self.watched: List[Tuple[str, nn.Module, str]] = []
        for name, m in inner.named_modules():
            k = layer_kind(m)
            chosen = select(name, m) if select is not None else (k in kinds and name != "")
            if chosen:
                self.watched.append((name, m, k))
        if not self.watched:
            raise ValueError(
                f"GradlabProbe: no module of {type(inner).__name__} matches the selection; "
                f"pass kinds such as ('linear', 'tanh') or select=lambda name, m: ...")
        # Functional activations can only hide in a forward that is not torch's own: a model made
        # of torch.nn modules alone needs no function mode (and pays nothing for it).
        custom = any(not type(m).__module__.startswith("torch.nn") for m in inner.modules())
        self._functional = bool(functional and custom and _TorchFunctionMode is not None)
        self._owners = {}
        for mname, m in inner.named_modules():
            for pname, _ in m.named_parameters(recurse=False):
                self._owners[f"{mname}.{pname}" if mname else pname] = mname
        self._mode_stack: List[Any] = []
        if self._functional:
            self._prepare_functional(inner)
        # Hooks are in place only while a recorded step runs (installed when step() opens one,
        # removed when it closes): an unrecorded step runs the model exactly as without a probe.
        self._install()

        self.writer: Optional[RunRecordWriter] = None
        if path is not None and self.rank == 0:
            env = environment({
                "device": str(next(iter(inner.parameters()), torch.zeros(0)).device),
                "world_size": self.world,
                "distributedBackend": dist.get_backend() if self.world > 1 else None,
            })
            probe_opts = {"every": every, "histogramBins": histogram_bins,
                          "histogramRange": histogram_range if histogram_range == "adaptive" else list(histogram_range),
                          "quantiles": list(quantiles) if quantiles else False, "quantileSample": quantile_sample,
                          "jacobianEvery": jacobian_every, "producer": "gradlab_torch"}
            self.writer = RunRecordWriter(path, seed=run_seed, spec=spec, env=env, probe=probe_opts)

    # ---- recording state -------------------------------------------------------------------
    @property
    def recording(self) -> bool:
        return not self.closed and self.step_no % self.every == 0

    def _install(self) -> None:
        inner = self.model
        for name, m, k in self.watched:
            self._handles.append(m.register_forward_hook(self._hook(name, m, k)))
        self._handles.append(inner.register_forward_pre_hook(self._snapshot))
        if self._functional:
            for _, m in inner.named_modules():
                self._handles.append(m.register_forward_pre_hook(self._push))
                self._handles.append(m.register_forward_hook(self._pop))
            self._handles.append(inner.register_forward_pre_hook(self._enter_mode))
            self._handles.append(inner.register_forward_hook(self._exit_mode))

    def _uninstall(self) -> None:
        for h in self._handles:
            h.remove()
        self._handles = []
        while self._mode_stack:
            self._mode_stack.pop().__exit__(None, None, None)
        self._stack = []

    def _snapshot(self, module: nn.Module, inputs: Any) -> None:
        if self.recording and self._before is None and torch.is_grad_enabled():
            self._before = [p.detach().clone() for p in self.model.parameters()]

    def _layer(self, name: str, typ: str, kind: str) -> _Layer:
        rec = {"name": name, "type": typ, "kind": kind, "index": len(self._layers), "calls": 1}
        lay = _Layer(rec)
        self._layers.append(lay)
        return lay

    def _hook(self, name: str, m: nn.Module, kind: str) -> Callable[..., None]:
        def hook(module: nn.Module, inputs: Any, output: Any) -> None:
            if not self.recording or self._in_jacobian or not torch.is_grad_enabled():
                return
            prev = self._by_module.get(id(module))
            if prev is not None:
                prev.rec["calls"] += 1
                return
            lay = self._layer(name, type(module).__name__, kind)
            self._by_module[id(module)] = lay
            self._observe(lay, module, kind, inputs, output)
        return hook

    def _observe(self, lay: _Layer, module: Optional[nn.Module], kind: str, inputs: Any, output: Any) -> None:
        out = _first_tensor(output)
        inp = _first_tensor(inputs)
        if out is None or not out.is_floating_point():
            return
        if kind == "recurrent" and isinstance(output, tuple):
            out = output[0]
        lay.out = self._sum.add(out)
        if inp is not None and inp.is_floating_point():
            act = kind in ACTIVATION_KINDS
            lay.inp = self._sum.add(inp, hist=act, quant=act)
        o = out.detach()
        if kind == "tanh":
            lay.sat = self._scalar2((o.abs() > self.saturation).sum(), o.numel())
        elif kind == "sigmoid":
            lo = 1 - self.saturation
            lay.sat = self._scalar2(((o > self.saturation) | (o < lo)).sum(), o.numel())
        elif kind == "relu" and o.dim() >= 1:
            units = o.shape[1] if o.dim() >= 2 else o.shape[0]
            if o.dim() >= 2:
                alive = (o > 0).transpose(0, 1).reshape(units, -1).any(dim=1)
            else:
                alive = o > 0
            lay.alive = alive.to(torch.float32)
        if kind == "recurrent" and o.dim() == 3:
            batch_first = bool(getattr(module, "batch_first", False))
            seq = o if not batch_first else o.transpose(0, 1)  # [T, B, H]
            T = seq.shape[0]
            n = min(T, 64)
            steps = sorted({round(i * (T - 1) / max(n - 1, 1)) for i in range(n)})
            sq = (seq.to(torch.float64) ** 2).reshape(T, -1)
            per = sq[steps].sum(dim=1)
            cnt = torch.full_like(per, float(sq.shape[1]))
            lay.time = (self._scalarv(torch.cat([per, cnt])), steps)
        if (module is not None and kind in _PURE_PER_SAMPLE and self.jacobian_every > 0
                and self.step_no % self.jacobian_every == 0 and inp is not None and inp.is_floating_point()
                and type(module).__module__.startswith("torch.nn")):
            lay.jac = self._jacobian(module, inp)
        if self.grads and out.requires_grad:
            scale = 1.0 / self.world

            def ghook(g: torch.Tensor) -> None:
                if lay.grad is None and not self.closed:
                    lay.grad = self._sum.add(g, quant=False, scale=scale)
            out.register_hook(ghook)

    def _scalar2(self, a: torch.Tensor, b: float) -> int:
        return self._scalarv(torch.stack([a.to(torch.float64), torch.tensor(float(b), dtype=torch.float64, device=a.device)]))

    def _scalarv(self, v: torch.Tensor) -> int:
        self._scalars.append(v.detach().to(torch.float64).reshape(-1))
        return len(self._scalars) - 1

    def _jacobian(self, module: nn.Module, inp: torch.Tensor) -> int:
        """tr(JJᵀ)/dim(out) from one random vector–Jacobian product on the first samples. Only
        torch's own per-sample modules are re-run (they are pure), never a user's layer."""
        x = inp.detach()[: self.jacobian_batch].clone().requires_grad_(True)
        self._in_jacobian = True
        try:
            with torch.enable_grad():
                y = module.forward(x)  # not module(x): no hook (the user's or ours) sees this re-run
            v = torch.randn(y.shape, generator=self._gen, dtype=y.dtype).to(y.device)
            (g,) = torch.autograd.grad(y, x, v)
        finally:
            self._in_jacobian = False
        return self._scalar2((g.to(torch.float64) ** 2).sum(), float(y.numel()))

    # ---- functional activations ------------------------------------------------------------
    def _prepare_functional(self, inner: nn.Module) -> None:
        probe = self
        self._names = {id(m): n for n, m in inner.named_modules()}
        kinds = {n: layer_kind(m) for n, m in inner.named_modules()}
        targets = {}
        for fname, kind in FUNCTIONAL_KINDS.items():
            for owner in (torch, torch.nn.functional, torch.Tensor):
                f = getattr(owner, fname, None)
                if f is not None:
                    targets[f] = (fname, kind)

        class Mode(_TorchFunctionMode):  # type: ignore[misc,valid-type]
            def __torch_function__(self, func, types, args=(), kwargs=None):  # noqa: ANN001
                out = func(*args, **(kwargs or {}))
                hit = targets.get(func)
                if hit is not None and probe.recording and not probe._in_jacobian and torch.is_grad_enabled() and probe._stack:
                    owner = probe._stack[-1]
                    # an activation module's own forward calls the function: it is recorded as the module
                    if kinds.get(owner) not in ACTIVATION_KINDS:
                        fname, kind = hit
                        key = f"{owner}/{fname}"
                        k = probe._fn_counts.get(key, 0) + 1
                        probe._fn_counts[key] = k
                        lay = probe._layer(f"{owner}/{fname}#{k}" if owner else f"{fname}#{k}", fname, kind)
                        probe._observe(lay, None, kind, args, out)
                return out

        self._mode_cls = Mode

    def _push(self, module: nn.Module, inputs: Any) -> None:
        self._stack.append(self._names.get(id(module), "?"))

    def _pop(self, module: nn.Module, inputs: Any, output: Any) -> None:
        if self._stack:
            self._stack.pop()

    def _enter_mode(self, module: nn.Module, inputs: Any) -> None:
        if self.recording:
            mode = self._mode_cls()
            mode.__enter__()
            self._mode_stack.append(mode)

    def _exit_mode(self, module: nn.Module, inputs: Any, output: Any) -> None:
        if self._mode_stack:
            self._mode_stack.pop().__exit__(None, None, None)

    # ---- closing a step --------------------------------------------------------------------
    def step(self, loss: "torch.Tensor | float | None" = None, grad_norm: "torch.Tensor | float | None" = None,
             metrics: Optional[Dict[str, float]] = None) -> Optional[Dict[str, Any]]:
        """Close the current step (call it after ``optimizer.step()``). Returns the step's record on
        recorded steps, else None. ``grad_norm`` is the total norm ``clip_grad_norm_`` returned (the
        norm before clipping), when you clip."""
        if self.closed:
            raise RuntimeError("GradlabProbe.step() after close(); create a new probe to keep recording")
        was = self.recording
        rec = self._close_record(loss, grad_norm, metrics) if was else None
        if was:
            self._uninstall()
        self._layers = []
        self._by_module = {}
        self._scalars = []
        self._before = None
        self._fn_counts = {}
        self.step_no += 1
        if self.recording:
            self._install()
        return rec

    def _close_record(self, loss: Any, grad_norm: Any, metrics: Optional[Dict[str, float]]) -> Dict[str, Any]:
        dev = next(iter(self.model.parameters()), torch.zeros(0)).device
        lossv = float(loss.detach()) if isinstance(loss, torch.Tensor) else (float(loss) if loss is not None else math.nan)
        self._scalars.append(torch.tensor([lossv], dtype=torch.float64, device=dev))
        loss_slot = len(self._scalars) - 1
        # every summary of the step, then the small sums, then the alive masks: fixed collectives
        summaries = self._sum.compute()
        sizes = [s.numel() for s in self._scalars]
        flat = torch.cat([s.to(dev) for s in self._scalars]) if self._scalars else torch.zeros(0, dtype=torch.float64, device=dev)
        alive_layers = [l for l in self._layers if l.alive is not None]
        alive = torch.cat([l.alive.to(dev) for l in alive_layers]) if alive_layers else None  # type: ignore[union-attr]
        if self.world > 1:
            dist.all_reduce(flat, op=dist.ReduceOp.SUM)
            if alive is not None:
                dist.all_reduce(alive, op=dist.ReduceOp.MAX)
        vals = flat.cpu().tolist()
        scal: List[List[float]] = []
        off = 0
        for n in sizes:
            scal.append(vals[off: off + n])
            off += n
        if alive is not None:
            al = alive.cpu()
            o = 0
            for l in alive_layers:
                n = l.alive.numel()  # type: ignore[union-attr]
                l.alive = al[o: o + n]
                o += n

        layers = []
        for lay in self._layers:
            r = lay.rec
            if lay.out is not None:
                r["output"] = summaries[lay.out]
            if lay.inp is not None:
                si = summaries[lay.inp]
                if lay.rec["kind"] in ACTIVATION_KINDS:
                    r["input"] = si
                so = r.get("output")
                if so is not None and si["finite"] > 0 and si["std"] > 0 and so["finite"] > 0:
                    r["gain"] = (so["std"] ** 2) / (si["std"] ** 2)
            if lay.grad is not None:
                r["grad"] = summaries[lay.grad]
            if lay.sat is not None:
                c, n = scal[lay.sat]
                r["saturation"] = c / n if n else 0.0
            if lay.alive is not None:
                n = lay.alive.numel()
                r["dead"] = float((lay.alive == 0).sum()) / n if n else 0.0
            if lay.time is not None:
                slot, steps = lay.time
                v = scal[slot]
                k = len(steps)
                r["timeRms"] = [math.sqrt(v[i] / v[k + i]) if v[k + i] else 0.0 for i in range(k)]
                r["timeSteps"] = steps
            if lay.jac is not None:
                s, n = scal[lay.jac]
                r["jacobian"] = s / n if n else math.nan
            layers.append(r)

        params, pre_sq, any_grad = self._params()
        given = None if grad_norm is None else float(grad_norm.detach() if isinstance(grad_norm, torch.Tensor) else grad_norm)
        lr = [float(g["lr"]) for g in self.optimizer.param_groups] if self.optimizer is not None else []
        rec: Dict[str, Any] = {
            "step": self.step_no,
            "loss": scal[loss_slot][0] / self.world if loss is not None else None,
            "lr": lr,
            "gradNorm": given if given is not None else (math.sqrt(pre_sq) if any_grad else None),
            "gradNormClipped": math.sqrt(pre_sq) if any_grad else None,
            "layers": layers,
            "params": params,
        }
        if metrics:
            rec["metrics"] = {k: float(v) for k, v in metrics.items()}
        self.records.append(rec)
        if self.writer is not None:
            self.writer.step(rec)
        return rec

    def _params(self) -> Tuple[List[Dict[str, Any]], float, bool]:
        owners = self._owners
        out = []
        sq = 0.0
        any_grad = False
        before = self._before
        def norm64(t: torch.Tensor) -> float:
            x = t.reshape(-1).to(torch.float64)
            return math.sqrt(float(torch.dot(x, x)))

        for i, (name, p) in enumerate(self.model.named_parameters()):
            w = p.detach()
            norm = norm64(w)
            g = p.grad
            gnorm = None
            gnf = 0
            if g is not None:
                any_grad = True
                gnorm = norm64(g.detach())
                sq += gnorm * gnorm
                # a finite norm means every element is finite: count only when it is not
                gnf = 0 if math.isfinite(gnorm) else int((~torch.isfinite(g.detach())).sum())
            update = None
            if before is not None and i < len(before):
                # ‖Δw‖ / ‖w‖ with w before the step (as gradlab's probe): a parameter that moved
                # from zero has an infinite ratio, one that did not move 0
                d, b = norm64(w - before[i]), norm64(before[i])
                update = d / b if b > 0 else (math.inf if d > 0 else 0.0)
            out.append({
                "name": name, "layer": owners.get(name, ""), "shape": list(w.shape), "norm": norm,
                "gradNorm": gnorm, "update": update,
                "nonFinite": 0 if math.isfinite(norm) else int((~torch.isfinite(w)).sum()), "gradNonFinite": gnf,
            })
        # no parameter moved: no optimizer step in between, nothing to report as an update
        if all(r["update"] in (None, 0.0) for r in out):
            for r in out:
                r["update"] = None
        return out, sq, any_grad

    # ---- the end ---------------------------------------------------------------------------
    def close(self, status: str = "completed", error: Optional[str] = None) -> None:
        """Remove the hooks and end the record (``status``: completed, failed or stopped)."""
        if self.closed:
            return
        self.closed = True
        self._uninstall()
        if self.writer is not None:
            self.writer.end(status, error)

    def __enter__(self) -> "GradlabProbe":
        return self

    def __exit__(self, et: Any, ev: Any, tb: Any) -> None:
        if et is None:
            self.close("completed")
        elif issubclass(et, KeyboardInterrupt):
            self.close("stopped")
        else:
            self.close("failed", f"{et.__name__}: {ev}")
