package dev.headroom.nvml.sim;

import dev.headroom.nvml.NvLinkStatus;
import dev.headroom.nvml.PcieStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A device's cumulative PCIe and NVLink byte counters at one instant, as the driver keeps them
 * (fields 138/139 and 197/198), and the rates from two of them — the same way the real binding turns
 * counters into rates, so a first snapshot has none.
 *
 * @param seconds scenario time of the reading
 */
record TrafficCounters(double seconds, double pcieTx, double pcieRx, double nvlinkTx, double nvlinkRx) {

  /** Bursts of gradient all-reduce and data loading: the rate swings this much over a step. */
  private static final double SWING = 0.15;

  /** The counters of {@code device} at {@code t}: every process's traffic while it lived. */
  static TrafficCounters of(DeviceModel device, double t) {
    TrafficCounters c = new TrafficCounters(t, 0, 0, 0, 0);
    for (int i = 0; i < device.processes.size(); i++) {
      c = c.plus(device.processes.get(i), device.aliveSecondsBy(i, t));
    }
    return c;
  }

  /**
   * Adds one process's traffic over its {@code aliveSeconds}. The counter is the exact integral of
   * a rate swinging ±{@link #SWING} over the process's training step, so diffs give believable,
   * reproducible rates that average to the declared ones over whole steps.
   */
  private TrafficCounters plus(ProcessModel p, double aliveSeconds) {
    Scenario.Traffic tr = p.spec.traffic();
    double w = 2 * Math.PI / stepSeconds(p);
    double effectiveSeconds = aliveSeconds + SWING * (1 - Math.cos(w * aliveSeconds)) / w;
    return new TrafficCounters(
        seconds,
        pcieTx + tr.pcieTxBytesPerSecond().bytes() * effectiveSeconds,
        pcieRx + tr.pcieRxBytesPerSecond().bytes() * effectiveSeconds,
        nvlinkTx + tr.nvlinkTxBytesPerSecond().bytes() * effectiveSeconds,
        nvlinkRx + tr.nvlinkRxBytesPerSecond().bytes() * effectiveSeconds);
  }

  private static double stepSeconds(ProcessModel p) {
    for (CurvePart part : p.spec.memory()) {
      if (part instanceof CurvePart.Sawtooth s) {
        return s.period().seconds();
      }
    }
    return 10.0; // no steps declared: a slow swing
  }

  PcieStatus pcie(Optional<TrafficCounters> previous, GpuType type) {
    return new PcieStatus(
        rate(previous, pcieTx, TrafficCounters::pcieTx),
        rate(previous, pcieRx, TrafficCounters::pcieRx),
        OptionalInt.of(type.pcieGeneration()),
        OptionalInt.of(type.pcieGeneration()),
        OptionalInt.of(16),
        OptionalInt.of(16),
        OptionalLong.of(0));
  }

  /** Empty for products without NVLink; the traffic is split evenly over the links. */
  Optional<NvLinkStatus> nvlink(Optional<TrafficCounters> previous, GpuType type) {
    int links = type.nvlinkCount();
    if (links == 0) {
      return Optional.empty();
    }
    OptionalLong tx = rate(previous, nvlinkTx, TrafficCounters::nvlinkTx);
    OptionalLong rx = rate(previous, nvlinkRx, TrafficCounters::nvlinkRx);
    List<NvLinkStatus.Link> perLink = new ArrayList<>();
    for (int l = 0; l < links; l++) {
      perLink.add(new NvLinkStatus.Link(l, true, share(tx, links), share(rx, links)));
    }
    return Optional.of(new NvLinkStatus(links, tx, rx, perLink));
  }

  private static OptionalLong share(OptionalLong total, int links) {
    return total.isPresent() ? OptionalLong.of(total.getAsLong() / links) : OptionalLong.empty();
  }

  private interface Field {
    double of(TrafficCounters c);
  }

  private OptionalLong rate(Optional<TrafficCounters> previous, double now, Field field) {
    if (previous.isEmpty() || seconds <= previous.get().seconds()) {
      return OptionalLong.empty();
    }
    double bytes = now - field.of(previous.get());
    return OptionalLong.of(Math.max(0, Math.round(bytes / (seconds - previous.get().seconds()))));
  }
}
