package dev.headroom.collector.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The registry's predictor over the analyzer's model, with a spec as the simulator's fleet declares it. */
class AnalyzerRunPredictorTest {
  private static final double GIB = 1024.0 * 1024 * 1024;
  private final AnalyzerRunPredictor predictor = AnalyzerRunPredictor.standard();

  @Test
  void aQloraSpecOnA4090PredictsEveryMetricAndNamesTheGpusUsableMemory() {
    PredictedPeaks p = predictor.predict("""
        {"model":"llama-3-8b","method":"qlora","lora_rank":16,"lora_targets":"all-linear","quant":"nf4-dq",
         "precision":"bf16-true","optimizer":"paged-adamw-8bit","micro_batch":2,"seq_len":2048,
         "grad_ckpt":"full","attention":"flash","gpus":1,"gpu":"RTX-4090"}
        """);
    assertThat(p.deviceBytes() / GIB).isBetween(4.0, 24.0);
    assertThat(p.allocatedBytes().getAsLong()).isLessThanOrEqualTo(p.reservedBytes().getAsLong());
    assertThat(p.reservedBytes().getAsLong()).isLessThan(p.deviceBytes());
    assertThat(p.usableBytes().getAsLong() / GIB).isBetween(20.0, 24.0);
    assertThat(p.summary()).contains("GiB usable");
  }

  @Test
  void aRunThatFitsGetsNoMitigationAndOneThatDoesNotGetsTheFirstRungThatFits() {
    PredictedPeaks fits = predictor.predict("""
        {"model":"llama-3-8b","method":"qlora","micro_batch":1,"seq_len":1024,"grad_ckpt":"full","gpu":"H100-80GB"}
        """);
    assertThat(fits.firstMitigation()).isEmpty();

    // Full fine-tuning of an 8B model with plain AdamW needs ~16 B/param of model state alone:
    // far over 24 GiB; one of the ladder's later rungs (QLoRA, offload) fits.
    PredictedPeaks tooBig = predictor.predict("""
        {"model":"llama-3-8b","method":"full","micro_batch":1,"seq_len":1024,"gpu":"RTX-4090"}
        """);
    assertThat(tooBig.firstMitigation()).hasValueSatisfying(text ->
        assertThat(text).contains("predicted").contains("% of usable").contains("cost:"));
  }

  @Test
  void anUnknownModelIsAnIllegalArgumentTheRunShowsAsItsPredictionError() {
    assertThatThrownBy(() -> predictor.predict("{\"model\":\"no-such-model\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no-such-model");
    assertThatThrownBy(() -> predictor.predict("not json"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
