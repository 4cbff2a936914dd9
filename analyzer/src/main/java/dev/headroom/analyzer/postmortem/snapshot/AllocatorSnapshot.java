package dev.headroom.analyzer.postmortem.snapshot;

import java.util.List;
import java.util.Optional;

/**
 * The contents of a {@code torch.cuda.memory._dump_snapshot()} pickle, in every key set seen so
 * far (2.0-era files lack frames, pool ids, expandable flags and trace times).
 *
 * @param traces every device's trace, in order, device by device
 * @param traceDevices how many per-device trace lists the file had (devices with no events count)
 */
public record AllocatorSnapshot(
    List<Segment> segments, List<TraceEvent> traces, int traceDevices, Optional<AllocatorSettings> settings) {

  public AllocatorSnapshot {
    segments = List.copyOf(segments);
    traces = List.copyOf(traces);
  }
}
