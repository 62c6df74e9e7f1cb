"""Tensor summaries as the run record defines them (docs/run-record.md, "tensor summary"),
computed with torch where the tensors are, and reduced across ranks under DDP.

A recorded step registers every tensor it wants summarized (``Summaries.add``) and computes
them all at once (``Summaries.compute``), so a distributed run needs a fixed, small number of
collectives per recorded step, whatever the number of layers:

1. one all-reduce (SUM) of every tensor's partial sums: count, finite, Σx, Σx², zeros, NaN, +Inf, -Inf;
2. one all-reduce (MAX) of every tensor's finite max and -min;
3. one all-reduce (SUM) of every histogram's counts, binned over the global range;
4. one all-gather of the quantile samples (all the finite values when the global count is at
   most ``quantile_sample``, else a uniform sample of ``quantile_sample / world`` per rank).

The statistics then describe the global batch: equal, up to float rounding, to those of one
process that saw the whole batch (exact quantiles included, when exact). Sums accumulate in
float64. Nothing but these small vectors leaves the device.
"""
from __future__ import annotations

import math
from typing import List, Optional, Sequence, Tuple

import torch
import torch.distributed as dist

DEFAULT_QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)

_NPART = 8  # count, finite, sum, sumsq, zeros, nan, posinf, neginf


def _dist_world() -> int:
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


class _Item:
    __slots__ = ("src", "t", "hist", "quant", "scale")

    def __init__(self, src: torch.Tensor, hist: bool, quant: bool, scale: float) -> None:
        self.src = src  # kept alive, so that its id is not reused within the step
        t = src.detach().reshape(-1)
        self.t = t if scale == 1.0 else t * scale
        self.hist = hist
        self.quant = quant
        self.scale = scale


