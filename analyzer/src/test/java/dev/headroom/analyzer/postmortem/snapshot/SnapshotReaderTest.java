package dev.headroom.analyzer.postmortem.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.analyzer.postmortem.Verdict;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Every real snapshot in test resources postmortem/snapshots against values computed
 * independently with python3's pickle and a refusing Unpickler (the one-off script's sums are
 * quoted in the CSV below), plus synthetic and hostile files made by make-synthetic.py.
 */
class SnapshotReaderTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // file, segments, blocks, reserved, allocated, active, largest free, inactive split, releasable, top live, trace events
    "albi2-thesis.pickle,       2,   7,    23068672,    8525824,    8525824,    7135232,         0,          0,    8519680,    0",
    "voxelflex.pickle,          3,  76,    46137344,   21002752,   21002752,   14548992,  25134592,          0,    8519680,    0",
    "mlsys-profile-grad.pickle, 7,   9,  4439670784, 3234779136, 3234779136, 1000341504,   3223552, 1201668096, 2000683008,   33",
    "silmont2000-a2.pickle,     9,  20,  3781165056,   31719936,   31719936,  536870912, 528219648, 3221225472,    8519680,   97",
    "eor-nn.pickle,            10,  54,   134217728,   48760832,   48760832,   20971520,  37222400,   48234496,    8519680, 5803",
    "yiyi-1.3b-2.0era.pickle, 257, 948,  7608467456, 5683450880, 5683450880,  207618048, 423455744, 1501560832,  205914112,    1",
    "yiyi-oom-2.0era.pickle,  176, 463, 11844714496,11840159744,11840159744,    2080768,   4554752,          0,  411828224,    1",
  })
  void realSnapshotsMatchPythonSums(
      String file, int segments, int blocks, long reserved, long allocated, long active,
      long largestFree, long inactiveSplit, long releasable, long topLive, int traceEvents)
      throws Exception {
    SnapshotReport r = analyze(file);
    assertThat(r.segments()).isEqualTo(segments);
    assertThat(r.blocks()).isEqualTo(blocks);
    assertThat(r.reservedBytes()).isEqualTo(reserved);
    assertThat(r.allocatedBytes()).isEqualTo(allocated);
    assertThat(r.activeBytes()).isEqualTo(active);
    assertThat(r.largestFreeBlockBytes()).hasValue(largestFree);
    assertThat(r.inactiveSplitBytes()).isEqualTo(inactiveSplit);
    assertThat(r.releasableBytes()).isEqualTo(releasable);
    assertThat(r.largestLive()).isNotEmpty();
    assertThat(r.largestLive().get(0).sizeBytes()).isEqualTo(topLive);
    assertThat(r.traceEvents()).isEqualTo(traceEvents);
    assertThat(r.devices()).containsExactly(0);
    assertThat(r.oom()).isEmpty();
    assertThat(r.verdict()).as("no oom event and no strong fragmentation").isEqualTo(Verdict.UNKNOWN);
  }

  @Test
  void newKeySetsCarrySettingsFramesAndTraceTimes() throws Exception {
    SnapshotReport albi = analyze("albi2-thesis.pickle");
    assertThat(albi.settings()).hasValueSatisfying(s -> {
      assertThat(s.allocConf()).hasValue("expandable_segments:True,max_split_size_mb:128");
      assertThat(s.expandableSegments()).hasValue(true);
      assertThat(s.maxSplitSizeBytes()).hasValue(134217728L);
    });
    SnapshotReport mlsys = analyze("mlsys-profile-grad.pickle");
    assertThat(mlsys.settings().get().maxSplitSizeBytes()).as("-1 means unset").isEmpty();
    assertThat(mlsys.lastEvents()).hasSize(20);
    TraceEvent last = mlsys.lastEvents().get(19);
    assertThat(last.action()).isEqualTo("free_completed");
    assertThat(last.sizeBytes()).isEqualTo(1000000000L);
    assertThat(last.timeUs()).hasValue(1735227250513625L);
    assertThat(mlsys.actionCounts())
        .containsEntry("segment_alloc", 7).containsEntry("alloc", 12).containsEntry("free_completed", 7);
    SnapshotReport eor = analyze("eor-nn.pickle");
    assertThat(eor.actionCounts()).containsEntry("snapshot", 9).containsEntry("alloc", 1935);
  }

  @Test
  void oldKeySetTakesAddressAndFramesFromHistory() throws Exception {
    SnapshotReport r = analyze("yiyi-oom-2.0era.pickle");
    var top = r.largestLive().get(0);
    assertThat(top.address()).hasValue(140048817192960L);
    assertThat(top.frames()).first().satisfies(f -> {
      assertThat(f.filename()).isEqualTo("/home/dingyiran/FlexGen/flexgen/pytorch_backend.py");
      assertThat(f.line()).isEqualTo(190);
      assertThat(f.name()).isEqualTo("allocate");
    });
    assertThat(r.settings()).isEmpty();
    assertThat(r.reason()).contains("an OOM at this moment would be a shortage");
  }

  @Test
  void cppUnwindFramesGiveWayToPythonFrames() throws Exception {
    var top = analyze("synthetic-oom-fragmented.pickle").largestLive().get(0);
    assertThat(top.sizeBytes()).isEqualTo(40L << 20);
    assertThat(top.frames()).extracting(Frame::name).containsExactly("attention");
  }

  @Test
  void oomEventWithCachedMemoryButNoHoleIsFragmentation() throws Exception {
    SnapshotReport r = analyze("synthetic-oom-fragmented.pickle");
    assertThat(r.oom()).hasValueSatisfying(o -> {
      assertThat(o.requestedBytes()).isEqualTo(30L << 20);
      assertThat(o.deviceFreeBytes()).hasValue(10L << 20);
      assertThat(o.freeBlockCouldHold()).isFalse();
    });
    assertThat(r.largestFreeBlockBytes()).hasValue(24L << 20);
    assertThat(r.cachedBytes()).isEqualTo(32L << 20);
    assertThat(r.verdict()).isEqualTo(Verdict.FRAGMENTATION);
    assertThat(r.nextStep()).contains("expandable_segments:True");
  }

  @Test
  void oomEventLargerThanEverythingCachedIsShortage() throws Exception {
    SnapshotReport r = analyze("synthetic-oom-shortage.pickle");
    assertThat(r.verdict()).isEqualTo(Verdict.SHORTAGE);
    assertThat(r.reason()).contains("100.00 MiB").contains("10.00 MiB free");
  }

  @Test
  void classesAreRefusedAndNamed() {
    assertThatThrownBy(() -> read("hostile-stack-global.pickle"))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessageContaining("hostile-stack-global.pickle")
        .hasMessageContaining("class posix.system")
        .hasMessageContaining("byte offset 48")
        .hasMessageContaining("refused");
    assertThatThrownBy(() -> read("hostile-global-proto0.pickle"))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessageContaining("class posix.system");
  }

  @Test
  void truncatedGarbageAndWrongShapesSayWhatAndWhere() throws Exception {
    byte[] whole = bytes("voxelflex.pickle");
    byte[] cut = Arrays.copyOf(whole, 1500);
    assertThatThrownBy(() -> SnapshotReader.read(new ByteArrayInputStream(cut), cut.length, "cut.pickle"))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessageMatching("cut\\.pickle: .*(ends early|runs past the end).*");

    byte[] garbage = new byte[4096];
    new Random(7).nextBytes(garbage);
    garbage[0] = (byte) 0x80;
    garbage[1] = 4;
    assertThatThrownBy(() -> SnapshotReader.read(new ByteArrayInputStream(garbage), garbage.length, "junk.bin"))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessageStartingWith("junk.bin: ");

    assertThatThrownBy(() -> read("not-a-snapshot.pickle"))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessageContaining("no 'segments' key")
        .hasMessageContaining("weights");
    assertThatThrownBy(() -> read("bad-shape.pickle"))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessageContaining("segments[1].blocks[0].size: expected an int, got str");
  }

  @Test
  void aNumberThatDoesNotParseIsNamedInTheFilesTerms() {
    // PROTO 2, INT with a text argument that is not a number, STOP.
    byte[] bad = "\u0080\u0002Inot-a-number\n.".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> SnapshotReader.read(new ByteArrayInputStream(bad), bad.length, "n.pickle"))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessageStartingWith("n.pickle: not a valid pickle at byte offset ")
        .hasMessageContaining("a number that does not parse")
        .hasMessageNotContaining("NumberFormatException");
  }

  @Test
  void aForgedLengthPrefixIsRefusedBeforeAllocating() {
    // PROTO 4, BINUNICODE8 claiming 2^40 bytes, then nothing.
    byte[] forged = {(byte) 0x80, 4, (byte) 0x8d, 0, 0, 0, 0, 0, 1, 0, 0};
    assertThatThrownBy(() -> SnapshotReader.read(new ByteArrayInputStream(forged), forged.length, "f.pickle"))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessageContaining("runs past the end of the file");
  }

  @Test
  void emptySnapshotWithFourDevices() throws Exception {
    // The shape of SunnySood80/unsupervised_finetune_resnet50's file: nothing allocated yet.
    byte[] empty = {(byte) 0x80, 4, '}', '(', (byte) 0x8c, 8, 's', 'e', 'g', 'm', 'e', 'n', 't', 's',
        ']', (byte) 0x8c, 13, 'd', 'e', 'v', 'i', 'c', 'e', '_', 't', 'r', 'a', 'c', 'e', 's',
        ']', '(', ']', ']', ']', ']', 'e', 'u', '.'};
    AllocatorSnapshot s = SnapshotReader.read(new ByteArrayInputStream(empty), empty.length, "e");
    assertThat(s.traceDevices()).isEqualTo(4);
    SnapshotReport r = new SnapshotAnalyzer().analyze(s, "e");
    assertThat(r.reservedBytes()).isZero();
    assertThat(r.largestFreeBlockBytes()).isEmpty();
    assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
  }

  static SnapshotReport analyze(String file) throws Exception {
    return new SnapshotAnalyzer().analyze(read(file), file);
  }

  static AllocatorSnapshot read(String file) throws IOException, SnapshotFormatException {
    byte[] b = bytes(file);
    return SnapshotReader.read(new ByteArrayInputStream(b), b.length, file);
  }

  static byte[] bytes(String file) throws IOException {
    try (InputStream in = SnapshotReaderTest.class.getResourceAsStream("/postmortem/snapshots/" + file)) {
      assertThat(in).as(file).isNotNull();
      return in.readAllBytes();
    }
  }
}
