package dev.headroom.analyzer.postmortem.snapshot;

/** A block's state in the caching allocator. */
public enum BlockState {
  /** Handed to a live tensor. */
  ACTIVE_ALLOCATED,
  /** Freed by Python but still in use by another stream (the docstring says "active_awaiting_free"). */
  ACTIVE_PENDING_FREE,
  /** Cached and free. */
  INACTIVE;

  static BlockState parse(String s) {
    return switch (s) {
      case "active_allocated" -> ACTIVE_ALLOCATED;
      case "active_pending_free", "active_awaiting_free" -> ACTIVE_PENDING_FREE;
      case "inactive" -> INACTIVE;
      default -> throw new IllegalArgumentException(
          "unknown block state '" + s + "' (expected active_allocated, active_pending_free or inactive)");
    };
  }
}
