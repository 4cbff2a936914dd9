package dev.headroom.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.nvml.jna.NvmlCoreApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every entry point the raw layer declares is really called through the facade by some path the
 * tests take, on some driver variant: a symbol bound but never exercised would be a layout or
 * signature nobody checked.
 */
class BindingCoverageTest {

  static List<String> allSymbols() {
    List<String> all = new ArrayList<>(NativeBinding.symbolsOf(NvmlCoreApi.class));
    for (Class<?> api : NativeBinding.OPTIONAL_APIS) {
      all.addAll(NativeBinding.symbolsOf(api));
    }
    return all;
  }

  static void collect(FakeNvml fake, Set<String> called) {
    for (String symbol : allSymbols()) {
      long calls = fake.calls(symbol);
      if (calls > 0) {
        called.add(symbol);
      }
    }
  }

  @Test
  void everyBoundSymbolIsCalledOnSomeVariant() throws Exception {
    Set<String> called = new TreeSet<>();

    FakeNvml full = FakeNvml.reset(FakeNvml.Variant.FULL, 2);
    full.control.fake_set_field_return(1, 197, 3); // device 1 uses the throughput call
    full.control.fake_set_field_return(1, 165, 3); // and asks each link's state by call
    try (JnaNvml nvml = full.open()) {
      full.control.fake_set_return("nvmlDeviceGetMemoryInfo_v2", 0, 25);
      full.control.fake_set_return("nvmlDeviceGetTemperatureV", 0, 25);
      nvml.snapshot(FakeNvml.uuid(0));
      nvml.snapshot(FakeNvml.uuid(1));
      nvml.modes(FakeNvml.uuid(0));
      full.control.fake_push_event(0, 0x8, 79);
      assertThat(nvml.awaitXid(Duration.ofMillis(1))).isPresent();
    }
    collect(full, called);

    for (FakeNvml.Variant old : List.of(FakeNvml.Variant.R470, FakeNvml.Variant.R418)) {
      FakeNvml fake = FakeNvml.reset(old, 1);
      try (JnaNvml nvml = fake.open()) {
        nvml.snapshot(FakeNvml.uuid(0));
      }
      collect(fake, called);
    }

    List<String> expected = new ArrayList<>(allSymbols());
    expected.remove("nvmlErrorString"); // not counted by the fake; its text is asserted in every error test
    assertThat(called).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void theFakeImplementsEverySymbolTheRawLayerDeclares() {
    FakeNvml fake = FakeNvml.reset(FakeNvml.Variant.FULL, 1);
    for (String symbol : allSymbols()) {
      if (!symbol.equals("nvmlErrorString")) {
        assertThat(fake.calls(symbol)).as(symbol + " is known to the fake").isZero();
      }
    }
  }
}
