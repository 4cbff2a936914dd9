package dev.headroom.analyzer.postmortem.snapshot;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import net.razorvine.pickle.PickleException;

/**
 * Reads an allocator snapshot pickle safely ({@link RefusingUnpickler}: no class is ever loaded)
 * and checks its shape, naming the key path of anything wrong ("segments[3].blocks[0].size:
 * expected an int, got str"). Keys added by newer PyTorch versions are ignored; keys missing in
 * older ones are optional where the reference says they may be.
 */
public final class SnapshotReader {

  /** The first byte of every pickle of protocol 2 or newer (PROTO opcode). */
  public static final int PICKLE_PROTO_OPCODE = 0x80;

  private SnapshotReader() {}

  /**
   * @param sizeBytes the file's size when known (guards forged length prefixes), else -1
   * @param source the file name, for messages
   */
  public static AllocatorSnapshot read(InputStream in, long sizeBytes, String source)
      throws IOException, SnapshotFormatException {
    PositionStream positioned = new PositionStream(in, sizeBytes);
    Object root;
    try {
      root = new RefusingUnpickler(positioned).load();
    } catch (RefusingUnpickler.RefusedException e) {
      throw new SnapshotFormatException(source + ": " + e.getMessage(), e);
    } catch (EOFException e) {
      throw truncated(source, positioned, e);
    } catch (StackOverflowError e) {
      // A damaged memo reference can make a container contain itself; hashing it never ends.
      throw new SnapshotFormatException(
          source + ": not a valid pickle: a self-referencing or too deeply nested structure before byte offset "
              + positioned.position());
    } catch (RuntimeException e) {
      // The library signals damaged input with PickleException but also with whatever its parsing
      // hits (NumberFormatException, ClassCastException, an empty stack): all mean "not a pickle".
      throw new SnapshotFormatException(
          source + ": not a valid pickle at byte offset " + positioned.position() + ": " + damage(e), e);
    } catch (IOException e) {
      // The library reports a short read as a plain IOException with one of these texts.
      String m = String.valueOf(e.getMessage());
      if (m.contains("premature end") || m.contains("expected more bytes")) {
        throw truncated(source, positioned, e);
      }
      throw e;
    }
    try {
      return decode(root, source);
    } catch (StackOverflowError e) {
      throw new SnapshotFormatException(source + ": the snapshot's structure refers to itself");
    }
  }

  /** What the parser hit, in the file's terms rather than the exception's. */
  private static String damage(RuntimeException e) {
    if (e instanceof PickleException) {
      return e.getMessage();
    }
    if (e instanceof NumberFormatException) {
      return "a number that does not parse (" + e.getMessage() + ")";
    }
    if (e instanceof ClassCastException) {
      return "a value of the wrong type where the format needs another";
    }
    return "damaged data (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
  }

  private static SnapshotFormatException truncated(String source, PositionStream p, Exception e) {
    return new SnapshotFormatException(
        source + ": the pickle ends early at byte offset " + p.position()
            + " (truncated file: copied before _dump_snapshot finished, or cut by a size limit)", e);
  }

  /** Maps the plain-data tree to records. */
  static AllocatorSnapshot decode(Object root, String source) throws SnapshotFormatException {
    try {
      Map<?, ?> top = asMap(root, "the top level");
      if (!top.containsKey("segments")) {
        throw new Shape("the top level: no 'segments' key (keys: " + top.keySet()
            + "); this pickle is not a torch.cuda.memory._dump_snapshot() file");
      }
      List<Segment> segments = new ArrayList<>();
      List<?> rawSegments = asList(top.get("segments"), "segments");
      for (int i = 0; i < rawSegments.size(); i++) {
        segments.add(segment(asMap(rawSegments.get(i), "segments[" + i + "]"), "segments[" + i + "]"));
      }
      List<TraceEvent> traces = new ArrayList<>();
      int traceDevices = 0;
      Object rawTraces = top.get("device_traces");
      if (rawTraces != null) {
        List<?> perDevice = asList(rawTraces, "device_traces");
        traceDevices = perDevice.size();
        for (int d = 0; d < perDevice.size(); d++) {
          List<?> events = asList(perDevice.get(d), "device_traces[" + d + "]");
          for (int i = 0; i < events.size(); i++) {
            String path = "device_traces[" + d + "][" + i + "]";
            traces.add(event(d, asMap(events.get(i), path), path));
          }
        }
      }
      Optional<AllocatorSettings> settings = Optional.empty();
      if (top.get("allocator_settings") instanceof Map<?, ?> s) {
        settings = Optional.of(settings(s));
      }
      return new AllocatorSnapshot(segments, traces, traceDevices, settings);
    } catch (Shape e) {
      throw new SnapshotFormatException(source + ": " + e.getMessage());
    }
  }

  private static Segment segment(Map<?, ?> s, String path) {
    List<Block> blocks = new ArrayList<>();
    List<?> rawBlocks = asList(req(s, "blocks", path), path + ".blocks");
    for (int i = 0; i < rawBlocks.size(); i++) {
      String bp = path + ".blocks[" + i + "]";
      blocks.add(block(asMap(rawBlocks.get(i), bp), bp));
    }
    Object pool = s.get("segment_pool_id");
    Optional<String> poolId = Optional.empty();
    if (pool instanceof Object[] tuple) {
      List<String> parts = new ArrayList<>();
      for (Object o : tuple) {
        parts.add(String.valueOf(o));
      }
      poolId = Optional.of(String.join(",", parts));
    } else if (pool != null) {
      poolId = Optional.of(String.valueOf(pool));
    }
    long total = asLong(req(s, "total_size", path), path + ".total_size");
    return new Segment(
        (int) asLong(req(s, "device", path), path + ".device"),
        asLong(req(s, "address", path), path + ".address"),
        total,
        asLong(req(s, "allocated_size", path), path + ".allocated_size"),
        optLong(s, "active_size", path).orElse(0),
        optLong(s, "requested_size", path).orElse(0),
        optLong(s, "stream", path).orElse(0),
        s.get("segment_type") instanceof String t ? t : "",
        poolId,
        Boolean.TRUE.equals(s.get("is_expandable")),
        blocks);
  }

