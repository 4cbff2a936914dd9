package dev.headroom.agent.sampler;

import dev.headroom.analyzer.model.HostMemoryReport;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.GlobalMemory;
import oshi.hardware.VirtualMemory;

/**
 * Host RAM and swap through OSHI ({@code /proc/meminfo} on Linux). CPU offload (DeepSpeed
 * ZeRO-Offload, paged optimizers) moves training state here, so a run can die of host memory
 * while its GPUs look fine. A failed read is logged once and yields nothing.
 */
public final class OshiHostMemory implements HostMemorySource {
  private static final Logger log = LoggerFactory.getLogger(OshiHostMemory.class);

  private final GlobalMemory memory;
  private final AtomicBoolean complained = new AtomicBoolean();

  public OshiHostMemory() {
    this.memory = new SystemInfo().getHardware().getMemory();
  }

  @Override
  public Optional<HostMemoryReport> read(String hostname, Instant at) {
    try {
      VirtualMemory swap = memory.getVirtualMemory();
      long total = memory.getTotal();
      if (total <= 0) {
        throw new IllegalStateException("total RAM reads as " + total);
      }
      return Optional.of(new HostMemoryReport(
          hostname, at, total, memory.getAvailable(), swap.getSwapTotal(), swap.getSwapUsed()));
    } catch (RuntimeException e) {
      if (complained.compareAndSet(false, true)) {
        log.warn("host memory cannot be read ({}); host RAM and swap are left out of the reports", e.toString());
      }
      return Optional.empty();
    }
  }
}