class Summaries:
    """Collects tensors of one step, then summarizes them all (see the module docstring)."""

    def __init__(
        self,
        bins: int = 32,
        hist_range: "str | Tuple[float, float]" = "adaptive",
        quantiles: "Sequence[float] | None" = DEFAULT_QUANTILES,
        quantile_sample: int = 4096,
        generator: Optional[torch.Generator] = None,
    ) -> None:
        self.bins = bins
        self.hist_range = hist_range
        self.quantiles = tuple(quantiles) if quantiles else None
        self.quantile_sample = quantile_sample
        self.generator = generator
        self.items: List[_Item] = []
        self._slots: dict = {}

    def add(self, t: torch.Tensor, hist: bool = True, quant: bool = True, scale: float = 1.0) -> int:
        """Register a tensor (detached, flattened); returns its slot. ``scale`` multiplies its values.
        The same tensor added twice (a ReLU's output is the next Linear's input) is summarized once."""
        key = (id(t), scale)
        slot = self._slots.get(key)
        if slot is not None and self.items[slot].src is t:
            it = self.items[slot]
            it.hist = it.hist or (hist and self.bins > 0)
            it.quant = it.quant or (quant and self.quantiles is not None)
            return slot
        self.items.append(_Item(t, hist and self.bins > 0, quant and self.quantiles is not None, scale))
        self._slots[key] = len(self.items) - 1
        return len(self.items) - 1

    def compute(self) -> List[dict]:
        items = self.items
        self.items = []
        self._slots = {}
        if not items:
            return []
        world = _dist_world()
        dev = items[0].t.device
        f64 = torch.float64
        rows: List[torch.Tensor] = []
        exts: List[torch.Tensor] = []
        zero = torch.zeros((), dtype=f64, device=dev)
        for it in items:
            x = it.t.to(f64)
            n = x.numel()
            s = x.sum()
            if n and bool(torch.isfinite(s)):
                # a finite float64 sum of float32 values means every value is finite: one pass
                # each for the sum, the squares (a BLAS dot), the extremes and the zeros
                nz = torch.count_nonzero(it.t).to(f64)
                nn_ = torch.tensor(float(n), dtype=f64, device=dev)
                rows.append(torch.stack([nn_, nn_, s, torch.dot(x, x), nn_ - nz, zero, zero, zero]))
                mn, mx = torch.aminmax(x)
                exts.append(torch.stack([mx, -mn]))
                continue
            fin = torch.isfinite(x)
            xf = x[fin]
            rows.append(torch.stack([
                torch.tensor(float(n), dtype=f64, device=dev), fin.sum().to(f64), xf.sum(), (xf * xf).sum(),
                (x == 0).sum().to(f64), torch.isnan(x).sum().to(f64), (x == math.inf).sum().to(f64),
                (x == -math.inf).sum().to(f64)]))
            if xf.numel() > 0:
                exts.append(torch.stack([xf.max(), -xf.min()]))
            else:
                exts.append(torch.tensor([-math.inf, -math.inf], dtype=f64, device=dev))
        parts = torch.stack(rows)
        ext = torch.stack(exts)
        if world > 1:
            dist.all_reduce(parts, op=dist.ReduceOp.SUM)
            dist.all_reduce(ext, op=dist.ReduceOp.MAX)
        P = parts.cpu().tolist()
        E = ext.cpu().tolist()

        out: List[dict] = []
        for i, it in enumerate(items):
            count, finite, s, ss, zeros, nan, pinf, ninf = P[i]
            mx, nmn = E[i]
            if finite > 0:
                mean = s / finite
                var = max(ss / finite - mean * mean, 0.0)
                summ = {
                    "count": int(count), "finite": int(finite), "mean": mean, "std": math.sqrt(var),
                    "rms": math.sqrt(ss / finite), "norm": math.sqrt(ss), "min": -nmn, "max": mx,
                }
            else:
                summ = {"count": int(count), "finite": 0, "mean": math.nan, "std": math.nan, "rms": math.nan,
                        "norm": math.nan, "min": math.nan, "max": math.nan}
            summ.update({"zeros": zeros / count if count else 0.0, "nan": int(nan), "posInf": int(pinf), "negInf": int(ninf)})
            out.append(summ)

        self._histograms(items, out, world, dev)
        self._quantiles(items, out, world, dev)
        return out

    def _range(self, summ: dict) -> Tuple[float, float]:
        if self.hist_range != "adaptive":
            lo, hi = self.hist_range  # type: ignore[misc]
            return float(lo), float(hi)
        lo, hi = summ["min"], summ["max"]
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        return lo, hi

    def _histograms(self, items: List[_Item], out: List[dict], world: int, dev: torch.device) -> None:
        idx = [i for i, it in enumerate(items) if it.hist and out[i]["finite"] > 0]
        if not idx:
            return
        B = self.bins
        rows: List[torch.Tensor] = []
        for i in idx:
            it = items[i]
            lo, hi = self._range(out[i])
            x = it.t
            if out[i]["finite"] != out[i]["count"]:
                x = x[torch.isfinite(x)]
            under = over = None
            if self.hist_range != "adaptive":
                under, over = (x < lo).sum(), (x > hi).sum()
                x = x[(x >= lo) & (x <= hi)]
            # equal-width bins over [lo, hi], the last one closed on the right (as histogram.ts)
            b = ((x - lo) * (B / (hi - lo))).to(torch.int64).clamp_(0, B - 1)
            c = torch.bincount(b, minlength=B).to(torch.float64)
            extra = torch.stack([under, over]).to(torch.float64) if under is not None else torch.zeros(2, dtype=torch.float64, device=dev)
            rows.append(torch.cat([c, extra]))
        counts = torch.stack(rows)
        if world > 1:
            dist.all_reduce(counts, op=dist.ReduceOp.SUM)
        C = counts.cpu().tolist()
        for k, i in enumerate(idx):
            lo, hi = self._range(out[i])
            c = C[k]
            out[i]["histogram"] = {"lo": lo, "hi": hi, "counts": [int(v) for v in c[:B]], "under": int(c[B]), "over": int(c[B + 1])}

    def _quantiles(self, items: List[_Item], out: List[dict], world: int, dev: torch.device) -> None:
        idx = [i for i, it in enumerate(items) if it.quant and out[i]["finite"] > 0]
        if not idx:
            return
        per_rank = max(1, self.quantile_sample // world)
        samples = []
        exact = []
        for i in idx:
            it = items[i]
            x = it.t
            if out[i]["finite"] != out[i]["count"]:
                x = x[torch.isfinite(x)]
            ex = out[i]["finite"] <= self.quantile_sample
            if not ex and x.numel() > 0:
                pick = torch.randint(0, x.numel(), (per_rank,), generator=self.generator, device="cpu").to(x.device)
                x = x[pick]
            samples.append(x.to(torch.float64))
            exact.append(ex)
        if world > 1:
            # one gather of every slot: pad each rank's concatenation to the longest
            lens = torch.tensor([s.numel() for s in samples], dtype=torch.int64, device=dev)
            all_lens = [torch.zeros_like(lens) for _ in range(world)]
            dist.all_gather(all_lens, lens)
            totals = [int(l.sum()) for l in all_lens]
            width = max(totals)
            flat = torch.cat(samples) if samples else torch.zeros(0, dtype=torch.float64, device=dev)
            padded = torch.zeros(width, dtype=torch.float64, device=dev)
            padded[: flat.numel()] = flat
            gathered = [torch.zeros(width, dtype=torch.float64, device=dev) for _ in range(world)]
            dist.all_gather(gathered, padded)
            merged: List[List[torch.Tensor]] = [[] for _ in idx]
            for r in range(world):
                off = 0
                for k, n in enumerate(all_lens[r].tolist()):
                    merged[k].append(gathered[r][off: off + n])
                    off += n
            samples = [torch.cat(m) for m in merged]
        # one sort for every slot: rows padded with +inf, then linear interpolation between the
        # order statistics at q·(n−1) (torch.quantile's default), gathered at once
        ns = [x.numel() for x in samples]
        width = max(ns)
        mat = torch.full((len(samples), width), math.inf, dtype=torch.float64, device=samples[0].device)
        for k, x in enumerate(samples):
            mat[k, : ns[k]] = x
        mat = mat.sort(dim=1).values
        q = torch.tensor(self.quantiles, dtype=torch.float64, device=mat.device)
        n1 = torch.tensor(ns, dtype=torch.float64, device=mat.device).sub_(1).unsqueeze(1)
        pos = q.unsqueeze(0) * n1
        lo = pos.floor()
        hi = torch.minimum(lo + 1, n1)
        f = pos - lo
        a = mat.gather(1, lo.to(torch.int64))
        b = mat.gather(1, hi.to(torch.int64))
        vals = torch.where(f == 0, a, a + (b - a) * f).cpu().tolist()
        for k, i in enumerate(idx):
            out[i]["quantiles"] = {"levels": list(self.quantiles), "values": vals[k], "exact": exact[k], "sampleSize": ns[k]}
