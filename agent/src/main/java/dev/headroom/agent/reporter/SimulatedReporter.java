package dev.headroom.agent.reporter;

import dev.headroom.agent.ObservationSink;
import dev.headroom.agent.sampler.Tickable;
import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.nvml.sim.AllocatorState;
import dev.headroom.nvml.sim.RunEnd;
import dev.headroom.nvml.sim.SimulatedRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Stands in for the training processes' reporters in {@code --simulate} mode: each tick turns the
 * simulator's runs into the observations a real reporter would post — the run spec once when the
 * run is first seen alive, an allocator sample per tick, a step mark when a new step began, and the
 * allocator's last state (with {@code num_ooms}) when the run crashed out of memory.
 *
 * <p>Several steps may begin between two ticks with a compressed clock; only the newest is marked,
 * stamped with its own start, as a reporter posting at its rate would do. Not thread-safe: tick
 * from one thread.
 */
public final class SimulatedReporter implements Tickable {
  private final ObservationSink sink;
  private final List<RunState> runs = new ArrayList<>();

  private static final class RunState {
    final SimulatedRun run;
    boolean declared;
    boolean ended;
    long lastStep = -1;

    RunState(SimulatedRun run) {
      this.run = run;
    }
  }

  public SimulatedReporter(List<SimulatedRun> runs, ObservationSink sink) {
    this.sink = sink;
    for (SimulatedRun r : runs) {
      this.runs.add(new RunState(r));
    }
  }

  @Override
  public void tick(Instant now) {
    for (RunState s : runs) {
      if (s.ended) {
        continue;
      }
      Optional<AllocatorState> allocator = s.run.allocatorAt(now);
      if (allocator.isPresent()) {
        if (!s.declared) {
          sink.accept(new RunSpecDeclared(now, s.run.runId(), s.run.pid(), s.run.runSpecJson()));
          s.declared = true;
        }
        sink.accept(sample(s.run, allocator.get()));
        OptionalLong step = s.run.stepAt(now);
        if (step.isPresent() && step.getAsLong() > s.lastStep) {
          s.lastStep = step.getAsLong();
          sink.accept(new StepMark(s.run.stepStart(s.lastStep), s.run.pid(), s.lastStep, "train"));
        }
      } else if (s.declared) {
        Optional<RunEnd> end = s.run.end(now);
        if (end.isPresent()) {
          s.ended = true;
          if (end.get().outOfMemory()) {
            // What a reporter's OOM hook posts last: the allocator at the crash, num_ooms = 1.
            sink.accept(sample(s.run, end.get().lastState()));
          }
        }
      }
    }
  }

  private static AllocatorSample sample(SimulatedRun run, AllocatorState a) {
    return new AllocatorSample(
        a.at(),
        run.pid(),
        run.cudaDevice(),
        Optional.of(run.deviceUuid()),
        a.allocatedBytes(),
        a.peakAllocatedBytes(),
        a.reservedBytes(),
        a.peakReservedBytes(),
        a.activeBytes(),
        a.inactiveSplitBytes(),
        a.largestFreeBlockBytes(),
        a.numAllocRetries(),
        a.numOoms());
  }
}
