package dev.headroom.collector;

/**
 * Who sent a frame, as the agent's hello said it. The boot id changes every time an agent process
 * starts, so sequence numbers are only compared within one (agent id, boot id) pair.
 *
 * @param agentId stable id of the agent (by default derived from the host)
 * @param bootId random id of this agent process's life
 * @param hostname the node the agent runs on
 * @param agentVersion headroom version of the agent
 */
public record AgentIdentity(String agentId, String bootId, String hostname, String agentVersion) {}
