"""Interop check of gradlab's safetensors files against PyTorch, without the `safetensors` package.

Run with /usr/bin/python3 (torch installed):

  safetensors_check.py write DIR
      Writes reference files made by PyTorch into DIR -- model.safetensors (state_dict of a small
      MLP with BatchNorm1d, whose num_batches_tracked is int64) and mixed.safetensors (F16, BF16,
      F64, integer and bool tensors, a 0-d and an empty tensor, unicode names) -- plus
      DIR/expected.json: for each file its metadata and each tensor's dtype, shape and values as
      float32 (what gradlab's reader must produce).

  safetensors_check.py read FILE EXPECTED.json [FILE2 EXPECTED2.json ...]
      Strictly reads FILE (written by gradlab) and checks it against EXPECTED.json
      ({"model": "mlp_bn" | null, "metadata": {...}, "tensors": {name: {dtype, shape, values}}}):
      every tensor's dtype and shape, its values (the float32 values converted to the file's dtype
      by PyTorch must equal the file's exactly, so F16/BF16 rounding is checked bit for bit), the
      metadata, that the file is laid out exactly as the reference writer lays it out, and, for a
      model, that model.load_state_dict(strict=True) accepts it with every dtype as the model's.
      Exits 1 with a message on the first mismatch.

The reader and writer below follow the format of huggingface/safetensors: u64 little-endian header
length N, N bytes of UTF-8 JSON padded with spaces to a multiple of 8, then the data; tensors sorted
by decreasing dtype alignment, then name; offsets contiguous and covering the data exactly.
"""
import json
import math
import os
import struct
import sys

import torch

DTYPES = {
    "BOOL": torch.bool, "U8": torch.uint8, "I8": torch.int8, "I16": torch.int16, "F16": torch.float16,
    "BF16": torch.bfloat16, "I32": torch.int32, "F32": torch.float32, "F64": torch.float64, "I64": torch.int64,
}
NAMES = {v: k for k, v in DTYPES.items()}
# The reference implementation's dtype order (increasing alignment); the writer sorts by it, descending.
ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]
MAX_HEADER = 100_000_000


class Bad(Exception):
    pass


def to_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def serialize(tensors, metadata=None):
    items = sorted(tensors.items(), key=lambda kv: (-ORDER.index(NAMES[kv[1].dtype]), kv[0].encode("utf-8")))
    header, blobs, off = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, t in items:
        b = to_bytes(t)
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


def deserialize(buf):
    if len(buf) < 8:
        raise Bad("file shorter than 8 bytes")
    (n,) = struct.unpack("<Q", buf[:8])
    if n > MAX_HEADER or 8 + n > len(buf):
        raise Bad(f"header length {n} is out of range for a {len(buf)}-byte file")

    def no_duplicates(pairs):
        d = {}
        for k, v in pairs:
            if k in d:
                raise Bad(f"duplicate key {k!r}")
            d[k] = v
        return d

    header = json.loads(buf[8:8 + n].decode("utf-8"), object_pairs_hook=no_duplicates)
    if not isinstance(header, dict):
        raise Bad("header is not a JSON object")
    meta = header.pop("__metadata__", None)
    if meta is not None and not (isinstance(meta, dict) and all(isinstance(v, str) for v in meta.values())):
        raise Bad("__metadata__ is not an object of strings")
    data = buf[8 + n:]
    pos, out = 0, {}
    for name, info in sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"])):
        if not name or set(info) != {"dtype", "shape", "data_offsets"} or info["dtype"] not in DTYPES:
            raise Bad(f"bad entry for {name!r}: {info}")
        shape, (b, e) = info["shape"], info["data_offsets"]
        if not all(isinstance(d, int) and d >= 0 for d in shape):
            raise Bad(f"bad shape for {name!r}")
        if b != pos or e < b:
            raise Bad(f"offsets of {name!r} [{b},{e}] do not start where the previous tensor ends ({pos})")
        dt = DTYPES[info["dtype"]]
        numel = math.prod(shape)
        if e - b != numel * torch.empty((), dtype=dt).element_size():
            raise Bad(f"{name!r}: {e - b} bytes for shape {shape} of {info['dtype']}")
        pos = e
        if numel == 0:
            t = torch.empty(shape, dtype=dt)
        else:
            t = torch.frombuffer(bytearray(data[b:e]), dtype=dt).reshape(shape)
        out[name] = t
    if pos != len(data):
        raise Bad(f"tensors cover {pos} bytes of data, the file holds {len(data)}")
    return {k: out[k] for k in header}, meta


def make_model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(), torch.nn.Linear(4, 2))


def num(v):
    v = float(v)
    return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else v


def describe(tensors, metadata, model=None):
    return {
        "model": model,
        "metadata": metadata,
        "tensors": {
            k: {"dtype": NAMES[t.dtype], "shape": list(t.shape), "values": [num(v) for v in t.to(torch.float32).reshape(-1).tolist()]}
            for k, t in tensors.items()
        },
    }


