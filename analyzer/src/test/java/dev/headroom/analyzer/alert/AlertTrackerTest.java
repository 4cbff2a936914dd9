package dev.headroom.analyzer.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlertTrackerTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Set<AlertKind> GPU_KINDS = Set.of(AlertKind.DANGER, AlertKind.LEAK);
  private final AlertTracker tracker = new AlertTracker();
  private final AlertScope gpu0 = AlertScope.gpu("run-1", "node-1", "GPU-0");

  private static Condition danger(double ratio) {
    return new Condition(AlertKind.DANGER, Severity.CRITICAL, Map.of("ratio", ratio), "at " + ratio, "act");
  }

  @Test
  void aConditionThatAppearsRaisesOnceThatPersistsRefreshesAndThatGoesResolves() {
    List<AlertEvent> first = tracker.update(gpu0, GPU_KINDS, List.of(danger(0.91)), T0);
    assertThat(first).singleElement().isInstanceOf(AlertEvent.Raised.class);
    Alert raised = first.get(0).alert();
    assertThat(raised.key()).isEqualTo(new AlertKey(AlertKind.DANGER, "run-1", "GPU-0"));
    assertThat(raised.gpuUuid()).contains("GPU-0");
    assertThat(raised.raisedAt()).isEqualTo(T0);
    assertThat(raised.active()).isTrue();

    assertThat(tracker.update(gpu0, GPU_KINDS, List.of(danger(0.95)), T0.plusSeconds(1))).isEmpty();
    assertThat(tracker.active()).singleElement().satisfies(a -> {
      assertThat(a.values()).containsEntry("ratio", 0.95);
      assertThat(a.raisedAt()).isEqualTo(T0);
    });

    List<AlertEvent> gone = tracker.update(gpu0, GPU_KINDS, List.of(), T0.plusSeconds(2));
    assertThat(gone).singleElement().isInstanceOf(AlertEvent.Resolved.class);
    assertThat(gone.get(0).alert().resolvedAt()).contains(T0.plusSeconds(2));
    assertThat(gone.get(0).alert().values()).containsEntry("ratio", 0.95);
    assertThat(tracker.active()).isEmpty();
  }

  @Test
  void scopesAndUnownedKindsAreLeftAlone() {
    tracker.update(gpu0, GPU_KINDS, List.of(danger(0.91)), T0);
    AlertScope gpu1 = AlertScope.gpu("run-1", "node-1", "GPU-1");
    AlertScope agent = AlertScope.agent("run-1", "node-1", "agent-a");

    assertThat(tracker.update(gpu1, GPU_KINDS, List.of(), T0)).isEmpty();
    assertThat(tracker.update(agent, Set.of(AlertKind.AGENT_SILENT), List.of(), T0)).isEmpty();
    assertThat(tracker.active()).hasSize(1);
  }

  @Test
  void aConditionOfAKindTheCallDoesNotOwnIsABug() {
    assertThatThrownBy(() -> tracker.update(gpu0, Set.of(AlertKind.LEAK), List.of(danger(0.91)), T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DANGER");
  }

  @Test
  void anAdoptedAlertIsRefreshedByItsConditionAndResolvedWhenItGoes() {
    Alert fromBefore = new AlertTracker().update(gpu0, GPU_KINDS, List.of(danger(0.91)), T0).get(0).alert();
    tracker.adopt(fromBefore);
    assertThat(tracker.isActive(gpu0, AlertKind.DANGER)).isTrue();
    assertThat(tracker.isActive(gpu0, AlertKind.LEAK)).isFalse();

    assertThat(tracker.update(gpu0, GPU_KINDS, List.of(danger(0.93)), T0.plusSeconds(60))).as("not raised again").isEmpty();
    List<AlertEvent> gone = tracker.update(gpu0, GPU_KINDS, List.of(), T0.plusSeconds(61));
    assertThat(gone).singleElement().satisfies(e -> {
      assertThat(e).isInstanceOf(AlertEvent.Resolved.class);
      assertThat(e.alert().raisedAt()).isEqualTo(T0);
      assertThat(e.alert().values()).containsEntry("ratio", 0.93);
    });
    assertThatThrownBy(() -> tracker.adopt(gone.get(0).alert())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resolved");
  }

  @Test
  void endingARunResolvesAllOfItsAlertsAndNoOthers() {
    tracker.update(gpu0, GPU_KINDS, List.of(danger(0.91)), T0);
    tracker.update(AlertScope.gpu("run-2", "node-2", "GPU-9"), GPU_KINDS, List.of(danger(0.93)), T0);

    List<AlertEvent> events = tracker.resolveRun("run-1", T0.plusSeconds(5));

    assertThat(events).singleElement().satisfies(e -> assertThat(e.alert().runId()).isEqualTo("run-1"));
    assertThat(tracker.active()).extracting(Alert::runId).containsExactly("run-2");
  }
}
