"""A Llama-style training loop whose memory headroom predicts, for comparing prediction and measurement.

    python3 llama_loop_example.py                    # train, print the measured peaks as JSON
    python3 llama_loop_example.py --print-spec > s.json && headroom predict --spec s.json --json

The model is written out here (no transformers needed) in the layout of HF ``LlamaForCausalLM``:
separate q/k/v/o projections, RMSNorm upcast to fp32, RoPE, K and V repeated to every query head
before scaled-dot-product attention, a SwiGLU MLP, an untied head, and the loss as HF computes it
(fp32 logits, shifted, cross-entropy). The loop trains every weight in bf16 with torch AdamW and
releases the model output before backward, as HF Trainer does. ``--print-spec`` prints the run spec
that describes exactly this run; the agent receives the same spec through the reporter.

``--count-saved`` runs no optimizer: it counts, with ``torch.autograd.graph.saved_tensors_hooks``,
the bytes autograd keeps per layer per token (two models, one and two layers deep, subtracted), the
quantity the predictor's activation model computes. It works on a CPU. ``--layout`` writes the block
as HF does for another model type instead: ``qwen3`` (per-head q/k RMSNorm), ``gemma2`` (four Gemma
RMSNorms per block, soft-capped eager scores), ``gemma3`` (four norms and q/k norms), ``phi3`` (fused
``qkv_proj`` and ``gate_up_proj``, sliced into views), ``olmo2`` (norms after attention and MLP only,
q/k norms over the whole projections).

``--count-previous-step`` checks the predictor's ``loop_keeps_last_step`` term on real autograd:
the block linears are frozen and run through a stand-in for bitsandbytes' ``MatMul4Bit`` before
0.43.2, which stores its input on the autograd context (``ctx.tensors = (A, B)``) rather than with
``save_for_backward``. After one step's backward, with the loop still holding that step's loss, it
prints the bytes per layer per token those contexts still hold, and the bytes they hold once the
loss is dropped. It also works on a CPU.
"""

import argparse
import gc
import json
import math
import os
import sys
import weakref

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, hidden, eps=1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden))
        self.eps = eps

    def forward(self, x):
        dtype = x.dtype
        x = x.to(torch.float32)
        variance = x.pow(2).mean(-1, keepdim=True)
        x = x * torch.rsqrt(variance + self.eps)
        return self.weight * x.to(dtype)


class GemmaRMSNorm(nn.Module):
    """HF Gemma's RMSNorm: normalised in fp32, multiplied by ``1 + weight`` in fp32, then cast back."""

    def __init__(self, hidden, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(hidden))
        self.eps = eps

    def forward(self, x):
        y = x.float()
        y = y * torch.rsqrt(y.pow(2).mean(-1, keepdim=True) + self.eps)
        return (y * (1.0 + self.weight.float())).type_as(x)


class Olmo2RMSNorm(RMSNorm):
    """HF OLMo-2's RMSNorm: the weight is applied in fp32, before the cast back."""

    def forward(self, x):
        dtype = x.dtype
        y = x.to(torch.float32)
        y = y * torch.rsqrt(y.pow(2).mean(-1, keepdim=True) + self.eps)
        return (self.weight * y).to(dtype)


# --layout: the block as HF writes it for these model types (each a family of the predictor).
LAYOUTS = ("llama", "qwen3", "gemma2", "gemma3", "phi3", "olmo2")


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


EAGER = False  # --eager: explicit attention even where scaled_dot_product_attention exists


