package dev.headroom.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.analyzer.model.Observation;
import dev.headroom.protocol.wire.pb.ObservationFrame;
import dev.headroom.protocol.wire.pb.Stats;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ObservationMappingTest {

  static Stream<Observation> observations() {
    return SampleObservations.all().stream();
  }

  @ParameterizedTest
  @MethodSource("observations")
  void everyObservationSurvivesTheWireUnchanged(Observation original) throws Exception {
    byte[] bytes = ObservationMapping.toFrame(17, original).toByteArray();

    SequencedObservation back = ObservationMapping.fromFrame(ObservationFrame.parseFrom(bytes));

    assertThat(back.sequence()).isEqualTo(17);
    assertThat(back.observation()).isEqualTo(original);
  }

  @Test
  void absentOptionalsStayAbsentRatherThanBecomingZero() throws Exception {
    var bare = SampleObservations.bareDeviceReport();
    var frame = ObservationMapping.toFrame(1, bare);

    assertThat(frame.getDeviceReport().hasPowerMilliwatts()).isFalse();
    assertThat(ObservationMapping.fromFrame(frame).observation())
        .isInstanceOfSatisfying(dev.headroom.analyzer.model.DeviceReport.class,
            d -> assertThat(d.powerMilliwatts()).isEmpty());
  }

  @Test
  void frameWithoutObservationIsRefusedNamingTheSequence() {
    var empty = ObservationFrame.newBuilder().setSequence(9).build();

    assertThatThrownBy(() -> ObservationMapping.fromFrame(empty))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("observation frame 9")
        .hasMessageContaining("no observation");
  }

  @Test
  void statsWithMinAboveMaxAreRefused() {
    var good = ObservationMapping.toFrame(3, SampleObservations.fullDeviceReport());
    var bad = good.toBuilder()
        .setDeviceReport(good.getDeviceReport().toBuilder()
            .setUsedBytes(Stats.newBuilder().setMin(10).setMax(5).setLast(7)))
        .build();

    assertThatThrownBy(() -> ObservationMapping.fromFrame(bad))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("min 10 > max 5");
  }

  @Test
  void unknownDeviceStateIsRefused() {
    var good = ObservationMapping.toFrame(3, SampleObservations.fullDeviceReport());
    var bad = good.toBuilder()
        .setDeviceReport(good.getDeviceReport().toBuilder().setStateValue(42))
        .build();

    assertThatThrownBy(() -> ObservationMapping.fromFrame(bad))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("GPU-1f2e3d4c")
        .hasMessageContaining("state");
  }

  @Test
  void sequenceZeroIsRefused() {
    var frame = ObservationMapping.toFrame(1, SampleObservations.bareDeviceReport()).toBuilder().setSequence(0).build();

    assertThatThrownBy(() -> ObservationMapping.fromFrame(frame)).hasMessageContaining("sequence must be >= 1");
  }
}
