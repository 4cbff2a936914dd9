/**
 * The run registry: turns the stream of observations from many agents into runs (keyed by the
 * declared run id, else host + GPU + process), keeps per-GPU series and peaks, and sets every
 * observed peak against the run's prediction.
 */
package dev.headroom.collector.runs;