def attention(q, k, v, softcap=None):
    if hasattr(F, "scaled_dot_product_attention") and not EAGER:
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)
    # PyTorch < 2.0: the same result through explicit (eager) attention.
    scores = (q @ k.transpose(-1, -2)) / math.sqrt(q.size(-1))
    if softcap is not None:  # Gemma-2's eager path: cap * tanh(scores / cap)
        scores = torch.tanh(scores / softcap) * softcap
    mask = torch.ones(q.size(-2), k.size(-2), dtype=torch.bool, device=q.device).triu(1)
    return torch.softmax(scores.masked_fill(mask, float("-inf")).float(), dim=-1).to(q.dtype) @ v


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        layout = c.get("layout", "llama")
        hidden, inter = c["hidden"], c["intermediate"]
        d = hidden // c["heads"]
        gemma = layout.startswith("gemma")
        norm = GemmaRMSNorm if gemma else Olmo2RMSNorm if layout == "olmo2" else RMSNorm
        if layout != "olmo2":  # OLMo-2 normalises only the attention and MLP outputs
            self.input_norm = norm(hidden)
            self.post_norm = norm(hidden)
        if gemma or layout == "olmo2":  # Gemma-2/3 normalise the attention and MLP outputs too
            self.post_attention_norm = norm(hidden)
            self.post_mlp_norm = norm(hidden)
        if layout in ("qwen3", "gemma3"):  # per-head RMSNorm of q and k before RoPE
            self.q_norm = norm(d)
            self.k_norm = norm(d)
        if layout == "olmo2":  # RMSNorm of the whole q and k projections
            self.q_flat_norm = norm(c["heads"] * d)
            self.k_flat_norm = norm(c["kv_heads"] * d)
        if layout == "phi3":  # HF Phi-3: fused qkv_proj and gate_up_proj, sliced into views
            self.qkv_proj = nn.Linear(hidden, (c["heads"] + 2 * c["kv_heads"]) * d, bias=False)
            self.gate_up_proj = nn.Linear(hidden, 2 * inter, bias=False)
        else:
            self.q_proj = nn.Linear(hidden, c["heads"] * d, bias=False)
            self.k_proj = nn.Linear(hidden, c["kv_heads"] * d, bias=False)
            self.v_proj = nn.Linear(hidden, c["kv_heads"] * d, bias=False)
            self.gate_proj = nn.Linear(hidden, inter, bias=False)
            self.up_proj = nn.Linear(hidden, inter, bias=False)
        self.o_proj = nn.Linear(c["heads"] * d, hidden, bias=False)
        self.down_proj = nn.Linear(inter, hidden, bias=False)

    def forward(self, x, cos, sin):
        b, s, _ = x.shape
        layout = self.c.get("layout", "llama")
        heads, kv_heads = self.c["heads"], self.c["kv_heads"]
        d = self.c["hidden"] // heads
        h = self.input_norm(x) if hasattr(self, "input_norm") else x
        if layout == "phi3":
            qkv = self.qkv_proj(h)
            q, k, v = qkv.split([heads * d, kv_heads * d, kv_heads * d], dim=-1)
        else:
            q, k, v = self.q_proj(h), self.k_proj(h), self.v_proj(h)
        if hasattr(self, "q_flat_norm"):
            q, k = self.q_flat_norm(q), self.k_flat_norm(k)
        q, k, v = q.view(b, s, heads, d), k.view(b, s, kv_heads, d), v.view(b, s, kv_heads, d)
        if hasattr(self, "q_norm"):
            q, k = self.q_norm(q), self.k_norm(k)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        q = (q * cos) + (rotate_half(q) * sin)
        k = (k * cos) + (rotate_half(k) * sin)
        # HF repeat_kv: expand + reshape, a copy of K and V per query head (none for MHA).
        n_rep = heads // kv_heads
        if n_rep > 1:
            k = k[:, :, None].expand(b, kv_heads, n_rep, s, d).reshape(b, heads, s, d)
            v = v[:, :, None].expand(b, kv_heads, n_rep, s, d).reshape(b, heads, s, d)
        softcap = 50.0 if layout == "gemma2" else None
        y = attention(q, k, v, softcap).transpose(1, 2).contiguous().view(b, s, heads * d)
        y = self.o_proj(y)
        if hasattr(self, "post_attention_norm"):
            y = self.post_attention_norm(y)
        x = x + y
        h = self.post_norm(x) if hasattr(self, "post_norm") else x
        if layout == "phi3":
            gate, up = self.gate_up_proj(h).chunk(2, dim=-1)
            y = self.down_proj(up * F.silu(gate))
        elif layout.startswith("gemma"):
            y = self.down_proj(F.gelu(self.gate_proj(h), approximate="tanh") * self.up_proj(h))
        else:
            y = self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))
        if hasattr(self, "post_mlp_norm"):
            y = self.post_mlp_norm(y)
        return x + y


