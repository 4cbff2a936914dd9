/**
 * A simulated GPU source behind the {@link dev.headroom.nvml.Nvml} facade, driven by a scenario
 * file ({@code docs/scenarios.md}): named GPU types with their real totals, processes whose memory
 * is composed of primitives (constant, ramp, warm-up plateau, per-step sawtooth, leak, spike),
 * out-of-memory crashes, process churn, PCIe/NVLink counters, Xid events and lost GPUs, plus
 * {@link dev.headroom.nvml.sim.SimulatedRun} standing in for a training process's reporter.
 *
 * <p>Time comes from a {@link dev.headroom.nvml.sim.SimulationClock}: compressed for the demo,
 * manual for tests, so an hour of training runs in milliseconds. Readings are pure functions of
 * (scenario, instant); noise is a seeded hash, so runs are reproducible.
 */
package dev.headroom.nvml.sim;
