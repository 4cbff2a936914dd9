package dev.headroom.nvml.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuantityParsingTest {

  @Test
  void byteAmountsAcceptBinaryAndDecimalUnits() {
    assertThat(ByteQuantity.parse("20 MiB").bytes()).isEqualTo(20L * 1024 * 1024);
    assertThat(ByteQuantity.parse("1.5GiB").bytes()).isEqualTo(3L * 512 * 1024 * 1024);
    assertThat(ByteQuantity.parse("3 GB").bytes()).isEqualTo(3_000_000_000L);
    assertThat(ByteQuantity.parse("512").bytes()).isEqualTo(512);
    assertThat(ByteQuantity.parse("2kib").bytes()).isEqualTo(2048);
  }

  @Test
  void byteAmountWithUnknownUnitSaysWhichUnitsExist() {
    assertThatThrownBy(() -> ByteQuantity.parse("20 MeB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown byte unit 'MeB'")
        .hasMessageContaining("MiB");
    assertThatThrownBy(() -> ByteQuantity.parse("-3 GiB")).hasMessageContaining("such as 20 MiB");
  }

  @Test
  void timesAcceptUnitsAndCompounds() {
    assertThat(TimeSpan.parse("250ms").seconds()).isEqualTo(0.25);
    assertThat(TimeSpan.parse("1.5s").seconds()).isEqualTo(1.5);
    assertThat(TimeSpan.parse("2m").seconds()).isEqualTo(120);
    assertThat(TimeSpan.parse("1h30m").seconds()).isEqualTo(5400);
    assertThat(TimeSpan.parse("12").seconds()).isEqualTo(12);
    assertThat(TimeSpan.parse("1h30m").toDuration().toMinutes()).isEqualTo(90);
  }

  @Test
  void malformedTimesAreRejected() {
    assertThatThrownBy(() -> TimeSpan.parse("5 minutes")).hasMessageContaining("'5 minutes'");
    assertThatThrownBy(() -> TimeSpan.parse("m5")).hasMessageContaining("such as 90s");
    assertThatThrownBy(() -> TimeSpan.parse("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void gpuTypesAcceptForgivingSpellings() {
    assertThat(GpuType.fromName("H100 80GB SXM")).isEqualTo(GpuType.H100_80GB_SXM);
    assertThat(GpuType.fromName("rtx-4090-24gb")).isEqualTo(GpuType.RTX_4090_24GB);
    assertThatThrownBy(() -> GpuType.fromName("V100"))
        .hasMessageContaining("unknown GPU type 'V100'")
        .hasMessageContaining("H200_141GB");
  }

  @Test
  void gpuTotalsAreWhatNvmlReportsNotTheMarketingSize() {
    assertThat(GpuType.H100_80GB_SXM.totalBytes()).isEqualTo(81_559L * 1024 * 1024);
    assertThat(GpuType.A100_40GB.totalBytes()).isEqualTo(40L * 1024 * 1024 * 1024);
    assertThat(GpuType.H200_141GB.totalBytes()).isEqualTo(143_771L * 1024 * 1024);
    for (GpuType t : GpuType.values()) {
      assertThat(t.reservedBytes()).as(t.name()).isEqualTo(870L * 1024 * 1024); // 912 MB, measured on an A100
      assertThat(t.reservedBytes()).isLessThan(t.totalBytes() / 20);
    }
  }
}