class Llama(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed = nn.Embedding(c["vocab"], c["hidden"])
        self.blocks = nn.ModuleList(Block(c) for _ in range(c["layers"]))
        self.norm = RMSNorm(c["hidden"])
        self.lm_head = nn.Linear(c["hidden"], c["vocab"], bias=False)

    def forward(self, ids):
        d = self.c["hidden"] // self.c["heads"]
        s = ids.size(1)
        inv = 1.0 / (10000 ** (torch.arange(0, d, 2, device=ids.device).float() / d))
        freqs = torch.outer(torch.arange(s, device=ids.device).float(), inv)
        emb = torch.cat((freqs, freqs), dim=-1)
        x = self.embed(ids)
        cos, sin = emb.cos().to(x.dtype), emb.sin().to(x.dtype)
        for block in self.blocks:
            x = block(x, cos, sin)
        logits = self.lm_head(self.norm(x))
        if self.c.get("layout") == "gemma2":  # Gemma-2 soft-caps the final logits too
            logits = torch.tanh(logits / 30.0) * 30.0
        return logits


def loss_of(model, ids):
    logits = model(ids).float()
    shift = logits[..., :-1, :].contiguous()
    return F.cross_entropy(shift.view(-1, shift.size(-1)), ids[..., 1:].reshape(-1))


def spec_of(c, micro_batch, seq_len, gpu=None):
    spec = {"model": {k: c[k] for k in ("layers", "hidden", "heads", "kv_heads", "intermediate", "vocab")},
            "method": "full", "precision": "bf16-true", "optimizer": "adamw", "micro_batch": micro_batch,
            "seq_len": seq_len, "grad_ckpt": "none", "attention": "sdpa", "loss": "standard"}
    layout = c.get("layout", "llama")
    spec["model"]["mlp"] = "geglu" if layout.startswith("gemma") else "swiglu"
    if layout != "llama":
        spec["model"]["family"] = layout
    if gpu is not None:
        spec["gpu"] = gpu
    return spec


def count_saved(c, micro_batch, seq_len):
    """Bytes autograd keeps per layer per token: a two-layer model less a one-layer one."""
    def saved(layers):
        torch.manual_seed(0)
        model = Llama(dict(c, layers=layers)).to(torch.bfloat16)
        params = {p.data_ptr() for p in model.parameters()}
        seen = {}

        def pack(t):
            storage = t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()
            if storage.data_ptr() not in params:
                seen[storage.data_ptr()] = storage.nbytes()
            return t

        ids = torch.randint(0, c["vocab"], (micro_batch, seq_len))
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            model(ids)
        return sum(seen.values())

    tokens = micro_batch * seq_len
    return (saved(2) - saved(1)) / tokens


class _ContextKeepingMatMul(torch.autograd.Function):
    """A frozen linear as bitsandbytes' 4-bit ``MatMul4Bit`` ran it before 0.43.2: the input is
    stored on the context (``ctx.tensors``), which backward does not release; only the graph's end
    does. ``inputs`` remembers each input weakly, to see which are still alive."""
    inputs = []

    @staticmethod
    def forward(ctx, x, weight):
        ctx.tensors = (x, weight)
        _ContextKeepingMatMul.inputs.append(weakref.ref(x))
        return F.linear(x, weight)

    @staticmethod
    def backward(ctx, grad):
        _, weight = ctx.tensors
        return grad @ weight, None


class _ContextKeepingLinear(nn.Linear):
    def forward(self, x):
        return _ContextKeepingMatMul.apply(x, self.weight)


def count_previous_step(c, micro_batch, seq_len):
    """Bytes per layer per token that a finished step's graph still holds through its contexts."""
    torch.manual_seed(0)
    model = Llama(c).to(torch.bfloat16)
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Embedding)):
            module.weight.requires_grad_(False)
    for block in model.blocks:
        for name in ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"):
            getattr(block, name).__class__ = _ContextKeepingLinear
    # The norms train (as the adapters of a QLoRA run would), so the activations need gradients.
    _ContextKeepingMatMul.inputs = []

    def held():
        storages = {}
        for ref in _ContextKeepingMatMul.inputs:
            t = ref()
            if t is not None:
                storage = t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()
                storages[storage.data_ptr()] = storage.nbytes()
        return sum(storages.values())

    ids = torch.randint(0, c["vocab"], (micro_batch, seq_len))
    loss = loss_of(model, ids)
    loss.backward()
    kept = held()  # what the next step's forward would find alive: the loop still holds `loss`
    del loss
    gc.collect()
    return kept / (c["layers"] * micro_batch * seq_len), held()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layers", type=int, default=16)
    parser.add_argument("--hidden", type=int, default=2048)
    parser.add_argument("--heads", type=int, default=16)
    parser.add_argument("--kv-heads", type=int, default=4)
    parser.add_argument("--intermediate", type=int, default=5632)
    parser.add_argument("--vocab", type=int, default=32000)
    parser.add_argument("--micro-batch", type=int, default=4)
    parser.add_argument("--seq-len", type=int, default=1024)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--layout", choices=LAYOUTS, default="llama",
                        help="block layout of that HF model type (default: llama); --count-saved checks "
                             "the predictor's family of the same name")
    parser.add_argument("--print-spec", action="store_true", help="print the run spec of this run and exit")
    parser.add_argument("--count-saved", action="store_true", help="print bytes kept per layer per token and exit")
    parser.add_argument("--count-previous-step", action="store_true",
                        help="print bytes per layer per token a finished step's graph still holds (frozen "
                             "linears that keep their input on the context, as old bitsandbytes) and exit")
    parser.add_argument("--report", action="store_true", help="also report to a headroom agent (HEADROOM_AGENT_URL)")
    parser.add_argument("--eager", action="store_true",
                        help="explicit attention (softmax kept) instead of scaled_dot_product_attention")
    a = parser.parse_args(argv)
    global EAGER
    EAGER = a.eager
    c = {"layers": a.layers, "hidden": a.hidden, "heads": a.heads, "kv_heads": a.kv_heads,
         "intermediate": a.intermediate, "vocab": a.vocab, "layout": a.layout}
    if a.hidden % a.heads or a.heads % a.kv_heads:
        parser.error("--hidden must be a multiple of --heads, and --heads of --kv-heads")
    if a.count_previous_step and a.layout != "llama":
        parser.error("--count-previous-step runs the llama layout only")
    cuda = torch.cuda.is_available()
    gpu = int(torch.cuda.get_device_properties(0).total_memory) if cuda else None
    spec = spec_of(c, a.micro_batch, a.seq_len, gpu)
    if a.eager or not hasattr(F, "scaled_dot_product_attention"):
        spec["attention"] = "eager"
    if a.print_spec:
        print(json.dumps(spec))
        return 0
    if a.count_saved:
        print(json.dumps({"saved_bytes_per_layer_per_token": count_saved(c, a.micro_batch, a.seq_len),
                          "torch": torch.__version__}))
        return 0
    if a.count_previous_step:
        per_layer_per_token, after_release = count_previous_step(c, a.micro_batch, a.seq_len)
        print(json.dumps({"held_bytes_per_layer_per_token": per_layer_per_token,
                          "held_bytes_after_release": after_release, "torch": torch.__version__}))
        return 0
    if not cuda:
        print("no CUDA device: nothing to measure (--count-saved works on a CPU)", file=sys.stderr)
        return 2
    reporter = None
    if a.report:
        from headroom_reporter import HeadroomReporter
        reporter = HeadroomReporter(run_id="llama-loop-example", spec=spec, interval_seconds=0.5)
        reporter.start()
    model = Llama(c).to("cuda", torch.bfloat16)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)
    torch.cuda.reset_peak_memory_stats()
    for step in range(a.steps):
        if reporter:
            reporter.step(step)
        ids = torch.randint(0, a.vocab, (a.micro_batch, a.seq_len), device="cuda")
        loss_of(model, ids).backward()  # the output is released before backward, as in HF Trainer
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    torch.cuda.synchronize()
    if reporter:
        reporter.stop()
    print(json.dumps({"allocated_bytes": torch.cuda.max_memory_allocated(),
                      "reserved_bytes": torch.cuda.max_memory_reserved(), "torch": torch.__version__,
                      "pid": os.getpid(), "spec": spec}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
