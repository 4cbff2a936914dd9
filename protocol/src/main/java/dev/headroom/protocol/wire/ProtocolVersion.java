package dev.headroom.protocol.wire;

/** Constants both peers must agree on before any observation flows. */
public final class ProtocolVersion {

  /** The version this build speaks; a hello with another one is refused. */
  public static final int CURRENT = 1;

  /** "HROM" as a big-endian int: the first field of every hello, so a stray protobuf is refused. */
  public static final int HELLO_MAGIC = 0x48524F4D;

  /** Default largest frame accepted (1 MiB): a device report with hundreds of processes is ~30 KiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 20;

  private ProtocolVersion() {}
}
