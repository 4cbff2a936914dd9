package dev.headroom.collector.report;

import dev.headroom.analyzer.postmortem.log.OomEvent;
import dev.headroom.analyzer.postmortem.recording.RecordingReport;
import dev.headroom.analyzer.postmortem.snapshot.SnapshotReport;
import java.util.List;

/**
 * Everything one {@code headroom postmortem} run found, for the HTML report.
 *
 * @param problems inputs that could not be analysed, one line each
 */
public record PostmortemFindings(
    List<OomEvent> events, List<SnapshotReport> snapshots, List<RecordingReport> recordings, List<String> problems) {

  public PostmortemFindings {
    events = List.copyOf(events);
    snapshots = List.copyOf(snapshots);
    recordings = List.copyOf(recordings);
    problems = List.copyOf(problems);
  }
}
