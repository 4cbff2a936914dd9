package dev.headroom.analyzer.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.analyzer.predict.TrainingSetup.Checkpointing;
import dev.headroom.analyzer.predict.TrainingSetup.Method;
import dev.headroom.analyzer.predict.TrainingSetup.Optimizer;
import dev.headroom.analyzer.predict.TrainingSetup.Quant;
import dev.headroom.analyzer.predict.TrainingSetup.Sharding;
import org.junit.jupiter.api.Test;

class RunSpecTest {

  @Test
  void theDocumentedExampleParses() {
    RunSpec s = RunSpec.parse("""
        {"model": "llama-3-8b", "method": "qlora", "lora_rank": 16, "lora_targets": "all-linear",
         "quant": "nf4-dq", "precision": "bf16-true", "optimizer": "paged-adamw-8bit",
         "micro_batch": 2, "seq_len": 2048, "grad_ckpt": "full", "attention": "flash",
         "gpus": 1, "gpu": "RTX-4090"}""", "spec.json");
    assertThat(s.model().params()).isEqualTo(8_030_261_248L);
    assertThat(s.setup().method()).isEqualTo(Method.QLORA);
    assertThat(s.setup().loraTargets()).isEqualTo(LoraTarget.allLinear());
    assertThat(s.setup().optimizer()).isEqualTo(Optimizer.PAGED_ADAMW_8BIT);
    assertThat(s.setup().checkpointing()).isEqualTo(Checkpointing.FULL);
    assertThat(s.gpu().name()).isEqualTo("RTX-4090");
  }

  @Test
  void defaultsFollowTheDocs() {
    RunSpec s = RunSpec.parse("{\"model\":\"mistral-7b\"}", "spec");
    assertThat(s.setup()).isEqualTo(TrainingSetup.defaults());
    assertThat(s.gpu().name()).isEqualTo(RunSpec.DEFAULT_GPU);
    RunSpec multi = RunSpec.parse("{\"model\":\"mistral-7b\",\"gpus\":4}", "spec");
    assertThat(multi.setup().sharding()).isEqualTo(Sharding.DDP);
    RunSpec q = RunSpec.parse("{\"model\":\"mistral-7b\",\"method\":\"qlora\"}", "spec");
    assertThat(q.setup().quant()).isEqualTo(Quant.NF4_DQ);
  }

  @Test
  void inlineConfigJsonAndExplicitFieldsGiveTheSameModel() {
    RunSpec hf = RunSpec.parse("""
        {"model": {"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
                   "num_attention_heads": 32, "num_key_value_heads": 8, "num_hidden_layers": 32,
                   "vocab_size": 128256, "tie_word_embeddings": false}}""", "spec");
    RunSpec explicit = RunSpec.parse("""
        {"model": {"layers": 32, "hidden": 4096, "heads": 32, "kv_heads": 8, "intermediate": 14336,
                   "vocab": 128256, "mlp": "swiglu"}}""", "spec");
    assertThat(hf.model().params()).isEqualTo(8_030_261_248L).isEqualTo(explicit.model().params());
  }

  @Test
  void toJsonRoundTrips() {
    RunSpec s = RunSpec.parse("{\"model\":\"llama-2-7b\",\"method\":\"lora\",\"lora_targets\":\"q;v;o\","
        + "\"micro_batch\":3,\"gpus\":2,\"sharding\":\"zero2\",\"gpu\":\"A10G\"}", "spec");
    RunSpec again = RunSpec.parse(s.toJson().toString(), "again");
    assertThat(again).isEqualTo(s);
  }

