package dev.headroom.protocol.wire;

import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.HostMemoryReport;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.analyzer.model.XidObservation;
import dev.headroom.protocol.wire.pb.ObservationFrame;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Translates between the analyzer's observation records and their protobuf form, in both
 * directions. Stateless and thread-safe.
 *
 * <p>Decoding checks what protobuf cannot: a body is present, enums are known, Stats have min ≤
 * max, instants fit in {@link Instant}. Anything else becomes a {@link MalformedFrameException}
 * naming the field, so a bad frame is refused where it enters instead of failing later in a
 * detector.
 */
public final class ObservationMapping {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private ObservationMapping() {}

  /** The frame for one observation at {@code sequence}. */
  public static ObservationFrame toFrame(long sequence, Observation observation) {
    ObservationFrame.Builder frame = ObservationFrame.newBuilder().setSequence(sequence);
    if (observation instanceof DeviceReport d) {
      frame.setDeviceReport(toProto(d));
    } else if (observation instanceof XidObservation x) {
      frame.setXid(
          dev.headroom.protocol.wire.pb.XidObservation.newBuilder()
              .setHostname(x.hostname())
              .setUuid(x.uuid())
              .setXid(x.xid())
              .setAtUnixNanos(unixNanos(x.at())));
    } else if (observation instanceof AllocatorSample a) {
      frame.setAllocatorSample(toProto(a));
    } else if (observation instanceof StepMark s) {
      frame.setStepMark(
          dev.headroom.protocol.wire.pb.StepMark.newBuilder()
              .setAtUnixNanos(unixNanos(s.at()))
              .setPid(s.pid())
              .setStep(s.step())
              .setPhase(s.phase()));
    } else if (observation instanceof RunSpecDeclared r) {
      frame.setRunSpec(
          dev.headroom.protocol.wire.pb.RunSpecDeclared.newBuilder()
              .setAtUnixNanos(unixNanos(r.at()))
              .setRunId(r.runId())
              .setPid(r.pid())
              .setSpecJson(r.specJson()));
    } else if (observation instanceof HostMemoryReport h) {
      frame.setHostMemory(
          dev.headroom.protocol.wire.pb.HostMemoryReport.newBuilder()
              .setHostname(h.hostname())
              .setAtUnixNanos(unixNanos(h.at()))
              .setTotalBytes(h.totalBytes())
              .setAvailableBytes(h.availableBytes())
              .setSwapTotalBytes(h.swapTotalBytes())
              .setSwapUsedBytes(h.swapUsedBytes()));
    } else {
      // Unreachable while Observation is sealed; a new permitted type must be mapped here.
      throw new IllegalArgumentException("no wire form for " + observation.getClass().getName());
    }
    return frame.build();
  }

  /** The observation and sequence carried by {@code frame}. */
  public static SequencedObservation fromFrame(ObservationFrame frame) throws MalformedFrameException {
    if (frame.getSequence() < 1) {
      throw new MalformedFrameException("observation frame: sequence must be >= 1, was " + frame.getSequence());
    }
    try {
      return new SequencedObservation(frame.getSequence(), observationOf(frame));
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw new MalformedFrameException(
          "observation frame " + frame.getSequence() + ": " + e.getMessage(), e);
    }
  }

  private static Observation observationOf(ObservationFrame frame) throws MalformedFrameException {
    switch (frame.getObservationCase()) {
      case DEVICE_REPORT:
        return fromProto(frame.getDeviceReport());
      case XID:
        {
          var x = frame.getXid();
          return new XidObservation(x.getHostname(), x.getUuid(), x.getXid(), instant(x.getAtUnixNanos()));
        }
      case ALLOCATOR_SAMPLE:
        return fromProto(frame.getAllocatorSample());
      case STEP_MARK:
        {
          var s = frame.getStepMark();
          return new StepMark(instant(s.getAtUnixNanos()), s.getPid(), s.getStep(), s.getPhase());
        }
      case RUN_SPEC:
        {
          var r = frame.getRunSpec();
          return new RunSpecDeclared(instant(r.getAtUnixNanos()), r.getRunId(), r.getPid(), r.getSpecJson());
        }
      case HOST_MEMORY:
        {
          var h = frame.getHostMemory();
          return new HostMemoryReport(
              h.getHostname(),
              instant(h.getAtUnixNanos()),
              h.getTotalBytes(),
              h.getAvailableBytes(),
              h.getSwapTotalBytes(),
              h.getSwapUsedBytes());
        }
      case OBSERVATION_NOT_SET:
      default:
        throw new MalformedFrameException(
            "observation frame " + frame.getSequence() + ": no observation set (field numbers 2-7)");
    }
  }

