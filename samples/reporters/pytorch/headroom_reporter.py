"""headroom reporter for PyTorch: tells the headroom agent what the CUDA caching allocator sees.

NVML sees one number per process. Fragmentation (reserved but unusable memory), allocator retries
and the step structure of training are only visible from inside the process; this module posts
them to the headroom agent on the same host (protocol: docs/reporter.md).

Standard library and torch only. It never slows down or crashes training: every post happens on
one background daemon thread with a short timeout, step marks are queued without blocking (and
dropped when the queue is full), and a missing agent costs one warning, then silence with backoff.

    from headroom_reporter import HeadroomReporter

    reporter = HeadroomReporter(run_id="llama3-8b-lora", spec=run_spec_from(model, seq_len=2048))
    reporter.start()
    for step, batch in enumerate(loader):
        reporter.step(step)
        ...
    reporter.stop()

With the Hugging Face Trainer: ``trainer.add_callback(HeadroomCallback(seq_len=2048))``
(``HeadroomCallback`` exists only when ``transformers`` can be imported).

Environment: ``HEADROOM_AGENT_URL`` (default ``http://127.0.0.1:9478``), ``HEADROOM_RUN_ID``,
``HEADROOM_REPORTER_DISABLE=1`` to turn everything into no-ops.
"""

import json
import os
import queue
import threading
import time
import urllib.error
import urllib.request
import warnings

import torch

__all__ = ["HeadroomReporter", "run_spec_from", "allocator_payload", "DEFAULT_URL"]

DEFAULT_URL = "http://127.0.0.1:9478"
_MAX_BACKOFF_SECONDS = 30.0


def allocator_payload(stats, pid, device, uuid=None):
    """Maps a ``torch.cuda.memory_stats(device)`` dict to the agent's ``/v1/allocator`` JSON.

    Keys missing from ``stats`` (e.g. with ``backend:cudaMallocAsync``) are left out, so the agent
    applies its documented defaults instead of trusting a zero.
    """
    allocated = int(stats.get("allocated_bytes.all.current", 0))
    reserved = int(stats.get("reserved_bytes.all.current", 0))
    payload = {
        "pid": int(pid),
        "device": int(device),
        "allocated_bytes": allocated,
        # The agent rejects allocated > reserved; a torn read of two counters must not lose the sample.
        "reserved_bytes": max(reserved, allocated),
    }
    optional = {
        "peak_allocated_bytes": "allocated_bytes.all.peak",
        "peak_reserved_bytes": "reserved_bytes.all.peak",
        "active_bytes": "active_bytes.all.current",
        "inactive_split_bytes": "inactive_split_bytes.all.current",
        "num_alloc_retries": "num_alloc_retries",
        "num_ooms": "num_ooms",
    }
    for field, key in optional.items():
        value = stats.get(key)
        if value is not None and int(value) >= 0:
            payload[field] = int(value)
    if uuid:
        payload["uuid"] = uuid
    return payload


def _device_uuid(device):
    """``GPU-…`` as NVML spells it, when this torch build exposes it (2.0+), else None."""
    try:
        uuid = getattr(torch.cuda.get_device_properties(device), "uuid", None)
    except Exception:  # noqa: BLE001 - a property we can do without
        return None
    if uuid is None:
        return None
    text = str(uuid)
    return text if text.startswith("GPU-") or text.startswith("MIG-") else "GPU-" + text


_OPTIMIZERS = {
    "adamw_torch": "adamw", "adamw_torch_fused": "adamw", "adamw_hf": "adamw", "adamw_apex_fused": "adamw",
    "adamw_bnb_8bit": "adamw-8bit", "adamw_8bit": "adamw-8bit", "paged_adamw_32bit": "paged-adamw",
    "paged_adamw_8bit": "paged-adamw-8bit", "adafactor": "adafactor", "sgd": "sgd",
}
# PEFT target module names -> the predictor's targets. A fused matrix (Phi-3's qkv_proj and
# gate_up_proj, GPT-NeoX/Falcon's query_key_value) names every part it holds.
_LORA_TARGETS = {
    "q_proj": ("q",), "k_proj": ("k",), "v_proj": ("v",), "o_proj": ("o",), "gate_proj": ("gate",),
    "up_proj": ("up",), "down_proj": ("down",), "lm_head": ("lm_head",),
    "qkv_proj": ("q", "k", "v"), "gate_up_proj": ("gate", "up"), "query_key_value": ("q", "k", "v"),
    "dense_h_to_4h": ("up",), "dense_4h_to_h": ("down",),
}
_ATTENTION = {"eager": "eager", "sdpa": "sdpa", "flash_attention_2": "flash", "flash_attention_3": "flash"}


