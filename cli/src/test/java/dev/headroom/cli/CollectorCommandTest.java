package dev.headroom.cli;

import static dev.headroom.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.cli.CliRun.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code headroom collector} in-process: start and stop, the rules printout, bad options. */
class CollectorCommandTest {
  @TempDir Path dir;



  @Test
  void startsOnLoopbackServesAndStopsAfterTheDurationLeavingItsCatalog() {
    Result r = run("collector", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--data-dir", dir.toString(),
        "--duration", "1");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("agents on 127.0.0.1:", "dashboard http://127.0.0.1:", "data in " + dir);
    assertThat(dir.resolve("catalog.db")).exists();
    assertThat(Files.isDirectory(dir.resolve("recordings"))).isTrue();
  }

  @Test
  void printsPrometheusRulesWithTheDangerRatioAsked() {
    Result r = run("collector", "--print-prometheus-rules", "--danger-ratio", "0.85");
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("groups:", "HeadroomDanger", "0.85");
  }

  @Test
  void badOptionsAreExplainedWithExitStatus2() {
    assertThat(run("collector", "--listen", "nonsense", "--data-dir", dir.toString()))
        .satisfies(r -> {
          assertThat(r.status()).isEqualTo(2);
          assertThat(r.err()).contains("--listen 'nonsense' is not HOST:PORT");
        });
    assertThat(run("collector", "--http", "127.0.0.1:99999", "--data-dir", dir.toString()).err())
        .contains("--http '127.0.0.1:99999': port must be 0-65535");
    assertThat(run("collector", "--token-file", dir.resolve("missing").toString(), "--data-dir", dir.toString()))
        .satisfies(r -> {
          assertThat(r.status()).isEqualTo(2);
          assertThat(r.err()).contains("--token-file", "does not exist");
        });
    assertThat(run("collector", "--webhook", "ftp://example/x", "--data-dir", dir.toString()).err())
        .contains("--webhook 'ftp://example/x' must be an http:// or https:// URL");
    assertThat(run("collector", "--danger-ratio", "1.5").err()).contains("--danger-ratio must be in (0, 1]");
  }

  @Test
  void anUnusableDataDirIsNamedWithWhatWentWrong() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("not-a-dir"), "x");
    Result r = run("collector", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0",
        "--data-dir", file.toString(), "--duration", "1");
    assertThat(r.status()).isEqualTo(2);
    // Before: "headroom: <path>" and nothing else.
    assertThat(r.err()).startsWith("headroom: --data-dir " + file + ": cannot create or write ")
        .doesNotContain("\tat ");
    assertThat(r.err().lines().count()).isEqualTo(1);
  }

  @Test
  void aCatalogDamagedPastItsFirstPageIsBadInputWithWhatToDo() throws Exception {
    java.nio.file.Path data = dir.resolve("data");
    assertThat(run("collector", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--data-dir", data.toString(),
        "--duration", "1").status()).isZero();
    java.nio.file.Path catalog = data.resolve("catalog.db");
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + catalog);
        var insert = c.prepareStatement("INSERT INTO runs (run_id, source, hostname, started_at, last_seen_at,"
            + " spec_json) VALUES (?, 'PROCESS', 'node-a', '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', ?)")) {
      for (int i = 0; i < 400; i++) {
        insert.setString(1, "run-" + i);
        insert.setString(2, "{\"notes\":\"" + "x".repeat(2000) + "\"}");
        insert.executeUpdate();
      }
      try (var s = c.createStatement()) {
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    }
    // A disk error in the middle of the runs table: SQLite opens the file and fails reading it.
    try (var f = java.nio.channels.FileChannel.open(catalog, java.nio.file.StandardOpenOption.WRITE)) {
      byte[] junk = new byte[4096 * 50];
      java.util.Arrays.fill(junk, (byte) 0xff);
      f.write(java.nio.ByteBuffer.wrap(junk), 4096L * 50);
    }

    Result r = run("collector", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--data-dir", data.toString(),
        "--duration", "1");
    assertThat(r.status()).as(r.err()).isEqualTo(2);
    // Before: "headroom: internal error: ...StoreException: cannot read runs from ..." and status 1.
    assertThat(r.err()).startsWith("headroom: cannot read runs from " + catalog)
        .contains("the catalog is damaged: move catalog.db").doesNotContain("internal error");
  }

  @Test
  void aPortInUseIsReportedWithTheAddress() throws Exception {
    try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Result r = run("collector", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:" + taken.getLocalPort(),
          "--data-dir", dir.toString(), "--duration", "1");
      assertThat(r.status()).isEqualTo(2);
      assertThat(r.err()).contains("cannot listen for HTTP on", String.valueOf(taken.getLocalPort()));
      r = run("collector", "--listen", "127.0.0.1:" + taken.getLocalPort(), "--http", "127.0.0.1:0",
          "--data-dir", dir.toString(), "--duration", "1");
      assertThat(r.status()).isEqualTo(2);
      assertThat(r.err()).contains("cannot listen for agents on", String.valueOf(taken.getLocalPort()));
    }
  }

  @Test
  void servesAgentsOverTlsWithAnOpensslCertificateAndExplainsBadTlsFiles() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "no openssl");
    Path cert = dir.resolve("c.pem");
    Path key = dir.resolve("k.pem");
    Process p = new ProcessBuilder("/usr/bin/openssl", "req", "-x509", "-newkey", "ec",
        "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
        "-subj", "/CN=localhost", "-days", "1").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    Result r = run("collector", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--data-dir",
        dir.resolve("data").toString(), "--tls-cert", cert.toString(), "--tls-key", key.toString(), "--duration", "1");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("(TLS)");

    assertThat(run("collector", "--tls-cert", cert.toString(), "--data-dir", dir.toString()).err())
        .contains("--tls-cert and --tls-key go together");
    Result missing = run("collector", "--tls-cert", dir.resolve("nope.pem").toString(), "--tls-key", key.toString(),
        "--data-dir", dir.toString());
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("nope.pem");
  }

  @Test
  void helpExplainsEveryOption() {
    Result r = run("collector", "--help");
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("--listen", "--http", "--token-file", "--data-dir", "--webhook", "--alertmanager",
        "--print-prometheus-rules", "--danger-ratio", "--retention-days", "--retention-size", "--duration",
        "--tls-cert", "--tls-key");
  }
}
