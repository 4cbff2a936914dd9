/**
 * The alert vocabulary ({@link dev.headroom.analyzer.alert.Alert}, kinds, severities) and the pure
 * bookkeeping that turns detector conditions into raise/resolve events. No threads, no I/O: the
 * collector's alert engine drives it and owns the sinks.
 */
package dev.headroom.analyzer.alert;
