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
   * Marks by their first two characters (folded into 12 bits; collisions only cost a failed
   * {@code startsWith}). Two characters, not one: single letters like 'e' or 't' start a mark
   * candidate at almost every position of an English log line.
   */
  private static final Mark[][] BY_FIRST_TWO = new Mark[1 << 12][];

  static {
    List<List<Mark>> table = new ArrayList<>();
    for (int i = 0; i < BY_FIRST_TWO.length; i++) {
      table.add(new ArrayList<>());
    }
    for (Mark m : MARKS) {
      table.get(key(m.literal().charAt(0), m.literal().charAt(1))).add(m);
    }
    for (int i = 0; i < BY_FIRST_TWO.length; i++) {
      BY_FIRST_TWO[i] = table.get(i).isEmpty() ? null : table.get(i).toArray(new Mark[0]);
    }
  }

  private static int key(char a, char b) {
    return ((a & 0x3f) << 6) | (b & 0x3f);
  }

  private LineMarks() {}

  /** The bits of every mark in {@code line}, leaving out those already in {@code ignore}. */
  static int scan(String line, int ignore) {
    int found = 0;
    int last = line.length() - 1;
    for (int i = 0; i < last; i++) {
      Mark[] candidates = BY_FIRST_TWO[key(line.charAt(i), line.charAt(i + 1))];
      if (candidates == null) {
        continue;
      }
      for (Mark m : candidates) {
        if ((found & m.bit()) == 0 && (ignore & m.bit()) == 0 && line.startsWith(m.literal(), i)) {
          found |= m.bit();
        }
      }
    }
    return found;
  }
}
