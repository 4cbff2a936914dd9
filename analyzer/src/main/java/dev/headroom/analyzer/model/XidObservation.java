package dev.headroom.analyzer.model;

import java.time.Instant;

/** A critical driver error (Xid) on a device, shipped as soon as it is read. */
public record XidObservation(String hostname, String uuid, long xid, Instant at) implements Observation {}
