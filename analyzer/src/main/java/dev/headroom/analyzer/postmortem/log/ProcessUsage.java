package dev.headroom.analyzer.postmortem.log;

import dev.headroom.analyzer.postmortem.ByteCount;
import java.util.OptionalLong;

/**
 * One entry of the NVML process list PyTorch 2.1+ prints in its OOM message.
 *
 * @param pid the process id, empty for the "this process" entry (PyTorch prints no pid for it)
 * @param self true for "Including non-PyTorch memory, this process has X memory in use"
 * @param used device memory the driver charged to the process
 */
public record ProcessUsage(OptionalLong pid, boolean self, ByteCount used) {}
