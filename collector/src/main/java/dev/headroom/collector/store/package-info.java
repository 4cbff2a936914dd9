/**
 * What the collector keeps across a restart: the run catalog and the alert history in an embedded
 * SQLite database, and per-run recordings in the agent's frame format with retention by age and
 * size. Everything is written before the ingest server acknowledges the frame that caused it.
 */
package dev.headroom.collector.store;