def _get(obj, name, default=None):
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _fsdp_keys(training_args, grad_accum):
    """Sharding, offload and accumulation keys from the Trainer's ``fsdp`` option.

    accelerate's ``accumulate()`` runs every accumulation micro-step under FSDP's ``no_sync()``
    unless ``sync_each_batch`` is set, and FSDP then keeps the gradients unsharded until the
    synchronising step; the predictor needs to know (``accumulate_no_sync``).
    """
    fsdp = _get(training_args, "fsdp")
    if not fsdp:
        return {}
    options = fsdp.split() if isinstance(fsdp, str) else [str(getattr(o, "value", o)) for o in fsdp]
    options = {o.lower().replace("fsdpoption.", "") for o in options}
    keys = {}
    if options & {"full_shard", "hybrid_shard"}:
        keys["sharding"] = "fsdp-full"
    elif options & {"shard_grad_op", "hybrid_shard_zero2"}:
        keys["sharding"] = "fsdp-grad-op"
    else:
        return {}
    if "offload" in options:
        keys["offload"] = "params-optimizer"
    kwargs = _get(_get(training_args, "accelerator_config"), "gradient_accumulation_kwargs") or {}
    sync_each_batch = _get(kwargs, "sync_each_batch", False)
    if grad_accum > 1 and not sync_each_batch:
        keys["accumulate_no_sync"] = True
    return keys


def _installed_version(distribution):
    """The installed version of a distribution, or None; reads its metadata without importing it."""
    try:
        from importlib import metadata
        return metadata.version(distribution)
    except Exception:  # noqa: BLE001 - not installed, or metadata unreadable
        return None


def _release(version):
    """The leading numeric release of a version string: "0.43.2.dev0" -> (0, 43, 2)."""
    parts = []
    for piece in version.split("."):
        digits = ""
        for ch in piece:
            if not ch.isdigit():
                break
            digits += ch
        if not digits:
            break
        parts.append(int(digits))
        if len(digits) != len(piece):
            break
    return tuple(parts)


def _bnb_4bit_keeps_input():
    """Whether the installed bitsandbytes' 4-bit matmul keeps its input for backward.

    Before 0.43.2 ``MatMul4Bit`` stored its input on the autograd context although the quantised
    weight is frozen (bitsandbytes PR #1270 removed it). None when bitsandbytes is not installed.
    """
    version = _installed_version("bitsandbytes")
    if not version:
        return None
    release = _release(version)
    return release < (0, 43, 2) if release else None


def _norms_in_fp32(model):
    """Whether the model's norm weights are fp32 while it has 16-bit parameters (PEFT's
    prepare_model_for_kbit_training keeps them so); None when the model has no norm modules."""
    modules = getattr(model, "named_modules", None)
    if modules is None:
        return None
    norms = [m.weight.dtype for name, m in modules()
             if "norm" in name.rsplit(".", 1)[-1].lower() and getattr(m, "weight", None) is not None]
    if not norms:
        return None
    return all(str(d) == "torch.float32" for d in norms)


