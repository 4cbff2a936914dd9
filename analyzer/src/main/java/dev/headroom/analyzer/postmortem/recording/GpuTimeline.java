package dev.headroom.analyzer.postmortem.recording;

import dev.headroom.analyzer.model.DeviceState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One GPU over a recording.
 *
 * @param peakUsedBytes the highest used memory any report carried (its max, so spikes count)
 * @param peakHolder the process holding the most memory in the report with the peak
 * @param trendBytesPerSecond least-squares slope of the per-report minimum (the baseline between
 *     steps) over the recording; empty with fewer than 3 reports or under a minute of data
 * @param series used memory over time (max per report), thinned to at most {@link
 *     RecordingAnalyzer#MAX_SERIES_POINTS} points for charts
 */
public record GpuTimeline(
    String hostname,
    String uuid,
    int index,
    String name,
    long totalBytes,
    long usableBytes,
    long peakUsedBytes,
    Instant peakAt,
    Optional<ProcessAtPeak> peakHolder,
    long lastUsedBytes,
    Instant lastAt,
    DeviceState lastState,
    int reports,
    OptionalDouble trendBytesPerSecond,
    List<Point> series) {

  public GpuTimeline {
    series = List.copyOf(series);
  }

  /** Peak used / usable: the figure the 90 % danger line is drawn against. */
  public double peakRatio() {
    return usableBytes <= 0 ? 0.0 : (double) peakUsedBytes / usableBytes;
  }

  /** A process at the GPU's peak. */
  public record ProcessAtPeak(long pid, Optional<String> name, long usedBytes) {}

  /** One point of the series. */
  public record Point(Instant at, long usedBytes) {}
}
