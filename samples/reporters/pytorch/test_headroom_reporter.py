"""Tests for headroom_reporter with a fake ``torch`` (no PyTorch needed) and a real local HTTP server.

Run from this folder: ``python3 -m unittest -v``
"""

import http.server
import json
import os
import socket
import sys
import threading
import time
import types
import unittest
import warnings

GIB = 1 << 30


class FakeCuda:
    """The part of ``torch.cuda`` the reporter uses, with stats a test can change."""

    def __init__(self):
        self.stats = {
            0: {
                "allocated_bytes.all.current": 10 * GIB,
                "allocated_bytes.all.peak": 14 * GIB,
                "reserved_bytes.all.current": 16 * GIB,
                "reserved_bytes.all.peak": 18 * GIB,
                "active_bytes.all.current": 11 * GIB,
                "inactive_split_bytes.all.current": GIB,
                "num_alloc_retries": 2,
                "num_ooms": 0,
                "max_split_size": -1,
            }
        }
        self.available = True
        self.fail = False

    def is_available(self):
        return self.available

    def device_count(self):
        return len(self.stats)

    def current_device(self):
        return 0

    def memory_stats(self, device):
        if self.fail:
            raise RuntimeError("CUDA error: an illegal memory access was encountered")
        return dict(self.stats[device])

    def get_device_properties(self, device):
        return types.SimpleNamespace(uuid="5b1f0c2e-8d3a-4f6b-9e21-7c4d8a1b2e30", total_memory=80 * GIB)


fake_cuda = FakeCuda()
sys.modules["torch"] = types.SimpleNamespace(cuda=fake_cuda)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import headroom_reporter  # noqa: E402  (must come after the fake torch)


class AgentStub(http.server.ThreadingHTTPServer):
    """A real HTTP server on 127.0.0.1 that records posts and answers like the agent."""

    daemon_threads = True

    def __init__(self, status=202, body=b'{"accepted":true}'):
        self.posts = []
        self.status = status
        self.body = body
        self.lock = threading.Condition()
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length))
                with stub.lock:
                    stub.posts.append((self.path, payload))
                    stub.lock.notify_all()
                self.send_response(stub.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(stub.body)))
                self.end_headers()
                self.wfile.write(stub.body)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server_address[1]

    def wait_for(self, path, count, timeout=5.0):
        deadline = time.monotonic() + timeout
        with self.lock:
            while len(self.of(path)) < count and time.monotonic() < deadline:
                self.lock.wait(0.05)
            return self.of(path)

    def of(self, path):
        return [p for (pth, p) in self.posts if pth == path]

    def close(self):
        self.shutdown()
        self.server_close()


