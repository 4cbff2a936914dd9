package dev.headroom.analyzer.postmortem;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The rule every post-mortem {@code --json} form keeps for a value the source did not give: the key
 * is there with JSON null, never left out and never 0, so a consumer can tell "absent" from "none"
 * and every object of one kind has the same keys.
 */
public final class NullWhenAbsent {
  private NullWhenAbsent() {}

  public static void put(ObjectNode node, String key, OptionalLong value) {
    if (value.isPresent()) {
      node.put(key, value.getAsLong());
    } else {
      node.putNull(key);
    }
  }

  public static void put(ObjectNode node, String key, OptionalInt value) {
    if (value.isPresent()) {
      node.put(key, value.getAsInt());
    } else {
      node.putNull(key);
    }
  }

  public static void put(ObjectNode node, String key, OptionalDouble value) {
    if (value.isPresent()) {
      node.put(key, value.getAsDouble());
    } else {
      node.putNull(key);
    }
  }
}
