package dev.headroom.analyzer.model;

import java.time.Instant;

/** Something an agent observed and ships as one frame. */
public sealed interface Observation
    permits DeviceReport, XidObservation, AllocatorSample, StepMark, RunSpecDeclared, HostMemoryReport {

  /** When it was observed (for a report: the end of its interval). */
  Instant at();
}
