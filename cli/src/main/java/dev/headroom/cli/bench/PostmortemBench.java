package dev.headroom.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.analyzer.postmortem.ProgressListener;
import dev.headroom.analyzer.postmortem.log.OomLogScanner;
import dev.headroom.cli.UserInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code headroom bench postmortem}: how fast the OOM log scanner streams a large log, beside the
 * floor any line reader has — {@code BufferedReader.readLine} over the same bytes — measured in the
 * same run. The log is generated on the fly (torchrun-style lines, an OOM report every 16 MiB), so
 * no disk speed is measured and nothing is held whole.
 */
@Command(
    name = "postmortem",
    mixinStandardHelpOptions = true,
    header = "Throughput of the OOM log scanner on a generated log, beside a bare readLine loop over it.",
    description =
        "Throughput of the OOM log scanner on a generated training log, beside"
            + " BufferedReader.readLine over the same bytes. One JSON line per figure.")
public final class PostmortemBench implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final long OOM_EVERY_BYTES = 16L << 20;

  @Option(names = "--megabytes", paramLabel = "MB", defaultValue = "512",
      description = "Size of the generated log in MiB (default: ${DEFAULT-VALUE}).")
  int megabytes;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
      description = "Measured rounds after one warm-up; the best round is reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    if (megabytes < 1 || megabytes > 1 << 20 || rounds < 1) {
      throw new UserInputException("--megabytes must be 1..1048576 and --rounds at least 1");
    }
    long bytes = (long) megabytes << 20;
    PrintWriter out = spec.commandLine().getOut();
    try {
      scan(Math.min(bytes, 64L << 20));
      readLines(Math.min(bytes, 64L << 20));
      double bestScan = 0;
      double bestBaseline = 0;
      int events = 0;
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        events = scan(bytes);
        double scanSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        readLines(bytes);
        double baseSeconds = (System.nanoTime() - t1) / 1e9;
        bestScan = Math.max(bestScan, megabytes / scanSeconds);
        bestBaseline = Math.max(bestBaseline, megabytes / baseSeconds);
      }
      ObjectNode o = JSON.createObjectNode();
      o.put("bench", "postmortem");
      o.put("figure", "log_scan_mib_per_second");
      o.put("megabytes", megabytes);
      o.put("headroom", Math.round(bestScan * 10) / 10.0);
      o.put("baseline_readline", Math.round(bestBaseline * 10) / 10.0);
      o.put("ratio_to_baseline", Math.round(bestScan / bestBaseline * 100) / 100.0);
      o.put("events", events);
      o.put("expected_events", GeneratedLog.expectedEvents(bytes));
      out.println(o);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int scan(long bytes) throws IOException {
    AtomicInteger n = new AtomicInteger();
    new OomLogScanner().scan(new GeneratedLog(bytes), "generated.log", bytes, ProgressListener.NONE,
        e -> n.incrementAndGet());
    return n.get();
  }

  private static long readLines(long bytes) throws IOException {
    long lines = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new GeneratedLog(bytes), StandardCharsets.UTF_8))) {
      while (r.readLine() != null) {
        lines++;
      }
    }
    return lines;
  }

  /** A log of {@code size} bytes: a block of ordinary lines, an OOM report every 16 MiB. */
  static final class GeneratedLog extends InputStream {
    private static final byte[] BLOCK = (
        "[rank0]:[2026-01-01 00:00:00,000] INFO step 1200 loss 1.2345 lr 2.0e-05 grad_norm 0.87 tokens/s 51234\n"
            + "[rank1]:[2026-01-01 00:00:00,001] INFO memory_allocated 38.1 GiB max_memory_reserved 41.0 GiB\n"
            + "Epoch 3:  41%|####      | 1200/2900 [12:01<17:02,  1.66it/s, loss=1.23]\n"
            + "[rank0]: W0101 00:00:00.002 140 torch/distributed/c10d/reducer.cpp:1300] Warning: grad strides\n")
        .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OOM = (
        "[rank0]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total"
            + " capacity of 79.15 GiB of which 1.19 GiB is free. Including non-PyTorch memory, this process has"
            + " 77.95 GiB memory in use. Of the allocated memory 75.10 GiB is allocated by PyTorch, and 1.35 GiB"
            + " is reserved by PyTorch but unallocated.\n").getBytes(StandardCharsets.US_ASCII);

    private final long size;
    private long pos;
    private long nextOom = OOM_EVERY_BYTES;
    private byte[] current = BLOCK;
    private int offset;

    GeneratedLog(long size) {
      this.size = size;
    }

    static long expectedEvents(long size) {
      // An OOM starts at each 16 MiB boundary (rounded up to a block) that still fits.
      long n = 0;
      for (long at = OOM_EVERY_BYTES; at < size; at += OOM_EVERY_BYTES) {
        n++;
      }
      return n;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= size) {
        return -1;
      }
      int n = 0;
      while (n < len && pos < size) {
        if (offset == current.length) {
          current = pos >= nextOom ? OOM : BLOCK;
          if (current == OOM) {
            nextOom += OOM_EVERY_BYTES;
          }
          offset = 0;
        }
        int k = (int) Math.min(Math.min(len - n, current.length - offset), size - pos);
        System.arraycopy(current, offset, b, off + n, k);
        offset += k;
        n += k;
        pos += k;
      }
      return n;
    }
  }
}
