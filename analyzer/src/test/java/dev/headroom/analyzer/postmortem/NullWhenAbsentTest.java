package dev.headroom.analyzer.postmortem;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class NullWhenAbsentTest {

  @Test
  void anAbsentValueKeepsItsKeyWithJsonNull() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    NullWhenAbsent.put(n, "free_bytes", OptionalLong.empty());
    NullWhenAbsent.put(n, "gpu_index", OptionalInt.empty());
    NullWhenAbsent.put(n, "trend_bytes_per_second", OptionalDouble.empty());
    assertThat(n.toString()).isEqualTo("{\"free_bytes\":null,\"gpu_index\":null,\"trend_bytes_per_second\":null}");
  }

  @Test
  void aPresentValueIsWrittenAsItsNumberZeroIncluded() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    NullWhenAbsent.put(n, "free_bytes", OptionalLong.of(1L << 40));
    NullWhenAbsent.put(n, "gpu_index", OptionalInt.of(0));
    NullWhenAbsent.put(n, "trend_bytes_per_second", OptionalDouble.of(-2.5));
    assertThat(n.toString()).isEqualTo("{\"free_bytes\":1099511627776,\"gpu_index\":0,\"trend_bytes_per_second\":-2.5}");
  }
}
