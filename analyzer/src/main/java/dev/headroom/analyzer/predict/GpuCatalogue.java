package dev.headroom.analyzer.predict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPU type names → memory. Totals are what nvidia-smi prints as "Total" (MiB) for each board;
 * usable subtracts what the driver keeps for itself.
 */
public final class GpuCatalogue {
  private static final long MIB = 1L << 20;
  /**
   * Driver-reserved memory per board when NVML v2 is not at hand: 912 MB is the measured gap
   * between NVML v1 and v2 {@code used} on an idle A100 (rust-nvml/nvml-wrapper#57, see
   * shared/reference/nvml-facts.md); the agent replaces it by the live NVML value.
   */
  public static final long DRIVER_RESERVED_BYTES = 912_000_000L;

  private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

  private record Entry(String name, long totalMib, boolean hopper, List<String> aliases) {}

  static {
    add("H100-80GB", 81_559, true, "h100", "h100sxm", "h100pcie", "h10080gbhbm3", "h100sxm580gb");
    add("H100-94GB", 95_830, true, "h100nvl");
    add("H100-96GB", 97_871, true, "gh200", "h10096gbhbm2e");
    add("H200-141GB", 143_771, true, "h200", "h200sxm", "h200nvl");
    add("B200-192GB", 183_359, false, "b200");
    add("A100-80GB", 81_920, false, "a10080gbsxm", "a100sxm480gb", "a10080gbpcie");
    add("A100-40GB", 40_960, false, "a100", "a100sxm440gb", "a10040gbpcie");
    add("L40S", 46_068, false, "l40s48gb");
    add("L40", 46_068, false, "l4048gb");
    add("L4", 23_034, false, "l424gb");
    add("A10G", 23_028, false, "a10g24gb");
    add("A10", 23_028, false, "a1024gb");
    add("RTX-6000-Ada", 49_140, false, "rtx6000ada");
    add("RTX-A6000", 49_140, false, "a6000", "rtxa600048gb");
    add("RTX-4090", 24_564, false, "4090", "rtx409024gb", "geforcertx4090");
    add("RTX-3090", 24_576, false, "3090", "rtx309024gb", "geforcertx3090");
    add("RTX-4080", 16_376, false, "4080");
    add("V100-32GB", 32_768, false, "v10032gb");
    add("V100-16GB", 16_384, false, "v100", "v10016gb");
    add("T4", 15_360, false, "t416gb");
  }

  private GpuCatalogue() {}

  private static void add(String name, long totalMib, boolean hopper, String... aliases) {
    Entry e = new Entry(name, totalMib, hopper, List.of(aliases));
    ENTRIES.put(key(name), e);
    for (String alias : aliases) {
      ENTRIES.put(key(alias), e);
    }
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "").replaceFirst("^nvidia", "");
  }

  /** Catalogue names, for {@code --help} and error messages. */
  public static List<String> names() {
    List<String> names = new ArrayList<>();
    for (Entry e : ENTRIES.values()) {
      if (!names.contains(e.name())) {
        names.add(e.name());
      }
    }
    return names;
  }

  private static final Pattern CAPACITY =
      Pattern.compile("(?i)\\s*(-?[0-9]+(?:\\.[0-9]+)?)\\s*(gib|gb|mib|mb|tib|tb|b)?\\s*");

  /**
   * A catalogue name ({@code H100-80GB}, {@code "NVIDIA A100-SXM4-40GB"}, {@code rtx 4090}) or a
   * plain capacity ({@code 24GiB}, {@code 80GB}, {@code 24576MiB}, a byte count). A plain capacity
   * is taken as usable as given: the user states what the card offers.
   */
  public static Gpu resolve(String text, String where) {
    if (text == null || text.isBlank()) {
      throw new SpecException(where + ": gpu is empty");
    }
    Entry e = ENTRIES.get(key(text));
    if (e != null) {
      long total = e.totalMib() * MIB;
      return new Gpu(e.name(), total, total - DRIVER_RESERVED_BYTES, e.hopper());
    }
    Matcher m = CAPACITY.matcher(text);
    if (m.matches()) {
      double number = Double.parseDouble(m.group(1));
      String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
      double scale = switch (unit) {
        case "gib" -> 1L << 30;
        case "gb" -> 1e9;
        case "mib" -> 1L << 20;
        case "mb" -> 1e6;
        case "tib" -> Math.pow(2, 40);
        case "tb" -> 1e12;
        default -> 1;
      };
      long bytes = Math.round(number * scale);
      if (m.group(2) == null && bytes > 0 && bytes < MIB) {
        throw new SpecException(where + ": gpu capacity '" + text + "' has no unit: give a unit (24GiB, 80GB) or bytes");
      }
      if (bytes <= 0) {
        throw new SpecException(where + ": gpu capacity must be > 0, got '" + text + "'");
      }
      return new Gpu(text.trim(), bytes, bytes, false);
    }
    throw new SpecException(where + ": unknown GPU '" + text + "'; known: "
        + String.join(", ", names()) + "; or give a capacity such as 24GiB");
  }

  /** A capacity given in bytes (JSON number). */
  public static Gpu ofBytes(long bytes, String where) {
    if (bytes <= 0) {
      throw new SpecException(where + ": gpu capacity must be > 0 bytes, got " + bytes);
    }
    return new Gpu(bytes + " B", bytes, bytes, false);
  }
}
