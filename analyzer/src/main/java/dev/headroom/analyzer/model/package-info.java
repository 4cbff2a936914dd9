/**
 * The vocabulary shared by agent, protocol, collector and post-mortem: what an agent observed, as
 * immutable records in base units (bytes, bytes/second, Instant). One {@link
 * dev.headroom.analyzer.model.Observation} travels in one frame.
 */
package dev.headroom.analyzer.model;