def write(d):
    os.makedirs(d, exist_ok=True)
    model = make_model()
    model.train()
    g = torch.Generator().manual_seed(1)
    for _ in range(3):
        model(torch.randn(5, 3, generator=g))
    sd = model.state_dict()
    meta = {"format": "pt"}
    expected = {"model.safetensors": describe(sd, meta, "mlp_bn")}
    with open(os.path.join(d, "model.safetensors"), "wb") as f:
        f.write(serialize(sd, meta))

    mixed = {
        "half": torch.tensor([1.0, -0.0, 65504.0, 6e-8, 0.1, float("inf"), float("nan")], dtype=torch.float16),
        "bf16": torch.tensor([[1.0, 3.0e38], [-1e-3, float("-inf")]], dtype=torch.bfloat16),
        "double": torch.tensor([math.pi, 1e-40, -2.5], dtype=torch.float64),
        "steps": torch.tensor([-(2 ** 24), 0, 2 ** 24, 7, 2 ** 30], dtype=torch.int64),
        "i32": torch.tensor([-5, 2 ** 24], dtype=torch.int32),
        "i16": torch.tensor([-32768, 32767], dtype=torch.int16),
        "i8": torch.tensor([-128, 127, 0], dtype=torch.int8),
        "u8": torch.tensor([0, 255], dtype=torch.uint8),
        "mask": torch.tensor([[True, False, True]]),
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
        "größe/μ.weight": torch.tensor([0.25, -8.0]),
    }
    meta = {"format": "pt", "note": "ünïcode ✓ \"quoted\"\n"}
    expected["mixed.safetensors"] = describe(mixed, meta)
    with open(os.path.join(d, "mixed.safetensors"), "wb") as f:
        f.write(serialize(mixed, meta))
    with open(os.path.join(d, "expected.json"), "w", encoding="utf-8") as f:
        json.dump({"torch": torch.__version__, "files": expected}, f, indent=1, ensure_ascii=False)


def decode(v):
    return float(v) if isinstance(v, str) else v  # "nan", "inf", "-inf", "-0.0"


def read(path, expected_path):
    with open(path, "rb") as f:
        buf = f.read()
    with open(expected_path, encoding="utf-8") as f:
        exp = json.load(f)
    tensors, meta = deserialize(buf)
    if (meta or {}) != (exp.get("metadata") or {}):
        raise Bad(f"metadata {meta} != expected {exp.get('metadata')}")
    if set(tensors) != set(exp["tensors"]):
        raise Bad(f"names {sorted(tensors)} != expected {sorted(exp['tensors'])}")
    for name, e in exp["tensors"].items():
        t = tensors[name]
        if NAMES[t.dtype] != e["dtype"] or list(t.shape) != e["shape"]:
            raise Bad(f"{name!r}: {NAMES[t.dtype]} {list(t.shape)} != expected {e['dtype']} {e['shape']}")
        want = torch.tensor([decode(v) for v in e["values"]], dtype=torch.float32).reshape(e["shape"]).to(t.dtype)
        a, b = t.to(torch.float64), want.to(torch.float64)  # exact; -0 must stay -0, a NaN's sign is free
        same = torch.equal(a.isnan(), b.isnan()) and torch.equal(a.nan_to_num(0.0), b.nan_to_num(0.0)) and torch.equal(a.signbit() & ~a.isnan(), b.signbit() & ~b.isnan())
        if not same:
            raise Bad(f"{name!r}: values {t.reshape(-1).tolist()} != expected {want.reshape(-1).tolist()}")
    if serialize(tensors, meta) != buf:
        raise Bad("file is not laid out as the reference writer lays it out (order, offsets or header bytes differ)")
    if exp.get("model") == "mlp_bn":
        model = make_model()
        want = model.state_dict()
        for k, v in want.items():
            if tensors[k].dtype != v.dtype:
                raise Bad(f"{k!r} is {tensors[k].dtype}, the model's is {v.dtype}")
        model.load_state_dict(tensors, strict=True)
        model.eval()
        out = model(torch.ones(2, 3))
        if not torch.isfinite(out).all():
            raise Bad("the loaded model's output is not finite")
    print(f"ok: {path}: {len(tensors)} tensors match")


def main(argv):
    if len(argv) == 2 and argv[0] == "write":
        write(argv[1])
    elif len(argv) >= 3 and len(argv) % 2 == 1 and argv[0] == "read":
        for path, expected in zip(argv[1::2], argv[2::2]):
            try:
                read(path, expected)
            except (Bad, KeyError, ValueError, RuntimeError) as e:
                print(f"safetensors_check: {path}: {type(e).__name__}: {e}", file=sys.stderr)
                return 1
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
