package dev.headroom.analyzer.postmortem.snapshot;

import java.util.List;
import java.util.OptionalLong;

/**
 * A block inside a segment.
 *
 * @param address device address; 2.0-era files give it only inside the block's history
 * @param frames where it was allocated (newest files: on the block; 2.0-era: its last history entry)
 */
public record Block(
    OptionalLong address, long sizeBytes, long requestedBytes, BlockState state, List<Frame> frames) {

  public Block {
    frames = List.copyOf(frames);
  }
}