def run_spec_from(model=None, training_args=None, seq_len=None, **overrides):
    """A run spec for the predictor (docs/predictor.md) from what the training script has.

    ``model`` may be a Hugging Face model (its ``config``, PEFT adapters and quantization are read),
    a config object or dict, or a preset name such as ``"llama-3-8b"``. ``training_args`` may be
    ``transformers.TrainingArguments`` or anything with the same attribute names. ``overrides``
    win over everything derived (``micro_batch=4``, ``gpu="RTX-4090"``, …). Only keys the predictor
    knows are produced; it rejects unknown ones.
    """
    spec = {}
    config = None
    if isinstance(model, str):
        spec["model"] = model
    elif model is not None:
        config = _get(model, "config", model)
        as_dict = config.to_dict() if hasattr(config, "to_dict") else dict(config) if isinstance(config, dict) else None
        if as_dict is not None:
            spec["model"] = json.loads(json.dumps(as_dict, default=str))
        peft = _get(model, "peft_config")
        if isinstance(peft, dict) and peft:
            peft = next(iter(peft.values()))
        if peft is not None:
            spec["method"] = "lora"
            if _get(peft, "r") is not None:
                spec["lora_rank"] = int(_get(peft, "r"))
            targets = _get(peft, "target_modules")
            if isinstance(targets, str) and targets == "all-linear":
                spec["lora_targets"] = "all-linear"
            elif targets:
                mapped = sorted({part for t in targets for part in _LORA_TARGETS.get(t, ())})
                if mapped:
                    spec["lora_targets"] = mapped
            if _get(peft, "lora_dropout") is not None:
                spec["lora_dropout"] = float(_get(peft, "lora_dropout"))
        quant = _get(config, "quantization_config")
        if quant is not None:
            if _get(quant, "load_in_4bit"):
                spec["method"] = "qlora" if peft is not None else spec.get("method", "full")
                spec["quant"] = "nf4-dq" if _get(quant, "bnb_4bit_use_double_quant") else "nf4"
                keeps = _bnb_4bit_keeps_input()
                if keeps is not None:
                    spec["quant_keeps_input"] = keeps
                fp32_norms = _norms_in_fp32(model)
                if fp32_norms is not None:
                    spec["fp32_norms"] = fp32_norms
            elif _get(quant, "load_in_8bit"):
                spec["quant"] = "int8"
        attention = _get(config, "_attn_implementation")
        if attention in _ATTENTION:
            spec["attention"] = _ATTENTION[attention]

    if training_args is not None:
        if _get(training_args, "per_device_train_batch_size"):
            spec["micro_batch"] = int(_get(training_args, "per_device_train_batch_size"))
        if _get(training_args, "gradient_accumulation_steps"):
            spec["grad_accum"] = int(_get(training_args, "gradient_accumulation_steps"))
        if _get(training_args, "bf16"):
            spec["precision"] = "bf16-mixed"
        elif _get(training_args, "fp16"):
            spec["precision"] = "fp16-mixed"
        if _get(training_args, "gradient_checkpointing"):
            spec["grad_ckpt"] = "full"
        if _get(training_args, "use_liger_kernel"):
            # Liger's fused linear cross-entropy computes the loss from the hidden states in
            # chunks and never materialises the logits (transformers >= 4.45 patches the model).
            spec["loss"] = "fused"
        optim = str(_get(training_args, "optim", "") or "").lower().replace("optimizernames.", "")
        if optim in _OPTIMIZERS:
            spec["optimizer"] = _OPTIMIZERS[optim]
        world = _get(training_args, "world_size")
        if isinstance(world, int) and world > 1:
            spec["gpus"] = world
        spec.update(_fsdp_keys(training_args, spec.get("grad_accum", 1)))

    if seq_len is not None:
        spec["seq_len"] = int(seq_len)
    if "gpu" not in overrides:
        try:
            if torch.cuda.is_available():
                spec["gpu"] = int(torch.cuda.get_device_properties(torch.cuda.current_device()).total_memory)
        except Exception:  # noqa: BLE001 - the predictor has a default GPU
            pass
    spec.update(overrides)
    return spec


