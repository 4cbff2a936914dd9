/**
 * The agent's local rolling recording of everything it emits, in the recording format of {@code
 * dev.headroom.protocol.recording}: what {@code headroom postmortem} reads after the trainer died.
 */
package dev.headroom.agent.recording;
