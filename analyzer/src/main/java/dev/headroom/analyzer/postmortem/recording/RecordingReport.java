package dev.headroom.analyzer.postmortem.recording;

import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.StepMark;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The analysis of an agent recording: what each GPU did up to the end, the allocator's own view
 * when a reporter ran, and the run spec when one was declared.
 *
 * @param prediction the predictor's peak for the declared run spec beside the observed one
 * @param lastStep the last step mark, to tell where training was when the recording ends
 * @param problems what the reader skipped (torn tail, bad records), in words
 */
public record RecordingReport(
    String source,
    int observations,
    Optional<Instant> first,
    Optional<Instant> last,
    List<GpuTimeline> gpus,
    List<AllocatorTimeline> allocators,
    Optional<RunSpecDeclared> runSpec,
    Optional<PredictionCheck> prediction,
    Optional<StepMark> lastStep,
    int xidEvents,
    List<String> problems) {

  public RecordingReport {
    gpus = List.copyOf(gpus);
    allocators = List.copyOf(allocators);
    problems = List.copyOf(problems);
  }
}