  private static dev.headroom.protocol.wire.pb.DeviceReport toProto(DeviceReport d) {
    var b =
        dev.headroom.protocol.wire.pb.DeviceReport.newBuilder()
            .setHostname(d.hostname())
            .setUuid(d.uuid())
            .setIndex(d.index())
            .setName(d.name())
            .setIntervalStartUnixNanos(unixNanos(d.intervalStart()))
            .setAtUnixNanos(unixNanos(d.at()))
            .setSampleCount(d.sampleCount())
            .setState(toProto(d.state()))
            .setTotalBytes(d.totalBytes())
            .setReservedBytes(d.reservedBytes())
            .setUsedBytes(toProto(d.usedBytes()));
    for (ProcessReport p : d.processes()) {
      var pb =
          dev.headroom.protocol.wire.pb.ProcessReport.newBuilder()
              .setPid(p.pid())
              .setUsedBytes(toProto(p.usedBytes()))
              .setAlive(p.alive());
      p.name().ifPresent(pb::setName);
      p.user().ifPresent(pb::setUser);
      p.containerId().ifPresent(pb::setContainerId);
      b.addProcesses(pb);
    }
    d.gpuUtilizationPercent().map(ObservationMapping::toProto).ifPresent(b::setGpuUtilizationPercent);
    d.pcieTxBytesPerSecond().map(ObservationMapping::toProto).ifPresent(b::setPcieTxBytesPerSecond);
    d.pcieRxBytesPerSecond().map(ObservationMapping::toProto).ifPresent(b::setPcieRxBytesPerSecond);
    d.nvlinkTxBytesPerSecond().map(ObservationMapping::toProto).ifPresent(b::setNvlinkTxBytesPerSecond);
    d.nvlinkRxBytesPerSecond().map(ObservationMapping::toProto).ifPresent(b::setNvlinkRxBytesPerSecond);
    d.temperatureCelsius().map(ObservationMapping::toProto).ifPresent(b::setTemperatureCelsius);
    d.powerMilliwatts().map(ObservationMapping::toProto).ifPresent(b::setPowerMilliwatts);
    return b.build();
  }

  private static DeviceReport fromProto(dev.headroom.protocol.wire.pb.DeviceReport d)
      throws MalformedFrameException {
    if (!d.hasUsedBytes()) {
      throw new MalformedFrameException("device report " + d.getUuid() + ": used_bytes missing");
    }
    List<ProcessReport> processes = new ArrayList<>(d.getProcessesCount());
    for (var p : d.getProcessesList()) {
      if (!p.hasUsedBytes()) {
        throw new MalformedFrameException(
            "device report " + d.getUuid() + ": process " + p.getPid() + " has no used_bytes");
      }
      processes.add(
          new ProcessReport(
              p.getPid(),
              p.hasName() ? Optional.of(p.getName()) : Optional.empty(),
              p.hasUser() ? Optional.of(p.getUser()) : Optional.empty(),
              p.hasContainerId() ? Optional.of(p.getContainerId()) : Optional.empty(),
              fromProto(p.getUsedBytes()),
              p.getAlive()));
    }
    return new DeviceReport(
        d.getHostname(),
        d.getUuid(),
        d.getIndex(),
        d.getName(),
        instant(d.getIntervalStartUnixNanos()),
        instant(d.getAtUnixNanos()),
        d.getSampleCount(),
        fromProto(d.getState(), d.getUuid()),
        d.getTotalBytes(),
        d.getReservedBytes(),
        fromProto(d.getUsedBytes()),
        processes,
        d.hasGpuUtilizationPercent() ? Optional.of(fromProto(d.getGpuUtilizationPercent())) : Optional.empty(),
        d.hasPcieTxBytesPerSecond() ? Optional.of(fromProto(d.getPcieTxBytesPerSecond())) : Optional.empty(),
        d.hasPcieRxBytesPerSecond() ? Optional.of(fromProto(d.getPcieRxBytesPerSecond())) : Optional.empty(),
        d.hasNvlinkTxBytesPerSecond() ? Optional.of(fromProto(d.getNvlinkTxBytesPerSecond())) : Optional.empty(),
        d.hasNvlinkRxBytesPerSecond() ? Optional.of(fromProto(d.getNvlinkRxBytesPerSecond())) : Optional.empty(),
        d.hasTemperatureCelsius() ? Optional.of(fromProto(d.getTemperatureCelsius())) : Optional.empty(),
        d.hasPowerMilliwatts() ? Optional.of(fromProto(d.getPowerMilliwatts())) : Optional.empty());
  }

