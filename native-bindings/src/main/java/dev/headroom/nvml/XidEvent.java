package dev.headroom.nvml;

import java.time.Instant;

/**
 * A critical error reported by the driver (an "Xid"). Xid 79 means the GPU fell off the bus, 31 a
 * memory page fault, 48 a double-bit ECC error; 999 is an unknown Xid.
 *
 * @param uuid the device it happened on
 * @param xid the Xid number
 * @param receivedAt when headroom received it
 */
public record XidEvent(String uuid, long xid, Instant receivedAt) {}
