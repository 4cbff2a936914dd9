package dev.headroom.analyzer.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The anchors reproduce the numbers their own documentation prints (memory-formulas.md §3–4). */
class AnchorEstimatesTest {
  private static final double GIB = 1L << 30;

  /** t5-3b as DeepSpeed's memory.rst has it: 2,851 M parameters, largest layer 32 M (32128 × 1024 ≈ 32.9 M). */
  private static RunSpec t5(String setup) {
    return RunSpec.parse("{\"model\":{\"layers\":24,\"hidden\":1024,\"heads\":32,\"head_dim\":128,"
        + "\"intermediate\":16384,\"vocab\":32128,\"params\":2851000000}," + setup + "}", "t5-3b");
  }

  @Test
  void deepSpeedZero2CurrentFormulaOnEightGpus() {
    double gib = AnchorEstimates.deepSpeed(t5("\"gpus\":8,\"sharding\":\"zero2\"")) / GIB;
    assertThat(gib).isCloseTo(11.28, within(0.01));
  }

  @Test
  void deepSpeedZero3WithAndWithoutOffload() {
    // memory.rst (largest layer 32 M): 6.09 / 0.78 / 0.12 GiB; ours has the 32.9 M embedding.
    assertThat(AnchorEstimates.deepSpeed(t5("\"gpus\":8,\"sharding\":\"zero3\"")) / GIB).isCloseTo(6.09, within(0.01));
    assertThat(AnchorEstimates.deepSpeed(t5("\"gpus\":8,\"sharding\":\"zero3\",\"offload\":\"optimizer\"")) / GIB)
        .isCloseTo(0.78, within(0.01));
    assertThat(AnchorEstimates.deepSpeed(t5("\"gpus\":8,\"sharding\":\"zero3\",\"offload\":\"params-optimizer\"")) / GIB)
        .isCloseTo(0.12, within(0.01));
  }

  @Test
  void accelerateReportsTheLargestComponent() {
    RunSpec fp32 = RunSpec.parse("{\"model\":\"gpt2\",\"precision\":\"fp32\"}", "x");
    RunSpec bf16 = RunSpec.parse("{\"model\":\"gpt2\",\"precision\":\"bf16-mixed\"}", "x");
    assertThat(AnchorEstimates.accelerate(fp32)).isEqualTo(16L * 124_439_808L);
    assertThat(AnchorEstimates.accelerate(bf16)).isEqualTo(8L * 124_439_808L);
  }
}