class HeadroomReporter:
    """Posts allocator statistics at a fixed rate, step marks and the run spec to the agent.

    Thread-safe; ``step()`` and ``declare_run()`` only enqueue and return at once.
    """

    def __init__(self, url=None, interval_seconds=0.5, run_id=None, spec=None, devices=None,
                 timeout_seconds=2.0, queue_size=1024):
        if interval_seconds <= 0:
            raise ValueError("interval_seconds must be more than 0, got %r" % (interval_seconds,))
        self.url = (url or os.environ.get("HEADROOM_AGENT_URL") or DEFAULT_URL).rstrip("/")
        self.interval_seconds = float(interval_seconds)
        self.timeout_seconds = float(timeout_seconds)
        self.run_id = run_id or os.environ.get("HEADROOM_RUN_ID")
        self.disabled = os.environ.get("HEADROOM_REPORTER_DISABLE") == "1"
        self._devices = devices
        self._queue = queue.Queue(maxsize=queue_size)
        self._stop = threading.Event()
        self._thread = None
        self._pid = os.getpid()
        self._uuids = {}
        self._warned = False
        self._rejected_warned = False
        self._retry_at = 0.0
        self._backoff = 1.0
        self.posted = 0
        self.dropped = 0
        if spec is not None:
            self.declare_run(spec)

    # -- what the training loop calls -------------------------------------------------------

    def start(self):
        """Starts the background thread (idempotent). Returns self."""
        if self.disabled or (self._thread is not None and self._thread.is_alive()):
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="headroom-reporter", daemon=True)
        self._thread.start()
        return self

    def step(self, step, phase="train"):
        """Marks the start of a step. Never blocks; dropped (and counted) when the queue is full."""
        self._enqueue("/v1/step", {"pid": self._pid, "step": int(step), "phase": phase})

    def declare_run(self, spec, run_id=None):
        """Declares the run spec (a dict with the predictor's keys, see ``run_spec_from``)."""
        run_id = run_id or self.run_id
        if not run_id:
            warnings.warn("headroom: run spec not sent: no run id (pass run_id= or set HEADROOM_RUN_ID)",
                          RuntimeWarning, stacklevel=2)
            return
        self.run_id = run_id
        self._enqueue("/v1/run-spec", {"run_id": run_id, "pid": self._pid, "spec": spec})

    def stop(self, timeout_seconds=5.0):
        """Sends what is queued and a last allocator sample, then stops the thread (bounded wait)."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout_seconds)
        self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    # -- the background thread --------------------------------------------------------------

    def _enqueue(self, path, body):
        if self.disabled:
            return
        try:
            self._queue.put_nowait((path, body))
        except queue.Full:
            self.dropped += 1

    def _run(self):
        next_sample = time.monotonic()
        while True:
            stopping = self._stop.is_set()
            self._drain()
            now = time.monotonic()
            if now >= next_sample or stopping:
                self._post_allocator()
                next_sample = now + self.interval_seconds
            if stopping:
                return
            self._stop.wait(max(0.0, min(next_sample - time.monotonic(), 0.05)))

    def _drain(self):
        while True:
            try:
                path, body = self._queue.get_nowait()
            except queue.Empty:
                return
            self._post(path, body)

    def _post_allocator(self):
        try:
            if not torch.cuda.is_available():
                return
            devices = self._devices if self._devices is not None else range(torch.cuda.device_count())
            for d in devices:
                if d not in self._uuids:
                    self._uuids[d] = _device_uuid(d)
                stats = torch.cuda.memory_stats(d)
                if stats:
                    self._post("/v1/allocator", allocator_payload(stats, self._pid, d, self._uuids[d]))
        except Exception as e:  # noqa: BLE001 - reporting must never break training
            self._warn_once("headroom: reading torch.cuda.memory_stats failed (%s); will retry" % (e,))

    def _post(self, path, body):
        if time.monotonic() < self._retry_at:
            self.dropped += 1
            return
        data = json.dumps(body, default=str).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                response.read()
            self.posted += 1
            self._backoff = 1.0
            self._retry_at = 0.0
        except urllib.error.HTTPError as e:
            # The agent answered: the post was malformed (a bug here), not an absent agent.
            self.dropped += 1
            if not self._rejected_warned:
                self._rejected_warned = True
                reason = e.read().decode("utf-8", "replace").strip()
                warnings.warn("headroom: agent rejected a post to %s (HTTP %d): %s" % (path, e.code, reason),
                              RuntimeWarning, stacklevel=2)
        except (OSError, ValueError) as e:
            self.dropped += 1
            self._retry_at = time.monotonic() + self._backoff
            self._backoff = min(_MAX_BACKOFF_SECONDS, self._backoff * 2)
            self._warn_once("headroom: agent not reachable at %s (%s); memory reports are dropped until it is"
                            " (shown once)" % (self.url, getattr(e, "reason", e)))

    def _warn_once(self, message):
        if not self._warned:
            self._warned = True
            warnings.warn(message, RuntimeWarning, stacklevel=2)


try:
    from transformers import TrainerCallback as _TrainerCallback
except Exception:  # noqa: BLE001 - transformers is optional
    _TrainerCallback = None

if _TrainerCallback is not None:

    class HeadroomCallback(_TrainerCallback):
        """Hugging Face Trainer callback: declares the run at train start, marks every step.

        ``trainer.add_callback(HeadroomCallback(seq_len=2048))``; extra keyword arguments are
        run-spec overrides (``gpu="RTX-4090"``, ``method="qlora"``, …).
        """

        def __init__(self, run_id=None, url=None, interval_seconds=0.5, seq_len=None, **spec_overrides):
            self.reporter = HeadroomReporter(url=url, interval_seconds=interval_seconds, run_id=run_id)
            self.seq_len = seq_len
            self.spec_overrides = spec_overrides

        def on_train_begin(self, args, state, control, model=None, **kwargs):
            if not self.reporter.run_id:
                self.reporter.run_id = getattr(args, "run_name", None) or os.path.basename(
                    str(getattr(args, "output_dir", "") or "run")) or "run"
            spec = run_spec_from(model, args, seq_len=self.seq_len, **self.spec_overrides)
            # Trainer.training_step returns loss.detach(): nothing of a step's graph outlives it,
            # so an old bitsandbytes' 4-bit inputs are not held into the next forward.
            spec.setdefault("loop_keeps_last_step", False)
            self.reporter.declare_run(spec)
            self.reporter.start()

        def on_step_begin(self, args, state, control, **kwargs):
            self.reporter.step(state.global_step, "train")

        def on_evaluate(self, args, state, control, **kwargs):
            self.reporter.step(state.global_step, "eval")

        def on_train_end(self, args, state, control, **kwargs):
            self.reporter.stop()

    __all__.append("HeadroomCallback")
