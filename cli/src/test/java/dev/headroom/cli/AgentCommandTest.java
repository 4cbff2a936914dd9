package dev.headroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.collector.ingest.InMemoryDeliveryLedger;
import dev.headroom.collector.ingest.IngestConfig;
import dev.headroom.collector.ingest.IngestServer;
import dev.headroom.protocol.wire.TlsContexts;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code headroom agent} in-process: a short simulated run, and bad input with its exit status. */
class AgentCommandTest {
  private static final String SCENARIO = """
      name: agent-command-test
      hosts:
        - name: sim-a
          devices:
            - type: H100_80GB_SXM
              processes:
                - pid: 4242
                  memory:
                    - constant: {bytes: 12GiB}
                  run:
                    id: run-1
                    spec: {model: llama-3-8b}
      """;

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = Headroom.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void aSimulatedRunWithoutCollectorRecordsAndExitsCleanly() throws Exception {
    Path scenario = Files.writeString(dir.resolve("s.yaml"), SCENARIO);
    Path recording = dir.resolve("recording");
    Path spec = Files.writeString(dir.resolve("spec.json"), "{\"model\": \"llama-3-8b\", \"micro_batch\": 2}");

    int status = run("agent", "--simulate", scenario.toString(), "--time-compression", "10", "--rate", "50",
        "--recording-dir", recording.toString(), "--metrics-port", "0", "--reporter-port", "0",
        "--run-id", "run-1", "--run-spec", spec.toString(), "--duration", "0.5");

    assertThat(status).as(err.toString()).isZero();
    try (Stream<Path> files = Files.list(recording)) {
      assertThat(files.filter(p -> p.toString().endsWith(".hrec")).mapToLong(p -> p.toFile().length()).sum())
          .as("bytes recorded").isGreaterThan(0);
    }
  }

  @Test
  void shipsToACollectorServingTlsWhenGivenItsCertificateAsTheCa() throws Exception {
    // A collector started with --tls-cert/--tls-key is only reachable by an agent that speaks TLS.
    Path store = dir.resolve("collector.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "c", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2",
        "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit").redirectErrorStream(true).start();
    String keytoolOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(keytoolOut).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(store.toFile())) {
      ks.load(in, "changeit".toCharArray());
    }
    Path cert = Files.writeString(dir.resolve("collector.crt"), pem("CERTIFICATE", ks.getCertificate("c").getEncoded()));
    Path key = Files.writeString(dir.resolve("collector.key"),
        pem("PRIVATE KEY", ks.getKey("c", "changeit".toCharArray()).getEncoded()));
    List<Long> delivered = new CopyOnWriteArrayList<>();
    Path scenario = Files.writeString(dir.resolve("s.yaml"), SCENARIO);

    try (IngestServer collector = IngestServer.start(IngestConfig.loopback(0).withTls(TlsContexts.server(cert, key)),
        (from, seq, observation) -> delivered.add(seq), new InMemoryDeliveryLedger(), 1)) {
      String address = "127.0.0.1:" + collector.address().getPort();
      int status = run("agent", "--simulate", scenario.toString(), "--collector", address, "--tls-ca", cert.toString(),
          "--recording-dir", dir.resolve("recording").toString(), "--metrics-port", "-1", "--reporter-port", "-1",
          "--duration", "1");
      assertThat(status).as(err.toString()).isZero();
      assertThat(delivered).as("frames the TLS collector stored").isNotEmpty();
    }

    assertThat(run("agent", "--tls-ca", dir.resolve("nope.pem").toString(), "--collector", "127.0.0.1:1")).isEqualTo(2);
    assertThat(err.toString()).contains("--tls-ca: ").contains("nope.pem");
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  @Test
  void badInputIsOneLineAndStatus2() throws Exception {
    assertThat(run("agent", "--rate", "0", "--simulate", "x.yaml")).isEqualTo(2);
    assertThat(err.toString()).contains("sampling rate must be between 1 and 1000 Hz, got 0.0");

    assertThat(run("agent", "--collector", "collector.example:http")).isEqualTo(2);
    assertThat(err.toString()).contains("--collector 'collector.example:http': port 'http' is not a number");

    assertThat(run("agent", "--token-file", dir.resolve("missing").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--token-file: token file").contains("does not exist");

    assertThat(run("agent", "--metrics-port", "70000")).isEqualTo(2);
    assertThat(err.toString()).contains("--metrics-port must be -1 (off), 0 (any free port) or 1-65535, got 70000");

    assertThat(run("agent", "--recording-size", "-5")).isEqualTo(2);
    assertThat(err.toString()).contains("--recording-size must be 0 (off) to 8388608 MiB, got -5");

    assertThat(run("agent", "--run-id", "my run")).isEqualTo(2);
    assertThat(err.toString()).contains("--run-id: must be 1-128 characters");

    Path notAnObject = Files.writeString(dir.resolve("spec.json"), "[1, 2]");
    assertThat(run("agent", "--run-spec", notAnObject.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--run-spec needs --run-id");
    assertThat(run("agent", "--run-id", "r1", "--run-spec", notAnObject.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("spec.json: the file must be a JSON object, got array");

    assertThat(run("agent", "--simulate", dir.resolve("nope.yaml").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("nope.yaml");
    assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void helpExplainsEveryOption() {
    assertThat(run("agent", "--help")).isZero();
    for (String option : new String[] {"--collector", "--token-file", "--run-id", "--simulate", "--nvml-library",
        "--rate", "--report-interval", "--metrics-port", "--reporter-port", "--recording-dir", "--duration", "--tls",
        "--tls-ca"}) {
      assertThat(out.toString()).contains(option);
    }
  }
}
