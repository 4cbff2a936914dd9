package dev.headroom.nvml.sim;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The GPU products a scenario can name, with the figures NVML reports for them.
 *
 * <p>Totals are the framebuffer sizes NVML (and so {@code nvidia-smi}) reports, which are not the
 * marketing sizes: an "80 GB" H100 reports 81,559 MiB. Sources: the table of NVML-reported totals
 * in Modal's "Why does an NVIDIA H100 80GB card offer 85.52 GB?" (H200, H100, A100 80/40 GB, L4) and
 * commonly published {@code nvidia-smi} output for the RTX 4090 (24,564 MiB). Driver-reserved
 * memory (NVML v2 {@code reserved}) varies with driver version and ECC mode and is not published
 * per product; the one measurement at hand is an idle A100 whose v1 {@code used} (which includes
 * it) read 912 MB against 7.8 MB from v2 (rust-nvml/nvml-wrapper#57). Every type uses that 912 MB
 * (870 MiB), as the predictor's GPU catalogue does, so simulated and predicted usable memory
 * agree. A scenario can override both per device.
 */
public enum GpuType {
  H100_80GB_SXM("NVIDIA H100 80GB HBM3", 81_559, 18, 5, 70, 700, 131_072),
  H200_141GB("NVIDIA H200", 143_771, 18, 5, 75, 700, 262_144),
  A100_40GB("NVIDIA A100-SXM4-40GB", 40_960, 12, 4, 55, 400, 65_536),
  A100_80GB("NVIDIA A100-SXM4-80GB", 81_920, 12, 4, 60, 400, 131_072),
  L4_24GB("NVIDIA L4", 23_034, 0, 4, 16, 72, 32_768),
  RTX_4090_24GB("NVIDIA GeForce RTX 4090", 24_564, 0, 4, 20, 450, 256);

  private static final long MIB = 1024L * 1024;
  /** 912 MB, the measured A100 gap between NVML v1 and v2 {@code used} (see above). */
  private static final long RESERVED_MIB = 870;

  private final String productName;
  private final long totalBytes;
  private final long reservedBytes;
  private final int nvlinkCount;
  private final int pcieGeneration;
  private final int idleWatts;
  private final int maxWatts;
  private final long bar1TotalBytes;

  GpuType(
      String productName,
      long totalMiB,
      int nvlinkCount,
      int pcieGeneration,
      int idleWatts,
      int maxWatts,
      long bar1TotalMiB) {
    this.productName = productName;
    this.totalBytes = totalMiB * MIB;
    this.reservedBytes = RESERVED_MIB * MIB;
    this.nvlinkCount = nvlinkCount;
    this.pcieGeneration = pcieGeneration;
    this.idleWatts = idleWatts;
    this.maxWatts = maxWatts;
    this.bar1TotalBytes = bar1TotalMiB * MIB;
  }

  /** The name {@code nvmlDeviceGetName} returns for this product. */
  public String productName() {
    return productName;
  }

  public long totalBytes() {
    return totalBytes;
  }

  /** Driver-reserved memory (from one measurement, see the class comment). */
  public long reservedBytes() {
    return reservedBytes;
  }

  /** NVLink links; 0 for PCIe-only products. */
  public int nvlinkCount() {
    return nvlinkCount;
  }

  /** PCIe generation of the link; every listed product has a x16 link. */
  public int pcieGeneration() {
    return pcieGeneration;
  }

  public int idleWatts() {
    return idleWatts;
  }

  /** Default power limit. */
  public int maxWatts() {
    return maxWatts;
  }

  public long bar1TotalBytes() {
    return bar1TotalBytes;
  }

  /**
   * Finds a type by a forgiving spelling: {@code H100_80GB_SXM}, {@code h100-80gb-sxm} and {@code
   * H100 80GB SXM} all name the same product.
   */
  @JsonCreator
  public static GpuType fromName(String name) {
    String key = name.strip().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
    for (GpuType t : values()) {
      if (t.name().equals(key)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown GPU type '" + name + "' (known: " + knownNames() + ")");
  }

  static String knownNames() {
    return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
  }
}
