#!/usr/bin/env bash
# Runs on the GPU machine, in the repository root, with device-kit/ carried (prepare.sh builds it):
# the binding against the real driver, the -Pgpu tests, and small PyTorch training loops beside the
# agent, each measured peak set against `headroom predict`. Everything it finds goes to $OUT
# (default: ./device-check-out); the summary is printed last. Bounded: about 4 minutes.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
kit="$root/device-kit"
out="${OUT:-$root/device-check-out}"
mkdir -p "$out"
java="$kit/jre/bin/java"
jar="$kit/headroom.jar"
examples="$root/samples/reporters/pytorch"
python="${PYTHON:-python3}"

say() { echo "== $*" | tee -a "$out/summary.txt"; }

[ -x "$java" ] || { echo "no $kit: run samples/device-check/prepare.sh first and carry device-kit" >&2; exit 2; }

say "nvidia-smi"
timeout 20 nvidia-smi > "$out/nvidia-smi.txt" 2>&1; head -15 "$out/nvidia-smi.txt" | tee -a "$out/summary.txt"

say "headroom devices"
timeout 30 "$java" -jar "$jar" devices > "$out/devices.txt" 2>&1; echo "exit $?" >> "$out/devices.txt"
tee -a "$out/summary.txt" < "$out/devices.txt"

say "-Pgpu tests (RealDriverPlausibilityTest) through the JUnit console launcher"
timeout 120 "$java" -cp "$jar:$kit/test-classes:$kit/lib/*" org.junit.platform.console.ConsoleLauncher \
  --select-class dev.headroom.nvml.RealDriverPlausibilityTest --include-tag gpu \
  --reports-dir "$out/junit" --details tree --disable-banner > "$out/gpu-tests.txt" 2>&1
echo "exit $?" >> "$out/gpu-tests.txt"
grep -E "tests (successful|failed|skipped|aborted)|exit [0-9]+|✘|MethodSource" "$out/gpu-tests.txt" | tee -a "$out/summary.txt"

say "torch"
"$python" -c "import torch; print(torch.__version__, torch.version.cuda, torch.cuda.get_device_name(0))" 2>&1 \
  | tee -a "$out/summary.txt"

# Each loop trains a small HF-layout Llama beside the agent (reporter on), then its measured
# peaks are set against the predictor's for the spec the loop declares.
loop() {
  local name="$1"; shift
  say "loop $name: $*"
  (cd "$examples" && timeout 30 "$python" llama_loop_example.py --print-spec "$@") > "$out/$name.spec.json" 2>>"$out/$name.err" || return
  rm -rf "$out/$name.rec"
  timeout 150 "$java" -jar "$jar" agent --recording-dir "$out/$name.rec" --metrics-port 0 --reporter-port 9478 \
    --rate 20 --duration 140 --run-id "$name" --run-spec "$out/$name.spec.json" > "$out/$name.agent.log" 2>&1 &
  local agent=$!
  sleep 4
  (cd "$examples" && HEADROOM_AGENT_URL=http://127.0.0.1:9478 timeout 120 "$python" llama_loop_example.py --report "$@") \
    > "$out/$name.observed.json" 2>>"$out/$name.err"
  sleep 2
  kill -TERM "$agent" 2>/dev/null; wait "$agent" 2>/dev/null
  for metric in allocated reserved device; do
    "$java" -jar "$jar" predict --spec "$out/$name.spec.json" --metric "$metric" --json > "$out/$name.predicted-$metric.json" 2>&1
  done
  "$java" -jar "$jar" postmortem "$out/$name.rec" --json > "$out/$name.recording.json" 2>&1
  "$python" "$root/samples/device-check/compare.py" "$out" "$name" | tee -a "$out/summary.txt"
}

loop sdpa-1k --micro-batch 4 --seq-len 1024 --steps 8
loop eager-512 --micro-batch 4 --seq-len 512 --steps 8 --eager
loop sdpa-4k --micro-batch 2 --seq-len 4096 --steps 6
# Newer block layouts: Phi-3's fused q|k|v, whose V view a fused SDPA kernel keeps (MHA), and
# Gemma-2's four norms with soft-capped eager scores and logits.
loop phi3-mha-1k --layout phi3 --kv-heads 16 --micro-batch 4 --seq-len 1024 --steps 6
loop gemma2-eager-512 --layout gemma2 --micro-batch 4 --seq-len 512 --steps 6 --eager

say "done: $out"
