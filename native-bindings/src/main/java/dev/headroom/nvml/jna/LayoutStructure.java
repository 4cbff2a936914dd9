package dev.headroom.nvml.jna;

import com.sun.jna.Structure;

/**
 * A structure that tells its field offsets, so the facade can read reused native memory at offsets
 * taken from the structure classes (computed once) instead of reflecting per read.
 */
public abstract class LayoutStructure extends Structure {
  /** The byte offset of {@code field}, as JNA lays this structure out for the platform. */
  public final int offsetOf(String field) {
    return fieldOffset(field);
  }
}
