/**
 * The ingest server: agents connect over TCP (optionally TLS), say hello with a token, and stream
 * observation frames that are handed to an {@link dev.headroom.collector.ObservationListener} and
 * acknowledged only after it returned. docs/protocol.md describes the exchange.
 */
package dev.headroom.collector.ingest;
