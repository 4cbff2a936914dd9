package dev.headroom.analyzer.postmortem.log;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds, in one pass over a line, which of a fixed set of literal marks it contains: the phrases
 * every OOM trigger contains and the words that tell which framework wrote the log. This runs on
 * every line of a multi-GB log, where a dozen {@code contains} calls or regexes per line would be
 * the scanner's whole cost; here each character costs one table look-up.
 */
final class LineMarks {

  static final int TRIGGER = 1;
  static final int VLLM = 1 << 1;
  static final int DEEPSPEED = 1 << 2;
  static final int BITSANDBYTES = 1 << 3;
  static final int JAX = 1 << 4;
  static final int TENSORFLOW = 1 << 5;

  private record Mark(String literal, int bit) {}

  /** Every phrase of {@link Trigger#ALL} contains one of the TRIGGER literals (case as printed). */
  private static final List<Mark> MARKS = List.of(
      new Mark("out of memory", TRIGGER),
      new Mark("Out of memory", TRIGGER),
      new Mark("to allocate", TRIGGER),
      new Mark("ALLOC_FAILED", TRIGGER),
      new Mark("RESOURCE_EXHAUSTED", TRIGGER),
      new Mark("Resource exhausted", TRIGGER),
      new Mark("Free memory on device", TRIGGER),
      new Mark("memory for the cache blocks", TRIGGER),
      new Mark("available KV cache memory", TRIGGER),
      new Mark("in-use chunks", TRIGGER),
      new Mark("OOM when", TRIGGER),
      new Mark("vllm", VLLM),
      new Mark("vLLM", VLLM),
      new Mark("EngineCore", VLLM),
      new Mark("eepspeed", DEEPSPEED),
      new Mark("eepSpeed", DEEPSPEED),
      new Mark("EEPSPEED", DEEPSPEED),
      new Mark("see_memory_usage", DEEPSPEED),
      new Mark("Max_MA ", DEEPSPEED),
      new Mark("itsandbytes", BITSANDBYTES),
      new Mark("ITSANDBYTES", BITSANDBYTES),
      new Mark("bnb.", BITSANDBYTES),
      new Mark("jax", JAX),
      new Mark("XlaRuntimeError", JAX),
      new Mark("ensorflow", TENSORFLOW),
      new Mark("ensorFlow", TENSORFLOW),
      new Mark("ENSORFLOW", TENSORFLOW));

  /**
   * Each mark is looked for at its rarest pair of adjacent characters (its anchor), by a rough
   * letter frequency of English log text: the first two characters of a mark are often a common
   * English pair ("in", "en", "to", "ou"), which would send almost every word of a line to a
   * string comparison. A line's pairs are tested against a 2 KiB bitmap of every anchor; each
   * position is independent of the others, so the loop pipelines (a state machine would make
   * every character wait for the previous one's table read).
   */
  private record Anchored(Mark mark, int offset) {}

  /** Rough letter shares of English log text, a..z (per mille), for {@link #commonness}. */
  private static final double[] LOWER = {
    65, 13, 25, 30, 100, 20, 18, 40, 60, 2, 7, 35, 25, // a..m
    60, 65, 20, 2, 50, 55, 70, 25, 10, 15, 2, 15, 2, // n..z
  };

  private static final int ASCII = 128;
  private static final long[] ANCHOR_BITS = new long[ASCII * ASCII / 64];
  private static final Anchored[][] BY_ANCHOR = new Anchored[ASCII * ASCII][];

  static {
    List<List<Anchored>> table = new ArrayList<>();
    for (int i = 0; i < ASCII * ASCII; i++) {
      table.add(new ArrayList<>());
    }
    for (Mark m : MARKS) {
      String lit = m.literal();
      int best = 0;
      double bestScore = Double.MAX_VALUE;
      for (int i = 0; i + 1 < lit.length(); i++) {
        double score = commonness(lit.charAt(i)) * commonness(lit.charAt(i + 1));
        if (score < bestScore) {
          bestScore = score;
          best = i;
        }
      }
      int key = key(lit.charAt(best), lit.charAt(best + 1));
      table.get(key).add(new Anchored(m, best));
      ANCHOR_BITS[key >>> 6] |= 1L << key;
    }
    for (int i = 0; i < ASCII * ASCII; i++) {
      BY_ANCHOR[i] = table.get(i).isEmpty() ? null : table.get(i).toArray(new Anchored[0]);
    }
  }

  /** Rough share of a character in English log text (per mille); only the order matters. */
  private static double commonness(char c) {
    if (c == ' ') {
      return 180;
    }
    if (c >= 'a' && c <= 'z') {
      return LOWER[c - 'a'];
    }
    if (c >= '0' && c <= '9') {
      return 10;
    }
    return 5; // capitals, punctuation
  }

  private static int key(char a, char b) {
    return a << 7 | b;
  }

  private LineMarks() {}

  /** The bits of every mark in {@code line}, leaving out those already in {@code ignore}. */
  static int scan(String line, int ignore) {
    int found = 0;
    int last = line.length() - 1;
    for (int i = 0; i < last; i++) {
      char a = line.charAt(i);
      char b = line.charAt(i + 1);
      if ((a | b) >= ASCII) {
        continue; // no mark has a non-ASCII character
      }
      int key = key(a, b);
      if ((ANCHOR_BITS[key >>> 6] & (1L << key)) == 0) {
        continue;
      }
      for (Anchored c : BY_ANCHOR[key]) {
        int start = i - c.offset();
        if ((found & c.mark().bit()) == 0 && (ignore & c.mark().bit()) == 0 && start >= 0
            && line.startsWith(c.mark().literal(), start)) {
          found |= c.mark().bit();
        }
      }
    }
    return found;
  }
}