def free_port():
    """A port nothing listens on: bound once, then released."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ReporterTest(unittest.TestCase):
    def setUp(self):
        fake_cuda.fail = False
        fake_cuda.available = True
        self.agent = AgentStub()

    def tearDown(self):
        self.agent.close()

    def test_memory_stats_are_posted_in_the_agents_terms(self):
        with headroom_reporter.HeadroomReporter(url=self.agent.url, interval_seconds=0.05):
            posts = self.agent.wait_for("/v1/allocator", 2)
        self.assertGreaterEqual(len(posts), 2)
        self.assertEqual(posts[0], {
            "pid": os.getpid(), "device": 0, "uuid": "GPU-5b1f0c2e-8d3a-4f6b-9e21-7c4d8a1b2e30",
            "allocated_bytes": 10 * GIB, "reserved_bytes": 16 * GIB,
            "peak_allocated_bytes": 14 * GIB, "peak_reserved_bytes": 18 * GIB,
            "active_bytes": 11 * GIB, "inactive_split_bytes": GIB,
            "num_alloc_retries": 2, "num_ooms": 0,
        })

    def test_steps_and_the_run_spec_are_posted(self):
        reporter = headroom_reporter.HeadroomReporter(url=self.agent.url, interval_seconds=10, run_id="run-9",
                                                      spec={"model": "llama-3-8b", "micro_batch": 4})
        reporter.start()
        for step in range(3):
            reporter.step(step)
        reporter.step(3, "eval")
        steps = self.agent.wait_for("/v1/step", 4)
        reporter.stop()
        self.assertEqual([(s["step"], s["phase"]) for s in steps], [(0, "train"), (1, "train"), (2, "train"), (3, "eval")])
        self.assertEqual(self.agent.of("/v1/run-spec"),
                         [{"run_id": "run-9", "pid": os.getpid(), "spec": {"model": "llama-3-8b", "micro_batch": 4}}])

    def test_stop_sends_a_last_sample(self):
        reporter = headroom_reporter.HeadroomReporter(url=self.agent.url, interval_seconds=60).start()
        self.agent.wait_for("/v1/allocator", 1)
        fake_cuda.stats[0]["num_ooms"] = 1
        reporter.stop()
        self.assertEqual(self.agent.of("/v1/allocator")[-1]["num_ooms"], 1)

    def test_an_absent_agent_costs_one_warning_and_never_blocks_the_loop(self):
        reporter = headroom_reporter.HeadroomReporter(url="http://127.0.0.1:%d" % free_port(), interval_seconds=0.01)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            reporter.start()
            started = time.monotonic()
            for step in range(10000):
                reporter.step(step)
            elapsed = time.monotonic() - started
            time.sleep(0.2)  # let the background thread fail a few times
            reporter.stop()
        self.assertLess(elapsed, 1.0, "10000 step() calls must not wait on the network")
        ours = [w for w in caught if "headroom" in str(w.message)]
        self.assertEqual(len(ours), 1, [str(w.message) for w in ours])
        self.assertIn("not reachable", str(ours[0].message))
        self.assertEqual(reporter.posted, 0)
        self.assertGreater(reporter.dropped, 0)

    def test_a_rejected_post_is_warned_once_with_the_agents_reason(self):
        self.agent.status = 400
        self.agent.body = b'{"error":"/v1/step: missing field \'pid\'"}'
        reporter = headroom_reporter.HeadroomReporter(url=self.agent.url, interval_seconds=60)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            reporter.start()
            reporter.step(1)
            reporter.step(2)
            self.agent.wait_for("/v1/step", 2)
            reporter.stop()
        ours = [str(w.message) for w in caught if "rejected" in str(w.message)]
        self.assertEqual(len(ours), 1)
        self.assertIn("HTTP 400", ours[0])
        self.assertIn("missing field 'pid'", ours[0])

    def test_a_failing_memory_stats_call_does_not_kill_the_thread(self):
        fake_cuda.fail = True
        reporter = headroom_reporter.HeadroomReporter(url=self.agent.url, interval_seconds=0.02)
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            reporter.start()
            time.sleep(0.1)
            fake_cuda.fail = False
            posts = self.agent.wait_for("/v1/allocator", 1)
            reporter.stop()
        self.assertGreaterEqual(len(posts), 1, "the thread kept sampling after memory_stats failed")

    def test_no_cuda_means_no_allocator_posts_but_steps_still_go(self):
        fake_cuda.available = False
        reporter = headroom_reporter.HeadroomReporter(url=self.agent.url, interval_seconds=0.02).start()
        reporter.step(5)
        self.agent.wait_for("/v1/step", 1)
        reporter.stop()
        self.assertEqual(self.agent.of("/v1/allocator"), [])

    def test_disabled_by_environment(self):
        os.environ["HEADROOM_REPORTER_DISABLE"] = "1"
        try:
            reporter = headroom_reporter.HeadroomReporter(url=self.agent.url, interval_seconds=0.01).start()
            reporter.step(1)
            reporter.stop()
        finally:
            del os.environ["HEADROOM_REPORTER_DISABLE"]
        self.assertEqual(self.agent.posts, [])


class PayloadTest(unittest.TestCase):
    def test_missing_keys_are_left_to_the_agents_defaults(self):
        payload = headroom_reporter.allocator_payload(
            {"allocated_bytes.all.current": 5, "reserved_bytes.all.current": 8}, pid=1, device=2)
        self.assertEqual(payload, {"pid": 1, "device": 2, "allocated_bytes": 5, "reserved_bytes": 8})

    def test_a_torn_read_never_claims_more_allocated_than_reserved(self):
        payload = headroom_reporter.allocator_payload(
            {"allocated_bytes.all.current": 9, "reserved_bytes.all.current": 8}, pid=1, device=0)
        self.assertEqual(payload["reserved_bytes"], 9)


class RunSpecTest(unittest.TestCase):
    def test_a_peft_qlora_model_and_trainer_arguments_become_the_predictors_keys(self):
        config = types.SimpleNamespace(
            to_dict=lambda: {"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32,
                             "torch_dtype": object()},
            quantization_config={"load_in_4bit": True, "bnb_4bit_use_double_quant": True},
            _attn_implementation="flash_attention_2")
        model = types.SimpleNamespace(
            config=config,
            peft_config={"default": types.SimpleNamespace(r=16, target_modules=["q_proj", "v_proj", "o_proj"],
                                                          lora_dropout=0.05)})
        args = types.SimpleNamespace(per_device_train_batch_size=2, gradient_accumulation_steps=8, bf16=True,
                                     fp16=False, gradient_checkpointing=True, optim="paged_adamw_8bit", world_size=1)

        spec = headroom_reporter.run_spec_from(model, args, seq_len=2048)

        self.assertEqual(spec["model"]["hidden_size"], 4096)
        self.assertIsInstance(spec["model"]["torch_dtype"], str)  # made JSON-safe
        del spec["model"]
        self.assertEqual(spec, {
            "method": "qlora", "lora_rank": 16, "lora_targets": ["o", "q", "v"], "lora_dropout": 0.05,
            "quant": "nf4-dq", "attention": "flash", "micro_batch": 2, "grad_accum": 8,
            "precision": "bf16-mixed", "grad_ckpt": "full", "optimizer": "paged-adamw-8bit",
            "seq_len": 2048, "gpu": 80 * GIB,
        })
        json.dumps(spec)

    def test_fused_target_modules_name_every_part_they_hold(self):
        config = types.SimpleNamespace(to_dict=lambda: {"model_type": "phi3", "hidden_size": 3072})
        model = types.SimpleNamespace(
            config=config,
            peft_config={"default": types.SimpleNamespace(r=8, target_modules={"qkv_proj", "gate_up_proj"})})
        spec = headroom_reporter.run_spec_from(model, None)
        self.assertEqual(spec["lora_targets"], ["gate", "k", "q", "up", "v"])

    def test_trainer_arguments_with_liger_declare_a_fused_loss(self):
        args = types.SimpleNamespace(per_device_train_batch_size=4, use_liger_kernel=True)
        self.assertEqual(headroom_reporter.run_spec_from("llama-3-8b", args, gpu="L4")["loss"], "fused")
        args.use_liger_kernel = False
        self.assertNotIn("loss", headroom_reporter.run_spec_from("llama-3-8b", args, gpu="L4"))

    def test_a_4bit_model_declares_whether_its_norms_are_fp32(self):
        config = {"model_type": "llama", "hidden_size": 64,
                  "quantization_config": {"load_in_4bit": True}}

        def module(dtype):
            return types.SimpleNamespace(weight=types.SimpleNamespace(dtype=dtype))

        norm = module("torch.bfloat16")
        layers = [("model.layers.0.input_layernorm", norm), ("model.layers.0.self_attn.q_proj", module("torch.uint8")),
                  ("model.norm", module("torch.bfloat16"))]
        model = types.SimpleNamespace(config=config, peft_config={"default": types.SimpleNamespace(r=8)},
                                      named_modules=lambda: iter(layers))
        self.assertIs(headroom_reporter.run_spec_from(model, gpu="L4")["fp32_norms"], False)
        # What prepare_model_for_kbit_training does: every norm in fp32 (the 4-bit weights stay).
        layers[0] = ("model.layers.0.input_layernorm", module("torch.float32"))
        layers[2] = ("model.norm", module("torch.float32"))
        self.assertIs(headroom_reporter.run_spec_from(model, gpu="L4")["fp32_norms"], True)
        # A config alone says nothing about the parameters' dtypes.
        self.assertNotIn("fp32_norms", headroom_reporter.run_spec_from(types.SimpleNamespace(config=config), gpu="L4"))

    def test_the_installed_bitsandbytes_says_whether_4bit_matmuls_keep_their_input(self):
        config = {"model_type": "llama", "hidden_size": 4096,
                  "quantization_config": {"load_in_4bit": True, "bnb_4bit_use_double_quant": True}}
        model = types.SimpleNamespace(config=config, peft_config={"default": types.SimpleNamespace(r=8)})
        original = headroom_reporter._installed_version
        try:
            for version, keeps in (("0.41.1", True), ("0.43.1", True), ("0.43.2", False),
                                   ("0.43.2.dev0", False), ("0.45.0", False), ("1.0", False)):
                headroom_reporter._installed_version = lambda name, v=version: v
                spec = headroom_reporter.run_spec_from(model, gpu="RTX-4090")
                self.assertIs(spec["quant_keeps_input"], keeps, version)
            headroom_reporter._installed_version = lambda name: None
            self.assertNotIn("quant_keeps_input", headroom_reporter.run_spec_from(model, gpu="RTX-4090"))
            # An 8-bit model keeps its inputs in every bitsandbytes: nothing to declare.
            headroom_reporter._installed_version = lambda name: "0.45.0"
            eight = {"model_type": "llama", "quantization_config": {"load_in_8bit": True}}
            self.assertNotIn("quant_keeps_input",
                             headroom_reporter.run_spec_from(types.SimpleNamespace(config=eight), gpu="L4"))
        finally:
            headroom_reporter._installed_version = original

    def test_trainer_fsdp_with_accumulation_declares_no_sync_accumulation(self):
        args = types.SimpleNamespace(per_device_train_batch_size=1, gradient_accumulation_steps=4, bf16=True,
                                     fp16=False, gradient_checkpointing=False, optim="adamw_torch", world_size=8,
                                     fsdp=["FSDPOption.FULL_SHARD", "FSDPOption.AUTO_WRAP"])
        spec = headroom_reporter.run_spec_from("llama-3-8b", args, seq_len=4096, gpu="H100-80GB")
        self.assertEqual(spec["sharding"], "fsdp-full")
        self.assertIs(spec["accumulate_no_sync"], True)
        self.assertNotIn("offload", spec)

        # sync_each_batch=True synchronises every micro-step: gradients stay sharded.
        args.accelerator_config = {"gradient_accumulation_kwargs": {"sync_each_batch": True}}
        args.fsdp = "shard_grad_op offload"
        spec = headroom_reporter.run_spec_from("llama-3-8b", args, seq_len=4096)
        self.assertEqual(spec["sharding"], "fsdp-grad-op")
        self.assertEqual(spec["offload"], "params-optimizer")
        self.assertNotIn("accumulate_no_sync", spec)

        # No accumulation, nothing to declare; no fsdp option, no sharding key.
        args.gradient_accumulation_steps = 1
        self.assertNotIn("accumulate_no_sync", headroom_reporter.run_spec_from("llama-3-8b", args))
        args.fsdp = ""
        self.assertNotIn("sharding", headroom_reporter.run_spec_from("llama-3-8b", args))

    def test_a_preset_name_and_overrides(self):
        spec = headroom_reporter.run_spec_from("mistral-7b", seq_len=4096, gpu="A100-80GB", micro_batch=1)
        self.assertEqual(spec, {"model": "mistral-7b", "seq_len": 4096, "gpu": "A100-80GB", "micro_batch": 1})


class TrainerCallbackTest(unittest.TestCase):
    def test_no_callback_without_transformers(self):
        self.assertFalse(hasattr(headroom_reporter, "HeadroomCallback"))

    def test_the_callback_declares_the_run_and_marks_steps(self):
        fake_transformers = types.ModuleType("transformers")

        class TrainerCallback:
            pass

        fake_transformers.TrainerCallback = TrainerCallback
        sys.modules["transformers"] = fake_transformers
        agent = AgentStub()
        try:
            import importlib
            module = importlib.reload(headroom_reporter)
            callback = module.HeadroomCallback(url=agent.url, interval_seconds=60, seq_len=1024, gpu="L4")
            self.assertIsInstance(callback, TrainerCallback)
            args = types.SimpleNamespace(run_name="my-run", per_device_train_batch_size=4, bf16=True)
            state = types.SimpleNamespace(global_step=0)
            callback.on_train_begin(args, state, None, model="llama-3-8b")
            for s in range(3):
                state.global_step = s
                callback.on_step_begin(args, state, None)
            steps = agent.wait_for("/v1/step", 3)
            callback.on_train_end(args, state, None)
        finally:
            del sys.modules["transformers"]
            importlib.reload(headroom_reporter)
            agent.close()
        self.assertEqual([s["step"] for s in steps], [0, 1, 2])
        spec = agent.of("/v1/run-spec")[0]
        self.assertEqual(spec["run_id"], "my-run")
        self.assertEqual(spec["spec"], {"model": "llama-3-8b", "micro_batch": 4, "precision": "bf16-mixed",
                                        "seq_len": 1024, "gpu": "L4", "loop_keeps_last_step": False})


if __name__ == "__main__":
    unittest.main()
