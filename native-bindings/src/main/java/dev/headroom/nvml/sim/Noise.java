package dev.headroom.nvml.sim;

/**
 * Reproducible jitter: a hash of (seed, key, time bucket) instead of a stateful random generator,
 * so a reading depends only on the scenario and the instant, never on how often it was read.
 */
final class Noise {
  /** Jitter holds its value for this long, like a real reading between allocator events. */
  static final double BUCKET_SECONDS = 0.1;

  private Noise() {}

  /** A value in [−1, 1] for (seed, key) at {@code seconds}. */
  static double unit(long seed, long key, double seconds) {
    long bucket = (long) Math.floor(seconds / BUCKET_SECONDS);
    long h = mix(seed * 0x9E3779B97F4A7C15L ^ mix(key + 0x632BE59BD9B4E019L) ^ mix(bucket));
    // 53 random bits → [0, 1) → [−1, 1)
    return ((h >>> 11) * 0x1.0p-53) * 2 - 1;
  }

  /** The finalizer of MurmurHash3 (64-bit): spreads every input bit over the output. */
  private static long mix(long z) {
    z ^= z >>> 33;
    z *= 0xFF51AFD7ED558CCDL;
    z ^= z >>> 33;
    z *= 0xC4CEB9FE1A85EC53L;
    z ^= z >>> 33;
    return z;
  }
}
