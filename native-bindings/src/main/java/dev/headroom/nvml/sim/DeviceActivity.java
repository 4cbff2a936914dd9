package dev.headroom.nvml.sim;

import dev.headroom.nvml.Utilization;

/**
 * How busy a simulated device is at one instant, and what that costs: utilization is the sum of
 * the live processes' percentages (±2 of reproducible noise, at most 100), power is idle plus
 * {@code (max − idle) × utilization}, energy its integral since t = 0 (without the noise), and
 * temperature {@code 30 °C + 0.45 × utilization}.
 */
record DeviceActivity(Utilization utilization, long powerMilliwatts, long energyMillijoules, int temperatureCelsius) {

  static DeviceActivity of(DeviceModel device, double t, long seed) {
    GpuType type = device.type;
    double wattsPerPercent = (type.maxWatts() - type.idleWatts()) / 100.0;
    double energyJoules = type.idleWatts() * t;
    int gpuPercent = 0;
    int memoryPercent = 0;
    for (int i = 0; i < device.processes.size(); i++) {
      Scenario.Process spec = device.processes.get(i).spec;
      energyJoules += wattsPerPercent * spec.gpuPercent() * device.aliveSecondsBy(i, t);
      if (device.aliveAt(i, t)) {
        gpuPercent += spec.gpuPercent();
        memoryPercent += spec.memoryPercent();
      }
    }
    long key = device.info.index() * 31L;
    if (gpuPercent > 0) {
      gpuPercent = clamp(gpuPercent + (int) Math.round(2 * Noise.unit(seed, key + 1, t)));
      memoryPercent = clamp(memoryPercent + (int) Math.round(2 * Noise.unit(seed, key + 2, t)));
    }
    double watts = type.idleWatts() + wattsPerPercent * gpuPercent;
    int temperature = (int) Math.round(30 + 0.45 * gpuPercent + Noise.unit(seed, key + 3, t));
    return new DeviceActivity(
        new Utilization(gpuPercent, clamp(memoryPercent)),
        Math.round(watts * 1000),
        Math.round(energyJoules * 1000),
        temperature);
  }

  private static int clamp(int percent) {
    return Math.max(0, Math.min(100, percent));
  }
}
