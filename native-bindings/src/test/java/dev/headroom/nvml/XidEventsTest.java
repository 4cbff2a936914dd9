package dev.headroom.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Xid events through the event-set API of the fake library. */
class XidEventsTest {

  static final long XID = 0x8L;

  @Test
  void anXidOnADeviceArrivesWithItsUuidAndNumber() throws Exception {
    FakeNvml fake = FakeNvml.reset(FakeNvml.Variant.FULL, 2);
    try (JnaNvml nvml = fake.open()) {
      fake.control.fake_push_event(1, XID, 79);
      assertThat(nvml.awaitXid(Duration.ofMillis(250)))
          .contains(new XidEvent(FakeNvml.uuid(1), 79, FakeNvml.NOW));
      assertThat(fake.control.fake_last_wait_timeout_ms()).isEqualTo(250);
      assertThat(nvml.awaitXid(Duration.ofMillis(1))).as("nothing more: TIMEOUT").isEmpty();
    }
  }

  @Test
  void onlyDevicesThatSupportXidEventsAreRegistered() throws Exception {
    FakeNvml fake = FakeNvml.reset(FakeNvml.Variant.FULL, 2);
    fake.control.fake_set_supported_events(0, 0x1 | 0x2);
    try (JnaNvml nvml = fake.open()) {
      assertThat(fake.calls("nvmlDeviceRegisterEvents")).isEqualTo(1);
      fake.control.fake_push_event(0, XID, 31);
      fake.control.fake_push_event(1, XID, 48);
      assertThat(nvml.awaitXid(Duration.ofMillis(10))).contains(new XidEvent(FakeNvml.uuid(1), 48, FakeNvml.NOW));
      assertThat(nvml.awaitXid(Duration.ofMillis(10))).isEmpty();
    }
  }

  @Test
  void noDeviceWithXidSupportMeansTheFeatureIsUnsupportedAndAwaitReturnsAtOnce() throws Exception {
    FakeNvml fake = FakeNvml.reset(FakeNvml.Variant.FULL, 1);
    fake.control.fake_set_supported_events(0, 0x4);
    try (JnaNvml nvml = fake.open()) {
      assertThat(nvml.unsupportedFeatures()).containsExactly(NvmlFeature.XID_EVENTS);
      assertThat(nvml.awaitXid(Duration.ofHours(1))).isEmpty();
      assertThat(fake.calls("nvmlEventSetWait_v2")).isZero();
      assertThat(fake.calls("nvmlEventSetFree")).as("the unused set is freed at open").isEqualTo(1);
    }
  }

  @Test
  void eventSetsNotSupportedByTheDriverAreAFeatureNoteNotAnError() throws Exception {
    FakeNvml fake = FakeNvml.reset(FakeNvml.Variant.FULL, 1);
    fake.control.fake_set_return("nvmlEventSetCreate", -1, 3);
    try (JnaNvml nvml = fake.open()) {
      assertThat(nvml.unsupportedFeatures()).containsExactly(NvmlFeature.XID_EVENTS);
    }
  }

  @Test
  void aFailingWaitIsAnNvmlException() throws Exception {
    FakeNvml fake = FakeNvml.reset(FakeNvml.Variant.FULL, 1);
    try (JnaNvml nvml = fake.open()) {
      fake.control.fake_set_return("nvmlEventSetWait_v2", -1, 999);
      assertThatThrownBy(() -> nvml.awaitXid(Duration.ofMillis(5)))
          .isExactlyInstanceOf(NvmlException.class)
          .hasMessage("nvmlEventSetWait_v2 returned 999 (Unknown Error)");
    }
  }

  @Test
  void aSnapshotThreadAndAnEventThreadRunSideBySide() throws Exception {
    FakeNvml fake = FakeNvml.reset(FakeNvml.Variant.FULL, 1);
    try (JnaNvml nvml = fake.open()) {
      fake.control.fake_push_event(0, XID, 13);
      var waiter = new java.util.concurrent.CompletableFuture<java.util.Optional<XidEvent>>();
      Thread t = new Thread(() -> {
        try {
          waiter.complete(nvml.awaitXid(Duration.ofMillis(100)));
        } catch (NvmlException e) {
          waiter.completeExceptionally(e);
        }
      });
      t.start();
      for (int i = 0; i < 50; i++) {
        assertThat(nvml.snapshot(FakeNvml.uuid(0)).processes()).hasSize(2);
      }
      t.join(5_000);
      assertThat(waiter.get()).contains(new XidEvent(FakeNvml.uuid(0), 13, FakeNvml.NOW));
    }
  }
}
