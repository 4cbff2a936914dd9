package dev.headroom.analyzer.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GpuCatalogueTest {
  private static final long MIB = 1L << 20;

  @ParameterizedTest
  @CsvSource({
    "H100 80GB, H100-80GB, 81559",
    "NVIDIA H100 80GB HBM3, H100-80GB, 81559",
    "H200 141GB, H200-141GB, 143771",
    "A100 40GB, A100-40GB, 40960",
    "NVIDIA A100-SXM4-80GB, A100-80GB, 81920",
    "L4 24GB, L4, 23034",
    "RTX 4090 24GB, RTX-4090, 24564",
    "a10g, A10G, 23028",
    "rtx_a6000, RTX-A6000, 49140",
  })
  void namesResolveToTheirCatalogueEntry(String typed, String name, long totalMib) {
    Gpu gpu = GpuCatalogue.resolve(typed, "--gpu");
    assertThat(gpu.name()).isEqualTo(name);
    assertThat(gpu.capacityBytes()).isEqualTo(totalMib * MIB);
    assertThat(gpu.usableBytes()).isEqualTo(totalMib * MIB - GpuCatalogue.DRIVER_RESERVED_BYTES);
  }

  @Test
  void hopperBoardsAreMarkedForTheirLargerCublasWorkspace() {
    assertThat(GpuCatalogue.resolve("H100", "x").hopper()).isTrue();
    assertThat(GpuCatalogue.resolve("A100-80GB", "x").hopper()).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"24GiB, 25769803776", "80GB, 80000000000", "24576MiB, 25769803776", "1.5 GiB, 1610612736", "17179869184, 17179869184"})
  void aPlainCapacityIsUsableAsGiven(String typed, long bytes) {
    Gpu gpu = GpuCatalogue.resolve(typed, "--gpu");
    assertThat(gpu.capacityBytes()).isEqualTo(bytes);
    assertThat(gpu.usableBytes()).isEqualTo(bytes);
  }

  @Test
  void unknownNamesListTheCatalogue() {
    assertThatThrownBy(() -> GpuCatalogue.resolve("H300", "--gpu"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("--gpu: unknown GPU 'H300'")
        .hasMessageContaining("H100-80GB");
    assertThatThrownBy(() -> GpuCatalogue.resolve("0GiB", "--gpu")).hasMessageContaining("must be > 0");
    // once read as an unknown GPU name, with the whole catalogue listed
    assertThatThrownBy(() -> GpuCatalogue.resolve("-3GiB", "--gpu"))
        .hasMessageContaining("gpu capacity must be > 0, got '-3GiB'").hasMessageNotContaining("unknown GPU");
    assertThatThrownBy(() -> GpuCatalogue.resolve("80", "--gpu")).hasMessageContaining("give a unit");
  }
}
