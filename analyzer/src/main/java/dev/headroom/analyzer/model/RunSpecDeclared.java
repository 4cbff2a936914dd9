package dev.headroom.analyzer.model;

import java.time.Instant;

/**
 * A run announced its model and training setup, so the collector can predict its memory.
 *
 * @param runId the run's id (the reporter's or the agent's {@code --run-id})
 * @param pid the training process, 0 when declared by the agent itself
 * @param specJson the run spec as a JSON object whose keys are the predictor's (docs/predictor.md)
 */
public record RunSpecDeclared(Instant at, String runId, long pid, String specJson) implements Observation {}