  @Test
  void unknownKeysAreRejectedByName() {
    assertThatThrownBy(() -> RunSpec.parse("{\"model\":\"llama-3-8b\",\"micro_bach\":2}", "spec.json"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("spec.json")
        .hasMessageContaining("unknown key 'micro_bach'");
  }

  @Test
  void badValuesNameTheKeyAndTheAcceptedValues() {
    assertThatThrownBy(() -> RunSpec.parse("{\"model\":\"llama-3-8b\",\"precision\":\"bf17\"}", "spec.json"))
        .hasMessageContaining("spec.json: precision 'bf17' is not one of bf16-mixed|bf16-true|fp16-mixed|fp32");
    assertThatThrownBy(() -> RunSpec.parse("{\"model\":\"llama-3-8b\",\"micro_batch\":0}", "spec.json"))
        .hasMessageContaining("'micro_batch' must be a positive integer");
    assertThatThrownBy(() -> RunSpec.parse("{\"model\":\"llama-3-8b\",\"seq_len\":99999999999}", "spec.json"))
        .hasMessageContaining("'seq_len' is too large: at most 2147483647, got 99999999999");
    // beyond a long, asLong() would wrap to a negative number
    assertThatThrownBy(() -> RunSpec.parse("{\"model\":\"llama-3-8b\",\"seq_len\":99999999999999999999}", "spec.json"))
        .hasMessageContaining("'seq_len' is too large");
    assertThatThrownBy(() -> RunSpec.parse("{\"model\":\"llama-3-8b\",\"seq_len\":-99999999999999999999}", "spec.json"))
        .hasMessageContaining("'seq_len' must be a positive integer");
    assertThatThrownBy(() -> RunSpec.parse("{\"model\":\"llama-3-8b\",\"lora_targets\":\"q,x\"}", "spec.json"))
        .hasMessageContaining("lora_targets 'x'");
    assertThatThrownBy(() -> RunSpec.parse("{\"model\":\"llama-3-8b\",\"method\":\"full\",\"quant\":\"nf4\"}", "spec.json"))
        .hasMessageContaining("spec.json").hasMessageContaining("quant nf4");
  }

  @Test
  void missingOrUnknownModelIsReported() {
    assertThatThrownBy(() -> RunSpec.parse("{}", "spec.json")).hasMessageContaining("'model' is required");
    assertThatThrownBy(() -> RunSpec.parse("{\"model\":\"llama-9-1b\"}", "spec.json"))
        .hasMessageContaining("unknown model 'llama-9-1b'").hasMessageContaining("llama-3-8b");
  }

  @Test
  void headsThatDoNotDivideHiddenNeedAHeadDim() {
    assertThatThrownBy(() -> RunSpec.parse("{\"model\":{\"layers\":2,\"hidden\":100,\"heads\":3,"
        + "\"intermediate\":300,\"vocab\":10}}", "spec.json"))
        .hasMessageContaining("heads (3) do not divide hidden (100)").hasMessageContaining("head_dim");
    RunSpec ok = RunSpec.parse("{\"model\":{\"layers\":2,\"hidden\":100,\"heads\":3,\"head_dim\":32,"
        + "\"intermediate\":300,\"vocab\":10}}", "spec.json");
    assertThat(ok.model().attentionWidth()).isEqualTo(96);
  }

  @Test
  void zeroAndNegativeSizesAreRejected() {
    assertThatThrownBy(() -> RunSpec.parse("{\"model\":{\"layers\":0,\"hidden\":64,\"heads\":4,"
        + "\"intermediate\":256,\"vocab\":10}}", "spec.json"))
        .hasMessageContaining("spec.json: model").hasMessageContaining("'layers' must be > 0");
    assertThatThrownBy(() -> RunSpec.parse("{\"model\":{\"layers\":2,\"hidden\":-64,\"heads\":4,"
        + "\"intermediate\":256,\"vocab\":10}}", "spec.json"))
        .hasMessageContaining("'hidden' must be > 0");
  }

  @Test
  void malformedJsonNamesLineAndColumn() {
    assertThatThrownBy(() -> RunSpec.parse("{\"model\": \"llama-3-8b\",\n \"seq_len\": }", "spec.json"))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("spec.json:2:")
        .hasMessageContaining("malformed JSON");
  }
}
