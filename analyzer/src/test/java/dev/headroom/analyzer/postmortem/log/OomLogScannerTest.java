package dev.headroom.analyzer.postmortem.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.postmortem.ByteCount;
import dev.headroom.analyzer.postmortem.Verdict;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Messy logs of our own: prefixes, wrapping, gluing, repeats, several events, streaming. */
class OomLogScannerTest {

  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;

  @Test
  void torchrunRanksGiveTwoEventsWithProcessListsAndVerdicts() throws IOException {
    List<OomEvent> events = scanResource("torchrun-two-ooms.log");
    assertThat(events).hasSize(2);

    OomEvent rank0 = events.get(0);
    assertThat(rank0.line()).isEqualTo(5);
    assertThat(rank0.framework()).isEqualTo(Framework.PYTORCH);
    assertThat(rank0.gpuIndex()).hasValue(0);
    assertBytes(rank0.triedToAllocate(), "2147483648");
    assertBytes(rank0.free(), gib("1.19"));
    assertBytes(rank0.allocatedByFramework(), gib("37.10"));
    assertBytes(rank0.reservedUnallocated(), gib("1.35"));
    assertThat(rank0.processCount()).hasValue(2);
    assertThat(rank0.processes()).filteredOn(p -> !p.self()).singleElement()
        .satisfies(p -> assertThat(p.pid()).hasValue(4123));
    assertThat(rank0.verdict()).isEqualTo(Verdict.OTHER_PROCESS);
    assertThat(rank0.reason()).contains("38.00 GiB");

    OomEvent rank1 = events.get(1);
    assertThat(rank1.line()).isEqualTo(12);
    assertThat(rank1.gpuIndex()).hasValue(1);
    assertBytes(rank1.allocatedByFramework(), gib("76.41"));
    assertBytes(rank1.reservedUnallocated(), gib("2.21"));
    assertThat(rank1.processCount()).hasValue(1);
    assertThat(rank1.verdict()).isEqualTo(Verdict.FRAGMENTATION);
    assertThat(rank1.nextStep()).contains("expandable_segments:True");
  }

