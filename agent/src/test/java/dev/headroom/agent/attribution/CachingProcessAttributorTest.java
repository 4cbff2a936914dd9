package dev.headroom.agent.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachingProcessAttributorTest {
  static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  static final PidNamespace HOST = new PidNamespace(true, "test");

  /** A process table the test edits, counting lookups. */
  static final class FakeTable implements ProcessTable {
    final Map<Long, ProcessFacts> processes = new HashMap<>();
    int lookups;

    @Override
    public synchronized Optional<ProcessFacts> find(long pid) {
      lookups++;
      return Optional.ofNullable(processes.get(pid));
    }
  }

  static final class FakeClock implements InstantSource {
    Instant now = T0;

    @Override
    public Instant instant() {
      return now;
    }
  }

  static ProcessFacts facts(String name, Instant started) {
    return new ProcessFacts(name, Optional.of(name + " --train"), Optional.of("alice"), Optional.of(started), OptionalLong.of(1 << 30));
  }

  @Test
  void knownPidIsServedFromTheCacheUntilTheRefreshInterval(@TempDir Path proc) throws IOException {
    FakeTable table = new FakeTable();
    table.processes.put(42L, facts("python", T0.minusSeconds(100)));
    Files.createDirectories(proc.resolve("42"));
    Files.writeString(proc.resolve("42/cgroup"), "0::/system.slice/docker-" + CgroupParserTest.ID + ".scope\n");
    FakeClock clock = new FakeClock();
    var attributor = new CachingProcessAttributor(table, proc, HOST, clock, Duration.ofSeconds(5), 100);

    ProcessAttribution first = attributor.attribute(42);
    assertThat(first.status()).isEqualTo(ProcessAttribution.Status.ALIVE);
    assertThat(first.name()).hasValue("python");
    assertThat(first.user()).hasValue("alice");
    assertThat(first.container()).map(ContainerRef::runtime).hasValue(ContainerRef.Runtime.DOCKER);
    for (int i = 0; i < 49; i++) { // ten a second for 4.9 s
      clock.now = clock.now.plusMillis(100);
      assertThat(attributor.attribute(42)).isEqualTo(first);
    }
    assertThat(table.lookups).isEqualTo(1);
    clock.now = T0.plusSeconds(5);
    attributor.attribute(42);
    assertThat(table.lookups).isEqualTo(2);
  }

  @Test
  void exitedProcessBecomesDeadAndAReusedPidBecomesTheNewProcess(@TempDir Path proc) {
    FakeTable table = new FakeTable();
    table.processes.put(7L, facts("python", T0.minusSeconds(10)));
    FakeClock clock = new FakeClock();
    var attributor = new CachingProcessAttributor(table, proc, HOST, clock, Duration.ofSeconds(1), 100);
    assertThat(attributor.attribute(7).alive()).isTrue();
    table.processes.remove(7L);
    clock.now = T0.plusSeconds(2);
    assertThat(attributor.attribute(7)).isEqualTo(ProcessAttribution.dead(7));
    table.processes.put(7L, facts("bash", T0.plusSeconds(3)));
    clock.now = T0.plusSeconds(4);
    assertThat(attributor.attribute(7).name()).hasValue("bash");
    assertThat(attributor.attribute(7).container()).isEmpty(); // no cgroup file: not in a container
  }

  @Test
  void cacheIsBoundedDroppingTheLeastRecentlyAsked(@TempDir Path proc) {
    FakeTable table = new FakeTable();
    for (long pid = 1; pid <= 3; pid++) {
      table.processes.put(pid, facts("p" + pid, T0));
    }
    var attributor = new CachingProcessAttributor(table, proc, HOST, new FakeClock(), Duration.ofHours(1), 2);
    attributor.attribute(1);
    attributor.attribute(2);
    attributor.attribute(1); // 2 is now the eldest
    attributor.attribute(3); // evicts 2
    int before = table.lookups;
    attributor.attribute(1);
    assertThat(table.lookups).isEqualTo(before);
    attributor.attribute(2);
    assertThat(table.lookups).isEqualTo(before + 1);
  }

  @Test
  void withoutTheHostPidNamespaceEveryPidIsNotVisibleAndTheTableIsNotAsked(@TempDir Path proc) {
    FakeTable table = new FakeTable();
    table.processes.put(42L, facts("python", T0));
    var attributor =
        new CachingProcessAttributor(table, proc, new PidNamespace(false, "in a container"), new FakeClock(), Duration.ofSeconds(5), 100);
    assertThat(attributor.attribute(42).status()).isEqualTo(ProcessAttribution.Status.NOT_VISIBLE);
    assertThat(attributor.attribute(43).alive()).isFalse();
    assertThat(table.lookups).isZero();
  }

  @Test
  void realOshiTableResolvesThisJvmAndSeesAChildExit() throws Exception {
    var attributor = CachingProcessAttributor.forThisHost();
    long self = ProcessHandle.current().pid();
    ProcessAttribution me = attributor.attribute(self);
    if (!attributor.namespace().hostNamespace()) {
      assertThat(me.status()).isEqualTo(ProcessAttribution.Status.NOT_VISIBLE);
      return; // running inside a container's PID namespace: nothing more to resolve
    }
    assertThat(me.alive()).isTrue();
    assertThat(me.name()).hasValueSatisfying(n -> assertThat(n).contains("java"));
    assertThat(me.user()).hasValue(System.getProperty("user.name"));
    assertThat(me.hostResidentBytes().getAsLong()).isGreaterThan(1L << 20);
    Instant jvmStart = ProcessHandle.current().info().startInstant().orElseThrow();
    assertThat(Duration.between(me.startedAt().orElseThrow(), jvmStart).abs()).isLessThan(Duration.ofSeconds(2));

    Process child = new ProcessBuilder("true").start();
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(attributor.attribute(child.pid()).status()).isEqualTo(ProcessAttribution.Status.DEAD);
  }
}