  private static Block block(Map<?, ?> b, String path) {
    String state = asString(req(b, "state", path), path + ".state");
    BlockState parsed;
    try {
      parsed = BlockState.parse(state);
    } catch (IllegalArgumentException e) {
      throw new Shape(path + ".state: " + e.getMessage());
    }
    OptionalLong address = optLong(b, "address", path);
    List<Frame> frames = List.of();
    if (b.get("frames") != null) {
      frames = frames(b.get("frames"), path + ".frames");
    } else if (b.get("history") instanceof List<?> history && !history.isEmpty()) {
      // 2.0-era: the address and stack live in the history entries; the last one is current.
      String hp = path + ".history[" + (history.size() - 1) + "]";
      Map<?, ?> last = asMap(history.get(history.size() - 1), hp);
      if (address.isEmpty()) {
        address = optLong(last, "addr", hp);
      }
      if (last.get("frames") != null) {
        frames = frames(last.get("frames"), hp + ".frames");
      }
    }
    long size = asLong(req(b, "size", path), path + ".size");
    return new Block(
        address, size, optLong(b, "requested_size", path).orElse(size), parsed, frames);
  }

  private static TraceEvent event(int device, Map<?, ?> e, String path) {
    List<Frame> frames = e.get("frames") != null ? frames(e.get("frames"), path + ".frames") : List.of();
    return new TraceEvent(
        device,
        asString(req(e, "action", path), path + ".action"),
        optLong(e, "addr", path),
        optLong(e, "size", path).orElse(0),
        optLong(e, "stream", path).orElse(0),
        optLong(e, "device_free", path),
        optLong(e, "time_us", path),
        frames);
  }

  private static List<Frame> frames(Object raw, String path) {
    List<?> list = asList(raw, path);
    List<Frame> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      String fp = path + "[" + i + "]";
      Map<?, ?> f = asMap(list.get(i), fp);
      out.add(new Frame(
          f.get("filename") instanceof String s ? s : "??",
          optLong(f, "line", fp).orElse(0),
          f.get("name") instanceof String s ? s : "??"));
    }
    return out;
  }

  private static AllocatorSettings settings(Map<?, ?> s) {
    Optional<String> conf =
        s.get("PYTORCH_CUDA_ALLOC_CONF") instanceof String c ? Optional.of(c) : Optional.empty();
    Optional<Boolean> expandable =
        s.get("expandable_segments") instanceof Boolean b ? Optional.of(b) : Optional.empty();
    OptionalLong maxSplit = OptionalLong.empty();
    Object m = s.get("max_split_size");
    if (m instanceof Number n && !(m instanceof BigInteger) && n.longValue() > 0) {
      maxSplit = OptionalLong.of(n.longValue());
    }
    return new AllocatorSettings(conf, expandable, maxSplit);
  }

  // --- shape checks -------------------------------------------------------------------------

  /** A shape error inside decoding, turned into a SnapshotFormatException at the top. */
  private static final class Shape extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Shape(String message) {
      super(message);
    }
  }

  private static Object req(Map<?, ?> m, String key, String path) {
    Object v = m.get(key);
    if (v == null) {
      throw new Shape(path + ": missing key '" + key + "'");
    }
    return v;
  }

  private static Map<?, ?> asMap(Object o, String path) {
    if (o instanceof Map<?, ?> m) {
      return m;
    }
    throw new Shape(path + ": expected a dict, got " + typeName(o));
  }

  private static List<?> asList(Object o, String path) {
    if (o instanceof List<?> l) {
      return l;
    }
    if (o instanceof Object[] tuple) {
      return List.of(tuple);
    }
    if (o instanceof Collection<?> c) {
      return new ArrayList<>(c);
    }
    throw new Shape(path + ": expected a list, got " + typeName(o));
  }

  private static String asString(Object o, String path) {
    if (o instanceof String s) {
      return s;
    }
    throw new Shape(path + ": expected a str, got " + typeName(o));
  }

  private static long asLong(Object o, String path) {
    if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
      return ((Number) o).longValue();
    }
    if (o instanceof BigInteger big) {
      if (big.bitLength() < 64) {
        return big.longValue();
      }
      throw new Shape(path + ": integer " + big + " does not fit in 64 bits");
    }
    throw new Shape(path + ": expected an int, got " + typeName(o));
  }

  private static OptionalLong optLong(Map<?, ?> m, String key, String path) {
    Object v = m.get(key);
    return v == null ? OptionalLong.empty() : OptionalLong.of(asLong(v, path + "." + key));
  }

  private static String typeName(Object o) {
    if (o == null) {
      return "None";
    }
    if (o instanceof String) {
      return "str";
    }
    if (o instanceof Number) {
      return o instanceof Double ? "float" : "int";
    }
    if (o instanceof Boolean) {
      return "bool";
    }
    if (o instanceof Object[]) {
      return "tuple";
    }
    if (o instanceof byte[]) {
      return "bytes";
    }
    return o.getClass().getSimpleName();
  }
}
