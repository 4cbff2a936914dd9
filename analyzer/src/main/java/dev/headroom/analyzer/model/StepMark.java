package dev.headroom.analyzer.model;

import java.time.Instant;

/**
 * The training loop reached a step boundary. Step marks let detectors take one baseline per step
 * instead of guessing the sawtooth's period.
 *
 * @param phase e.g. {@code train}, {@code eval}
 */
public record StepMark(Instant at, long pid, long step, String phase) implements Observation {}
