package dev.headroom.nvml.sim;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Objects;

/**
 * One primitive of a memory curve. A process's memory at time {@code t} (seconds since the process
 * started) is the sum of its parts, never below zero. In a scenario each part is a one-key map, e.g.
 * {@code - sawtooth: {period: 1.2s, amplitude: 6GiB}}.
 *
 * <p>Every part is a pure function of time, so a scenario evaluated twice at the same instant gives
 * the same bytes, however often or in whatever order it is read.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.WRAPPER_OBJECT)
@JsonSubTypes({
  @JsonSubTypes.Type(value = CurvePart.Constant.class, name = "constant"),
  @JsonSubTypes.Type(value = CurvePart.Ramp.class, name = "ramp"),
  @JsonSubTypes.Type(value = CurvePart.Warmup.class, name = "warmup"),
  @JsonSubTypes.Type(value = CurvePart.Sawtooth.class, name = "sawtooth"),
  @JsonSubTypes.Type(value = CurvePart.Leak.class, name = "leak"),
  @JsonSubTypes.Type(value = CurvePart.Spike.class, name = "spike"),
})
public sealed interface CurvePart {

  /** Bytes this part contributes {@code t} seconds after the process started. */
  double bytesAt(double t);

  /**
   * The shortest feature of this part in seconds (a sawtooth's period, a spike's width), so the
   * OOM scan samples finely enough to see it; {@code +Infinity} for smooth parts.
   */
  default double shortestFeatureSeconds() {
    return Double.POSITIVE_INFINITY;
  }

  /** A fixed amount from the start: weights, CUDA context, optimizer states. */
  record Constant(ByteQuantity bytes) implements CurvePart {
    public Constant {
      Objects.requireNonNull(bytes, "constant needs 'bytes'");
    }

    @Override
    public double bytesAt(double t) {
      return bytes.bytes();
    }
  }

  /**
   * Linear change from {@code from} to {@code to} over {@code duration} beginning at {@code start};
   * {@code from} before, {@code to} after. A duration of 0 is a step.
   */
  record Ramp(ByteQuantity from, ByteQuantity to, TimeSpan start, TimeSpan duration) implements CurvePart {
    public Ramp {
      from = from == null ? ByteQuantity.ofBytes(0) : from;
      Objects.requireNonNull(to, "ramp needs 'to'");
      start = start == null ? TimeSpan.ZERO : start;
      duration = duration == null ? TimeSpan.ZERO : duration;
    }

    @Override
    public double bytesAt(double t) {
      double begin = start.seconds();
      if (t < begin) {
        return from.bytes();
      }
      double span = duration.seconds();
      if (span == 0 || t >= begin + span) {
        return to.bytes();
      }
      return from.bytes() + (to.bytes() - (double) from.bytes()) * (t - begin) / span;
    }
  }

  /**
   * The caching allocator warming up: memory climbs quickly over the first steps and settles on a
   * plateau, as reserved memory does once every tensor size has a cached block. Modelled as {@code
   * bytes × (1 − e^(−5t/duration))}, which is within 1 % of the plateau at {@code duration}.
   */
  record Warmup(ByteQuantity bytes, TimeSpan duration, TimeSpan start) implements CurvePart {
    public Warmup {
      Objects.requireNonNull(bytes, "warmup needs 'bytes' (the plateau)");
      Objects.requireNonNull(duration, "warmup needs 'duration'");
      if (duration.seconds() <= 0) {
        throw new IllegalArgumentException("warmup 'duration' must be more than 0");
      }
      start = start == null ? TimeSpan.ZERO : start;
    }

    @Override
    public double bytesAt(double t) {
      double since = t - start.seconds();
      if (since <= 0) {
        return 0;
      }
      return bytes.bytes() * (1 - Math.exp(-5 * since / duration.seconds()));
    }
  }

  /**
   * One tooth per training step: activations accumulate during the forward pass (a linear rise over
   * {@code riseFraction} of the period, default 0.9) and are freed by backward and the optimizer
   * step (a fall over the rest). Step boundaries are where the curve is lowest.
   */
  record Sawtooth(TimeSpan period, ByteQuantity amplitude, Double riseFraction, TimeSpan start)
      implements CurvePart {
    public Sawtooth {
      Objects.requireNonNull(period, "sawtooth needs 'period'");
      Objects.requireNonNull(amplitude, "sawtooth needs 'amplitude'");
      if (period.seconds() <= 0) {
        throw new IllegalArgumentException("sawtooth 'period' must be more than 0");
      }
      riseFraction = riseFraction == null ? 0.9 : riseFraction;
      if (riseFraction <= 0 || riseFraction > 1) {
        throw new IllegalArgumentException(
            "sawtooth 'riseFraction' must be in (0, 1], got " + riseFraction);
      }
      start = start == null ? TimeSpan.ZERO : start;
    }

    @Override
    public double bytesAt(double t) {
      double since = t - start.seconds();
      if (since < 0) {
        return 0;
      }
      double p = period.seconds();
      double phase = (since % p) / p;
      double shape = phase < riseFraction ? phase / riseFraction : (1 - phase) / (1 - riseFraction);
      return amplitude.bytes() * shape;
    }

    @Override
    public double shortestFeatureSeconds() {
      return period.seconds();
    }
  }

  /**
   * Memory that is never given back: a linear growth of {@code bytesPerMinute} from {@code start},
   * until {@code stop} when given.
   */
  record Leak(ByteQuantity bytesPerMinute, TimeSpan start, TimeSpan stop) implements CurvePart {
    public Leak {
      Objects.requireNonNull(bytesPerMinute, "leak needs 'bytesPerMinute'");
      start = start == null ? TimeSpan.ZERO : start;
      if (stop != null && stop.seconds() < start.seconds()) {
        throw new IllegalArgumentException("leak 'stop' must not be before 'start'");
      }
    }

    @Override
    public double bytesAt(double t) {
      double end = stop == null ? t : Math.min(t, stop.seconds());
      double minutes = Math.max(0, end - start.seconds()) / 60;
      return bytesPerMinute.bytes() * minutes;
    }
  }

  /** A short extra allocation of {@code bytes} during [{@code at}, {@code at + duration}). */
  record Spike(TimeSpan at, TimeSpan duration, ByteQuantity bytes) implements CurvePart {
    public Spike {
      Objects.requireNonNull(at, "spike needs 'at'");
      Objects.requireNonNull(bytes, "spike needs 'bytes'");
      duration = duration == null ? TimeSpan.ofSeconds(1) : duration;
      if (duration.seconds() <= 0) {
        throw new IllegalArgumentException("spike 'duration' must be more than 0");
      }
    }

    @Override
    public double bytesAt(double t) {
      return t >= at.seconds() && t < at.seconds() + duration.seconds() ? bytes.bytes() : 0;
    }

    @Override
    public double shortestFeatureSeconds() {
      return duration.seconds();
    }
  }
}
