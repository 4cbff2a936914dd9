/**
 * Shipping observations to the collector: the {@link dev.headroom.agent.ship.Shipper} numbers every
 * frame, keeps it in a bounded disk buffer until the collector acknowledges it, and replays what
 * was not acknowledged after a reconnect (docs/protocol.md).
 */
package dev.headroom.agent.ship;
