/**
 * The agent's sampler: reads every device at a fixed cadence through the {@link
 * dev.headroom.nvml.Nvml} facade and folds the samples of one report interval into one {@link
 * dev.headroom.analyzer.model.DeviceReport} per device carrying min, max and last, so a spike
 * between two reports is never lost. Failing devices back off without slowing the others; Xid
 * events are read on their own thread and emitted at once.
 */
package dev.headroom.agent.sampler;
