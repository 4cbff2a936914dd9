"""How many bytes the backward of an HF-style eager attention core allocates beyond what its
forward saved, per attention-score element, measured on the CPU from the process's resident set.

The forward is Llama's eager path (scores, causal mask, softmax in fp32, cast back, ·V); the
backward's high-water mark above the resident set after the forward is the transient the
predictor counts at the backward moment ((4 + cb) bytes a score element). Large tensors are
mmap-backed in glibc, so the resident set follows live tensor bytes closely. Linux only.

Prints one JSON line: torch version, the shape, saved and transient bytes per score element.
"""
import argparse
import json
import math

import torch


def _status_bytes(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(key + " not in /proc/self/status")


def _reset_high_water_mark():
    # Writing 5 to clear_refs resets VmHWM to the current resident set (proc(5)).
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--heads", type=int, default=8)
    p.add_argument("--seq-len", type=int, default=2048)
    p.add_argument("--head-dim", type=int, default=64)
    p.add_argument("--dtype", choices=["bf16", "fp32"], default="bf16")
    args = p.parse_args()
    torch.set_num_threads(2)
    dtype = torch.bfloat16 if args.dtype == "bf16" else torch.float32
    a, s, d = args.heads, args.seq_len, args.head_dim
    q, k, v = (torch.randn(1, a, s, d, dtype=dtype, requires_grad=True) for _ in range(3))
    mask = torch.full((1, 1, s, s), torch.finfo(dtype).min, dtype=dtype).triu(1)

    before = _status_bytes("VmRSS")
    scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(d) + mask
    probs = torch.nn.functional.softmax(scores, dim=-1, dtype=torch.float32).to(dtype)
    out = torch.matmul(probs, v)
    del scores, probs
    after_forward = _status_bytes("VmRSS")
    grad = torch.randn_like(out)
    _reset_high_water_mark()
    start = _status_bytes("VmRSS")
    out.backward(grad)
    peak = _status_bytes("VmHWM")
    elements = a * s * s
    print(json.dumps({
        "torch": torch.__version__, "heads": a, "seq_len": s, "dtype": args.dtype,
        "saved_bytes_per_score": round((after_forward - before) / elements, 3),
        "backward_transient_bytes_per_score": round((peak - start) / elements, 3),
    }))


if __name__ == "__main__":
    main()
