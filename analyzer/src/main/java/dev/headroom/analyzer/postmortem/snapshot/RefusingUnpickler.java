package dev.headroom.analyzer.postmortem.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;

/**
 * An unpickler that builds only plain data (dict, list, tuple, str, bytes, int, float, bool,
 * None) and refuses every opcode that would name, build or call a class, saying which class was
 * asked for. Allocator snapshots contain nothing else, so a file that asks for a class is either
 * not a snapshot or hostile. Also refuses a length prefix that points past the end of the input,
 * so a forged length cannot make it allocate gigabytes.
 */
final class RefusingUnpickler extends Unpickler {

  /** Thrown for a refused opcode; carries the class name when the pickle named one. */
  static final class RefusedException extends PickleException {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
      super(message);
    }
  }

  private static final short GLOBAL = 'c';
  private static final short STACK_GLOBAL = 0x93;
  private static final short INST = 'i';
  private static final short OBJ = 'o';
  private static final short REDUCE = 'R';
  private static final short BUILD = 'b';
  private static final short NEWOBJ = 0x81;
  private static final short NEWOBJ_EX = 0x92;
  private static final short EXT1 = 0x82;
  private static final short EXT2 = 0x83;
  private static final short EXT4 = 0x84;
  private static final short PERSID = 'P';
  private static final short BINPERSID = 'Q';
  private static final short BINSTRING = 'T';
  private static final short BINUNICODE = 'X';
  private static final short BINBYTES = 'B';
  private static final short BINUNICODE8 = 0x8d;
  private static final short BINBYTES8 = 0x8e;
  private static final short BYTEARRAY8 = 0x96;

  private final PositionStream positioned;

  RefusingUnpickler(PositionStream positioned) {
    this.positioned = positioned;
  }

  Object load() throws IOException {
    return load(positioned);
  }

  @Override
  protected Object dispatch(short key) throws IOException {
    long at = positioned.position() - 1;
    switch (key) {
      case GLOBAL, INST -> throw refused("class " + readGlobalName(), at);
      case STACK_GLOBAL -> {
        Object name = stack.size() >= 2 ? stack.pop() : "?";
        Object module = stack.size() >= 1 ? stack.pop() : "?";
        throw refused("class " + module + "." + name, at);
      }
      case OBJ, REDUCE, BUILD, NEWOBJ, NEWOBJ_EX -> throw refused("object construction (opcode 0x"
          + Integer.toHexString(key) + ")", at);
      case EXT1, EXT2, EXT4 -> throw refused("a class from the extension registry", at);
      case PERSID, BINPERSID -> throw refused("a persistent object reference", at);
      case BINSTRING, BINUNICODE, BINBYTES -> checkLength(4);
      case BINUNICODE8, BINBYTES8, BYTEARRAY8 -> checkLength(8);
      default -> {
        // plain-data opcode: handled by the library
      }
    }
    return super.dispatch(key);
  }

  /** Peeks at a little-endian length prefix and rejects one larger than what is left of the input. */
  private void checkLength(int width) throws IOException {
    positioned.mark(width);
    long len = 0;
    for (int i = 0; i < width; i++) {
      int b = positioned.read();
      if (b < 0) {
        break;
      }
      len |= ((long) b) << (8 * i);
    }
    positioned.reset();
    long left = positioned.remaining();
    if (len < 0 || (left >= 0 && len > left)) {
      throw new PickleException(
          "a string/bytes length of " + Long.toUnsignedString(len) + " bytes at byte offset "
              + positioned.position() + " runs past the end of the file (" + left + " bytes left):"
              + " the file is truncated or corrupt");
    }
  }

  private String readGlobalName() throws IOException {
    String module = readLine(256);
    String name = readLine(256);
    return module + "." + name;
  }

  private String readLine(int max) throws IOException {
    StringBuilder sb = new StringBuilder();
    int b;
    while ((b = positioned.read()) >= 0 && b != '\n' && sb.length() < max) {
      sb.append((char) b);
    }
    return new String(sb.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  private static RefusedException refused(String what, long offset) {
    return new RefusedException(
        "the pickle asks for " + what + " (at byte offset " + offset
            + "); allocator snapshots contain only plain data, so it was refused and nothing was"
            + " executed");
  }
}
