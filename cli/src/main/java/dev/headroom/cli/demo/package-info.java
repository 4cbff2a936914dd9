/**
 * {@code headroom demo}: a collector and one agent per simulated host in one process, shipping
 * over loopback TCP, with a live terminal view, alerts as they fire and an HTML report at the end.
 * Wiring and presentation only: sampling, shipping, detection and charts live in their modules.
 */
package dev.headroom.cli.demo;
