package dev.headroom.analyzer.predict;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The matrices a LoRA adapter can sit on, named as PEFT's Llama module names without {@code _proj}. */
public enum LoraTarget implements Labeled {
  Q("q"), K("k"), V("v"), O("o"), GATE("gate"), UP("up"), DOWN("down"), LM_HEAD("lm_head");

  private final String label;

  LoraTarget(String label) {
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }

  /** PEFT's {@code all-linear}: every linear in the blocks, not the output head. */
  public static Set<LoraTarget> allLinear() {
    return EnumSet.of(Q, K, V, O, GATE, UP, DOWN);
  }

  /**
   * Parses {@code all-linear} or a list separated by commas, semicolons or spaces; accepts the HF
   * module names too ({@code q_proj}, {@code gate_proj}).
   */
  public static Set<LoraTarget> parseList(String text, String field, String where) {
    String trimmed = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (trimmed.equals("all-linear") || trimmed.equals("all_linear") || trimmed.equals("all")) {
      return allLinear();
    }
    Set<LoraTarget> targets = EnumSet.noneOf(LoraTarget.class);
    for (String part : trimmed.split("[,; ]+")) {
      if (part.isEmpty()) {
        continue;
      }
      String name = part.endsWith("_proj") ? part.substring(0, part.length() - 5) : part;
      if (name.equals("lm-head")) {
        name = "lm_head";
      }
      boolean found = false;
      for (LoraTarget t : values()) {
        if (t.label.equals(name)) {
          targets.add(t);
          found = true;
        }
      }
      if (!found) {
        throw new SpecException(
            where + ": " + field + " '" + part + "' is not one of q,k,v,o,gate,up,down,lm_head or all-linear");
      }
    }
    if (targets.isEmpty()) {
      throw new SpecException(where + ": " + field + " is empty");
    }
    return targets;
  }
}
