/**
 * Detectors: small stateful judges, one instance per (run, GPU) or per agent, fed model
 * observations and asked what {@link dev.headroom.analyzer.alert.Condition} holds now. Pure Java,
 * no clocks of their own (time comes in with the observations or as an argument), no threads.
 * Thresholds live in {@link dev.headroom.analyzer.detect.DetectorConfig}.
 */
package dev.headroom.analyzer.detect;
