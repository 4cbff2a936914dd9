package dev.headroom.cli.bench;

import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.protocol.wire.ObservationMapping;
import dev.headroom.protocol.wire.pb.Frame;
import dev.headroom.protocol.wire.pb.ObservationFrame;
import io.netty.buffer.ByteBuf;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The frames one simulated training node sends, in the order an agent would: first its run
 * declaration (the agent's {@code --run-id}), then per simulated second and per GPU a device report
 * (min/max/last over {@link #SAMPLES_PER_REPORT} samples, the agent's default 10 Hz over 1 s), an
 * allocator sample from that GPU's rank and a step mark.
 *
 * <p>Every node has its own host name, GPU UUIDs and run, so the collector keeps one run with
 * {@code gpus} tracks per node, as for a fleet of single-node jobs. Memory follows a per-step
 * sawtooth below the danger line, so no alert fires and each report still runs every detector.
 * Frames are built from protobuf templates with only the changing fields set, so a simulated agent
 * costs little CPU beside the collector's (the bench reports how much).
 */
final class SimulatedNode {
  /** Samples behind one device report: the agent's default 10 Hz sampler over a 1 s report interval. */
  static final int SAMPLES_PER_REPORT = 10;
  /** Frames per GPU per simulated second: device report, allocator sample, step mark. */
  static final int FRAMES_PER_GPU_SECOND = 3;

  private static final long GIB = 1L << 30;
  private static final long SECOND_NANOS = 1_000_000_000L;

  private final String runId;
  private final String hostname;
  private final int gpus;
  private final long startNanos;
  private final dev.headroom.protocol.wire.pb.DeviceReport[] reports;
  private final dev.headroom.protocol.wire.pb.AllocatorSample[] allocator;
  private final dev.headroom.protocol.wire.pb.StepMark[] steps;

  SimulatedNode(int node, int gpus, Instant start) {
    this.runId = "bench-run-" + node;
    this.hostname = "bench-node-" + node;
    this.gpus = gpus;
    this.startNanos = start.getEpochSecond() * SECOND_NANOS + start.getNano();
    this.reports = new dev.headroom.protocol.wire.pb.DeviceReport[gpus];
    this.allocator = new dev.headroom.protocol.wire.pb.AllocatorSample[gpus];
    this.steps = new dev.headroom.protocol.wire.pb.StepMark[gpus];
    for (int g = 0; g < gpus; g++) {
      String uuid = String.format(java.util.Locale.ROOT, "GPU-%08d-0000-4000-8000-%012d", node, g);
      long pid = pid(g);
      DeviceReport report = new DeviceReport(hostname, uuid, g, "NVIDIA H100 80GB HBM3", start.minusSeconds(1), start,
          SAMPLES_PER_REPORT, DeviceState.OK, 80 * GIB, 512L << 20, new Stats(60 * GIB, 66 * GIB, 62 * GIB),
          List.of(new ProcessReport(pid, Optional.of("python"), Optional.of("trainer"), Optional.empty(),
              new Stats(59 * GIB, 65 * GIB, 61 * GIB), true)),
          Optional.of(new Stats(90, 100, 97)), Optional.of(Stats.of(1_000_000)), Optional.of(Stats.of(2_000_000)),
          Optional.empty(), Optional.empty(), Optional.of(new Stats(60, 71, 70)),
          Optional.of(new Stats(300_000, 700_000, 650_000)));
      reports[g] = ObservationMapping.toFrame(1, report).getDeviceReport();
      AllocatorSample sample = new AllocatorSample(start, pid, g, Optional.of(uuid), 50 * GIB, 56 * GIB, 58 * GIB,
          58 * GIB, 50 * GIB, 1 * GIB, OptionalLong.of(2 * GIB), 0, 0);
      allocator[g] = ObservationMapping.toFrame(1, sample).getAllocatorSample();
      steps[g] = ObservationMapping.toFrame(1, new StepMark(start, pid, 0, "train")).getStepMark();
    }
  }

  private static long pid(int gpu) {
    return 5000 + gpu;
  }

  String runId() {
    return runId;
  }

  String hostname() {
    return hostname;
  }

  /** Frames this node sends per simulated second. */
  int framesPerSecond() {
    return gpus * FRAMES_PER_GPU_SECOND;
  }

  /** The frame with {@code sequence} (1: the run declaration). */
  Frame frame(long sequence) {
    ObservationFrame.Builder observation = ObservationFrame.newBuilder().setSequence(sequence);
    if (sequence == 1) {
      observation.setRunSpec(ObservationMapping.toFrame(1,
          new RunSpecDeclared(Instant.ofEpochSecond(0, startNanos), runId, 0, "{\"bench\":true}")).getRunSpec());
      return Frame.newBuilder().setObservation(observation).build();
    }
    long index = sequence - 2;
    long second = index / framesPerSecond();
    int slot = (int) (index % framesPerSecond());
    int gpu = slot / FRAMES_PER_GPU_SECOND;
    long at = startNanos + second * SECOND_NANOS + gpu * 1_000_000L;
    // A per-step sawtooth: memory climbs over ten steps, then drops back (optimizer step, eval).
    long saw = (second % 10) * (GIB / 4);
    switch (slot % FRAMES_PER_GPU_SECOND) {
      case 0 -> {
        long low = 58 * GIB + saw;
        observation.setDeviceReport(reports[gpu].toBuilder()
            .setIntervalStartUnixNanos(at - SECOND_NANOS)
            .setAtUnixNanos(at)
            .setUsedBytes(dev.headroom.protocol.wire.pb.Stats.newBuilder()
                .setMin(low).setMax(low + 3 * GIB).setLast(low + GIB)));
      }
      case 1 -> observation.setAllocatorSample(allocator[gpu].toBuilder()
          .setAtUnixNanos(at)
          .setAllocatedBytes(50 * GIB + saw)
          .setPeakAllocatedBytes(53 * GIB + saw));
      default -> observation.setStepMark(steps[gpu].toBuilder().setAtUnixNanos(at).setStep(second));
    }
    return Frame.newBuilder().setObservation(observation).build();
  }

  /** Appends the wire form (varint length, then the frame) of the frame with {@code sequence}. */
  void write(ByteBuf out, long sequence) {
    byte[] bytes = frame(sequence).toByteArray();
    IngestBench.writeVarint(out, bytes.length);
    out.writeBytes(bytes);
  }

  /** The wire form of frames {@code 1..count}, one stream (the decode-only baseline's input). */
  List<byte[]> frames(int count) {
    List<byte[]> out = new ArrayList<>(count);
    for (long s = 1; s <= count; s++) {
      out.add(frame(s).toByteArray());
    }
    return out;
  }
}
