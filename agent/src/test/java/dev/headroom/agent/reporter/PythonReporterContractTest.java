package dev.headroom.agent.reporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.headroom.agent.sampler.CollectingSink;
import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.StepMark;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real Python reporter (with a fake torch) posting to the real endpoint: the two ends of
 * docs/reporter.md agree, field by field.
 */
class PythonReporterContractTest {
  private static final Path REPORTER = Path.of("..", "samples", "reporters", "pytorch");
  private static final long GIB = 1L << 30;

  private static final String SCRIPT = """
      import sys, types, warnings
      GIB = 1 << 30
      stats = {"allocated_bytes.all.current": 10 * GIB, "allocated_bytes.all.peak": 14 * GIB,
               "reserved_bytes.all.current": 16 * GIB, "reserved_bytes.all.peak": 18 * GIB,
               "active_bytes.all.current": 11 * GIB, "inactive_split_bytes.all.current": GIB,
               "num_alloc_retries": 3, "num_ooms": 1}
      cuda = types.SimpleNamespace(
          is_available=lambda: True, device_count=lambda: 1, current_device=lambda: 0,
          memory_stats=lambda d: dict(stats),
          get_device_properties=lambda d: types.SimpleNamespace(uuid="GPU-abc", total_memory=80 * GIB))
      sys.modules["torch"] = types.SimpleNamespace(cuda=cuda)
      sys.path.insert(0, sys.argv[2])
      import headroom_reporter as hr
      with warnings.catch_warnings(record=True) as caught:
          warnings.simplefilter("always")
          r = hr.HeadroomReporter(url=sys.argv[1], interval_seconds=60, run_id="contract-run", timeout_seconds=30,
                                  spec=hr.run_spec_from("llama-3-8b", seq_len=2048, micro_batch=2))
          r.start()
          r.step(7)
          r.step(8, "eval")
          r.stop(timeout_seconds=60)
      print("warnings=%d posted=%d dropped=%d" % (len(caught), r.posted, r.dropped))
      for w in caught:
          print(w.message)
      """;

  @Test
  void thePythonReporterIsAcceptedFieldByField() throws Exception {
    File python = onPath("python3");
    assumeTrue(python != null, "python3 not on PATH");
    assumeTrue(Files.exists(REPORTER.resolve("headroom_reporter.py")), "reporter sources not beside the module");
    CollectingSink sink = new CollectingSink();
    try (ReporterEndpoint endpoint = ReporterEndpoint.start(0, Clock.systemUTC(), sink)) {
      Process p = new ProcessBuilder(python.getPath(), "-c", SCRIPT,
              "http://127.0.0.1:" + endpoint.port(), REPORTER.toAbsolutePath().toString())
          .redirectErrorStream(true)
          .start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("reporter script finished").isTrue();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(output).isZero();
      assertThat(output).contains("warnings=0 posted=5 dropped=0");
    }

    List<AllocatorSample> samples = sink.all(AllocatorSample.class);
    assertThat(samples).hasSize(2); // one at start, one at stop
    AllocatorSample s = samples.get(0);
    assertThat(s.pid()).isPositive();
    assertThat(s.cudaDevice()).isZero();
    assertThat(s.uuid()).isEqualTo(Optional.of("GPU-abc"));
    assertThat(s.allocatedBytes()).isEqualTo(10 * GIB);
    assertThat(s.peakAllocatedBytes()).isEqualTo(14 * GIB);
    assertThat(s.reservedBytes()).isEqualTo(16 * GIB);
    assertThat(s.peakReservedBytes()).isEqualTo(18 * GIB);
    assertThat(s.activeBytes()).isEqualTo(11 * GIB);
    assertThat(s.inactiveSplitBytes()).isEqualTo(GIB);
    assertThat(s.numAllocRetries()).isEqualTo(3);
    assertThat(s.numOoms()).isEqualTo(1);
    assertThat(sink.all(StepMark.class)).extracting(StepMark::step, StepMark::phase)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(7L, "train"), org.assertj.core.groups.Tuple.tuple(8L, "eval"));
    RunSpecDeclared run = sink.all(RunSpecDeclared.class).get(0);
    assertThat(run.runId()).isEqualTo("contract-run");
    assertThat(run.specJson()).isEqualTo("{\"model\":\"llama-3-8b\",\"seq_len\":2048,\"gpu\":85899345920,\"micro_batch\":2}");
  }

  private static File onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, name);
      if (f.canExecute()) {
        return f;
      }
    }
    return null;
  }
}