  @Test
  void tensorflowBfcLineDumpAndExceptionAreOneEvent() throws IOException {
    List<OomEvent> events = scanResource("tensorflow-bfc-dump.log");
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(1);
      assertThat(e.framework()).isEqualTo(Framework.TENSORFLOW);
      assertThat(e.gpuIndex()).hasValue(1);
      assertBytes(e.triedToAllocate(), "1073741824");
      assertBytes(e.allocatedByFramework(), "10748027392");
      assertBytes(e.allowedLimit(), "10990990132");
      assertThat(e.repeats()).as("the dump and the exceptions complete the report").isEqualTo(1);
      assertThat(e.verdict()).isEqualTo(Verdict.SHORTAGE);
    });
  }

  @Test
  void carriageReturnsSplitLinesButLineNumbersStayEditorLines() throws IOException {
    List<OomEvent> events = scanResource("tqdm-carriage-returns.log");
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(1);
      assertBytes(e.triedToAllocate(), "1073741824"); // "1,024.00 MiB"
      assertBytes(e.free(), gib("2.50"));
      assertBytes(e.reservedUnallocated(), gib("0.90"));
      assertBytes(e.allowedLimit(), gib("21.32"));
      assertThat(e.verdict()).isEqualTo(Verdict.ALLOCATOR_LIMIT);
      assertThat(e.nextStep()).contains("set_per_process_memory_fraction");
      assertThat(e.excerpt()).startsWith("CUDA out of memory. Tried to allocate 1,024.00 MiB");
    });
  }

  @Test
  void deepspeedIsRecognisedFromItsSeeMemoryUsageLines() throws IOException {
    List<OomEvent> events = scanResource("deepspeed-zero.log");
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.framework()).isEqualTo(Framework.DEEPSPEED);
      assertThat(e.line()).isEqualTo(4);
      assertThat(e.gpuIndex()).hasValue(3);
      assertBytes(e.reservedUnallocated(), gib("0.30"));
      assertThat(e.verdict()).isEqualTo(Verdict.SHORTAGE);
    });
  }

  @Test
  void deepspeedMemoryReportFillsABareCudaError() throws IOException {
    String log = """
        [2023-08-01 09:00:00,002] [INFO] [utils.py:786:see_memory_usage] MA 30.12 GB         Max_MA 31.40 GB         CA 32.00 GB         Max_CA 32 GB
        RuntimeError: CUDA error: out of memory
        """;
    assertThat(scan(log)).singleElement().satisfies(e -> {
      assertThat(e.framework()).isEqualTo(Framework.DEEPSPEED);
      assertBytes(e.allocatedByFramework(), gib("30.12"));
      assertBytes(e.reservedUnallocated(), gib("1.88"));
      assertThat(e.anomalies()).anyMatch(a -> a.contains("see_memory_usage at line 1"));
      assertThat(e.verdict()).isEqualTo(Verdict.UNKNOWN);
    });
  }

  @Test
  void aRepeatedMessageIsOneEventAndGluedTextDoesNotHideIt() throws IOException {
    List<OomEvent> events = scanResource("duplicated-and-glued.log");
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(2);
      assertThat(e.repeats()).isEqualTo(2);
      assertBytes(e.reservedUnallocated(), gib("0.20"));
      assertThat(e.verdict()).isEqualTo(Verdict.FRAGMENTATION);
    });
  }

  @Test
  void theSameMessageFarApartIsTwoEvents() throws IOException {
    String oom = "RuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 7.79 GiB total"
        + " capacity; 6.10 GiB already allocated; 12.50 MiB free; 6.30 GiB reserved in total by PyTorch)\n";
    String filler = "step ok\n".repeat(OomLogScanner.MERGE_WINDOW_LINES + 5);
    List<OomEvent> events = scan(oom + filler + oom);
    assertThat(events).extracting(OomEvent::line)
        .containsExactly(1L, OomLogScanner.MERGE_WINDOW_LINES + 7L);
  }

  @Test
  void quotedWrappedMessageWithMixedPrefixesIsJoined() throws IOException {
    String log = """
        > (EngineCore_DP0 pid=17) ERROR 03-13 09:00:43 [core.py:330] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 13535.27 GiB.
        > (EngineCore_DP0 pid=17) ERROR 03-13 09:00:43 [core.py:330] GPU 2 has a total capacty of 23.99 GiB of which 0 bytes is free.
        > (EngineCore_DP0 pid=17) ERROR 03-13 09:00:43 [core.py:330] Of the allocated memory 22.00 GiB is allocated by PyTorch, and 1.00 GiB is reserved by PyTorch but unallocated.
        """;
    assertThat(scan(log)).singleElement().satisfies(e -> {
      assertThat(e.framework()).isEqualTo(Framework.VLLM);
      assertThat(e.gpuIndex()).hasValue(2);
      assertBytes(e.triedToAllocate(), gib("13535.27"));
      assertBytes(e.totalCapacity(), gib("23.99"));
      assertBytes(e.free(), "0");
      assertBytes(e.reservedUnallocated(), gib("1.00"));
      assertThat(e.verdict()).isEqualTo(Verdict.SHORTAGE);
      assertThat(e.anomalies()).anyMatch(a -> a.contains("larger than any GPU"));
    });
  }

  @Test
  void bitsandbytesFromATracebackFrame() throws IOException {
    String log = """
          File "/usr/lib/python3/site-packages/bitsandbytes/nn/modules.py", line 256, in cuda
        torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 64.00 MiB (GPU 0; 14.75 GiB total capacity; 13.90 GiB already allocated; 40.00 MiB free; 14.00 GiB reserved in total by PyTorch)
        """;
    assertThat(scan(log)).singleElement()
        .satisfies(e -> assertThat(e.framework()).isEqualTo(Framework.BITSANDBYTES));
  }

  @Test
  void otherProcessInferredWithoutNvmlList() throws IOException {
    // 24 GiB device, 1 GiB free, this allocator holds 8 GiB: 15 GiB belongs to someone else.
    String log = "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 24.00 GiB total"
        + " capacity; 7.50 GiB already allocated; 1.00 GiB free; 8.00 GiB reserved in total by PyTorch)\n";
    assertThat(scan(log)).singleElement().satisfies(e -> {
      assertThat(e.verdict()).isEqualTo(Verdict.OTHER_PROCESS);
      assertThat(e.processCount()).isEmpty();
      assertThat(e.reason()).contains("15.00 GiB");
    });
  }

  @Test
  void cublasNcclAndThcShapes() throws IOException {
    String log = """
        RuntimeError: CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`
        ok
        ok
        node1:77:77 [3] NCCL INFO init.cc:1234 NCCL WARN Cuda failure 2 'out of memory'
        """ + "x\n".repeat(OomLogScanner.MERGE_WINDOW_LINES + 1) + """
        THCudaCheck FAIL file=/pytorch/aten/src/THC/THCGeneral.cpp line=405 error=2 : out of memory
        RuntimeError: cuda runtime error (2) : out of memory at /pytorch/aten/src/THC/THCCachingAllocator.cpp:510
        """;
    assertThat(scan(log)).extracting(OomEvent::framework, OomEvent::verdict)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Framework.CUBLAS, Verdict.UNKNOWN),
            org.assertj.core.groups.Tuple.tuple(Framework.NCCL, Verdict.UNKNOWN),
            org.assertj.core.groups.Tuple.tuple(Framework.PYTORCH, Verdict.UNKNOWN));
  }

  @Test
  void logsWithoutOomAndEmptyLogsGiveNoEvents() throws IOException {
    assertThat(scan("")).isEmpty();
    assertThat(scan("epoch 1 loss 0.3\nmemory_allocated 9.7 GiB\nTried to allocate nothing\n")).isEmpty();
  }

  @Test
  void overLongLinesAreCutAndBinaryIsNoticed() throws IOException {
    byte[] garbage = new byte[100_000];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = (byte) (i % 7 == 0 ? 0 : 'a' + i % 26);
    }
    var summary = new OomLogScanner().scan(new ByteArrayInputStream(garbage), "g", garbage.length,
        (d, t) -> {}, e -> {});
    assertThat(summary.truncatedLines()).isEqualTo(1);
    assertThat(summary.looksBinary()).isTrue();
    assertThat(summary.lines()).isEqualTo(1);
  }

  @Test
  void streamsALargeLogWithProgressAndFindsTheOomAtTheEnd() throws IOException {
    byte[] line = "2024-01-01T00:00:00Z step 123 loss 1.2345 lr 0.0001 tokens/s 9876\n"
        .getBytes(StandardCharsets.US_ASCII);
    int lines = 200_000; // ~13 MB, never held whole
    List<InputStream> parts = new ArrayList<>(Collections.nCopies(lines, (InputStream) null));
    for (int i = 0; i < lines; i++) {
      parts.set(i, new ByteArrayInputStream(line));
    }
    parts.add(new ByteArrayInputStream(("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate"
        + " 2.00 MiB. GPU 0 has a total capacity of 79.15 GiB of which 1.00 MiB is free.\n")
        .getBytes(StandardCharsets.US_ASCII)));
    long total = (long) line.length * lines;
    List<Long> progress = new ArrayList<>();
    List<OomEvent> events = new ArrayList<>();
    var summary = new OomLogScanner().scan(new SequenceInputStream(Collections.enumeration(parts)),
        "big.log", total, (done, t) -> progress.add(done), events::add);
    assertThat(events).singleElement().satisfies(e -> assertThat(e.line()).isEqualTo(lines + 1L));
    assertThat(summary.lines()).isEqualTo(lines + 1L);
    assertThat(progress).hasSizeGreaterThan(10).isSorted();
    assertThat(progress.get(progress.size() - 1)).isEqualTo(summary.bytes());
  }

  private static String gib(String displayed) {
    return new BigDecimal(displayed).multiply(BigDecimal.valueOf(GIB)).toPlainString();
  }

  static void assertBytes(Optional<ByteCount> actual, String expected) {
    assertThat(actual).isPresent();
    assertThat(actual.get().bytes()).isEqualByComparingTo(new BigDecimal(expected));
  }

  private static List<OomEvent> scan(String text) throws IOException {
    return new OomLogScanner().scanAll(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "inline.log");
  }

  private static List<OomEvent> scanResource(String name) throws IOException {
    try (InputStream in = OomLogScannerTest.class.getResourceAsStream("/postmortem/logs/" + name)) {
      assertThat(in).as(name).isNotNull();
      return new OomLogScanner().scanAll(in, name);
    }
  }

  static long mib(long n) {
    return n * MIB;
  }
}
