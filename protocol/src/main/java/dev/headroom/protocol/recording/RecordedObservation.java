package dev.headroom.protocol.recording;

import dev.headroom.analyzer.model.Observation;
import java.nio.file.Path;

/** One observation read back from a recording, with where it was. */
public record RecordedObservation(
    SegmentIdentity source, long sequence, Observation observation, Path file, long byteOffset) {}