  private static dev.headroom.protocol.wire.pb.AllocatorSample toProto(AllocatorSample a) {
    var b =
        dev.headroom.protocol.wire.pb.AllocatorSample.newBuilder()
            .setAtUnixNanos(unixNanos(a.at()))
            .setPid(a.pid())
            .setCudaDevice(a.cudaDevice())
            .setAllocatedBytes(a.allocatedBytes())
            .setPeakAllocatedBytes(a.peakAllocatedBytes())
            .setReservedBytes(a.reservedBytes())
            .setPeakReservedBytes(a.peakReservedBytes())
            .setActiveBytes(a.activeBytes())
            .setInactiveSplitBytes(a.inactiveSplitBytes())
            .setNumAllocRetries(a.numAllocRetries())
            .setNumOoms(a.numOoms());
    a.uuid().ifPresent(b::setUuid);
    a.largestFreeBlockBytes().ifPresent(b::setLargestFreeBlockBytes);
    return b.build();
  }

  private static AllocatorSample fromProto(dev.headroom.protocol.wire.pb.AllocatorSample a) {
    return new AllocatorSample(
        instant(a.getAtUnixNanos()),
        a.getPid(),
        a.getCudaDevice(),
        a.hasUuid() ? Optional.of(a.getUuid()) : Optional.empty(),
        a.getAllocatedBytes(),
        a.getPeakAllocatedBytes(),
        a.getReservedBytes(),
        a.getPeakReservedBytes(),
        a.getActiveBytes(),
        a.getInactiveSplitBytes(),
        a.hasLargestFreeBlockBytes() ? OptionalLong.of(a.getLargestFreeBlockBytes()) : OptionalLong.empty(),
        a.getNumAllocRetries(),
        a.getNumOoms());
  }

  private static dev.headroom.protocol.wire.pb.Stats toProto(Stats s) {
    return dev.headroom.protocol.wire.pb.Stats.newBuilder()
        .setMin(s.min())
        .setMax(s.max())
        .setLast(s.last())
        .build();
  }

  private static Stats fromProto(dev.headroom.protocol.wire.pb.Stats s) {
    return new Stats(s.getMin(), s.getMax(), s.getLast());
  }

  private static dev.headroom.protocol.wire.pb.DeviceState toProto(DeviceState state) {
    return switch (state) {
      case OK -> dev.headroom.protocol.wire.pb.DeviceState.DEVICE_STATE_OK;
      case FAILING -> dev.headroom.protocol.wire.pb.DeviceState.DEVICE_STATE_FAILING;
      case LOST -> dev.headroom.protocol.wire.pb.DeviceState.DEVICE_STATE_LOST;
    };
  }

  private static DeviceState fromProto(dev.headroom.protocol.wire.pb.DeviceState state, String uuid)
      throws MalformedFrameException {
    switch (state) {
      case DEVICE_STATE_OK:
        return DeviceState.OK;
      case DEVICE_STATE_FAILING:
        return DeviceState.FAILING;
      case DEVICE_STATE_LOST:
        return DeviceState.LOST;
      default:
        throw new MalformedFrameException(
            "device report " + uuid + ": state " + state + " is not OK, FAILING or LOST");
    }
  }

  /** Nanoseconds since the epoch; an int64 covers the years 1678 to 2262. */
  static long unixNanos(Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), NANOS_PER_SECOND), at.getNano());
  }

  static Instant instant(long unixNanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(unixNanos, NANOS_PER_SECOND), Math.floorMod(unixNanos, NANOS_PER_SECOND));
  }
}
