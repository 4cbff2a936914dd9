package dev.headroom.analyzer.predict;

/**
 * One weight matrix of a transformer block (or the LM head), {@code dOut × dIn}.
 *
 * @param role which LoRA target names it
 */
public record Linear(LoraTarget role, long dIn, long dOut) {
  public long weightParams() {
    return dIn * dOut;
  }
}
